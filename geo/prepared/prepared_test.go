package prepared

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"kzmap/geo/internal/benchdata"
	"kzmap/geo/internal/geokz"
)

// square with a square hole: outer (0,0)-(10,10) CCW, hole (4,4)-(6,6) CW.
var squareWithHole = orb.Polygon{
	{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}},
	{{4, 4}, {4, 6}, {6, 6}, {6, 4}, {4, 4}},
}

// a concave "U": the notch (4..6, 3..10) is outside.
var uShape = orb.Polygon{
	{{0, 0}, {10, 0}, {10, 10}, {6, 10}, {6, 3}, {4, 3}, {4, 10}, {0, 10}, {0, 0}},
}

var twoSquares = orb.MultiPolygon{
	{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}},
	{{{5, 5}, {7, 5}, {7, 7}, {5, 7}, {5, 5}}},
}

func TestContainsPoint(t *testing.T) {
	cases := []struct {
		name string
		g    orb.Geometry
		pt   orb.Point
		want bool
	}{
		{"inside", squareWithHole, orb.Point{2, 2}, true},
		{"outside right", squareWithHole, orb.Point{11, 5}, false},
		{"outside left, ray crosses everything", squareWithHole, orb.Point{-1, 5}, false},
		{"in hole", squareWithHole, orb.Point{5, 5}, false},
		{"on outer edge", squareWithHole, orb.Point{10, 5}, true},
		{"on bottom edge", squareWithHole, orb.Point{3, 0}, true},
		{"on top edge", squareWithHole, orb.Point{3, 10}, true},
		{"on hole edge", squareWithHole, orb.Point{4, 5}, true},
		{"on hole top edge", squareWithHole, orb.Point{5, 6}, true},
		{"on outer vertex", squareWithHole, orb.Point{0, 0}, true},
		{"on top vertex", squareWithHole, orb.Point{10, 10}, true},
		{"on hole vertex", squareWithHole, orb.Point{6, 6}, true},
		{"level with vertex, inside", squareWithHole, orb.Point{5, 4 - 1e-12}, true},
		{"on hole bottom edge", squareWithHole, orb.Point{5, 4}, true}, // on the hole's bottom edge
		{"U notch", uShape, orb.Point{5, 5}, false},
		{"U arm", uShape, orb.Point{2, 8}, true},
		{"U level with notch bottom", uShape, orb.Point{5, 2}, true},
		{"U notch floor", uShape, orb.Point{5, 3}, true},
		{"U ray through notch vertices", uShape, orb.Point{1, 3}, true},
		{"U ray through top vertices", uShape, orb.Point{-1, 10}, false},
		{"multipolygon first", twoSquares, orb.Point{0.5, 0.5}, true},
		{"multipolygon second", twoSquares, orb.Point{6, 6}, true},
		{"multipolygon between", twoSquares, orb.Point{3, 3}, false},
		{"multipolygon second edge", twoSquares, orb.Point{7, 6}, true},
		{"point equal", orb.Point{1, 2}, orb.Point{1, 2}, true},
		{"point other", orb.Point{1, 2}, orb.Point{1, 3}, false},
		{"on line", orb.LineString{{0, 0}, {2, 2}, {4, 0}}, orb.Point{3, 1}, true},
		{"off line", orb.LineString{{0, 0}, {2, 2}, {4, 0}}, orb.Point{2, 1}, false},
		{"multiline second", orb.MultiLineString{{{0, 0}, {1, 0}}, {{0, 5}, {5, 5}}}, orb.Point{3, 5}, true},
		{"collection polygon member", orb.Collection{orb.Point{50, 50}, squareWithHole}, orb.Point{1, 1}, true},
		{"collection point member", orb.Collection{orb.Point{50, 50}, squareWithHole}, orb.Point{50, 50}, true},
		{"collection none", orb.Collection{orb.Point{50, 50}, squareWithHole}, orb.Point{30, 30}, false},
		{"nil geometry", nil, orb.Point{0, 0}, false},
		{"NaN point", squareWithHole, orb.Point{math.NaN(), 5}, false},
		{"NaN point on a point", orb.Point{1, 2}, orb.Point{1, math.NaN()}, false},
		{"empty multipolygon", orb.MultiPolygon{}, orb.Point{0, 0}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := New(tc.g).ContainsPoint(tc.pt); got != tc.want {
				t.Errorf("ContainsPoint(%v) = %v, want %v", tc.pt, got, tc.want)
			}
		})
	}
}

