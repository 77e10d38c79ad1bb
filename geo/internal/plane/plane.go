// Package plane holds the exact predicates on the plane that the geometry
// checks of kzmap share (validation at import, tile rings on the grid).
// On integer coordinates, as on the tile grid, every answer is exact in
// float64.
package plane

import "github.com/paulmach/orb"

// Orient is twice the signed area of triangle abc: positive when c lies to
// the left of ab (counter-clockwise with y up), zero when collinear.
func Orient(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

// OnSegment reports whether p lies on segment ab, ends included.
func OnSegment(a, b, p orb.Point) bool {
	return min(a[0], b[0]) <= p[0] && p[0] <= max(a[0], b[0]) &&
		min(a[1], b[1]) <= p[1] && p[1] <= max(a[1], b[1]) &&
		Orient(a, b, p) == 0
}

// PointInRing tells where p lies against closed ring r: 1 inside, -1
// outside, 0 on its boundary.
func PointInRing(p orb.Point, r []orb.Point) int {
	x, y := p[0], p[1]
	in := false
	for i := 0; i+1 < len(r); i++ {
		a, b := r[i], r[i+1]
		if OnSegment(a, b, p) {
			return 0
		}
		if (a[1] > y) != (b[1] > y) {
			o := (b[0]-a[0])*(y-a[1]) - (x-a[0])*(b[1]-a[1])
			if (o > 0) == (b[1] > a[1]) {
				in = !in
			}
		}
	}
	if in {
		return 1
	}
	return -1
}

// Area2 is twice the signed area of closed ring r, positive when it runs
// counter-clockwise with y up.
func Area2(r []orb.Point) float64 {
	var a float64
	for i := 0; i+1 < len(r); i++ {
		a += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return a
}
