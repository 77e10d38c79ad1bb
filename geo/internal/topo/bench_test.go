package topo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// wobbly returns a closed ring of n points around a circle of radius r at
// c, the radius wobbling by a tenth seven times round, rounded to the grid
// if grid.
func wobbly(n int, c orb.Point, r float64, grid bool) orb.Ring {
	out := make(orb.Ring, 0, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / float64(n)
		rr := r * (1 + 0.1*math.Sin(7*a))
		p := orb.Point{c[0] + rr*math.Cos(a), c[1] + rr*math.Sin(a)}
		if grid {
			p = orb.Point{math.Round(p[0]), math.Round(p[1])}
			if len(out) > 0 && out[len(out)-1] == p {
				continue
			}
		}
		out = append(out, p)
	}
	return append(out, out[0])
}

// BenchmarkCheckGrid checks a simple ring of 6,000 points on the tile
// grid, across the tile, and a hole in it.
func BenchmarkCheckGrid(b *testing.B) {
	polys := []orb.Polygon{{wobbly(6000, orb.Point{2048, 2048}, 1800, true), reversed(sq(2000, 2000, 2100, 2100))}}
	x := Index{Grid: true}
	if x.Check(polys, false) != nil {
		b.Fatal("not valid")
	}
	b.ReportAllocs()
	for b.Loop() {
		x.Check(polys, false)
	}
}

// BenchmarkNodeLonLat nodes a ring of 50,000 points in longitude and
// latitude, as geo/valid does with every ring it imports, with a bowtie
// twist in it.
func BenchmarkNodeLonLat(b *testing.B) {
	r := wobbly(50000, orb.Point{67, 48}, 5, false)
	r[100], r[101] = r[101], r[100]
	x := Index{}
	if _, bad, crossed := x.Node(r); !bad || !crossed {
		b.Fatal("no crossing")
	}
	b.ReportAllocs()
	for b.Loop() {
		x.Node(r)
	}
}

// BenchmarkTrace merges a 30×30 block of unit squares into one ring.
func BenchmarkTrace(b *testing.B) {
	var rings []orb.Ring
	for i := range 30 {
		for j := range 30 {
			rings = append(rings, sq(float64(i), float64(j), float64(i+1), float64(j+1)))
		}
	}
	if got := Trace(rings); len(got) != 1 {
		b.Fatalf("%d loops", len(got))
	}
	b.ReportAllocs()
	for b.Loop() {
		Trace(rings)
	}
}
