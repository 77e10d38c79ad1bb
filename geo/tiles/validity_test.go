package tiles

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"

	"kzmap/data"
	"kzmap/geo"
	"kzmap/geo/dataset"
	"kzmap/geo/tiles/internal/tiletest"
)

// builtSource is the default dataset built from the geokz shapefiles in
// the repository's data/sources (`make data`), as the server imports it.
func builtSource(t *testing.T) *tiletest.Source {
	t.Helper()
	dir := os.Getenv("KZMAP_SOURCES")
	if dir == "" {
		dir = filepath.Join("..", "..", "data", "sources")
	}
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI: source data absent (run make data): %v", err)
		}
		t.Skipf("source data absent (run make data): %v", err)
	}
	built, err := dataset.Build(dir, data.EventsGeoJSON)
	if err != nil {
		t.Fatal(err)
	}
	src := &tiletest.Source{Collections: map[string][]*geo.Feature{}}
	for _, b := range built {
		src.Collections[b.Collection.ID] = b.Features
	}
	return src
}

// TestMVTValidPolygons decodes every tile of zooms 0–6 over Kazakhstan for
// districts and regions and checks each polygon against the OGC rules the
// MVT spec requires, with a plain all-pairs checker (independent of the
// bucket index the engine uses).
func TestMVTValidPolygons(t *testing.T) {
	src := builtSource(t)
	var dump string
	if _, err := exec.LookPath("ogrinfo"); err == nil && !testing.Short() {
		dump = t.TempDir()
	}
	for _, layer := range []string{dataset.Districts, dataset.Regions} {
		t.Run(layer, func(t *testing.T) {
			fs := src.Collections[layer]
			if len(fs) == 0 {
				t.Fatalf("no %s", layer)
			}
			var tiles, polys, rings int
			for _, tile := range coverTiles(sourceBound(fs), 0, 6) {
				b, err := MVT(src, []string{layer}, tile)
				if err != nil {
					t.Fatalf("%v: %v", tile, err)
				}
				if b == nil {
					continue
				}
				tiles++
				ls, err := mvt.Unmarshal(b)
				if err != nil {
					t.Fatalf("%v: %v", tile, err)
				}
				for _, f := range ls[0].Features {
					id, _ := f.Properties["id"].(string)
					var ps []orb.Polygon
					switch g := f.Geometry.(type) {
					case orb.Polygon:
						ps = []orb.Polygon{g}
					case orb.MultiPolygon:
						ps = g
					default:
						t.Fatalf("%v %s: %T", tile, id, g)
					}
					polys += len(ps)
					for _, p := range ps {
						rings += len(p)
					}
					if why := invalid(ps); why != "" {
						t.Errorf("%d/%d/%d %s: %s", tile.Z, tile.X, tile.Y, id, why)
					}
				}
				if dump != "" && tile.Z >= 4 {
					p := filepath.Join(dump, layer, fmt.Sprintf("%d/%d/%d.pbf", tile.Z, tile.X, tile.Y))
					if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(p, b, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			t.Logf("%d tiles, %d polygons, %d rings, all valid", tiles, polys, rings)
			if tiles == 0 {
				t.Fatal("no tiles")
			}
			if dump != "" {
				gdalValid(t, filepath.Join(dump, layer), layer)
			}
		})
	}
}

// gdalValid asks GDAL (GEOS) about a few of the tiles written under dir.
func gdalValid(t *testing.T, dir, layer string) {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(dir, "*", "*", "*.pbf"))
	if len(paths) > 12 {
		paths = paths[len(paths)-12:]
	}
	for _, p := range paths {
		out, err := exec.Command("ogrinfo", "-q", "-ro", "-dialect", "sqlite", "-sql",
			"select count(*) as bad from "+layer+" where not ST_IsValid(geometry)", p).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "bad (Integer)") {
			t.Logf("ogrinfo cannot check %s (%v): %s", p, err, out)
			return
		}
		if !strings.Contains(string(out), "bad (Integer) = 0") {
			t.Errorf("GDAL finds invalid polygons in %s: %s", p, out)
		}
	}
	t.Logf("GDAL (ST_IsValid) checked %d tiles", len(paths))
}

// invalid says what breaks the rules in polys (tile coordinates, y down),
// or "". Rings: closed, 4 points or more, non-zero area, exterior positive
// and holes negative; no ring touching or crossing itself; no two rings
// crossing or sharing a stretch of boundary; holes inside their exterior.
func invalid(polys []orb.Polygon) string {
	type ring struct {
		pts  []orb.Point
		poly int
	}
	var all []ring
	for pi, p := range polys {
		for i, r := range p {
			if len(r) < 4 || r[0] != r[len(r)-1] {
				return fmt.Sprintf("polygon %d ring %d: %d points or open", pi, i, len(r))
			}
			a := shoelace(r)
			if a == 0 || (i == 0) != (a > 0) {
				return fmt.Sprintf("polygon %d ring %d: doubled area %d", pi, i, a)
			}
			all = append(all, ring{r, pi})
		}
	}
	for ri, r := range all {
		n := len(r.pts) - 1
		for i := 0; i < n; i++ {
			a, b := r.pts[i], r.pts[i+1]
			for j := i + 1; j < n; j++ {
				c, d := r.pts[j], r.pts[j+1]
				adjacent := j == i+1 || (i == 0 && j == n-1)
				switch k := meet(a, b, c, d); {
				case k == 0:
				case adjacent && k != 3:
				default:
					return fmt.Sprintf("ring %d touches or crosses itself at edges %d and %d (%v-%v, %v-%v)", ri, i, j, a, b, c, d)
				}
			}
			for rj := ri + 1; rj < len(all); rj++ {
				o := all[rj].pts
				for j := 0; j+1 < len(o); j++ {
					if k := meet(a, b, o[j], o[j+1]); k == 1 || k == 3 {
						return fmt.Sprintf("rings %d and %d cross or overlap at %v-%v, %v-%v", ri, rj, a, b, o[j], o[j+1])
					}
				}
			}
		}
	}
	for pi, p := range polys {
		for i, h := range p[1:] {
			if !insideRing(h, p[0]) {
				return fmt.Sprintf("polygon %d: hole %d outside its exterior", pi, i+1)
			}
		}
	}
	return ""
}

func shoelace(r orb.Ring) int64 {
	var s int64
	for i := 0; i+1 < len(r); i++ {
		s += int64(r[i][0])*int64(r[i+1][1]) - int64(r[i+1][0])*int64(r[i][1])
	}
	return s
}

func turn(a, b, c orb.Point) int64 {
	v := (int64(b[0])-int64(a[0]))*(int64(c[1])-int64(a[1])) - (int64(b[1])-int64(a[1]))*(int64(c[0])-int64(a[0]))
	switch {
	case v > 0:
		return 1
	case v < 0:
		return -1
	}
	return 0
}

func within(a, b, p orb.Point) bool {
	return min(a[0], b[0]) <= p[0] && p[0] <= max(a[0], b[0]) && min(a[1], b[1]) <= p[1] && p[1] <= max(a[1], b[1])
}

// meet: 0 apart, 1 proper crossing, 2 touching at a point, 3 collinear
// overlap of positive length.
func meet(a, b, c, d orb.Point) int {
	if max(a[0], b[0]) < min(c[0], d[0]) || max(c[0], d[0]) < min(a[0], b[0]) ||
		max(a[1], b[1]) < min(c[1], d[1]) || max(c[1], d[1]) < min(a[1], b[1]) {
		return 0
	}
	t1, t2, t3, t4 := turn(a, b, c), turn(a, b, d), turn(c, d, a), turn(c, d, b)
	if t1 == 0 && t2 == 0 {
		shared := 0
		for _, p := range []orb.Point{c, d} {
			if within(a, b, p) {
				shared++
			}
		}
		for _, p := range []orb.Point{a, b} {
			if within(c, d, p) {
				shared++
			}
		}
		// Collinear segments meeting at one end only share that point.
		if shared == 2 && (a == c || a == d || b == c || b == d) && !(a == c && b == d) && !(a == d && b == c) {
			// One point in common unless one lies along the other.
			if within(a, b, c) && within(a, b, d) || within(c, d, a) && within(c, d, b) {
				return 3
			}
			return 2
		}
		if shared >= 2 {
			return 3
		}
		return 0
	}
	if t1*t2 < 0 && t3*t4 < 0 {
		return 1
	}
	if (t1 == 0 && within(a, b, c)) || (t2 == 0 && within(a, b, d)) || (t3 == 0 && within(c, d, a)) || (t4 == 0 && within(c, d, b)) {
		return 2
	}
	return 0
}

// insideRing: the first vertex of h off r's boundary is inside r.
func insideRing(h, r orb.Ring) bool {
	for _, p := range h[:len(h)-1] {
		on, in := false, false
		for i := 0; i+1 < len(r); i++ {
			a, b := r[i], r[i+1]
			if turn(a, b, p) == 0 && within(a, b, p) {
				on = true
				break
			}
			if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < a[0]+(p[1]-a[1])*(b[0]-a[0])/(b[1]-a[1]) {
				in = !in
			}
		}
		if !on {
			return in
		}
	}
	return true
}

// TestInvalidChecker pins the test's own checker on hand-made rings.
func TestInvalidChecker(t *testing.T) {
	sq := func(x0, y0, x1, y1 float64) orb.Ring {
		return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
	}
	hole := func(r orb.Ring) orb.Ring { r = append(orb.Ring{}, r...); r.Reverse(); return r }
	tests := []struct {
		name  string
		polys []orb.Polygon
		bad   bool
	}{
		{name: "square", polys: []orb.Polygon{{sq(0, 0, 10, 10)}}},
		{name: "square with hole", polys: []orb.Polygon{{sq(0, 0, 10, 10), hole(sq(2, 2, 5, 5))}}},
		{name: "hole sharing edges with the shell", polys: []orb.Polygon{{sq(0, 0, 10, 10), hole(sq(0, 0, 5, 5))[0:5]}}, bad: true},
		{name: "bowtie", polys: []orb.Polygon{{{{0, 0}, {10, 10}, {10, 0}, {0, 10}, {0, 0}}}}, bad: true},
		{name: "spike", polys: []orb.Polygon{{{{0, 0}, {10, 0}, {20, 0}, {10, 0}, {10, 10}, {0, 0}}}}, bad: true},
		{name: "self-touching", polys: []orb.Polygon{{{{0, 0}, {10, 0}, {10, 10}, {5, 0}, {0, 10}, {0, 0}}}}, bad: true},
		{name: "hole outside", polys: []orb.Polygon{{sq(0, 0, 10, 10), hole(sq(20, 20, 25, 25))}}, bad: true},
		{name: "polygons sharing an edge", polys: []orb.Polygon{{sq(0, 0, 10, 10)}, {sq(10, 0, 20, 10)}}, bad: true},
		{name: "polygons touching at a corner", polys: []orb.Polygon{{sq(0, 0, 10, 10)}, {sq(10, 10, 20, 20)}}},
		{name: "wrong winding", polys: []orb.Polygon{{hole(sq(0, 0, 10, 10))}}, bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if why := invalid(tt.polys); (why != "") != tt.bad {
				t.Errorf("invalid = %q, want bad %v", why, tt.bad)
			}
		})
	}
}
