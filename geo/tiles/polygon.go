package tiles

import (
	"math"
	"sync"

	"github.com/paulmach/orb"

	"kzmap/geo/tiles/internal/world"
)

// polygonBuilder takes world polygons to the tile grid: project, clip,
// simplify, snap. Rings go through two scratch buffers reused for the whole
// tile, so that each ring allocates only its (small) result; at zooms 0–8
// the input rings are tens of times larger than what survives.
type polygonBuilder struct {
	frame world.Frame
	s     simplifier
	a, b  []orb.Point
}

var builders = sync.Pool{New: func() any {
	return &polygonBuilder{}
}}

// geometry returns w's polygons in the tile, or nil when none survives.
func (pb *polygonBuilder) geometry(w *world.Geometry) orb.Geometry {
	switch g := w.G.(type) {
	case orb.Polygon:
		if p := pb.polygon(g); p != nil {
			return p
		}
	case orb.MultiPolygon:
		var out orb.MultiPolygon
		for i, p := range g {
			if !pb.frame.PixelBound(w.Parts[i]).Intersects(pb.frame.Clip) {
				continue
			}
			if p := pb.polygon(p); p != nil {
				out = append(out, p)
			}
		}
		switch len(out) {
		case 0:
		case 1:
			return out[0]
		default:
			return out
		}
	}
	return nil
}

func (pb *polygonBuilder) polygon(p orb.Polygon) orb.Polygon {
	var out orb.Polygon
	for i, r := range p {
		q := pb.ring(r, i == 0)
		if q == nil {
			if i == 0 {
				return nil
			}
			continue
		}
		out = append(out, q)
	}
	return out
}

// ring returns r on the grid, closed, without repeated points, wound the
// MVT way (exterior rings positive in tile coordinates, y down; holes
// negative), or nil when nothing of it is left.
func (pb *polygonBuilder) ring(r orb.Ring, outer bool) orb.Ring {
	if len(r) < 4 {
		return nil
	}
	f := pb.frame
	a := pb.a[:0]
	if cap(a) < len(r)+1 {
		a = make([]orb.Point, 0, 2*len(r))
	}
	minx, maxx := math.Inf(1), math.Inf(-1)
	miny, maxy := math.Inf(1), math.Inf(-1)
	for _, p := range r {
		x, y := p[0]*f.Scale-f.OffX, p[1]*f.Scale-f.OffY
		minx, maxx = min(minx, x), max(maxx, x)
		miny, maxy = min(miny, y), max(maxy, y)
		a = append(a, orb.Point{x, y})
	}
	pb.a = a
	c := f.Clip
	if maxx < c.Min[0] || minx > c.Max[0] || maxy < c.Min[1] || miny > c.Max[1] {
		return nil
	}
	if a[0] != a[len(a)-1] {
		a = append(a, a[0])
	}
	if minx < c.Min[0] || maxx > c.Max[0] || miny < c.Min[1] || maxy > c.Max[1] {
		a = pb.clip(a)
		if len(a) < 4 {
			return nil
		}
		minx, maxx = max(minx, c.Min[0]), min(maxx, c.Max[0])
		miny, maxy = max(miny, c.Min[1]), min(maxy, c.Max[1])
	}
	// Rings a few cells across are only snapped: simplifying them could
	// collapse a small district that the grid itself still shows (PostGIS
	// keeps those too).
	if maxx-minx > smallRing || maxy-miny > smallRing {
		a = radial(a, pb.s.tol)
		a = pb.s.ring(a)
	}
	a = dedupe(a)
	if len(a) < 4 {
		return nil
	}
	out := make(orb.Ring, len(a))
	copy(out, a)
	if ar := area2(out); ar == 0 {
		return nil
	} else if outer != (ar > 0) {
		out.Reverse()
	}
	return out
}

// clip is Sutherland–Hodgman against the frame's box, ping-ponging between
// the scratch buffers. in is closed; so is the result (or it is empty). A
// ring that leaves and re-enters the box gets edges along the box's side,
// as with orb/clip and PostGIS's ST_ClipByBox2D; they lie in the buffer.
func (pb *polygonBuilder) clip(in []orb.Point) []orb.Point {
	c := pb.frame.Clip
	out := pb.b[:0]
	for edge := 0; edge < 4; edge++ {
		out = out[:0]
		prev := in[len(in)-2] // in is closed: the last point repeats the first
		pin := inside(c, edge, prev)
		for _, p := range in[:len(in)-1] {
			pi := inside(c, edge, p)
			if pi != pin {
				out = append(out, intersect(c, edge, prev, p))
			}
			if pi {
				out = append(out, p)
			}
			prev, pin = p, pi
		}
		if len(out) == 0 {
			pb.a, pb.b = in[:0], out[:0]
			return nil
		}
		out = append(out, out[0])
		in, out = out, in
	}
	// Hand both buffers back for the next ring, whichever holds what.
	pb.a, pb.b = in[:0], out[:0]
	return in
}

func inside(c orb.Bound, edge int, p orb.Point) bool {
	switch edge {
	case 0:
		return p[0] >= c.Min[0]
	case 1:
		return p[0] <= c.Max[0]
	case 2:
		return p[1] >= c.Min[1]
	default:
		return p[1] <= c.Max[1]
	}
}

func intersect(c orb.Bound, edge int, a, b orb.Point) orb.Point {
	switch edge {
	case 0, 1:
		x := c.Min[0]
		if edge == 1 {
			x = c.Max[0]
		}
		return orb.Point{x, a[1] + (b[1]-a[1])*(x-a[0])/(b[0]-a[0])}
	default:
		y := c.Min[1]
		if edge == 3 {
			y = c.Max[1]
		}
		return orb.Point{a[0] + (b[0]-a[0])*(y-a[1])/(b[1]-a[1]), y}
	}
}
