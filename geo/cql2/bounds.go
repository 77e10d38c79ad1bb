package cql2

import (
	"github.com/paulmach/orb"
)

// Bounds returns boxes that every feature matching e meets, so that a
// store can first select candidates with its spatial index and then
// evaluate the filter on them. Every S_ function but S_DISJOINT of the
// feature's geometry and a literal, in either order, gives the literal's
// bound; AND keeps the boxes every argument allows (none at all when they
// are disjoint: no feature matches); OR the union when every argument has
// boxes. ok is false when e implies no bound (S_DISJOINT, NOT, a plain
// property test). A BBOX crossing the antimeridian gives two boxes.
func Bounds(e Expr) (boxes []orb.Bound, ok bool) {
	o, isOp := e.(*Op)
	if !isOp {
		return nil, false
	}
	switch o.Name {
	case "and":
		for _, a := range o.Args {
			bs, ok2 := Bounds(a)
			if !ok2 {
				continue
			}
			if !ok {
				boxes, ok = bs, true
				continue
			}
			var out []orb.Bound
			for _, x := range boxes {
				for _, y := range bs {
					if x.Intersects(y) {
						out = append(out, orb.Bound{
							Min: orb.Point{max(x.Min[0], y.Min[0]), max(x.Min[1], y.Min[1])},
							Max: orb.Point{min(x.Max[0], y.Max[0]), min(x.Max[1], y.Max[1])},
						})
					}
				}
			}
			boxes = out
		}
		return boxes, ok
	case "or":
		for _, a := range o.Args {
			bs, ok2 := Bounds(a)
			if !ok2 {
				return nil, false
			}
			boxes = append(boxes, bs...)
		}
		return boxes, true
	case "s_intersects", "s_within", "s_equals", "s_touches", "s_crosses", "s_overlaps", "s_contains":
		lit, _, _, found := literalAndGeometry(o)
		if !found {
			return nil, false
		}
		g := splitBound(lit)
		if mp, split := g.(orb.MultiPolygon); split {
			return []orb.Bound{mp[0].Bound(), mp[1].Bound()}, true
		}
		if b, isB := g.(orb.Bound); isB {
			return []orb.Bound{b}, true
		}
		return []orb.Bound{g.Bound()}, true
	}
	return nil, false
}
