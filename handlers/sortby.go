package handlers

import (
	"sort"
	"strings"

	"github.com/labstack/echo/v4"

	"kzmap/geo"
	"kzmap/geo/cql2"
)

// sortables are the properties sortby may name: the collection's scalar
// queryables (not geometry, not the datetime extent), by type.
func sortables(col geo.Collection) cql2.Queryables {
	qs, _ := cql2.QueryablesOf(&col)
	out := cql2.Queryables{}
	for n, t := range qs {
		switch t {
		case cql2.TypeString, cql2.TypeNumber, cql2.TypeInteger, cql2.TypeBoolean, cql2.TypeDate, cql2.TypeTimestamp:
			out[n] = t
		}
	}
	return out
}

// ParseSortBy parses sortby=+name,-v (OGC API – Features Part 8): property
// names, each ascending unless prefixed with "-" ("+" or nothing is
// ascending), each a sortable of the collection and named once.
func ParseSortBy(s string, col geo.Collection) ([]geo.SortKey, error) {
	const p = "sortby"
	ok := sortables(col)
	var keys []geo.SortKey
	seen := map[string]bool{}
	for i, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		k := geo.SortKey{}
		switch {
		case strings.HasPrefix(part, "-"):
			k.Desc, part = true, part[1:]
		case strings.HasPrefix(part, "+"):
			part = part[1:]
		}
		if part == "" {
			return nil, paramErr(p, "key %d is empty; want a property name, optionally after + or -", i+1)
		}
		if _, found := ok[part]; !found {
			names := make([]string, 0, len(ok))
			for n := range ok {
				names = append(names, n)
			}
			sort.Strings(names)
			return nil, paramErr(p, "%q is not a sortable property of collection %q (sortables: %s)", clip(part), col.ID, strings.Join(names, ", "))
		}
		if seen[part] {
			return nil, paramErr(p, "%q is named more than once", clip(part))
		}
		seen[part] = true
		k.Property = part
		keys = append(keys, k)
	}
	return keys, nil
}

// collectionSortables is /collections/{id}/sortables, in the shape of
// /queryables.
func (s *server) collectionSortables(c echo.Context) error {
	id := pathParam(c, "collectionId")
	col, err := s.Store.Collection(id)
	if err != nil {
		return storeErr(err, id, "")
	}
	if err := onlyJSONFormat(c); err != nil {
		return err
	}
	props := map[string]any{}
	for n, t := range sortables(col) {
		props[n] = queryableSchema(n, t, col.GeometryType)
	}
	doc := queryablesDoc(base(c)+"/collections/"+pathEsc(id)+"/sortables", "Sortables of "+titleOf(col), props)
	return writeSchema(c, doc)
}
