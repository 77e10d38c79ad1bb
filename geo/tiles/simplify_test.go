package tiles

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func TestSimplifierRing(t *testing.T) {
	line := func(n int) []orb.Point { // a closed thin triangle whose long side has n points
		ps := make([]orb.Point, 0, n+2)
		for i := range n {
			ps = append(ps, orb.Point{float64(i) * 3, 0})
		}
		return append(ps, orb.Point{float64(n) * 1.5, 40}, orb.Point{0, 0})
	}
	tests := []struct {
		name string
		in   []orb.Point
		tol  float64
		want []orb.Point
	}{
		{name: "four points kept as they are", tol: 0.1,
			in:   []orb.Point{{0, 0}, {10.2, 0}, {10, 10}, {0, 0}},
			want: []orb.Point{{0, 0}, {10, 0}, {10, 10}, {0, 0}}},
		{name: "point within tol of the segment dropped", tol: 0.1,
			in:   []orb.Point{{0, 0}, {5, 0.05}, {10, 0}, {10, 10}, {0, 10}, {0, 0}},
			want: []orb.Point{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}},
		{name: "point beyond tol kept", tol: 0.1,
			in:   []orb.Point{{0, 0}, {5, 2}, {10, 0}, {10, 10}, {0, 10}, {0, 0}},
			want: []orb.Point{{0, 0}, {5, 2}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}},
		{name: "spike running back beyond the end survives", tol: 0.1,
			in:   []orb.Point{{0, 0}, {10, 0}, {20, 0}, {15, 0}, {15, 10}, {0, 0}},
			want: []orb.Point{{0, 0}, {20, 0}, {15, 0}, {15, 10}, {0, 0}}},
		{name: "points rounding onto the same cell kept once", tol: 0.1,
			in:   []orb.Point{{0, 0}, {4.9, 3}, {5.1, 3.2}, {10, 0}, {10, 10}, {0, 0}},
			want: []orb.Point{{0, 0}, {5, 3}, {10, 0}, {10, 10}, {0, 0}}},
		{name: "a straight run is cut every maxRun points", tol: 0.1, in: line(200),
			want: []orb.Point{{0, 0}, {192, 0}, {384, 0}, {576, 0}, {597, 0}, {300, 40}, {0, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := simplifier{tol: tt.tol}
			got := s.ring(append([]orb.Point(nil), tt.in...))
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v\nwant %v", got, tt.want)
			}
		})
	}
}

// TestSimplifierBound checks the guarantee on random wiggly rings: every
// input point lies within the tolerance of the output, plus the half
// diagonal of a cell that rounding may move the output.
func TestSimplifierBound(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 500 {
		n := 10 + rng.IntN(300)
		ps := make([]orb.Point, 0, n+1)
		for i := range n {
			a := 2 * math.Pi * float64(i) / float64(n)
			r := 100 + rng.Float64()*3
			ps = append(ps, orb.Point{500 + r*math.Cos(a), 500 + r*math.Sin(a)})
		}
		ps = append(ps, ps[0])
		in := append([]orb.Point(nil), ps...)
		tol := []float64{0.1, 0.5, 2}[rng.IntN(3)]
		s := simplifier{tol: tol}
		out := orb.LineString(s.ring(ps))
		if out[0] != out[len(out)-1] || len(out) < 4 {
			t.Fatalf("not a closed ring: %v", out)
		}
		for i := 1; i < len(out); i++ {
			if out[i] == out[i-1] {
				t.Fatalf("repeated point %v", out[i])
			}
		}
		for _, p := range in {
			if d := planar.DistanceFrom(out, p); d > tol+math.Sqrt2/2+1e-9 {
				t.Fatalf("tol %v: %v is %.3f from the output", tol, p, d)
			}
		}
	}
}
