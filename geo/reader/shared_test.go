package reader

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"kzmap/geo"
	"kzmap/geo/internal/geokz"
)

var geokzLayers = []struct {
	name  string
	count int
}{
	{"kaz_admbnda_adm0_2018", 1},
	{"kaz_admbnda_adm1_2018", 17},
	{"kaz_admbnda_adm1_2024", 20},
	{"kaz_admbnda_adm2_2018", 216},
	{"kaz_admbnda_adm2_2024", 224},
	{"kaz_admcntr_adm1_2018", 18},
	{"kaz_admbnda_cnt1_2022", 21},
}

// TestShapefilesMatchGDAL reads every geokz shapefile and compares it,
// feature by feature, with GDAL's RFC 7946 conversion of the same layer
// (decoded with orb's geojson package, independently of ReadGeoJSON).
func TestShapefilesMatchGDAL(t *testing.T) {
	dir := geokz.Dir(t)
	for _, layer := range geokzLayers {
		t.Run(layer.name, func(t *testing.T) {
			got, err := ReadFile(filepath.Join(dir, "shp", layer.name+".shp"))
			if err != nil {
				t.Fatal(err)
			}
			raw, err := os.ReadFile(filepath.Join(dir, "geojson", layer.name+".geojson"))
			if err != nil {
				t.Fatal(err)
			}
			want, err := geojson.UnmarshalFeatureCollection(raw)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != layer.count || len(want.Features) != layer.count {
				t.Fatalf("got %d features, GDAL has %d, want %d", len(got), len(want.Features), layer.count)
			}
			for i, wf := range want.Features {
				gf := got[i]
				label := fmt.Sprintf("feature %d", i+1)
				if gf.ID != "" {
					t.Errorf("%s: ID %q, want \"\" for shapefiles", label, gf.ID)
				}
				compareProps(t, label, gf.Properties, wf.Properties)
				compareGeometry(t, label, gf.Geometry, wf.Geometry)
			}
		})
	}
}

// compareProps compares values as text: GDAL writes integer fields as JSON
// numbers, which decode to float64.
func compareProps(t *testing.T, label string, got map[string]any, want geojson.Properties) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d properties, want %d", label, len(got), len(want))
	}
	for k, wv := range want {
		gv, ok := got[k]
		if !ok {
			t.Errorf("%s: property %s missing", label, k)
			continue
		}
		if fmt.Sprint(gv) != fmt.Sprint(wv) {
			t.Errorf("%s: property %s = %q, want %q", label, k, fmt.Sprint(gv), fmt.Sprint(wv))
		}
	}
}

// compareGeometry checks type, structure and every vertex, in order, within
// the 1e-6 precision GDAL wrote.
func compareGeometry(t *testing.T, label string, got, want orb.Geometry) {
	t.Helper()
	if got == nil || want == nil {
		if got != want {
			t.Errorf("%s: geometry %v, want %v", label, got, want)
		}
		return
	}
	if got.GeoJSONType() != want.GeoJSONType() {
		t.Errorf("%s: geometry type %s, want %s", label, got.GeoJSONType(), want.GeoJSONType())
		return
	}
	const tol = 1e-6
	pointsClose := func(where string, g, w []orb.Point) bool {
		if len(g) != len(w) {
			t.Errorf("%s %s: %d points, want %d", label, where, len(g), len(w))
			return false
		}
		for i := range g {
			if math.Abs(g[i][0]-w[i][0]) > tol || math.Abs(g[i][1]-w[i][1]) > tol {
				t.Errorf("%s %s: point %d is %v, want %v", label, where, i+1, g[i], w[i])
				return false
			}
		}
		return true
	}
	polyClose := func(where string, g, w orb.Polygon) bool {
		if len(g) != len(w) {
			t.Errorf("%s %s: %d rings, want %d", label, where, len(g), len(w))
			return false
		}
		for i := range g {
			if !pointsClose(fmt.Sprintf("%s ring %d", where, i+1), g[i], w[i]) {
				return false
			}
		}
		return true
	}
	switch g := got.(type) {
	case orb.Point:
		pointsClose("point", []orb.Point{g}, []orb.Point{want.(orb.Point)})
	case orb.MultiPoint:
		pointsClose("multipoint", g, want.(orb.MultiPoint))
	case orb.LineString:
		pointsClose("line", g, want.(orb.LineString))
	case orb.Polygon:
		polyClose("polygon", g, want.(orb.Polygon))
	case orb.MultiPolygon:
		w := want.(orb.MultiPolygon)
		if len(g) != len(w) {
			t.Errorf("%s: %d polygons, want %d", label, len(g), len(w))
			return
		}
		for i := range g {
			if !polyClose(fmt.Sprintf("polygon %d", i+1), g[i], w[i]) {
				return
			}
		}
	default:
		t.Errorf("%s: unexpected geometry type %T", label, got)
	}
}

