package handlers

import (
	"errors"
	"strings"

	"github.com/paulmach/orb"

	"kzmap/geo"
	"kzmap/geo/cql2"
)

// filterLangs are the filter-lang values accepted; cql-text is GDAL's name
// for cql2-text and is read as such.
var filterLangs = []string{cql2.LangText, cql2.LangJSON, cql2.LangCQLText}

// parseFilter reads filter, filter-lang and filter-crs (OGC API – Features
// Part 3) into the query: the compiled filter and the boxes it implies.
// filter-lang and filter-crs are checked even without a filter.
func parseFilter(q query, col geo.Collection, out *geo.Query) error {
	lang, hasLang := q["filter-lang"]
	if hasLang {
		known := false
		for _, l := range filterLangs {
			known = known || l == lang
		}
		if !known {
			return paramErr("filter-lang", "%q is not one of %s", clip(lang), strings.Join(filterLangs, ", "))
		}
	}
	if v, ok := q["filter-crs"]; ok && !isCRS84(v) {
		return paramErr("filter-crs", "%q is not supported; the only CRS is %s", clip(v), CRS84)
	}
	text, ok := q["filter"]
	if !ok {
		return nil
	}
	f, boxes, err := compileFilter(lang, text, col)
	if err != nil {
		return err
	}
	out.Filter, out.FilterBoxes = f, boxes
	return nil
}

// compileFilter parses and type-checks one filter against the collection's
// queryables. Every refusal is a *ParamError on "filter" whose reason
// starts with the position ("at 14: …", or a JSON pointer for cql2-json).
func compileFilter(lang, text string, col geo.Collection) (*cql2.Filter, []orb.Bound, error) {
	if len(text) > cql2.MaxInputBytes {
		return nil, nil, paramErr("filter", "at %d: longer than %d bytes", cql2.MaxInputBytes, cql2.MaxInputBytes)
	}
	if strings.TrimSpace(text) == "" {
		return nil, nil, paramErr("filter", "at 0: empty filter")
	}
	e, err := cql2.Parse(lang, text)
	if err != nil {
		return nil, nil, filterErr(err)
	}
	qs, tp := cql2.QueryablesOf(&col)
	f, err := cql2.Compile(e, qs, tp)
	if err != nil {
		return nil, nil, filterErr(err)
	}
	boxes, bounded := f.Bounds()
	if !bounded {
		return f, nil, nil
	}
	if boxes == nil {
		boxes = []orb.Bound{}
	}
	return f, boxes, nil
}

// filterErr turns a cql2 error into the 400 naming the filter parameter.
func filterErr(err error) error {
	var se *cql2.SyntaxError
	if errors.As(err, &se) {
		return paramErr("filter", "%s", se.Error())
	}
	return paramErr("filter", "%s", err.Error())
}
