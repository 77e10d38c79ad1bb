package valid

import (
	"errors"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"kzmap/geo"
	"kzmap/geo/internal/geokz"
)

// checkValid fails unless g is made of simple rings (no edge meets another
// except adjacent edges at their shared vertex), rings of different
// polygons and of one polygon meet at most at isolated points, shells are
// counter-clockwise and holes clockwise.
func checkValid(t *testing.T, g orb.Geometry) {
	t.Helper()
	var polys []orb.Polygon
	switch g := g.(type) {
	case orb.Polygon:
		polys = []orb.Polygon{g}
	case orb.MultiPolygon:
		polys = g
	default:
		t.Fatalf("want a polygon, got %T", g)
	}
	var rings []orb.Ring
	for pi, pg := range polys {
		for ri, r := range pg {
			if len(r) < 4 || r[0] != r[len(r)-1] {
				t.Fatalf("polygon %d ring %d: not a closed ring of 4+ points", pi, ri)
			}
			for i := 0; i+1 < len(r); i++ {
				if r[i] == r[i+1] {
					t.Fatalf("polygon %d ring %d: duplicate point %d", pi, ri, i)
				}
			}
			if want := ri == 0; (r.Orientation() == orb.CCW) != want {
				t.Errorf("polygon %d ring %d: orientation %v", pi, ri, r.Orientation())
			}
			if bad := selfIntersection(r); bad != "" {
				t.Errorf("polygon %d ring %d self-intersects: %s", pi, ri, bad)
			}
			rings = append(rings, r)
		}
	}
	for i := range rings {
		for j := i + 1; j < len(rings); j++ {
			if bad := ringsOverlap(rings[i], rings[j]); bad != "" {
				t.Errorf("rings %d and %d: %s", i, j, bad)
			}
		}
	}
}

func o2(a, b, c orb.Point) float64 { return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0]) }

func within(a, b, p orb.Point) bool {
	return math.Min(a[0], b[0]) <= p[0] && p[0] <= math.Max(a[0], b[0]) &&
		math.Min(a[1], b[1]) <= p[1] && p[1] <= math.Max(a[1], b[1])
}

// segMeet reports whether closed segments ab and cd share any point.
func segMeet(a, b, c, d orb.Point) bool {
	d1, d2, d3, d4 := o2(c, d, a), o2(c, d, b), o2(a, b, c), o2(a, b, d)
	if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
		return true
	}
	return (d1 == 0 && within(c, d, a)) || (d2 == 0 && within(c, d, b)) ||
		(d3 == 0 && within(a, b, c)) || (d4 == 0 && within(a, b, d))
}

// selfIntersection is the O(n²) check: non-adjacent edges must not meet at
// all; adjacent edges must not fold back onto each other.
func selfIntersection(r orb.Ring) string {
	n := len(r) - 1
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			adjacent := j == i+1 || (i == 0 && j == n-1)
			if adjacent {
				// shared vertex only: the far ends must not lie on the other edge
				var far, a, b orb.Point
				if j == i+1 {
					far, a, b = r[j+1], r[i], r[i+1]
				} else {
					far, a, b = r[j], r[i], r[i+1]
				}
				if o2(a, b, far) == 0 && within(a, b, far) {
					return "edges fold back"
				}
				continue
			}
			if segMeet(r[i], r[i+1], r[j], r[j+1]) {
				return "edges meet"
			}
		}
	}
	return ""
}

// ringsOverlap reports two rings that cross or share a stretch of edge;
// touching at single vertices is allowed.
func ringsOverlap(a, b orb.Ring) string {
	for i := 0; i+1 < len(a); i++ {
		for j := 0; j+1 < len(b); j++ {
			p, q, r, s := a[i], a[i+1], b[j], b[j+1]
			if !segMeet(p, q, r, s) {
				continue
			}
			d1, d2, d3, d4 := o2(r, s, p), o2(r, s, q), o2(p, q, r), o2(p, q, s)
			if ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0)) {
				return "rings cross"
			}
			if d1 == 0 && d2 == 0 && d3 == 0 && d4 == 0 {
				// collinear: a stretch is shared when the projections
				// overlap by more than a point
				k := 0
				if math.Abs(q[1]-p[1]) > math.Abs(q[0]-p[0]) {
					k = 1
				}
				lo := math.Max(math.Min(p[k], q[k]), math.Min(r[k], s[k]))
				hi := math.Min(math.Max(p[k], q[k]), math.Max(r[k], s[k]))
				if lo < hi {
					return "rings share a collinear stretch"
				}
			}
		}
	}
	return ""
}

