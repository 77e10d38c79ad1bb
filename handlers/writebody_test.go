package handlers

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestParseWriteBody(t *testing.T) {
	cases := []struct {
		name   string
		body   string
		n      int  // features on success
		coll   bool // a FeatureCollection
		ids    string
		errSub string
	}{
		{"point with height", `{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[1,2,300]},"properties":null}`, 1, false, "a", ""},
		{"numeric id", `{"type":"Feature","id":17,"geometry":{"type":"Point","coordinates":[1,2]}}`, 1, false, "17", ""},
		{"fractional id", `{"type":"Feature","id":1.5,"geometry":{"type":"Point","coordinates":[1,2]}}`, 1, false, "1.5", ""},
		{"foreign members", `{"type":"Feature","bbox":[1,2,1,2],"crs":"x","geometry":{"type":"Point","coordinates":[1,2],"bbox":[]},"properties":{"a":{"b":[1]}}}`, 1, false, "", ""},
		{"all types", `{"type":"FeatureCollection","features":[
			{"type":"Feature","geometry":{"type":"MultiPoint","coordinates":[[1,2]]}},
			{"type":"Feature","geometry":{"type":"LineString","coordinates":[[1,2],[3,4]]}},
			{"type":"Feature","geometry":{"type":"MultiLineString","coordinates":[[[1,2],[3,4]]]}},
			{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}},
			{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}},
			{"type":"Feature","geometry":{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]}]}}]}`, 6, true, "", ""},
		{"bool id", `{"type":"Feature","id":true,"geometry":{"type":"Point","coordinates":[1,2]}}`, 0, false, "", "id: not a string or a number"},
		{"empty id", `{"type":"Feature","id":"","geometry":{"type":"Point","coordinates":[1,2]}}`, 0, false, "", "id: empty"},
		{"control char id", `{"type":"Feature","id":"a\u0000b","geometry":{"type":"Point","coordinates":[1,2]}}`, 0, false, "", "control characters"},
		{"long id", `{"type":"Feature","id":"` + strings.Repeat("x", 300) + `","geometry":{"type":"Point","coordinates":[1,2]}}`, 0, false, "", "longer than 256"},
		{"type case", `{"TYPE":"Feature","geometry":{"type":"Point","coordinates":[1,2]}}`, 0, false, "", "type: missing"},
		{"no geometry", `{"type":"Feature","properties":{}}`, 0, false, "", "geometry: missing"},
		{"unknown geometry", `{"type":"Feature","geometry":{"type":"Circle","coordinates":[1,2]}}`, 0, false, "", `"Circle" is not an RFC 7946 geometry type`},
		{"nested collection", `{"type":"Feature","geometry":{"type":"GeometryCollection","geometries":[{"type":"GeometryCollection","geometries":[]}]}}`, 0, false, "", "nested GeometryCollection"},
		{"four numbers", `{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2,3,4]}}`, 0, false, "", "2 or 3 numbers"},
		{"null number", `{"type":"Feature","geometry":{"type":"Point","coordinates":[1,null]}}`, 0, false, "", "coordinates[1]: not a number"},
		{"empty line", `{"type":"Feature","geometry":{"type":"LineString","coordinates":[[1,2]]}}`, 0, false, "", "at least 2 positions, got 1"},
		{"empty multipolygon", `{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[]}}`, 0, false, "", "coordinates: empty"},
		{"no features", `{"type":"FeatureCollection","features":[]}`, 0, true, "", "no features"},
		{"features not array", `{"type":"FeatureCollection","features":{}}`, 0, true, "", "features: not an array"},
		{"trailing garbage", `{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}} x`, 0, false, "", "malformed JSON"},
		{"feature in collection not a feature", `{"type":"FeatureCollection","features":[{"type":"Point","coordinates":[1,2]}]}`, 0, true, "", `feature 0: type: "Point" is not Feature`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs, coll, err := ParseWriteBody([]byte(tc.body), WriteLimits{})
			if tc.errSub != "" {
				var be *BodyError
				if !errors.As(err, &be) || !strings.Contains(be.Detail(), tc.errSub) {
					t.Fatalf("err %v, want a BodyError containing %q", err, tc.errSub)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(fs) != tc.n || coll != tc.coll {
				t.Fatalf("%d features, collection %v", len(fs), coll)
			}
			if tc.ids != "" && fs[0].ID != tc.ids {
				t.Errorf("id %q, want %q", fs[0].ID, tc.ids)
			}
		})
	}
	fs, _, _ := ParseWriteBody([]byte(`{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2,300]}}`), WriteLimits{})
	if fs[0].Geometry.(orb.Point) != (orb.Point{1, 2}) || fs[0].Properties == nil {
		t.Errorf("height not dropped or nil properties: %v %v", fs[0].Geometry, fs[0].Properties)
	}
}

// FuzzWriteBody: no input makes the parser panic; what it accepts is
// within range and encodes as GeoJSON; what it refuses is a *BodyError.
func FuzzWriteBody(f *testing.F) {
	for _, s := range []string{
		`{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{}}`,
		`{"type":"FeatureCollection","features":[{"type":"Feature","id":3,"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]},"properties":null}]}`,
		`{"type":"Feature","geometry":{"type":"GeometryCollection","geometries":[{"type":"LineString","coordinates":[[1,2],[3,4]]}]}}`,
		`[]`, `null`, `{"type":"Feature","geometry":{"type":"Point","coordinates":[1e999,2]}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fs, _, err := ParseWriteBody(b, WriteLimits{MaxVertices: 1000})
		if err != nil {
			var be *BodyError
			if !errors.As(err, &be) || be.Detail() == "" {
				t.Fatalf("error %v is not a BodyError", err)
			}
			return
		}
		if len(fs) == 0 {
			t.Fatal("no features and no error")
		}
		for _, f := range fs {
			if f.Geometry == nil {
				t.Fatal("nil geometry accepted")
			}
			var bad bool
			checkPoints(f.Geometry, func(p orb.Point) {
				bad = bad || math.Abs(p[0]) > 180 || math.Abs(p[1]) > 90 || math.IsNaN(p[0]) || math.IsNaN(p[1])
			})
			if bad {
				t.Fatalf("out-of-range coordinates accepted: %v", f.Geometry)
			}
			if len(f.GeoJSON()) == 0 {
				t.Fatal("empty encoding")
			}
		}
	})
}

func checkPoints(g orb.Geometry, fn func(orb.Point)) {
	switch g := g.(type) {
	case orb.Point:
		fn(g)
	case orb.MultiPoint:
		for _, p := range g {
			fn(p)
		}
	case orb.LineString:
		checkPoints(orb.MultiPoint(g), fn)
	case orb.Ring:
		checkPoints(orb.MultiPoint(g), fn)
	case orb.MultiLineString:
		for _, l := range g {
			checkPoints(l, fn)
		}
	case orb.Polygon:
		for _, r := range g {
			checkPoints(r, fn)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			checkPoints(p, fn)
		}
	case orb.Collection:
		for _, m := range g {
			checkPoints(m, fn)
		}
	}
}
