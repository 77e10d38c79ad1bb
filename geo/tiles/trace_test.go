package tiles

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/paulmach/orb"

	"kzmap/geo/valid"
)

// TestTraceRingsMatchesValid pins traceRings to valid.TraceRings, which it
// replaces on the tile path: same loops, same order.
func TestTraceRingsMatchesValid(t *testing.T) {
	sq := func(x, y, s float64) orb.Ring {
		return orb.Ring{{x, y}, {x + s, y}, {x + s, y + s}, {x, y + s}, {x, y}}
	}
	rev := func(r orb.Ring) orb.Ring {
		r = append(orb.Ring(nil), r...)
		r.Reverse()
		return r
	}
	tests := []struct {
		name  string
		rings []orb.Ring
		loops int
	}{
		{"one square", []orb.Ring{sq(0, 0, 4)}, 1},
		{"squares sharing an edge merge", []orb.Ring{sq(0, 0, 4), sq(4, 0, 4)}, 1},
		{"squares touching at a corner", []orb.Ring{sq(0, 0, 4), sq(4, 4, 4)}, 2},
		{"hole noded onto its shell", []orb.Ring{
			{{0, 0}, {4, 0}, {8, 0}, {8, 8}, {0, 8}, {0, 0}},
			rev(orb.Ring{{4, 0}, {6, 2}, {2, 2}, {4, 0}}),
		}, 2},
		{"a ring and its reverse cancel", []orb.Ring{sq(0, 0, 4), rev(sq(0, 0, 4))}, 0},
		{"flat ring", []orb.Ring{{{0, 0}, {4, 0}, {0, 0}}}, 0},
		{"empty", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := traceRings(tt.rings)
			want := valid.TraceRings(tt.rings)
			if len(got) != tt.loops {
				t.Errorf("%d loops, want %d: %v", len(got), tt.loops, got)
			}
			if len(got) != len(want) || (len(got) > 0 && !reflect.DeepEqual(got, want)) {
				t.Errorf("traceRings %v, valid.TraceRings %v", got, want)
			}
		})
	}
	// Random walks on a small grid repeat vertices and edges often.
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := range 500 {
		var rings []orb.Ring
		for range 1 + rnd.IntN(3) {
			p := orb.Point{float64(rnd.IntN(5)), float64(rnd.IntN(5))}
			r := orb.Ring{p}
			for range 3 + rnd.IntN(12) {
				q := r[len(r)-1]
				switch rnd.IntN(4) {
				case 0:
					q[0]++
				case 1:
					q[0]--
				case 2:
					q[1]++
				default:
					q[1]--
				}
				r = append(r, q)
			}
			rings = append(rings, append(r, p))
		}
		got, want := traceRings(rings), valid.TraceRings(rings)
		if len(got) != len(want) || (len(got) > 0 && !reflect.DeepEqual(got, want)) {
			t.Fatalf("case %d %v: traceRings %v, valid.TraceRings %v", i, rings, got, want)
		}
	}
}
