package reader

import (
	"errors"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// TestDecodeGeoJSONStrict: the zero options, what the write routes take.
func TestDecodeGeoJSONStrict(t *testing.T) {
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
		{"integer id beyond 2^53", `{"type":"Feature","id":12345678901234567890,"geometry":{"type":"Point","coordinates":[1,2]}}`, 1, false, "12345678901234567890", ""},
		{"escaped id", `{"type":"Feature","id":"a\/b\u00e9","geometry":{"type":"Point","coordinates":[1,2]}}`, 1, false, "a/bé", ""},
		{"byte order mark", "\ufeff" + `{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}}`, 1, false, "", ""},
		{"foreign members", `{"type":"Feature","bbox":[1,2,1,2],"crs":"x","geometry":{"type":"Point","coordinates":[1,2],"bbox":[]},"properties":{"a":{"b":[1]}}}`, 1, false, "", ""},
		{"whitespace everywhere", " {\n\"type\" : \"Feature\" ,\t\"geometry\" : { \"type\" : \"LineString\" , \"coordinates\" : [ [ 1 , 2 ] , [ 3 , 4 , 5 ] ] } } ", 1, false, "", ""},
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
		{"id out of range", `{"type":"Feature","id":1e999,"geometry":{"type":"Point","coordinates":[1,2]}}`, 0, false, "", "id: number 1e999 is out of range"},
		{"repeated id", `{"type":"FeatureCollection","features":[{"type":"Feature","id":"X","geometry":{"type":"Point","coordinates":[1,2]}},{"type":"Feature","id":"X","geometry":{"type":"Point","coordinates":[1,2]}}]}`, 0, true, "", `feature 1: id: "X" repeats the id of feature 0`},
		{"type case", `{"TYPE":"Feature","geometry":{"type":"Point","coordinates":[1,2]}}`, 0, false, "", "type: missing"},
		{"type not a string", `{"type":1,"geometry":{"type":"Point","coordinates":[1,2]}}`, 0, false, "", "type: not a string"},
		{"bare geometry", `{"type":"Point","coordinates":[1,2]}`, 0, false, "", `type: "Point" is not a Feature or FeatureCollection`},
		{"no geometry", `{"type":"Feature","properties":{}}`, 0, false, "", "geometry: missing"},
		{"null geometry", `{"type":"Feature","geometry":null}`, 0, false, "", "geometry: null"},
		{"unknown geometry", `{"type":"Feature","geometry":{"type":"Circle","coordinates":[1,2]}}`, 0, false, "", `geometry.type: "Circle" is not an RFC 7946 geometry type`},
		{"nested collection", `{"type":"Feature","geometry":{"type":"GeometryCollection","geometries":[{"type":"GeometryCollection","geometries":[]}]}}`, 0, false, "", "geometry.geometries[0]: nested GeometryCollection"},
		{"empty collection geometry", `{"type":"Feature","geometry":{"type":"GeometryCollection","geometries":[]}}`, 0, false, "", "geometry.geometries: empty"},
		{"four numbers", `{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2,3,4]}}`, 0, false, "", "geometry.coordinates: a position is an array of 2 or 3 numbers"},
		{"null number", `{"type":"Feature","geometry":{"type":"Point","coordinates":[1,null]}}`, 0, false, "", "geometry.coordinates[1]: not a number"},
		{"huge number", `{"type":"Feature","geometry":{"type":"Point","coordinates":[1e999,2]}}`, 0, false, "", "geometry.coordinates[0]: 1e999 is out of range"},
		{"position not an array", `{"type":"Feature","geometry":{"type":"MultiPoint","coordinates":[1,2]}}`, 0, false, "", "geometry.coordinates[0]: a position is an array"},
		{"positions not an array", `{"type":"Feature","geometry":{"type":"LineString","coordinates":{}}}`, 0, false, "", "geometry.coordinates: not an array of positions"},
		{"latitude deep", `{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[0,0],[1,0],[1,91],[0,0]]]]}}`, 0, false, "", "geometry.coordinates[1][0][2]: latitude 91 is outside -90..90"},
		{"empty line", `{"type":"Feature","geometry":{"type":"LineString","coordinates":[[1,2]]}}`, 0, false, "", "at least 2 positions, got 1"},
		{"empty linestring", `{"type":"Feature","geometry":{"type":"LineString","coordinates":[]}}`, 0, false, "", "at least 2 positions, got 0"},
		{"empty multipolygon", `{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[]}}`, 0, false, "", "coordinates: empty"},
		{"no features", `{"type":"FeatureCollection","features":[]}`, 0, true, "", "features: empty: no features"},
		{"features not array", `{"type":"FeatureCollection","features":{}}`, 0, true, "", "features: not an array"},
		{"trailing garbage", `{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}} x`, 0, false, "", "malformed JSON"},
		{"feature in collection not a feature", `{"type":"FeatureCollection","features":[{"type":"Point","coordinates":[1,2]}]}`, 0, true, "", `feature 0: type: "Point" is not Feature`},
		{"properties not an object", `{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":[1]}`, 0, false, "", "properties: not a JSON object"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := DecodeGeoJSON([]byte(tc.body), GeoJSONOptions{})
			if tc.errSub != "" {
				var ge *GeoJSONError
				if !errors.As(err, &ge) || !strings.Contains(ge.Detail(), tc.errSub) || !errors.Is(err, ErrFormat) {
					t.Fatalf("err %v, want a GeoJSONError containing %q", err, tc.errSub)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(doc.Features) != tc.n || doc.Collection != tc.coll {
				t.Fatalf("%d features, collection %v", len(doc.Features), doc.Collection)
			}
			if tc.ids != "" && doc.Features[0].ID != tc.ids {
				t.Errorf("id %q, want %q", doc.Features[0].ID, tc.ids)
			}
		})
	}
	doc, _ := DecodeGeoJSON([]byte(`{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2,300]}}`), GeoJSONOptions{})
	if f := doc.Features[0]; f.Geometry.(orb.Point) != (orb.Point{1, 2}) || f.Properties == nil {
		t.Errorf("height not dropped or nil properties: %v %v", f.Geometry, f.Properties)
	}
}

// TestDecodeGeoJSONUTF8: a string that is not UTF-8, wherever it stands, is
// refused naming its member, rather than read with U+FFFD in its place.
func TestDecodeGeoJSONUTF8(t *testing.T) {
	pt := `"geometry":{"type":"Point","coordinates":[1,2]}`
	cases := []struct {
		name string
		body string
		want string
	}{
		{"property value", `{"type":"Feature",` + pt + `,"properties":{"title":"a` + "\xff\xfe" + `"}}`, "properties.title: invalid UTF-8"},
		{"in a collection", `{"type":"FeatureCollection","features":[{"type":"Feature",` + pt + `},{"type":"Feature",` + pt + `,"properties":{"title":"` + "\xff\xfe" + `"}}]}`, "feature 1: properties.title: invalid UTF-8"},
		{"in a collection, counted from one", `{"type":"FeatureCollection","features":[{"type":"Feature",` + pt + `},{"type":"Feature",` + pt + `,"properties":{"title":"` + "\xff\xfe" + `"}}]}`, "feature 2: properties.title: invalid UTF-8"},
		{"nested value", `{"type":"Feature",` + pt + `,"properties":{"o":{"tags":["ok","` + "\xc3" + `"]}}}`, "properties.o.tags[1]: invalid UTF-8"},
		{"member name", `{"type":"Feature",` + pt + `,"properties":{"` + "\xff" + `":1}}`, "properties: a member name: invalid UTF-8"},
		{"id", `{"type":"Feature","id":"` + "\xed\xa0\x80" + `",` + pt + `}`, "id: invalid UTF-8"},
		{"overlong encoding", `{"type":"Feature",` + pt + `,"properties":{"a":"` + "\xc0\xaf" + `"}}`, "properties.a: invalid UTF-8"},
		{"foreign member of the collection", `{"type":"FeatureCollection","name":"` + "\x80" + `","features":[]}`, "name: invalid UTF-8"},
		{"lone low surrogate", `{"type":"Feature",` + pt + `,"properties":{"a":"x\udc00"}}`, `properties.a: invalid UTF-8: \uDC00 is half of a UTF-16 surrogate pair`},
		{"high surrogate without its pair", `{"type":"Feature",` + pt + `,"properties":{"a":"\uD800\u0041"}}`, `properties.a: invalid UTF-8: \uD800 is half`},
		{"high surrogate at the end", `{"type":"Feature",` + pt + `,"properties":{"a":"\ud83d"}}`, `properties.a: invalid UTF-8: \uD83D is half`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opt := GeoJSONOptions{}
			if strings.HasSuffix(tc.name, "counted from one") {
				opt = FileGeoJSON
			}
			_, err := DecodeGeoJSON([]byte(tc.body), opt)
			var ge *GeoJSONError
			if !errors.As(err, &ge) || !strings.Contains(ge.Detail(), tc.want) {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
		})
	}
	// What is valid stays valid: a surrogate pair, an escaped backslash
	// before "ud800", a Hangul syllable escaped (U+D55C), raw multi-byte text.
	for _, s := range []string{`"\ud83d\ude00"`, `"\\ud800"`, `"\uD55C"`, `"Алматы 😀"`} {
		body := `{"type":"Feature",` + pt + `,"properties":{"a":` + s + `}}`
		if _, err := DecodeGeoJSON([]byte(body), GeoJSONOptions{}); err != nil {
			t.Errorf("%s: %v", s, err)
		}
	}
}

// TestDecodeGeoJSONOptions: what each option lets through.
func TestDecodeGeoJSONOptions(t *testing.T) {
	cases := []struct {
		name string
		opt  GeoJSONOptions
		body string
		n    int    // features read, when err is ""
		err  string // in the strict read, or with opt when n < 0
	}{
		{"null geometry", GeoJSONOptions{AllowNullGeometry: true}, `{"type":"Feature","geometry":null}`, 1, "geometry: null"},
		{"empty coordinates", GeoJSONOptions{AllowNullGeometry: true}, `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[ ]}}`, 1, "geometry.coordinates: empty"},
		{"empty collection member", GeoJSONOptions{AllowNullGeometry: true}, `{"type":"Feature","geometry":{"type":"GeometryCollection","geometries":[{"type":"MultiPoint","coordinates":[]}]}}`, 1, "a MultiPoint needs at least 1 position, got 0"},
		{"bare geometry", GeoJSONOptions{AllowBareGeometry: true}, `{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]}]}`, 1, "is not a Feature or FeatureCollection"},
		{"empty collection", GeoJSONOptions{AllowEmpty: true}, `{"type":"FeatureCollection","features":[]}`, 0, "features: empty"},
		{"empty id", GeoJSONOptions{AllowEmptyID: true}, `{"type":"Feature","id":"","geometry":{"type":"Point","coordinates":[1,2]}}`, 1, "id: empty"},
		{"vertex limit", GeoJSONOptions{MaxVertices: 5}, `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}}`, 1, ""},
		{"vertex limit exceeded", GeoJSONOptions{MaxVertices: 4}, `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}}`, -1, "geometry.coordinates[0][4]: more than 4 positions in one feature (the limit)"},
		{"vertex limit across a collection", GeoJSONOptions{MaxVertices: 2}, `{"type":"Feature","geometry":{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]},{"type":"MultiPoint","coordinates":[[1,2],[3,4]]}]}}`, -1, "geometry.geometries[1].coordinates[1]: more than 2 positions"},
		{"vertex limit per feature", GeoJSONOptions{MaxVertices: 1}, `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}},{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}}]}`, 2, ""},
		{"counted from one", GeoJSONOptions{CountFromOne: true}, `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]}},{"type":"Feature","geometry":{"type":"Point","coordinates":[1,92]}}]}`, -1, "feature 2: geometry.coordinates: latitude 92"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := DecodeGeoJSON([]byte(tc.body), tc.opt)
			if tc.n < 0 {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || len(doc.Features) != tc.n {
				t.Fatalf("%d features, %v; want %d", len(doc.Features), err, tc.n)
			}
			if tc.err == "" {
				return
			}
			if _, err := DecodeGeoJSON([]byte(tc.body), GeoJSONOptions{}); err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("without the option: err %v, want %q", err, tc.err)
			}
		})
	}
}
