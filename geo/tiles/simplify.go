package tiles

import "github.com/paulmach/orb"

// simplifier is Douglas–Peucker in grid space with reusable scratch space.
// orb/simplify's version computes clamped segment distances through a
// function call and allocates a mask per line; on the benchmark workload
// that was a third of the tile time, so rings take this path and only
// lines use orb/simplify.
type simplifier struct {
	tol   float64
	keep  []bool
	stack []int
}

// ring simplifies ps (first point == last point), rounds what it keeps
// onto the grid and drops repeated points (see dedupe), in place: one pass
// over the output, not three.
func (s *simplifier) ring(ps []orb.Point) []orb.Point {
	n := len(ps)
	if n <= 4 {
		return dedupe(ps)
	}
	tol2 := s.tol * s.tol
	if cap(s.keep) < n {
		s.keep = make([]bool, n)
	}
	keep := s.keep[:n]
	clear(keep)
	// A closed ring's first and last points coincide, which gives no line
	// to measure from: split it at the point farthest from the start.
	far, fd := 0, -1.0
	for i := 1; i < n-1; i++ {
		dx, dy := ps[i][0]-ps[0][0], ps[i][1]-ps[0][1]
		if d := dx*dx + dy*dy; d > fd {
			far, fd = i, d
		}
	}
	keep[0], keep[far], keep[n-1] = true, true, true
	s.stack = append(s.stack[:0], 0, far, far, n-1)
	for len(s.stack) > 0 {
		a, b := s.stack[len(s.stack)-2], s.stack[len(s.stack)-1]
		s.stack = s.stack[:len(s.stack)-2]
		if b-a < 2 {
			continue
		}
		ax, ay := ps[a][0], ps[a][1]
		dx, dy := ps[b][0]-ax, ps[b][1]-ay
		l2 := dx*dx + dy*dy
		best, bi := 0.0, -1
		for i := a + 1; i < b; i++ {
			px, py := ps[i][0]-ax, ps[i][1]-ay
			var d float64
			// Distance to the segment, not the line, so that spikes
			// running back beyond an end survive.
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
			if d > best {
				best, bi = d, i
			}
		}
		if best > tol2 {
			keep[bi] = true
			s.stack = append(s.stack, a, bi, bi, b)
		}
	}
	out := ps[:0]
	for i, k := range keep {
		if !k {
			continue
		}
		p := round(ps[i])
		if len(out) > 0 && out[len(out)-1] == p {
			continue
		}
		out = append(out, p)
	}
	return out
}
