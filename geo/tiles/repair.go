package tiles

import (
	"math"
	"slices"

	"github.com/paulmach/orb"

	"kzmap/geo/internal/plane"
	"kzmap/geo/internal/topo"
	"kzmap/geo/valid"
)

// repair makes polys (on the grid, not simplified, each ring simple) valid
// where snapping pressed rings onto each other: first by merge (a hole
// pressed onto its shell becomes a notch, two polygons sharing an edge
// become one), all on the grid. Crossings go through valid.RepairPlanar
// and back onto the grid, which can make new contacts, so a few rounds are
// allowed. Whatever still conflicts after that is dropped, holes first,
// then the smaller of two polygons: those are features a grid cell or two
// across at this zoom.
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
		if len(polys) == 0 || pb.x.Check(polys, false) == nil {
			return polys
		}
	}
	for range 8 {
		cs := pb.x.Check(polys, true)
		if len(cs) == 0 {
			break
		}
		polys = dropConflicts(polys, cs)
	}
	return polys
}

// merge resolves rings (each simple) that touch or share stretches of
// boundary without crossing: the shared stretches cancel and the rest is
// traced into rings again. ok is false when rings cross, or when the
// result is still not valid.
func (pb *polygonBuilder) merge(polys []orb.Polygon) (merged []orb.Polygon, ok bool) {
	rings, crossed := pb.x.NodeAll(polys)
	if crossed {
		return nil, false
	}
	merged = assemble(topo.Trace(rings))
	return merged, len(merged) == 0 || pb.x.Check(merged, false) == nil
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
			if (best < 0 || areas[i] < areas[best]) && topo.HoleInside(l, p[0]) {
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
func dropConflicts(polys []orb.Polygon, cs []topo.Conflict) []orb.Polygon {
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
		a, b := where[c.R1], where[c.R2]
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
