package topo

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/paulmach/orb"
)

func TestTrace(t *testing.T) {
	left := sq(0, 0, 10, 10)
	right := sq(10, 0, 20, 10)
	// A hole pressed onto the shell's bottom edge, wound the other way.
	hole := orb.Ring{{2, 0}, {2, 5}, {5, 5}, {5, 0}, {2, 0}}
	shell := orb.Ring{{0, 0}, {2, 0}, {5, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}
	tests := []struct {
		name  string
		in    []orb.Ring
		loops int
		area  float64 // signed sum
	}{
		{name: "one square", in: []orb.Ring{left}, loops: 1, area: 100},
		{name: "neighbours sharing an edge merge", in: []orb.Ring{left, right}, loops: 1, area: 200},
		{name: "hole on the shell's edge becomes a notch", in: []orb.Ring{shell, hole}, loops: 1, area: 100 - 15},
		{name: "apart", in: []orb.Ring{left, {{30, 0}, {40, 0}, {40, 10}, {30, 0}}}, loops: 2, area: 150},
		{name: "touching at a corner", in: []orb.Ring{left, sq(10, 10, 20, 20)}, loops: 2, area: 200},
		{name: "a ring and its reverse cancel", in: []orb.Ring{left, reversed(left)}},
		{name: "flat ring", in: []orb.Ring{{{0, 0}, {4, 0}, {0, 0}}}},
		{name: "empty"},
		{name: "lon/lat neighbours", in: []orb.Ring{sq(76.1, 43.2, 76.3, 43.4), sq(76.3, 43.2, 76.5, 43.4)}, loops: 1, area: 0.08},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Trace(tt.in)
			var a float64
			for _, r := range got {
				a += Area(r)
			}
			if len(got) != tt.loops || math.Abs(a-tt.area) > 1e-9 {
				t.Errorf("%d loops of area %v, want %d of %v: %v", len(got), a, tt.loops, tt.area, got)
			}
		})
	}
}

// TestTraceMatchesMaps pins Trace to the plain version keyed by Go maps
// (geo/valid's before the engines were merged): same loops, same order.
// Random walks on a small grid repeat vertices and edges often.
func TestTraceMatchesMaps(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
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
		got, want := Trace(rings), traceMaps(rings)
		if len(got) != len(want) || (len(got) > 0 && !reflect.DeepEqual(got, want)) {
			t.Fatalf("case %d %v: Trace %v, maps %v", i, rings, got, want)
		}
	}
}

// traceMaps is Trace with Go maps for the edge counts and the edges
// leaving each point, and a splitter that deletes from its map.
func traceMaps(rings []orb.Ring) []orb.Ring {
	type edge struct{ a, b orb.Point }
	count := map[edge]int{}
	var edges []edge
	for _, s := range rings {
		for k := 0; k+1 < len(s); k++ {
			e := edge{s[k], s[k+1]}
			count[e]++
			edges = append(edges, e)
		}
	}
	var keep []edge
	for _, e := range edges {
		rev := edge{e.b, e.a}
		switch {
		case count[e] > 0 && count[rev] > 0:
			count[e]--
			count[rev]--
		case count[e] > 0:
			count[e]--
			keep = append(keep, e)
		}
	}
	from := map[orb.Point][]int{}
	for i, e := range keep {
		from[e.a] = append(from[e.a], i)
	}
	used := make([]bool, len(keep))
	var out []orb.Ring
	for i, e := range keep {
		if used[i] {
			continue
		}
		used[i] = true
		loop := []orb.Point{e.a}
		for cur := e; cur.b != e.a; {
			loop = append(loop, cur.b)
			k := -1
			for _, j := range from[cur.b] {
				if !used[j] {
					k = j
					break
				}
			}
			if k < 0 {
				break
			}
			used[k] = true
			cur = keep[k]
		}
		loop = append(loop, e.a)
		if len(loop) < 4 {
			continue
		}
		for _, l := range splitMaps(loop) {
			if !Degenerate(l) {
				out = append(out, l)
			}
		}
	}
	return out
}

func splitMaps(pts []orb.Point) []orb.Ring {
	var loops []orb.Ring
	pos := map[orb.Point]int{}
	var stack []orb.Point
	for _, p := range pts[:len(pts)-1] {
		if i, ok := pos[p]; ok {
			loops = append(loops, append(append(orb.Ring{}, stack[i:]...), p))
			for _, q := range stack[i+1:] {
				delete(pos, q)
			}
			stack = stack[:i+1]
			continue
		}
		pos[p] = len(stack)
		stack = append(stack, p)
	}
	return append(loops, append(append(orb.Ring{}, stack...), stack[0]))
}
