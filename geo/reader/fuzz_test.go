package reader

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"golang.org/x/text/encoding/charmap"

	"kzmap/geo"
)

var update = flag.Bool("update", false, "rewrite the committed fuzz seed corpus in testdata/fuzz")

// geojsonSeeds cover each top-level form and the failure paths.
var geojsonSeeds = map[string]string{
	"collection": `{"type":"FeatureCollection","features":[{"type":"Feature","id":"KZ47","properties":{"name":"Mangystau","n":3,"ok":true},` +
		`"geometry":{"type":"Polygon","coordinates":[[[51,43],[53,43],[53,45],[51,43]],[[51.5,43.2],[52,43.2],[52,43.5],[51.5,43.2]]]}},` +
		`{"type":"Feature","id":2,"properties":null,"geometry":null}]}`,
	"feature":    `{"type":"Feature","properties":{"tags":["a"]},"geometry":{"type":"MultiLineString","coordinates":[[[0,0],[1,1]],[[2,2],[3,3,4]]]}}`,
	"geometry":   `{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[71.4,51.1]},{"type":"MultiPoint","coordinates":[]},{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]}]}`,
	"unclosed":   `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}`,
	"short":      `{"type":"LineString","coordinates":[[1],[2,3]]}`,
	"bad-syntax": `{"type":"FeatureCollection","features":[{"type":"Feature",`,
	"bad-utf8":   `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"title":"` + "\xff\xfe" + `"},"geometry":null}]}`,
}

// writeSeeds are write bodies for FuzzDecodeGeoJSON, read with the strict
// options; the names ending in "ok" are accepted.
var writeSeeds = map[string]string{
	"feature_point_ok": `{"type":"Feature","id":"E1","geometry":{"type":"Point","coordinates":[76.9,43.2]},"properties":{"date":"2022-01-05","kind":"protest"}}`,
	"collection_polygon_ok": `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[50,40],[60,40],[60,50],[50,50],[50,40]],` +
		`[[52,42],[52,44],[54,44],[52,42]]]},"properties":null}]}`,
	"collection_ids_ok": `{"type":"FeatureCollection","features":[{"type":"Feature","id":3,"geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]]]},"properties":{}},` +
		`{"type":"Feature","id":"4","geometry":{"type":"MultiLineString","coordinates":[[[1,2],[3,4,5]]]},"properties":{"o":{"k":[1,"\u00e9"]}}}]}`,
	"geometry_collection_ok": `{"type":"Feature","geometry":{"type":"GeometryCollection","geometries":[{"type":"LineString","coordinates":[[1,2],[3,4]]},{"type":"MultiPoint","coordinates":[[1,2]]}]}}`,
	"deep_properties_ok":     `{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"a":[[[[[[[[{"b":null}]]]]]]]]}}`,
	"latitude_91":            `{"type":"Feature","geometry":{"type":"Point","coordinates":[10,91]}}`,
	"huge_number":            `{"type":"Feature","geometry":{"type":"Point","coordinates":[1e999,2]}}`,
	"nested_collection":      `{"type":"Feature","geometry":{"type":"GeometryCollection","geometries":[{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]}]}]}}`,
	"unclosed_ring":          `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}}`,
	"null_geometry":          `{"type":"Feature","geometry":null,"properties":{}}`,
	"title_ff_fe":            `{"type":"Feature","geometry":{"type":"Point","coordinates":[71.4,51.1]},"properties":{"title":"` + "\xff\xfe" + `"}}`,
	"lone_surrogate_key":     `{"type":"Feature","geometry":{"type":"Point","coordinates":[71.4,51.1]},"properties":{"\udc00":1}}`,
	"repeated_id":            `{"type":"FeatureCollection","features":[{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[1,2]}},{"type":"Feature","id":"a","geometry":{"type":"Point","coordinates":[1,2]}}]}`,
	"array":                  `[]`,
	"null":                   `null`,
}

