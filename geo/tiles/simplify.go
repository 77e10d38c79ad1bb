package tiles

import "github.com/paulmach/orb"

// simplifier simplifies rings in grid space (see ring). orb/simplify's
// Douglas–Peucker computes clamped segment distances through a function
// call and allocates a mask per line; on the benchmark workload that was a
// third of the tile time, so rings take this path and only lines use
// orb/simplify.
type simplifier struct {
	tol float64
}

// ring simplifies ps (first point == last point), rounds what it keeps
// onto the grid and drops repeated points (see dedupe), in place: one pass
// over the output, not three.
//
// It goes forward from each point kept and takes the farthest point such
// that every point skipped lies within tol of the segment to it (the
// distance to the segment, not the line, so that spikes running back
// beyond an end survive), as Lang's and Opheim's algorithms do. That is
// Douglas–Peucker's guarantee, and at tolerances of a fraction of a cell it
// keeps as many points, but it costs a few steps per point where
// Douglas–Peucker went over the ring once per level of its recursion: a
// fifth of the cold tile time.
func (s *simplifier) ring(ps []orb.Point) []orb.Point {
	n := len(ps)
	if n <= 4 {
		return dedupe(ps)
	}
	tol2 := s.tol * s.tol
	out := append(ps[:0], round(ps[0]))
	anchor := ps[0] // out overwrites ps behind the anchor, not at it
	for a := 0; a < n-1; {
		b := a + 1
		for b+1 < n && b+1-a <= maxRun && allNear(anchor, ps[b+1], ps[a+1:b+1], tol2) {
			b++
		}
		anchor = ps[b]
		if p := round(anchor); p != out[len(out)-1] {
			out = append(out, p)
		}
		a = b
	}
	return out
}

// maxRun bounds the points one segment may replace, and with it the cost
// of a long straight stretch (each step measures every point skipped).
const maxRun = 64

// allNear reports whether every point of ps lies within sqrt(tol2) of
// segment ab.
func allNear(a, b orb.Point, ps []orb.Point, tol2 float64) bool {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l2 := dx*dx + dy*dy
	for _, p := range ps {
		px, py := p[0]-a[0], p[1]-a[1]
		var d float64
		t := px*dx + py*dy
		switch {
		case t <= 0 || l2 == 0:
			d = px*px + py*py
		case t >= l2:
			qx, qy := px-dx, py-dy
			d = qx*qx + qy*qy
		default:
			c := px*dy - py*dx
			d = c * c / l2
		}
		if d > tol2 {
			return false
		}
	}
	return true
}
