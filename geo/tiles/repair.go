package tiles

import (
	"math"
	"slices"

	"github.com/paulmach/orb"

	"kzmap/geo/internal/plane"
	"kzmap/geo/valid"
)

// repair makes polys (on the grid, not simplified, each ring simple) valid
// where snapping pressed rings onto each other: first by merge (a hole
// pressed onto its shell becomes a notch, two polygons sharing an edge
// become one), all on the grid. Crossings go through valid.RepairPlanar and back onto the grid, which can make new
// contacts, so a few rounds are allowed. Whatever still conflicts after
// that is dropped, holes first, then the smaller of two polygons: those
// are features a grid cell or two across at this zoom.
func (pb *polygonBuilder) repair(polys []orb.Polygon) []orb.Polygon {
	if merged, ok := pb.merge(polys); ok {
		return merged
	}
	for range 3 {
		g, err := valid.RepairPlanar(orb.MultiPolygon(polys))
		if err != nil {
			break
		}
		polys = onGrid(g)
		if len(polys) == 0 || pb.x.check(polys, false) == nil {
			return polys
		}
	}
	for range 8 {
		cs := pb.x.check(polys, true)
		if len(cs) == 0 {
			break
		}
		polys = dropConflicts(polys, cs)
	}
	return polys
}

// split breaks ring q (on the grid, wound for its role) into simple rings
// at the points where it touches or crosses itself (see loops); crossings
// go through valid.RepairPlanar, and the rings it gives, rounded back onto
// the grid, are split again, a few times at most.
func (pb *polygonBuilder) split(q orb.Ring, outer bool) (shells, holes []orb.Ring) {
	return pb.splitN(q, outer, 3)
}

func (pb *polygonBuilder) splitN(q orb.Ring, outer bool, tries int) (shells, holes []orb.Ring) {
	// Crossings first by inserting their points, rounded, a few rounds.
	r := q
	for range 4 {
		noded, bad, crossed := pb.x.node(r)
		switch {
		case !bad:
			if outer {
				return []orb.Ring{r}, nil
			}
			return nil, []orb.Ring{r}
		case !crossed:
			return loops(noded, outer)
		}
		r = orb.Ring(dedupe(noded))
	}
	// Crossings need new vertices off the grid, rounded back onto it,
	// which can make new contacts: the general repair, checked again.
	g, err := valid.RepairPlanar(orb.Polygon{q})
	if err != nil || tries == 0 {
		return nil, nil
	}
	add := func(r orb.Ring, shell bool) {
		s, h := pb.splitN(r, shell, tries-1)
		shells, holes = append(shells, s...), append(holes, h...)
	}
	for _, p := range onGrid(g) {
		if outer {
			add(p[0], true)
			for _, h := range p[1:] {
				add(h, false)
			}
		} else {
			p[0].Reverse()
			add(p[0], false)
		}
	}
	return shells, holes
}

// loops splits a noded ring (see simpleIndex.node) at its repeated
// vertices. As in geo/valid, the loops of a shell are shells, save one
// inside a larger loop with the opposite turn, which is a hole of it (a
// loop inside with the same turn is already covered and dropped); the loops
// of a hole are holes. Zero-area loops (spikes, the doubled edges clipping
// leaves along the box) go.
func loops(noded []orb.Point, outer bool) (shells, holes []orb.Ring) {
	var ls []orb.Ring
	var areas []float64
	for _, l := range splitLoops(noded) {
		if a := plane.Area2(l); len(l) >= 4 && a != 0 {
			ls = append(ls, l)
			areas = append(areas, a)
		}
	}
	for i, l := range ls {
		in := -1
		for j, o := range ls {
			if i != j && math.Abs(areas[j]) > math.Abs(areas[i]) && holeInside(l, o) {
				in = j
				break
			}
		}
		hole := !outer || in >= 0
		if in >= 0 && (!outer || (areas[i] > 0) == (areas[in] > 0)) {
			continue
		}
		if hole != (areas[i] < 0) {
			l.Reverse()
		}
		if hole {
			holes = append(holes, l)
		} else {
			shells = append(shells, l)
		}
	}
	return shells, holes
}

// merge resolves rings (each simple) that touch or share stretches of
// boundary without crossing: the shared stretches cancel and the rest is
// traced into rings again. ok is false when rings cross, or when the
// result is still not valid.
func (pb *polygonBuilder) merge(polys []orb.Polygon) (merged []orb.Polygon, ok bool) {
	rings, crossed := pb.x.nodeAll(polys)
	if crossed {
		return nil, false
	}
	merged = assemble(traceRings(rings))
	return merged, len(merged) == 0 || pb.x.check(merged, false) == nil
}

// assemble makes polygons of traced loops: those of positive area (in tile
// coordinates) are shells, the others holes, each put into the smallest
// shell that holds it.
func assemble(loops []orb.Ring) []orb.Polygon {
	var out []orb.Polygon
	var areas []float64
	for _, l := range loops {
		if a := plane.Area2(l); a > 0 {
			out = append(out, orb.Polygon{l})
			areas = append(areas, a)
		}
	}
	for _, l := range loops {
		if plane.Area2(l) >= 0 {
			continue
		}
		best := -1
		for i, p := range out {
			if (best < 0 || areas[i] < areas[best]) && holeInside(l, p[0]) {
				best = i
			}
		}
		if best >= 0 {
			out[best] = append(out[best], l)
		}
	}
	return out
}

// onGrid rounds g's polygons to the grid, drops repeated points and rings
// that collapse, and winds rings the MVT way.
func onGrid(g orb.Geometry) []orb.Polygon {
	var in []orb.Polygon
	switch g := g.(type) {
	case orb.Polygon:
		in = []orb.Polygon{g}
	case orb.MultiPolygon:
		in = g
	}
	var out []orb.Polygon
	for _, p := range in {
		var q orb.Polygon
		for i, r := range p {
			r = orb.Ring(dedupe(slices.Clone(r)))
			if len(r) < 4 || r[0] != r[len(r)-1] {
				if i == 0 {
					break
				}
				continue
			}
			a := plane.Area2(r)
			if a == 0 {
				if i == 0 {
					break
				}
				continue
			}
			if (i == 0) != (a > 0) {
				r.Reverse()
			}
			q = append(q, r)
		}
		if len(q) > 0 {
			out = append(out, q)
		}
	}
	return out
}

// dropConflicts removes, for each conflict, a hole taking part in it, or
// else the polygon of smaller area.
func dropConflicts(polys []orb.Polygon, cs []conflict) []orb.Polygon {
	type at struct{ p, r int }
	var where []at
	for i, p := range polys {
		for j := range p {
			where = append(where, at{i, j})
		}
	}
	dropRing := map[at]bool{}
	dropPoly := map[int]bool{}
	for _, c := range cs {
		a, b := where[c.r1], where[c.r2]
		switch {
		case b.r > 0:
			dropRing[b] = true
		case a.r > 0:
			dropRing[a] = true
		case a.p == b.p:
			dropPoly[a.p] = true
		case math.Abs(plane.Area2(polys[a.p][0])) < math.Abs(plane.Area2(polys[b.p][0])):
			dropPoly[a.p] = true
		default:
			dropPoly[b.p] = true
		}
	}
	var out []orb.Polygon
	for i, p := range polys {
		if dropPoly[i] {
			continue
		}
		q := orb.Polygon{p[0]}
		for j, r := range p[1:] {
			if !dropRing[at{i, j + 1}] {
				q = append(q, r)
			}
		}
		out = append(out, q)
	}
	return out
}