// shapefileSeed is one FuzzReadShapefile input: .shp, .shx (empty when
// absent), .dbf and the .cpg text ("" when absent).
type shapefileSeed struct {
	shp, shx, dbf []byte
	cpg           string
}

// shapefileSeeds are built here rather than copied from data: the sample
// polygon layer, Z/M variants, CP1251 attributes, and a broken file.
func shapefileSeeds() map[string]shapefileSeed {
	seeds := map[string]shapefileSeed{}
	shp, shx, dbf := sampleShapefile()
	seeds["polygons"] = shapefileSeed{shp, shx, dbf, "UTF-8"}
	seeds["polygons-truncated"] = shapefileSeed{shp[:len(shp)-40], shx, dbf, ""}

	name, _ := charmap.Windows1251.NewEncoder().String("Алматы")
	pshp, pshx := buildSHP(shpPointZ, []testShape{{shpPointZ, [][]orb.Point{{{76.9, 43.2}}}}, {shpNull, nil}})
	pdbf := buildDBF(0xC9, []testField{{"NAME", 'C', 12, 0}, {"N", 'N', 5, 0}, {"X", 'F', 8, 2}}, [][]string{{name, "1", "1.25"}, {"*DEL*", "", ""}})
	seeds["points-z-cp1251"] = shapefileSeed{pshp, pshx, pdbf, "CP1251"}
	seeds["points-z-ldid"] = shapefileSeed{pshp, nil, pdbf, ""}

	lshp, lshx := buildSHP(shpPolyLineM, []testShape{{shpPolyLineM, [][]orb.Point{{{0, 0}, {1, 1}}, {{2, 2}, {3, 3}, {4, 2}}}}})
	mshp, mshx := buildSHP(shpMultiPoint, []testShape{{shpMultiPoint, [][]orb.Point{{{0, 0}, {1, 1}}}}})
	one := buildDBF(0, []testField{{"D", 'D', 8, 0}, {"L", 'L', 1, 0}}, [][]string{{"20220105", "T"}})
	seeds["lines-m"] = shapefileSeed{lshp, lshx, one, "LATIN1"}
	seeds["multipoint"] = shapefileSeed{mshp, mshx, one, ""}
	return seeds
}

func fuzzFile(args ...any) []byte {
	var b bytes.Buffer
	b.WriteString("go test fuzz v1\n")
	for _, a := range args {
		switch a := a.(type) {
		case []byte:
			fmt.Fprintf(&b, "[]byte(%q)\n", a)
		case string:
			fmt.Fprintf(&b, "string(%q)\n", a)
		}
	}
	return b.Bytes()
}

// TestFuzzSeedCorpus keeps testdata/fuzz in step with the seeds above;
// run with -update to rewrite it.
func TestFuzzSeedCorpus(t *testing.T) {
	want := map[string][]byte{}
	for name, s := range geojsonSeeds {
		want[filepath.Join("FuzzReadGeoJSON", name)] = fuzzFile([]byte(s))
	}
	for name, s := range writeSeeds {
		want[filepath.Join("FuzzDecodeGeoJSON", name)] = fuzzFile([]byte(s))
	}
	for name, s := range shapefileSeeds() {
		want[filepath.Join("FuzzReadShapefile", name)] = fuzzFile(s.shp, s.shx, s.dbf, s.cpg)
	}
	for name, b := range want {
		path := filepath.Join("testdata", "fuzz", name)
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(got, b) {
			t.Errorf("%s is missing or stale (%v); run go test ./geo/reader -run TestFuzzSeedCorpus -update", path, err)
		}
	}
}

