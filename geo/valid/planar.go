package valid

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// RepairPlanar is Repair for geometries in any planar frame (tile grids,
// projected metres), where the longitude/latitude range check of Repair
// would reject valid input: rings are split at their self-intersections
// into simple rings, zero-area pieces are dropped, holes are given to the
// shells that hold them, and polygons of a multipolygon sharing an edge are
// merged. Shells come back counter-clockwise in the geometry's own axes
// (y up). err wraps geo.ErrInvalid for non-finite coordinates, unclosed or
// too short rings and empty results.
//
// The geometry is scaled by a power of two into the range Repair accepts
// and back: such a scaling is exact in floating point and every predicate
// of the repair is invariant under it, so the result is what a repair in
// the original frame would give.
func RepairPlanar(g orb.Geometry) (orb.Geometry, error) {
	if g == nil {
		return nil, fmt.Errorf("%w: no geometry", ErrInvalid)
	}
	b := g.Bound()
	m := math.Max(math.Max(math.Abs(b.Min[0]), math.Abs(b.Max[0])), math.Max(math.Abs(b.Min[1]), math.Abs(b.Max[1])))
	if math.IsNaN(m) || math.IsInf(m, 0) {
		return nil, fmt.Errorf("%w: non-finite coordinate", ErrInvalid)
	}
	exp := 0
	if m > 90 {
		_, e := math.Frexp(m / 90)
		exp = e // m / 2^e <= 90
	}
	r := &repairer{}
	out, err := r.geometry(scale(g, -exp), "")
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if len(r.notes) == 0 {
		return g, nil
	}
	return scale(out, exp), nil
}

// scale returns a copy of g with every coordinate multiplied by 2^exp.
func scale(g orb.Geometry, exp int) orb.Geometry {
	pts := func(ps []orb.Point) []orb.Point {
		out := make([]orb.Point, len(ps))
		for i, p := range ps {
			out[i] = orb.Point{math.Ldexp(p[0], exp), math.Ldexp(p[1], exp)}
		}
		return out
	}
	switch g := g.(type) {
	case orb.Point:
		return orb.Point{math.Ldexp(g[0], exp), math.Ldexp(g[1], exp)}
	case orb.MultiPoint:
		return orb.MultiPoint(pts(g))
	case orb.LineString:
		return orb.LineString(pts(g))
	case orb.MultiLineString:
		out := make(orb.MultiLineString, len(g))
		for i, l := range g {
			out[i] = orb.LineString(pts(l))
		}
		return out
	case orb.Ring:
		return orb.Ring(pts(g))
	case orb.Bound:
		return orb.Bound{Min: scale(g.Min, exp).(orb.Point), Max: scale(g.Max, exp).(orb.Point)}
	case orb.Polygon:
		out := make(orb.Polygon, len(g))
		for i, r := range g {
			out[i] = orb.Ring(pts(r))
		}
		return out
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, len(g))
		for i, p := range g {
			out[i] = scale(p, exp).(orb.Polygon)
		}
		return out
	case orb.Collection:
		out := make(orb.Collection, len(g))
		for i, m := range g {
			if m != nil {
				out[i] = scale(m, exp)
			}
		}
		return out
	}
	return g
}