func TestDistricts(t *testing.T) {
	districts := geokz.GeoJSON(t, "kaz_admbnda_adm2_2018")
	if len(districts) != 216 {
		t.Fatalf("%d districts, want 216", len(districts))
	}
	broken := map[string]bool{"KZ194400": true, "KZ196800": true}
	seen := 0
	for _, gf := range districts {
		id, _ := gf.Properties["ADM2_PCODE"].(string)
		orig := orb.Clone(gf.Geometry)
		f := geo.NewFeature(id, gf.Geometry, gf.Properties)
		g, changed, why, err := Repair(f)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		if !broken[id] {
			if changed {
				t.Errorf("%s: valid district reported changed: %s", id, why)
			}
			if g == nil {
				t.Errorf("%s: nil geometry", id)
			}
			continue
		}
		seen++
		t.Run(id, func(t *testing.T) {
			if !changed || why == "" {
				t.Fatalf("changed=%v why=%q, want a repair", changed, why)
			}
			t.Logf("repair: %s", why)
			checkValid(t, g)
			a0, a1 := planar.Area(gf.Geometry), planar.Area(g)
			if rel := math.Abs(a1-a0) / a0; rel >= 0.01 {
				t.Errorf("area %v -> %v: changed by %.3g%%", a0, a1, 100*rel)
			}
			if !orb.Equal(f.Geometry, orig) {
				t.Error("input feature modified")
			}
		})
	}
	if seen != 2 {
		t.Fatalf("found %d of the 2 invalid districts", seen)
	}
}

