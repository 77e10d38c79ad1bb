package reader

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/paulmach/orb"

	"kzmap/geo/internal/benchdata"
)

func TestReadGeoJSON(t *testing.T) {
	type want struct {
		id    string
		geom  orb.Geometry
		props map[string]any
	}
	square := orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}
	cases := []struct {
		name string
		in   string
		want []want
	}{
		{
			name: "feature collection",
			in: `{"type":"FeatureCollection","features":[
				{"type":"Feature","id":"KZ47","properties":{"name":"Mangystau","pop":698.8,"n":3,"ok":true,"none":null},
				 "geometry":{"type":"Point","coordinates":[51.2,43.6]}},
				{"type":"Feature","id":17,"properties":null,"geometry":null}]}`,
			want: []want{
				{"KZ47", orb.Point{51.2, 43.6}, map[string]any{"name": "Mangystau", "pop": 698.8, "n": 3.0, "ok": true, "none": nil}},
				{"17", nil, map[string]any{}},
			},
		},
		{
			name: "empty collection",
			in:   `{"type":"FeatureCollection","features":[]}`,
			want: []want{},
		},
		{
			name: "single feature without id, with foreign members and bbox",
			in: `{"type":"Feature","bbox":[0,0,1,1],"title":"x","properties":{"a":"b"},
				"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}}`,
			want: []want{{"", orb.Polygon{square}, map[string]any{"a": "b"}}},
		},
		{
			name: "bare geometry",
			in:   `{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,1],[0,0]]],[[[2,2],[3,2],[3,3],[2,2]]]]}`,
			want: []want{{"", orb.MultiPolygon{{square}, {{{2, 2}, {3, 2}, {3, 3}, {2, 2}}}}, map[string]any{}}},
		},
		{
			name: "byte order mark and altitude",
			in:   "\ufeff" + `{"type":"LineString","coordinates":[[0,0,100],[1,1,200]]}`,
			want: []want{{"", orb.LineString{{0, 0}, {1, 1}}, map[string]any{}}},
		},
		{
			name: "numeric ids",
			in: `{"type":"FeatureCollection","features":[
				{"type":"Feature","id":12345678901234567890,"properties":{},"geometry":null},
				{"type":"Feature","id":1.5,"properties":{},"geometry":null},
				{"type":"Feature","id":2.0,"properties":{},"geometry":null},
				{"type":"Feature","id":-7,"properties":{},"geometry":null}]}`,
			want: []want{
				{"12345678901234567890", nil, map[string]any{}},
				{"1.5", nil, map[string]any{}},
				{"2", nil, map[string]any{}},
				{"-7", nil, map[string]any{}},
			},
		},
		{
			name: "all geometry types at the limits",
			in: `{"type":"GeometryCollection","geometries":[
				{"type":"Point","coordinates":[-180,-90]},
				{"type":"MultiPoint","coordinates":[[180,90],[0,0]]},
				{"type":"MultiLineString","coordinates":[[[0,0],[1,1]],[[2,2],[3,3]]]},
				{"type":"Polygon","coordinates":[]}]}`,
			want: []want{{"", orb.Collection{
				orb.Point{-180, -90},
				orb.MultiPoint{{180, 90}, {0, 0}},
				orb.MultiLineString{{{0, 0}, {1, 1}}, {{2, 2}, {3, 3}}},
			}, map[string]any{}}},
		},
		{
			name: "empty coordinates read as null",
			in:   `{"type":"Feature","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[]}}`,
			want: []want{{"", nil, map[string]any{}}},
		},
		{
			name: "nested property values kept",
			in:   `{"type":"Feature","properties":{"tags":["a","b"],"o":{"k":1}},"geometry":null}`,
			want: []want{{"", nil, map[string]any{"tags": []any{"a", "b"}, "o": map[string]any{"k": 1.0}}}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadGeoJSON(strings.NewReader(tc.in), "in.geojson")
			if err != nil {
				t.Fatal(err)
			}
			if got == nil || len(got) != len(tc.want) {
				t.Fatalf("got %d features, want %d", len(got), len(tc.want))
			}
			for i, w := range tc.want {
				f := got[i]
				if f.ID != w.id {
					t.Errorf("feature %d: id %q, want %q", i+1, f.ID, w.id)
				}
				if (w.geom == nil) != (f.Geometry == nil) || (w.geom != nil && !orb.Equal(f.Geometry, w.geom)) {
					t.Errorf("feature %d: geometry %#v, want %#v", i+1, f.Geometry, w.geom)
				}
				if !reflect.DeepEqual(f.Properties, w.props) {
					t.Errorf("feature %d: properties %#v, want %#v", i+1, f.Properties, w.props)
				}
			}
		})
	}
}

