package topo

import (
	"math"

	"github.com/paulmach/orb"
)

// Area is the signed area of closed ring l, positive when it runs
// counter-clockwise with y up. The products are taken from the first
// vertex, which keeps them small far from the origin (longitudes near 80);
// on the grid it is exact.
func Area(l []orb.Point) float64 {
	var s float64
	for i := 0; i+1 < len(l); i++ {
		s += (l[i][0] - l[0][0]) * (l[i+1][1] - l[0][1])
		s -= (l[i+1][0] - l[0][0]) * (l[i][1] - l[0][1])
	}
	return s / 2
}

// Degenerate reports a loop with fewer than 3 distinct points or a
// negligible area for its length (a sliver along a line, a spike).
func Degenerate(l []orb.Point) bool {
	if len(l) < 4 {
		return true
	}
	var per float64
	for i := 0; i+1 < len(l); i++ {
		per += math.Hypot(l[i+1][0]-l[i][0], l[i+1][1]-l[i][1])
	}
	return math.Abs(Area(l)) <= 1e-10*per*per
}