func TestRepairTable(t *testing.T) {
	cases := []struct {
		name      string
		g         orb.Geometry
		changed   bool
		polygons  int     // polygons in the result (0: not a polygon type)
		area      float64 // expected planar area, when > 0
		wantError bool
	}{
		{
			name:     "valid square",
			g:        orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}},
			polygons: 1, area: 1,
		},
		{
			name:     "bowtie",
			g:        orb.Polygon{{{0, 0}, {2, 2}, {2, 0}, {0, 2}, {0, 0}}},
			changed:  true,
			polygons: 2, area: 2,
		},
		{
			name:     "bowtie in a multipolygon",
			g:        orb.MultiPolygon{{{{10, 10}, {12, 12}, {12, 10}, {10, 12}, {10, 10}}}, {{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}},
			changed:  true,
			polygons: 3, area: 3,
		},
		{
			name:     "bowtie touching at a vertex",
			g:        orb.Polygon{{{0, 0}, {1, 1}, {2, 0}, {2, 2}, {1, 1}, {0, 2}, {0, 0}}},
			changed:  true,
			polygons: 2, area: 2,
		},
		{
			name:     "figure eight with three lobes",
			g:        orb.Polygon{{{0, 0}, {6, 2}, {6, 0}, {0, 2}, {0, 0}}},
			changed:  true,
			polygons: 2, area: 6,
		},
		{
			name:     "spike",
			g:        orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {1, 3}, {1, 1}, {0, 1}, {0, 0}}},
			changed:  true,
			polygons: 1, area: 1,
		},
		{
			name:     "spike folding back past its base",
			g:        orb.Polygon{{{0, 0}, {2, 0}, {2, 2}, {3, 2}, {1, 2}, {0, 2}, {0, 0}}},
			changed:  true,
			polygons: 1, area: 4,
		},
		{
			name:     "clockwise shell",
			g:        orb.Polygon{{{0, 0}, {0, 1}, {1, 1}, {1, 0}, {0, 0}}},
			changed:  true,
			polygons: 1, area: 1,
		},
		{
			name:     "counter-clockwise hole",
			g:        orb.Polygon{{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}, {{1, 1}, {2, 1}, {2, 2}, {1, 2}, {1, 1}}},
			changed:  true,
			polygons: 1, area: 15,
		},
		{
			name: "duplicate points alone are valid and kept",
			g:    orb.Polygon{{{0, 0}, {1, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}},
			area: 1,
		},
		{
			name:     "polygons sharing an edge merge",
			g:        orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}, {{{1, 0}, {2, 0}, {2, 1}, {1, 1}, {1, 0}}}},
			changed:  true,
			polygons: 1, area: 2,
		},
		{
			name:     "polygons touching at a point stay",
			g:        orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}, {{{1, 1}, {2, 1}, {2, 2}, {1, 2}, {1, 1}}}},
			polygons: 2, area: 2,
		},
		{name: "ring of 3 points", g: orb.Polygon{{{0, 0}, {1, 0}, {0, 0}}}, wantError: true},
		{name: "unclosed ring", g: orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}}}, wantError: true},
		{name: "NaN", g: orb.Point{math.NaN(), 0}, wantError: true},
		{name: "infinity in ring", g: orb.Polygon{{{0, 0}, {math.Inf(1), 0}, {1, 1}, {0, 0}}}, wantError: true},
		{name: "latitude beyond 90", g: orb.Point{10, 91}, wantError: true},
		{name: "longitude beyond 180", g: orb.LineString{{0, 0}, {181, 0}}, wantError: true},
		{name: "line of one distinct point", g: orb.LineString{{1, 1}, {1, 1}}, wantError: true},
		{name: "empty multipolygon", g: orb.MultiPolygon{}, wantError: true},
		{name: "nil geometry", g: nil, wantError: true},
		{name: "collinear polygon (zero area)", g: orb.Polygon{{{70, 45}, {71, 45}, {72, 45}, {70, 45}}}, wantError: true},
		{name: "multipolygon of zero-area parts", g: orb.MultiPolygon{{{{0, 0}, {1, 1}, {2, 2}, {0, 0}}}}, wantError: true},
		{name: "valid point", g: orb.Point{71.4, 51.1}},
		{name: "valid line", g: orb.LineString{{0, 0}, {1, 1}}},
		{name: "line with duplicate", g: orb.LineString{{0, 0}, {0, 0}, {1, 1}}},
		{
			name:     "duplicate points removed from a repaired ring",
			g:        orb.Polygon{{{0, 0}, {1, 0}, {1, 0}, {1, 1}, {1, 3}, {1, 1}, {0, 1}, {0, 0}}},
			changed:  true,
			polygons: 1, area: 1,
		},
		{name: "collection", g: orb.Collection{orb.Point{1, 1}, orb.LineString{{0, 0}, {1, 1}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			g, changed, why, err := Repair(geo.NewFeature("x", tc.g, nil))
			if tc.wantError {
				if err == nil {
					t.Fatalf("want an error, got %v", g)
				}
				if !errors.Is(err, geo.ErrInvalid) {
					t.Fatalf("error %v does not wrap geo.ErrInvalid", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if changed != tc.changed {
				t.Fatalf("changed = %v (%s), want %v", changed, why, tc.changed)
			}
			if changed == (why == "") {
				t.Errorf("changed=%v but why=%q", changed, why)
			}
			if tc.polygons == 0 {
				return
			}
			checkValid(t, g)
			n := 1
			if mp, ok := g.(orb.MultiPolygon); ok {
				n = len(mp)
			}
			if n != tc.polygons {
				t.Errorf("%d polygons, want %d: %v", n, tc.polygons, g)
			}
			if a := planar.Area(g); tc.area > 0 && math.Abs(a-tc.area) > 1e-9 {
				t.Errorf("area %v, want %v", a, tc.area)
			}
		})
	}
}
