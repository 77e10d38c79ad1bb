package cql2

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"kzmap/geo"
)

func circle(cx, cy, r float64, n int) orb.Polygon {
	ring := make(orb.Ring, 0, n+1)
	for i := 0; i < n; i++ {
		a := 2 * math.Pi * float64(i) / float64(n)
		ring = append(ring, orb.Point{cx + r*math.Cos(a), cy + r*math.Sin(a)})
	}
	return orb.Polygon{append(ring, ring[0])}
}

// TestLargeGeometriesQuick: every spatial function on a 20,000-vertex
// literal against a 20,000-vertex feature answers in well under a second
// (edges are indexed, not compared pairwise).
func TestLargeGeometriesQuick(t *testing.T) {
	lit := circle(0, 0, 10, 20000)
	var b strings.Builder
	b.WriteString("POLYGON((")
	for i, p := range lit[0] {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%g %g", p[0], p[1])
	}
	b.WriteString("))")
	feat := geo.NewFeature("c", circle(1, 0, 8, 20000), nil)
	want := map[string]bool{
		"s_intersects": true, "s_disjoint": false, "s_within": true, "s_contains": false,
		"s_equals": false, "s_touches": false, "s_crosses": false, "s_overlaps": false,
	}
	for fn, w := range want {
		t.Run(fn, func(t *testing.T) {
			e, err := ParseText(fn + "(geometry, " + b.String() + ")")
			if err != nil {
				t.Fatal(err)
			}
			f, err := Compile(e, testQ, testTP)
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			if got := f.Match(feat); got != w {
				t.Errorf("got %v, want %v", got, w)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}
