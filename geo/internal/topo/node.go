package topo

import (
	"cmp"
	"math"
	"slices"

	"github.com/paulmach/orb"

	"kzmap/geo/internal/plane"
)

// cut is a point to insert into a segment: a vertex of a ring lying inside
// it, or a crossing point.
type cut struct {
	seg int32
	d   float64 // squared distance from the segment's start
	p   orb.Point
}

// cutAt records the cuts that segments t and s, which meet as kind says,
// make in each other.
func (x *Index) cutAt(t, s, kind int) {
	if kind == crossing {
		// The crossing point goes into both segments. On the grid it is
		// rounded, which bends them a little, so the result must be
		// checked again.
		x.crossed = true
		a, b, c, d := x.segs[t].a, x.segs[t].b, x.segs[s].a, x.segs[s].b
		o3, o4 := plane.Orient(c, d, a), plane.Orient(c, d, b)
		f := o3 / (o3 - o4)
		p := orb.Point{a[0] + f*(b[0]-a[0]), a[1] + f*(b[1]-a[1])}
		if x.Grid {
			p = orb.Point{math.Round(p[0]), math.Round(p[1])}
		}
		for _, i := range [2]int{t, s} {
			if g := &x.segs[i]; p != g.a && p != g.b {
				dx, dy := p[0]-g.a[0], p[1]-g.a[1]
				x.cuts = append(x.cuts, cut{int32(i), dx*dx + dy*dy, p})
			}
		}
		return
	}
	for _, i := range [2]int{t, s} {
		g, o := &x.segs[i], &x.segs[t+s-i]
		for _, p := range [2]orb.Point{o.a, o.b} {
			if p != g.a && p != g.b && plane.OnSegment(g.a, g.b, p) {
				dx, dy := p[0]-g.a[0], p[1]-g.a[1]
				x.cuts = append(x.cuts, cut{int32(i), dx*dx + dy*dy, p})
			}
		}
	}
}

// NodeAll returns the rings of polys with every vertex that lies inside a
// segment of any of them inserted there, so that wherever they touch or
// overlap they have vertices in common; crossed tells that some segments
// cross, which inserting vertices cannot mend (rings is then nil).
func (x *Index) NodeAll(polys []orb.Polygon) (rings []orb.Ring, crossed bool) {
	x.collect, x.cuts, x.crossed = true, x.cuts[:0], false
	x.check(polys, true)
	x.collect = false
	if x.crossed {
		return nil, true
	}
	x.sortCuts()
	c, s := 0, 0
	for _, p := range polys {
		for _, r := range p {
			out := make(orb.Ring, 0, len(r))
			for i := 0; i+1 < len(r); i, s = i+1, s+1 {
				out = append(out, r[i])
				for ; c < len(x.cuts) && int(x.cuts[c].seg) == s; c++ {
					if q := x.cuts[c].p; q != out[len(out)-1] {
						out = append(out, q)
					}
				}
			}
			rings = append(rings, append(out, r[len(r)-1]))
		}
	}
	return rings, false
}

func (x *Index) sortCuts() {
	slices.SortFunc(x.cuts, func(a, b cut) int {
		if c := cmp.Compare(a.seg, b.seg); c != 0 {
			return c
		}
		return cmp.Compare(a.d, b.d)
	})
}

// Node checks ring r (closed, free of repeated points) alone. When it
// breaks the rules (bad), noded is r with every vertex that lies inside one
// of its segments inserted there, and the points where segments cross, so
// that all the places where r meets itself become repeated vertices (for
// SplitLoops); it has len(r) plus the number of points inserted. crossed
// tells that r crosses itself: the crossing points are computed, and on
// the grid rounded, so noded can meet itself anew (Node it again).
func (x *Index) Node(r []orb.Point) (noded []orb.Point, bad, crossed bool) {
	x.collect, x.cuts, x.crossed = true, x.cuts[:0], false
	x.oneRing[0] = orb.Ring(r)
	x.one[0] = x.oneRing[:]
	bad = len(x.check(x.one[:], true)) > 0
	x.oneRing[0] = nil
	x.collect = false
	if !bad {
		return nil, false, false
	}
	x.sortCuts()
	out := make([]orb.Point, 0, len(r)+len(x.cuts))
	c := 0
	for i := 0; i+1 < len(r); i++ {
		out = append(out, r[i])
		for ; c < len(x.cuts) && int(x.cuts[c].seg) == i; c++ {
			if p := x.cuts[c].p; p != out[len(out)-1] {
				out = append(out, p)
			}
		}
	}
	return append(out, r[len(r)-1]), true, x.crossed
}
