package handlers

import (
	"encoding/json"
	"errors"
	"maps"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb/geojson"

	"kzmap/geo"
	"kzmap/geo/names"
)

// SearchHit is one name match.
type SearchHit = names.Hit

// Searcher finds features by name, best first; *names.Index is one.
type Searcher interface {
	Search(q string, limit int) []names.Hit
}

// search answers the features whose names match q, best first, each with its
// collection and score added to a copy of its properties.
func (s *server) search(c echo.Context) error {
	q, err := reqQuery(c)
	if err != nil {
		return err
	}
	if err := q.only("f", "geometry", "limit", "q"); err != nil {
		return err
	}
	f, err := negotiate(c, q)
	if err != nil {
		return err
	}
	text, err := ParseSearchQuery(q["q"])
	if err != nil {
		return err
	}
	limit, err := parseLimit("limit", q["limit"], DefaultSearchLimit, MaxSearchLimit)
	if err != nil {
		return err
	}
	form, err := ParseSearchGeometry(q["geometry"])
	if err != nil {
		return err
	}
	var hits []SearchHit
	if s.Names != nil {
		hits = s.Names.Search(text, limit)
	}
	feats := make([]*geo.Feature, 0, len(hits))
	encoded := make([][]byte, 0, len(hits))
	for _, h := range hits {
		if len(feats) == limit {
			break
		}
		feat, err := s.Store.Feature(h.Collection, h.ID)
		if errors.Is(err, geo.ErrNoFeature) || errors.Is(err, geo.ErrNoCollection) {
			continue // deleted since the index was built
		}
		if err != nil {
			return err
		}
		// The stored feature is shared; decorate a copy.
		props := maps.Clone(feat.Properties)
		if props == nil {
			props = map[string]any{}
		}
		props["collection"] = h.Collection
		props["score"] = h.Score
		b, err := searchFeature(feat, props, form)
		if err != nil {
			return err
		}
		feats = append(feats, geo.NewFeature(feat.ID, feat.Geometry, props))
		encoded = append(encoded, b)
	}
	req := c.Request()
	b, path, raw := base(c), req.URL.EscapedPath(), req.URL.RawQuery
	links := []Link{{Href: href(b, path, raw), Rel: "self", Type: ContentTypeGeoJSON, Title: "This document"}}
	if f == formatHTML {
		links[0].Type = typeHTML
		v := searchPage(b, text, feats, links)
		return s.renderHTML(c, "search", v.Title, v)
	}
	body, err := encodedCollection(encoded, -1, links)
	if err != nil {
		return err
	}
	return writeGeoJSON(c, body)
}

// searchFeature encodes a hit in the given geometry form. The light forms
// keep a search-as-you-type answer small (a region's full outline is tens of
// kilobytes): bbox gives the geometry's bounding box as the feature's bbox
// member (RFC 7946 §5) and a null geometry; none gives neither.
func searchFeature(f *geo.Feature, props map[string]any, form string) ([]byte, error) {
	gf := geojson.Feature{Type: "Feature", ID: f.ID, Properties: props}
	switch form {
	case SearchGeometryBBox:
		if f.Geometry != nil {
			gf.BBox = geojson.NewBBox(f.Geometry.Bound())
		}
	case SearchGeometryNone:
	default:
		gf.Geometry = f.Geometry
	}
	return json.Marshal(&gf)
}