func TestIntersectsBound(t *testing.T) {
	box := func(x0, y0, x1, y1 float64) orb.Bound {
		return orb.Bound{Min: orb.Point{x0, y0}, Max: orb.Point{x1, y1}}
	}
	cases := []struct {
		name string
		g    orb.Geometry
		b    orb.Bound
		want bool
	}{
		{"box inside polygon", squareWithHole, box(1, 1, 2, 2), true},
		{"box inside hole", squareWithHole, box(4.5, 4.5, 5.5, 5.5), false},
		{"box covers hole", squareWithHole, box(3, 3, 7, 7), true},
		{"polygon inside box", squareWithHole, box(-1, -1, 11, 11), true},
		{"box crosses edge", squareWithHole, box(9, 9, 12, 12), true},
		{"box outside", squareWithHole, box(11, 11, 12, 12), false},
		{"box touches edge", squareWithHole, box(10, 2, 12, 3), true},
		{"box touches corner", squareWithHole, box(10, 10, 12, 12), true},
		{"box crossing without vertices", squareWithHole, box(-1, 1, 11, 2), true},
		{"box in U notch", uShape, box(4.5, 4, 5.5, 9), false},
		{"box over U notch", uShape, box(3, 4, 7, 9), true},
		{"bounds overlap but diagonal line misses", orb.LineString{{0, 0}, {10, 10}}, box(6, 0, 9, 3), false},
		{"line crosses box", orb.LineString{{0, 0}, {10, 10}}, box(4, 4.5, 6, 5), true},
		{"point in box", orb.Point{1, 1}, box(0, 0, 1, 1), true},
		{"point out of box", orb.Point{1, 1.5}, box(0, 0, 1, 1), false},
		{"multipolygon second", twoSquares, box(6.5, 6.5, 8, 8), true},
		{"multipolygon gap", twoSquares, box(2, 2, 4, 4), false},
		{"degenerate box on edge", squareWithHole, box(10, 3, 10, 3), true},
		{"inverted box", squareWithHole, box(5, 5, 1, 1), false},
		{"NaN box", squareWithHole, box(math.NaN(), 1, 2, 2), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := New(tc.g).IntersectsBound(tc.b); got != tc.want {
				t.Errorf("IntersectsBound(%v) = %v, want %v", tc.b, got, tc.want)
			}
		})
	}
}

func TestContainsBound(t *testing.T) {
	p := New(squareWithHole)
	if !p.ContainsBound(orb.Bound{Min: orb.Point{1, 1}, Max: orb.Point{3, 3}}) {
		t.Error("box well inside: want covered")
	}
	if p.ContainsBound(orb.Bound{Min: orb.Point{1, 1}, Max: orb.Point{5, 5}}) {
		t.Error("box reaching into the hole: want not covered")
	}
	if p.ContainsBound(orb.Bound{Min: orb.Point{9, 9}, Max: orb.Point{11, 11}}) {
		t.Error("box crossing the edge: want not covered")
	}
}

// randomPolygon is a star-shaped polygon around c with n vertices and a hole.
func randomPolygon(r *rand.Rand, c orb.Point, n int) orb.Polygon {
	outer := make(orb.Ring, 0, n+1)
	for i := 0; i < n; i++ {
		a := 2 * math.Pi * float64(i) / float64(n)
		rad := 1 + 4*r.Float64()
		outer = append(outer, orb.Point{c[0] + rad*math.Cos(a), c[1] + rad*math.Sin(a)})
	}
	outer = append(outer, outer[0])
	hole := orb.Ring{{c[0] - .5, c[1] - .5}, {c[0] - .5, c[1] + .5}, {c[0] + .5, c[1] + .5}, {c[0] + .5, c[1] - .5}, {c[0] - .5, c[1] - .5}}
	return orb.Polygon{outer, hole}
}

// TestRandomAgainstPlanar compares with orb/planar, which ignores the
// boundary, so points within a hair of an edge are skipped.
func TestRandomAgainstPlanar(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 20; round++ {
		mp := orb.MultiPolygon{
			randomPolygon(r, orb.Point{0, 0}, 20+r.IntN(500)),
			randomPolygon(r, orb.Point{7, 3}, 3+r.IntN(50)),
		}
		p := New(mp)
		checked := 0
		for i := 0; i < 5000; i++ {
			pt := orb.Point{-6 + 20*r.Float64(), -6 + 15*r.Float64()}
			if nearEdge(mp, pt, 1e-9) {
				continue
			}
			checked++
			if got, want := p.ContainsPoint(pt), planar.MultiPolygonContains(mp, pt); got != want {
				t.Fatalf("round %d: ContainsPoint(%v) = %v, planar says %v", round, pt, got, want)
			}
		}
		if checked < 4900 {
			t.Fatalf("only %d points checked", checked)
		}
	}
}