// TestFuzzSeedsDecode makes sure the seeds reach deep: the well-formed ones
// read without error, the broken ones fail.
func TestFuzzSeedsDecode(t *testing.T) {
	for name, s := range geojsonSeeds {
		_, err := ReadGeoJSON(strings.NewReader(s), name)
		if bad := name == "unclosed" || name == "short" || name == "bad-syntax" || name == "bad-utf8"; bad != (err != nil) {
			t.Errorf("GeoJSON seed %s: error %v", name, err)
		}
	}
	for name, s := range writeSeeds {
		_, err := DecodeGeoJSON([]byte(s), GeoJSONOptions{MaxVertices: 1000})
		if ok := strings.HasSuffix(name, "_ok"); ok != (err == nil) {
			t.Errorf("write seed %s: error %v", name, err)
		}
	}
	for name, s := range shapefileSeeds() {
		in := &shapefile{shpName: "f.shp", shxName: "f.shx", dbfName: "f.dbf", shp: s.shp, shx: s.shx, dbf: s.dbf}
		if s.cpg != "" {
			in.dec, _ = cpgDecoder([]byte(s.cpg))
		}
		fs, err := in.decode()
		if bad := strings.HasSuffix(name, "truncated"); bad != (err != nil) || (!bad && len(fs) == 0) {
			t.Errorf("shapefile seed %s: %d features, error %v", name, len(fs), err)
		}
	}
}

func FuzzReadGeoJSON(f *testing.F) {
	for _, s := range geojsonSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fs, err := ReadGeoJSON(bytes.NewReader(data), "fuzz.geojson")
		if err != nil {
			checkFuzzErr(t, err, fs)
			return
		}
		if !utf8.Valid(data) {
			t.Fatal("invalid UTF-8 accepted")
		}
		// Whatever is accepted must encode and read back unchanged.
		back, err := ReadGeoJSON(bytes.NewReader(encodeCollection(fs)), "again.geojson")
		if err != nil {
			t.Fatalf("re-reading our own encoding: %v", err)
		}
		if len(back) != len(fs) {
			t.Fatalf("read back %d features, had %d", len(back), len(fs))
		}
		for i := range fs {
			if back[i].ID != fs[i].ID || !sameGeometry(back[i].Geometry, fs[i].Geometry) ||
				!reflect.DeepEqual(back[i].Properties, fs[i].Properties) {
				t.Fatalf("feature %d changed on a round trip", i+1)
			}
		}
	})
}

// FuzzDecodeGeoJSON reads write bodies with the strict options: no input
// makes it panic; what it refuses is a *GeoJSONError with a detail; what
// it accepts is valid UTF-8, holds located features within range and the
// vertex limit, and reads back the same from its own encoding.
func FuzzDecodeGeoJSON(f *testing.F) {
	for _, s := range writeSeeds {
		f.Add([]byte(s))
	}
	const maxVertices = 1000
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := DecodeGeoJSON(data, GeoJSONOptions{MaxVertices: maxVertices})
		if err != nil {
			var ge *GeoJSONError
			if !errors.As(err, &ge) || ge.Detail() == "" || strings.Contains(ge.Detail(), "\n") {
				t.Fatalf("error %q is not a one-line GeoJSONError", err)
			}
			return
		}
		if !utf8.Valid(data) {
			t.Fatal("invalid UTF-8 accepted")
		}
		if len(doc.Features) == 0 {
			t.Fatal("no features and no error")
		}
		for i, ft := range doc.Features {
			if ft.Geometry == nil {
				t.Fatalf("feature %d: nil geometry accepted", i)
			}
			n := 0
			var bad bool
			eachPoint(ft.Geometry, func(p orb.Point) {
				n++
				bad = bad || geo.CheckLonLat(p) != nil
			})
			if bad || n > maxVertices {
				t.Fatalf("feature %d: %d positions, out of range or over the limit: %v", i, n, ft.Geometry)
			}
		}
		back, err := DecodeGeoJSON(encodeCollection(doc.Features), GeoJSONOptions{AllowEmptyID: true})
		if err != nil {
			t.Fatalf("re-reading our own encoding: %v", err)
		}
		for i := range doc.Features {
			if back.Features[i].ID != doc.Features[i].ID || !sameGeometry(back.Features[i].Geometry, doc.Features[i].Geometry) ||
				!reflect.DeepEqual(back.Features[i].Properties, doc.Features[i].Properties) {
				t.Fatalf("feature %d changed on a round trip", i)
			}
		}
	})
}

