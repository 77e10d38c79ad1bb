// Package benchdata gives the geo benchmarks their inputs: the geokz
// districts and the workload files of ../shared/bench (points.csv,
// bboxes.csv, tiles.txt in bench.Dirs' workload folder) where they are,
// and otherwise the small synthetic fixture in testdata, so that the
// benchmarks run in a bare clone. The fixture (gen_test.go makes it from
// fixed seeds; nothing in it comes from geokz) has 216 features, as many as
// geokz's districts: 208 districts on a jittered 16×13 grid over
// Kazakhstan's extent, sharing their wiggly edges as real districts do, 8 of
// them with a city cut out as a hole, and those 8 cities.
// KZMAP_NO_SHARED=1 uses the fixture even where the shared files are.
package benchdata

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"kzmap/geo"
	"kzmap/geo/internal/bench"
	"kzmap/geo/internal/geokz"
)

//go:embed testdata
var fixture embed.FS

// FixtureDistricts is the number of features of the fixture's districts.
const FixtureDistricts = 216

// Districts returns the geokz 2018 districts (ids ADM2_PCODE), or the
// fixture's (ids S001…S208 and C01…C08) where the shared data is absent.
func Districts(tb testing.TB) []*geo.Feature {
	tb.Helper()
	if geokz.Present() {
		return geokz.Districts(tb)
	}
	fc, err := geojson.UnmarshalFeatureCollection(DistrictsGeoJSON(tb))
	if err != nil {
		tb.Fatalf("benchdata: %v", err)
	}
	out := make([]*geo.Feature, len(fc.Features))
	for i, f := range fc.Features {
		out[i] = geo.NewFeature(f.ID.(string), f.Geometry, map[string]any(f.Properties))
	}
	return out
}

// DistrictsGeoJSON returns the bytes of the districts' GeoJSON: GDAL's
// conversion of geokz's layer, or the fixture's.
func DistrictsGeoJSON(tb testing.TB) []byte {
	tb.Helper()
	if geokz.Present() {
		return geokz.ReadGeoJSON(tb, "kaz_admbnda_adm2_2018")
	}
	return fixtureFile(tb, "districts.geojson")
}

// Points returns the workload's points.csv (100,000 lon/lat points in
// Kazakhstan's bounding box), or the fixture's 2,000.
func Points(tb testing.TB) []orb.Point {
	tb.Helper()
	var out []orb.Point
	for _, v := range floats(tb, "points.csv", 2) {
		out = append(out, orb.Point{v[0], v[1]})
	}
	return out
}

// Boxes returns the workload's bboxes.csv (1,000 boxes with sides of 0.1 to
// 5 degrees), or the fixture's, made the same way.
func Boxes(tb testing.TB) []orb.Bound {
	tb.Helper()
	var out []orb.Bound
	for _, v := range floats(tb, "bboxes.csv", 4) {
		out = append(out, orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}})
	}
	return out
}

// Tiles returns the workload's tiles.txt, every tile of zoom 0 to 8 that
// meets Kazakhstan's bounding box (715), or the fixture's, the same for the
// fixture's slightly larger extent (732).
func Tiles(tb testing.TB) []maptile.Tile {
	tb.Helper()
	var out []maptile.Tile
	for i, line := range lines(tb, "tiles.txt") {
		var z, x, y uint32
		if _, err := fmt.Sscanf(line, "%d/%d/%d", &z, &x, &y); err != nil {
			tb.Fatalf("benchdata: tiles.txt line %d: %q: %v", i+1, line, err)
		}
		out = append(out, maptile.New(x, y, maptile.Zoom(z)))
	}
	return out
}

// floats parses a workload CSV of n numbers a line.
func floats(tb testing.TB, name string, n int) [][]float64 {
	tb.Helper()
	var out [][]float64
	for i, line := range lines(tb, name) {
		fields := strings.Split(line, ",")
		if len(fields) != n {
			tb.Fatalf("benchdata: %s line %d: %d values, want %d", name, i+1, len(fields), n)
		}
		v := make([]float64, n)
		for k, f := range fields {
			var err error
			if v[k], err = strconv.ParseFloat(strings.TrimSpace(f), 64); err != nil {
				tb.Fatalf("benchdata: %s line %d: %v", name, i+1, err)
			}
		}
		out = append(out, v)
	}
	return out
}

// lines returns the non-empty lines of a workload file: the shared
// workload's where it is, else the fixture's.
func lines(tb testing.TB, name string) []string {
	tb.Helper()
	b := fixtureFile(tb, name)
	if !geokz.Hidden() {
		_, workload := bench.Dirs()
		if w, err := os.ReadFile(filepath.Join(workload, name)); err == nil {
			b = w
		}
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			out = append(out, line)
		}
	}
	if err := sc.Err(); err != nil {
		tb.Fatalf("benchdata: %s: %v", name, err)
	}
	return out
}

func fixtureFile(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := fixture.ReadFile("testdata/" + name)
	if err != nil {
		tb.Fatalf("benchdata: %v", err)
	}
	return b
}
