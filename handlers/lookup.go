package handlers

import (
	"fmt"
	"sort"

	"github.com/labstack/echo/v4"
)

// lookupFields are the properties /lookup reports for each containing feature.
var lookupFields = []string{"code", "name_en", "name_kk", "name_ru"}

// collectionLookup answers the features of one collection that contain a point.
func (s *server) collectionLookup(c echo.Context) error {
	id := pathParam(c, "collectionId")
	q, err := reqQuery(c)
	if err != nil {
		return err
	}
	if err := q.only("f", "lat", "lon"); err != nil {
		return err
	}
	f, err := negotiate(c, q)
	if err != nil {
		return err
	}
	col, err := s.Store.Collection(id)
	if err != nil {
		return storeErr(err, id, "")
	}
	pt, err := ParseLonLat(q["lon"], q["lat"])
	if err != nil {
		return err
	}
	feats, err := s.Store.Lookup(id, pt)
	if err != nil {
		return storeErr(err, id, "")
	}
	req := c.Request()
	b, path, raw := base(c), req.URL.EscapedPath(), req.URL.RawQuery
	links := []Link{{Href: href(b, path, raw), Rel: "self", Type: ContentTypeGeoJSON, Title: "This document"}}
	if f == formatHTML {
		links[0].Type = typeHTML
		v := itemsPage(b, col, feats, len(feats), 0, nil, links)
		v.Title = fmt.Sprintf("%s containing %g, %g", v.Title, pt[0], pt[1])
		return s.renderHTML(c, "items", v.Title, v, crumbsTo(b, col, cell{Text: "Look-up"})...)
	}
	body, err := featureCollection(feats, nil, len(feats), links)
	if err != nil {
		return err
	}
	return writeGeoJSON(c, body)
}

// LookupAnswer is the /lookup document.
type LookupAnswer struct {
	Lon     float64        `json:"lon"`
	Lat     float64        `json:"lat"`
	Results []LookupResult `json:"results"`
}

// LookupResult is the feature of one polygon collection containing the
// point, or a null feature when none does.
type LookupResult struct {
	Collection string         `json:"collection"`
	Feature    map[string]any `json:"feature"`
}

// lookup answers, for every polygon collection, which feature contains a
// point. On a shared border several do; the lowest id wins, so the answer
// does not depend on index order.
func (s *server) lookup(c echo.Context) error {
	q, err := reqQuery(c)
	if err != nil {
		return err
	}
	if err := q.only("f", "lat", "lon"); err != nil {
		return err
	}
	if err := jsonOnly(q); err != nil {
		return err
	}
	pt, err := ParseLonLat(q["lon"], q["lat"])
	if err != nil {
		return err
	}
	cols := s.Store.Collections()
	sort.Slice(cols, func(i, j int) bool { return cols[i].ID < cols[j].ID })
	ans := LookupAnswer{Lon: pt[0], Lat: pt[1], Results: []LookupResult{}}
	for _, col := range cols {
		if col.GeometryType != "Polygon" && col.GeometryType != "MultiPolygon" {
			continue
		}
		feats, err := s.Store.Lookup(col.ID, pt)
		if err != nil {
			return storeErr(err, col.ID, "")
		}
		res := LookupResult{Collection: col.ID}
		if len(feats) > 0 {
			best := feats[0]
			for _, f := range feats[1:] {
				if f.ID < best.ID {
					best = f
				}
			}
			res.Feature = map[string]any{"id": best.ID}
			for _, k := range lookupFields {
				res.Feature[k] = best.Properties[k] // nil (JSON null) when absent
			}
		}
		ans.Results = append(ans.Results, res)
	}
	return writeJSON(c, ContentTypeJSON, ans)
}