func eachPoint(g orb.Geometry, fn func(orb.Point)) {
	switch g := g.(type) {
	case orb.Point:
		fn(g)
	case orb.MultiPoint:
		for _, p := range g {
			fn(p)
		}
	case orb.LineString:
		eachPoint(orb.MultiPoint(g), fn)
	case orb.Ring:
		eachPoint(orb.MultiPoint(g), fn)
	case orb.MultiLineString:
		for _, l := range g {
			eachPoint(l, fn)
		}
	case orb.Polygon:
		for _, r := range g {
			eachPoint(r, fn)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			eachPoint(p, fn)
		}
	case orb.Collection:
		for _, m := range g {
			eachPoint(m, fn)
		}
	}
}

func FuzzReadShapefile(f *testing.F) {
	for _, s := range shapefileSeeds() {
		f.Add(s.shp, s.shx, s.dbf, s.cpg)
	}
	f.Fuzz(func(t *testing.T, shp, shx, dbf []byte, cpg string) {
		in := &shapefile{shpName: "f.shp", shxName: "f.shx", dbfName: "f.dbf", shp: shp, shx: shx, dbf: dbf}
		if len(shx) == 0 {
			in.shx = nil
		}
		if cpg != "" {
			var ok bool
			if in.dec, ok = cpgDecoder([]byte(cpg)); !ok {
				return
			}
		}
		fs, err := in.decode()
		if err != nil {
			checkFuzzErr(t, err, fs)
			return
		}
		for i, ft := range fs {
			checkShapeInvariants(t, i+1, ft.Geometry)
		}
		// What the shapefile reader accepts, the GeoJSON reader accepts too.
		back, err := ReadGeoJSON(bytes.NewReader(encodeCollection(fs)), "f.geojson")
		if err != nil {
			t.Fatalf("re-reading as GeoJSON: %v", err)
		}
		if len(back) != len(fs) {
			t.Fatalf("read back %d features, had %d", len(back), len(fs))
		}
	})
}

func checkFuzzErr(t *testing.T, err error, fs []*geo.Feature) {
	t.Helper()
	if !errors.Is(err, ErrFormat) {
		t.Fatalf("error %q does not wrap ErrFormat", err)
	}
	if fs != nil {
		t.Fatalf("%d features returned with an error", len(fs))
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "reader: ") || strings.Contains(msg, "\n") {
		t.Fatalf("error %q is not one line starting with \"reader: \"", msg)
	}
}

// checkShapeInvariants: rings closed with at least four points, RFC 7946
// winding (holes clockwise, outer rings never clockwise), WGS 84 ranges.
func checkShapeInvariants(t *testing.T, n int, g orb.Geometry) {
	t.Helper()
	var polys []orb.Polygon
	switch g := g.(type) {
	case orb.Polygon:
		polys = []orb.Polygon{g}
	case orb.MultiPolygon:
		polys = g
	}
	for _, p := range polys {
		for j, r := range p {
			if len(r) < 4 || r[0] != r[len(r)-1] {
				t.Fatalf("feature %d: ring not closed or short: %v", n, r)
			}
			if o := r.Orientation(); (j == 0 && o == orb.CW) || (j > 0 && o != orb.CW) {
				t.Fatalf("feature %d: ring %d wound %v", n, j+1, o)
			}
		}
	}
	if g != nil {
		b := g.Bound()
		if b.Min[0] < -180 || b.Max[0] > 180 || b.Min[1] < -90 || b.Max[1] > 90 {
			t.Fatalf("feature %d: bound %v outside WGS 84", n, b)
		}
	}
}

func encodeCollection(fs []*geo.Feature) []byte {
	var b bytes.Buffer
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	for i, f := range fs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(f.GeoJSON())
	}
	b.WriteString("]}")
	return b.Bytes()
}

func sameGeometry(a, b orb.Geometry) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return orb.Equal(a, b)
}