func TestReadGeoJSONBad(t *testing.T) {
	fc := func(features ...string) string {
		return `{"type":"FeatureCollection","features":[` + strings.Join(features, ",") + `]}`
	}
	ok := `{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}`
	geom := func(g string) string { return `{"type":"Feature","properties":{},"geometry":` + g + `}` }
	cases := []struct {
		name string
		in   string
		want []string
	}{
		{"empty input", ``, []string{"bad.json: malformed JSON at byte 0"}},
		{"not json", `{"type":`, []string{"bad.json: malformed JSON at byte 8"}},
		{"array", `[1,2]`, []string{"bad.json: not a JSON object"}},
		{"no type", `{"features":[]}`, []string{"bad.json: type: missing"}},
		{"unknown type", `{"type":"Topology"}`, []string{"bad.json: type: \"Topology\" is not a Feature, FeatureCollection or RFC 7946 geometry type"}},
		{"collection without features", `{"type":"FeatureCollection"}`, []string{"bad.json: features: missing"}},
		{"features not an array", `{"type":"FeatureCollection","features":{}}`, []string{"bad.json: features: not an array"}},
		{"feature not an object", fc(ok, `3`), []string{"bad.json: feature 2: not a JSON object"}},
		{"feature of wrong type", fc(ok, ok, `{"type":"Point","coordinates":[1,2]}`), []string{"bad.json: feature 3: type: \"Point\" is not Feature"}},
		{"id of wrong type", fc(`{"type":"Feature","id":true,"geometry":null}`), []string{"feature 1: id: not a string or a number"}},
		{"properties not an object", fc(`{"type":"Feature","properties":[1],"geometry":null}`), []string{"feature 1: properties: not a JSON object"}},
		{"geometry not an object", fc(ok, geom(`"POINT(1 2)"`)), []string{"feature 2: geometry: not a JSON object"}},
		{"geometry without type", fc(geom(`{"coordinates":[1,2]}`)), []string{"feature 1: geometry.type: missing"}},
		{"unknown geometry type", fc(geom(`{"type":"Circle","coordinates":[1,2]}`)), []string{"feature 1: geometry.type: \"Circle\" is not an RFC 7946 geometry type"}},
		{"missing coordinates", fc(geom(`{"type":"Point"}`)), []string{"feature 1: geometry.coordinates: missing"}},
		{"null coordinates", fc(geom(`{"type":"Polygon","coordinates":null}`)), []string{"feature 1: geometry.coordinates: missing"}},
		{"coordinates of wrong depth", fc(geom(`{"type":"Polygon","coordinates":[[1,2],[3,4]]}`)), []string{"feature 1: geometry.coordinates[0][0]: a position is an array of 2 or 3 numbers"}},
		{"string coordinate", fc(geom(`{"type":"Point","coordinates":["1","2"]}`)), []string{"feature 1: geometry.coordinates[0]: not a number"}},
		{"short position", fc(geom(`{"type":"Point","coordinates":[1]}`)), []string{"feature 1: geometry.coordinates: a position is an array of 2 or 3 numbers"}},
		{"empty point", fc(geom(`{"type":"Point","coordinates":[]}`)), []string{"feature 1: geometry.coordinates: a position is an array of 2 or 3 numbers"}},
		{"short position in a line", fc(geom(`{"type":"LineString","coordinates":[[1,2],[3]]}`)), []string{"feature 1: geometry.coordinates[1]: a position is an array of 2 or 3 numbers"}},
		{"number out of float range", fc(geom(`{"type":"Point","coordinates":[1e400,2]}`)), []string{"feature 1: geometry.coordinates[0]: 1e400 is out of range"}},
		{"longitude out of range", fc(ok, geom(`{"type":"Point","coordinates":[181,2]}`)), []string{"feature 2: geometry.coordinates: longitude 181 is outside -180..180"}},
		{"latitude out of range", fc(geom(`{"type":"MultiPoint","coordinates":[[1,2],[1,-90.5]]}`)), []string{"feature 1: geometry.coordinates[1]: latitude -90.5 is outside -90..90"}},
		{"projected coordinates", fc(geom(`{"type":"Point","coordinates":[500000,4800000]}`)), []string{"feature 1: geometry.coordinates: longitude 500000 is outside -180..180"}},
		{"line of one position", fc(geom(`{"type":"LineString","coordinates":[[1,2]]}`)), []string{"feature 1: geometry.coordinates: a LineString needs at least 2 positions, got 1"}},
		{"multiline with a short line", fc(geom(`{"type":"MultiLineString","coordinates":[[[1,2],[3,4]],[[1,2]]]}`)), []string{"feature 1: geometry.coordinates[1]: a LineString needs at least 2 positions, got 1"}},
		{"ring not closed", fc(geom(`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}`)), []string{"feature 1: geometry.coordinates[0]: linear ring is not closed: first position [0 0] differs from last [0 1]"}},
		{"ring of three positions", fc(geom(`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]],[[0,0],[1,1],[0,0]]]}`)), []string{"feature 1: geometry.coordinates[1]: a linear ring needs at least 4 positions, got 3"}},
		{"multipolygon with an unclosed ring", fc(geom(`{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[0,0],[1,0],[1,1],[0,1],[0,2]]]]}`)), []string{"feature 1: geometry.coordinates[1][0]: linear ring is not closed"}},
		{"multipolygon with an empty polygon", fc(geom(`{"type":"MultiPolygon","coordinates":[[]]}`)), []string{"feature 1: geometry.coordinates[0]: empty"}},
		{"collection without geometries", fc(geom(`{"type":"GeometryCollection"}`)), []string{"feature 1: geometry.geometries: missing or not an array"}},
		{"collection with a null member", fc(geom(`{"type":"GeometryCollection","geometries":[null]}`)), []string{"feature 1: geometry.geometries[0]: not a JSON object"}},
		{"collection with a bad member", fc(geom(`{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]},{"type":"Point","coordinates":[200,2]}]}`)), []string{"feature 1: geometry.geometries[1].coordinates: longitude 200 is outside -180..180"}},
		{"nested collection", fc(geom(strings.Repeat(`{"type":"GeometryCollection","geometries":[`, 2) + `{"type":"Point","coordinates":[1,2]}` + strings.Repeat(`]}`, 2))), []string{"feature 1: geometry.geometries[0]: nested GeometryCollection"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadGeoJSON(strings.NewReader(tc.in), "bad.json")
			if got != nil {
				t.Errorf("got %d features with an error", len(got))
			}
			checkFormatErr(t, err, tc.want)
		})
	}
}

func TestReadGeoJSONReadError(t *testing.T) {
	boom := errors.New("disk on fire")
	_, err := ReadGeoJSON(iotest.ErrReader(boom), "x.geojson")
	if !errors.Is(err, boom) || errors.Is(err, ErrFormat) {
		t.Fatalf("got %v, want the read error, not a format error", err)
	}
}

// BenchmarkReadGeoJSONAdm2 reads GDAL's GeoJSON of the 2018 district layer,
// for comparison with the shapefile reader.
func BenchmarkReadGeoJSONAdm2(b *testing.B) {
	data := benchdata.DistrictsGeoJSON(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		fs, err := ReadGeoJSON(bytes.NewReader(data), "adm2.geojson")
		if err != nil || len(fs) != 216 {
			b.Fatalf("%d features, %v", len(fs), err)
		}
	}
}
