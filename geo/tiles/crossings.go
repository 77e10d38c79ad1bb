package tiles

import (
	"math"

	"github.com/paulmach/orb"

	"kzmap/geo/internal/plane"
	"kzmap/geo/internal/topo"
	"kzmap/geo/valid"
)

// minTolerance is where the retries of simpleRing give up simplifying.
const minTolerance = 0.05

// simpleRing returns r on the grid as simple rings. Where it only touches
// itself or doubles back (snapping pinches it, clipping leaves doubled
// edges along the box), it is split there into simple rings without moving
// a vertex, as ST_MakeValid would. Where it crosses itself, the
// simplification went too far: it is made again with smaller tolerances,
// and what snapping alone still crosses is repaired (see split). A shell
// gives shells and the holes its loops enclose; a hole gives holes.
func (pb *polygonBuilder) simpleRing(r orb.Ring, outer bool) (shells, holes []orb.Ring) {
	tol := pb.s.tol
	defer func() { pb.s.tol = tol }()
	for {
		q := pb.ring(r, outer)
		if q == nil {
			return nil, nil
		}
		noded, bad, crossed := pb.x.Node(q)
		switch {
		case !bad:
			if outer {
				return []orb.Ring{q}, nil
			}
			return nil, []orb.Ring{q}
		case !crossed:
			return loops(noded, outer)
		case pb.s.tol == 0:
			return pb.split(q, outer)
		}
		pb.s.tol = smaller(pb.s.tol)
	}
}

// smaller is the next tolerance to try after tol.
func smaller(tol float64) float64 {
	if tol /= 2; tol < minTolerance {
		return 0
	}
	return tol
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
		noded, bad, crossed := pb.x.Node(r)
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

// loops splits a noded ring (see topo.Index.Node) at its repeated
// vertices. As in geo/valid, the loops of a shell are shells, save one
// inside a larger loop with the opposite turn, which is a hole of it (a
// loop inside with the same turn is already covered and dropped); the loops
// of a hole are holes. Zero-area loops (spikes, the doubled edges clipping
// leaves along the box) go.
func loops(noded []orb.Point, outer bool) (shells, holes []orb.Ring) {
	var ls []orb.Ring
	var areas []float64
	for _, l := range topo.SplitLoops(noded) {
		if a := plane.Area2(l); len(l) >= 4 && a != 0 {
			ls = append(ls, l)
			areas = append(areas, a)
		}
	}
	for i, l := range ls {
		in := -1
		for j, o := range ls {
			if i != j && math.Abs(areas[j]) > math.Abs(areas[i]) && topo.HoleInside(l, o) {
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