func nearEdge(mp orb.MultiPolygon, pt orb.Point, eps float64) bool {
	for _, pg := range mp {
		for _, r := range pg {
			for i := 0; i+1 < len(r); i++ {
				if planar.DistanceFromSegmentSquared(r[i], r[i+1], pt) < eps*eps {
					return true
				}
			}
		}
	}
	return false
}

// TestRandomBoundAgainstBruteForce checks IntersectsBound against a direct
// definition: a vertex in the box, a box corner in the polygon, or crossing edges.
func TestRandomBoundAgainstBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	pg := randomPolygon(r, orb.Point{0, 0}, 300)
	p := New(pg)
	hits := 0
	for i := 0; i < 3000; i++ {
		x, y := -6+12*r.Float64(), -6+12*r.Float64()
		w, h := 2*r.Float64()*r.Float64(), 2*r.Float64()*r.Float64()
		b := orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + w, y + h}}
		want := bruteIntersects(pg, b)
		if got := p.IntersectsBound(b); got != want {
			t.Fatalf("IntersectsBound(%v) = %v, brute force %v", b, got, want)
		}
		if want {
			hits++
		}
	}
	if hits < 300 || hits > 2700 {
		t.Fatalf("unbalanced test: %d of 3000 boxes hit", hits)
	}
}

func bruteIntersects(pg orb.Polygon, b orb.Bound) bool {
	for _, c := range []orb.Point{b.Min, b.Max, {b.Min[0], b.Max[1]}, {b.Max[0], b.Min[1]}} {
		if planar.PolygonContains(pg, c) {
			return true
		}
	}
	sides := b.ToRing()
	for _, r := range pg {
		for i := 0; i+1 < len(r); i++ {
			if b.Contains(r[i]) {
				return true
			}
			for j := 0; j+1 < len(sides); j++ {
				if segmentsCross(r[i], r[i+1], sides[j], sides[j+1]) {
					return true
				}
			}
		}
	}
	return false
}

func segmentsCross(a, b, c, d orb.Point) bool {
	o := func(p, q, r orb.Point) float64 { return (q[0]-p[0])*(r[1]-p[1]) - (q[1]-p[1])*(r[0]-p[0]) }
	d1, d2, d3, d4 := o(c, d, a), o(c, d, b), o(a, b, c), o(a, b, d)
	return ((d1 > 0) != (d2 > 0)) && ((d3 > 0) != (d4 > 0))
}

// TestDistrictsAgainstPlanar runs the same comparison on the real districts.
func TestDistrictsAgainstPlanar(t *testing.T) {
	fs := geokz.GeoJSON(t, "kaz_admbnda_adm2_2018")
	r := rand.New(rand.NewPCG(5, 6))
	for _, f := range fs {
		p := New(f.Geometry)
		b := f.Geometry.Bound()
		for i := 0; i < 200; i++ {
			pt := orb.Point{b.Min[0] + r.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + r.Float64()*(b.Max[1]-b.Min[1])}
			var want bool
			switch g := f.Geometry.(type) {
			case orb.Polygon:
				if nearEdge(orb.MultiPolygon{g}, pt, 1e-9) {
					continue
				}
				want = planar.PolygonContains(g, pt)
			case orb.MultiPolygon:
				if nearEdge(g, pt, 1e-9) {
					continue
				}
				want = planar.MultiPolygonContains(g, pt)
			}
			if got := p.ContainsPoint(pt); got != want {
				t.Fatalf("%v: ContainsPoint(%v) = %v, planar %v", f.Properties["ADM2_PCODE"], pt, got, want)
			}
		}
	}
}

func BenchmarkContainsPointDistricts(b *testing.B) {
	fs := benchdata.Districts(b)
	ps := make([]*Geometry, len(fs))
	var all orb.Bound
	for i, f := range fs {
		ps[i] = New(f.Geometry)
		if i == 0 {
			all = f.Geometry.Bound()
		}
		all = all.Union(f.Geometry.Bound())
	}
	r := rand.New(rand.NewPCG(7, 8))
	pts := make([]orb.Point, 4096)
	for i := range pts {
		pts[i] = orb.Point{all.Min[0] + r.Float64()*(all.Max[0]-all.Min[0]), all.Min[1] + r.Float64()*(all.Max[1]-all.Min[1])}
	}
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		pt := pts[i&4095]
		for _, p := range ps {
			if p.ContainsPoint(pt) {
				n++
			}
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "points/s")
}

func BenchmarkNew(b *testing.B) {
	fs := benchdata.Districts(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, f := range fs {
			New(f.Geometry)
		}
	}
}
