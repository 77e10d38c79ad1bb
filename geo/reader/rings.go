package reader

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// maxProbe bounds how many vertices of a hole are tried against an outer
// ring before giving up on finding one off its boundary, so that a hole
// tracing its outer ring costs linear, not quadratic, time.
const maxProbe = 16

// organizeRings groups ESRI polygon parts into polygons the way GDAL does
// for shapefiles (organizePolygons, METHOD=ONLY_CCW): rings that are not
// counter-clockwise are outer rings; each counter-clockwise ring is a hole
// of the smallest outer ring that contains it, or an outer ring of its own
// when none does. Polygons keep the order of their outer rings in the file,
// holes the order they come in. Rings are reversed in place to RFC 7946
// orientation: outer counter-clockwise, holes clockwise.
//
// Every ring must have at least four points.
func organizeRings(rings []orb.Ring) orb.Geometry {
	if len(rings) == 1 {
		if rings[0].Orientation() == orb.CW {
			rings[0].Reverse()
		}
		return orb.Polygon{rings[0]}
	}

	type outer struct {
		ring  int
		bound orb.Bound
		area  float64
		holes []int
	}
	var outers []*outer
	var holes []int
	ccw := make([]bool, len(rings))
	for i, r := range rings {
		ccw[i] = r.Orientation() == orb.CCW
		if ccw[i] {
			holes = append(holes, i)
		} else {
			outers = append(outers, &outer{ring: i, bound: r.Bound(), area: math.Abs(ringArea(r))})
		}
	}
	// A shape with every ring counter-clockwise is wrongly wound rather than
	// all holes: keep each ring as a polygon (already RFC 7946 outer winding).
	if len(outers) == 0 {
		mp := make(orb.MultiPolygon, len(rings))
		for i, r := range rings {
			mp[i] = orb.Polygon{r}
		}
		return mp
	}

	var orphans []*outer
	for _, h := range holes {
		hr := rings[h]
		hb := hr.Bound()
		var best *outer
		for _, o := range outers {
			if best != nil && o.area >= best.area {
				continue
			}
			if !containsBound(o.bound, hb) || !ringInRing(hr, rings[o.ring]) {
				continue
			}
			best = o
		}
		if best == nil {
			// An orphan hole becomes an outer ring where it stands.
			orphans = append(orphans, &outer{ring: h})
			continue
		}
		best.holes = append(best.holes, h)
	}
	outers = append(outers, orphans...)
	slices.SortFunc(outers, func(a, b *outer) int { return a.ring - b.ring })

	mp := make(orb.MultiPolygon, len(outers))
	for i, o := range outers {
		r := rings[o.ring]
		if !ccw[o.ring] {
			r.Reverse()
		}
		p := make(orb.Polygon, 0, 1+len(o.holes))
		p = append(p, r)
		for _, h := range o.holes {
			rings[h].Reverse()
			p = append(p, rings[h])
		}
		mp[i] = p
	}
	if len(mp) == 1 {
		return mp[0]
	}
	return mp
}

func containsBound(outer, inner orb.Bound) bool {
	return inner.Min[0] >= outer.Min[0] && inner.Min[1] >= outer.Min[1] &&
		inner.Max[0] <= outer.Max[0] && inner.Max[1] <= outer.Max[1]
}

// ringInRing reports whether hole lies inside outer, judged by the first of
// its vertices not on outer's boundary. A hole whose probed vertices all lie
// on the boundary is taken as inside: its bound is inside already.
func ringInRing(hole, outer orb.Ring) bool {
	for i, p := range hole {
		if i == maxProbe {
			break
		}
		in, on := pointInRing(p, outer)
		if !on {
			return in
		}
	}
	return true
}

// pointInRing tests p against r by the even-odd rule and reports whether p
// lies on one of r's edges.
func pointInRing(p orb.Point, r orb.Ring) (in, on bool) {
	x, y := p[0], p[1]
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		a, b := r[j], r[i]
		if onSegment(p, a, b) {
			return false, true
		}
		if (a[1] > y) != (b[1] > y) {
			xi := a[0] + (y-a[1])*(b[0]-a[0])/(b[1]-a[1])
			if x < xi {
				in = !in
			}
		}
	}
	return in, false
}

func onSegment(p, a, b orb.Point) bool {
	if p[0] < math.Min(a[0], b[0]) || p[0] > math.Max(a[0], b[0]) ||
		p[1] < math.Min(a[1], b[1]) || p[1] > math.Max(a[1], b[1]) {
		return false
	}
	return (b[0]-a[0])*(p[1]-a[1]) == (p[0]-a[0])*(b[1]-a[1])
}

// ringArea is the signed planar area (positive counter-clockwise).
func ringArea(r orb.Ring) float64 {
	var s float64
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return s / 2
}