// TestInvalidDistrictsReadAsIs checks that districts whose rings are
// invalid in the source are read as they are: repair is the store's job.
// At full precision (shapefile) KZ623800 of 2024 crosses itself; after GDAL's
// rounding to 6 decimals KZ194400 and KZ196800 of 2018 self-intersect too
// (GEOS: at 78.062924 43.197538 and 76.965698 43.380033), so ReadGeoJSON must
// return exactly what orb decodes, without touching a vertex.
func TestInvalidDistrictsReadAsIs(t *testing.T) {
	dir := geokz.Dir(t)
	byCode := func(path string) map[string]*geo.Feature {
		fs, err := ReadFile(filepath.Join(dir, path))
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]*geo.Feature{}
		for _, f := range fs {
			m[f.String("ADM2_PCODE")] = f
		}
		return m
	}
	shp := byCode("shp/kaz_admbnda_adm2_2024.shp")
	if f := shp["KZ623800"]; f == nil || !selfCrossing(f.Geometry) {
		t.Errorf("KZ623800 (2024 shapefile): want its self-crossing ring as in the source")
	}

	gj := byCode("geojson/kaz_admbnda_adm2_2018.geojson")
	raw, err := os.ReadFile(filepath.Join(dir, "geojson", "kaz_admbnda_adm2_2018.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	ref, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"KZ194400", "KZ196800"} {
		var want orb.Geometry
		for _, f := range ref.Features {
			if f.Properties.MustString("ADM2_PCODE", "") == code {
				want = f.Geometry
			}
		}
		got := gj[code]
		if got == nil || want == nil {
			t.Fatalf("%s missing: read %v, reference %v", code, got != nil, want != nil)
		}
		if !orb.Equal(got.Geometry, want) {
			t.Errorf("%s: geometry changed while reading", code)
		}
	}
}

// TestGeoJSONMatchesOrb reads GDAL's GeoJSON files with ReadGeoJSON and
// compares them with orb's own decoding: same features, properties and
// exactly the same coordinates.
func TestGeoJSONMatchesOrb(t *testing.T) {
	dir := filepath.Join(geokz.Dir(t), "geojson")
	for _, layer := range geokzLayers {
		t.Run(layer.name, func(t *testing.T) {
			path := filepath.Join(dir, layer.name+".geojson")
			got, err := ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want, err := geojson.UnmarshalFeatureCollection(raw)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != layer.count || len(want.Features) != layer.count {
				t.Fatalf("got %d features, orb %d, want %d", len(got), len(want.Features), layer.count)
			}
			for i, wf := range want.Features {
				label := fmt.Sprintf("feature %d", i+1)
				compareProps(t, label, got[i].Properties, wf.Properties)
				if !orb.Equal(got[i].Geometry, wf.Geometry) {
					t.Errorf("%s: geometry differs from orb's decoding", label)
				}
			}
		})
	}
}

// selfCrossing reports whether two non-adjacent edges of one ring properly
// cross. Quadratic, which is fine for a test on two districts.
func selfCrossing(g orb.Geometry) bool {
	var polys orb.MultiPolygon
	switch g := g.(type) {
	case orb.Polygon:
		polys = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		polys = g
	}
	cross := func(a, b, c, d orb.Point) bool {
		o := func(p, q, r orb.Point) float64 {
			return (q[0]-p[0])*(r[1]-p[1]) - (q[1]-p[1])*(r[0]-p[0])
		}
		return o(a, b, c)*o(a, b, d) < 0 && o(c, d, a)*o(c, d, b) < 0
	}
	for _, p := range polys {
		for _, r := range p {
			n := len(r) - 1
			for i := 0; i < n; i++ {
				for j := i + 2; j < n; j++ {
					if i == 0 && j == n-1 {
						continue
					}
					if cross(r[i], r[i+1], r[j], r[j+1]) {
						return true
					}
				}
			}
		}
	}
	return false
}
