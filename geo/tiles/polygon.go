package tiles

import (
	"math"
	"sync"

	"github.com/paulmach/orb"

	"kzmap/geo/internal/plane"
	"kzmap/geo/internal/topo"
	"kzmap/geo/tiles/internal/world"
)

// polygonBuilder takes world polygons to the tile grid: project, clip,
// simplify, snap. Rings go through two scratch buffers reused for the whole
// tile, so that each ring allocates only its (small) result, and for MVT
// not even that (see alloc); at zooms 0–8 the input rings are tens of times
// larger than what survives.
type polygonBuilder struct {
	frame world.Frame
	tol   float64 // the zoom's tolerance; s.tol is the one in use
	s     simplifier
	x     topo.Index
	a, b  []orb.Point

	bounds []orb.Bound   // scratch for tangled
	tangle []orb.Polygon // tangled's result

	// With useArena set (by MVT, which encodes the rings before the
	// builder goes back to the pool), rings are cut from arena rather
	// than allocated one by one: the tile's rings are most of what a cold
	// tile allocates, and they are garbage once it is encoded.
	useArena bool
	arena    []orb.Point
}

// alloc returns a ring of n points. An arena ring's capacity is its
// length, so that appending to it copies it rather than overwrite the
// next ring.
func (pb *polygonBuilder) alloc(n int) orb.Ring {
	if !pb.useArena {
		return make(orb.Ring, n)
	}
	if cap(pb.arena)-len(pb.arena) < n {
		// The old block stays alive as long as the tile's rings use it.
		// Blocks grow to what a tile needs, up to a megabyte.
		pb.arena = make([]orb.Point, 0, max(min(2*cap(pb.arena), 1<<16), 4*n, 1<<12))
	}
	l := len(pb.arena)
	pb.arena = pb.arena[:l+n]
	return orb.Ring(pb.arena[l : l+n : l+n])
}

var builders = sync.Pool{New: func() any {
	return &polygonBuilder{x: topo.Index{Grid: true}}
}}

// geometry returns w's polygons in the tile, or nil when none survives.
//
// Simplifying and snapping can leave rings that cross or touch themselves
// or each other, which the MVT spec (and OGC validity) forbids; each ring
// is made simple on its own (see simpleRing). Rings of the feature that
// then only touch or share a stretch of boundary are traced into valid
// rings again as they are (see merge); if they cross, the whole feature is
// made again by snapping alone, and what that still breaks is repaired, as
// ST_AsMVTGeom does with ST_MakeValid after snapping.
func (pb *polygonBuilder) geometry(w *world.Geometry) orb.Geometry {
	polys := pb.polygons(w, pb.tol)
	if t := pb.tangled(polys); len(t) > 0 && pb.x.CheckBetween(t) != nil {
		if merged, ok := pb.merge(polys); ok {
			polys = merged
		} else {
			if pb.tol > 0 {
				polys = pb.polygons(w, 0)
			}
			if len(polys) > 0 && pb.x.Check(polys, false) != nil {
				polys = pb.repair(polys)
			}
		}
	}
	switch len(polys) {
	case 0:
		return nil
	case 1:
		return polys[0]
	}
	return orb.MultiPolygon(polys)
}

// smallRing is the size in grid cells under which rings are not simplified.
const smallRing = 8

// polygons makes w's polygons with the given simplification tolerance.
func (pb *polygonBuilder) polygons(w *world.Geometry, tol float64) []orb.Polygon {
	pb.s.tol = tol
	switch g := w.G.(type) {
	case orb.Polygon:
		return pb.polygon(g)
	case orb.MultiPolygon:
		var out []orb.Polygon
		for i, p := range g {
			if !pb.frame.PixelBound(w.Parts[i]).Intersects(pb.frame.Clip) {
				continue
			}
			out = append(out, pb.polygon(p)...)
		}
		return out
	}
	return nil
}

// tangled returns the polygons of polys whose rings could conflict with
// each other, or nil: each ring is simple already (see simpleRing), and
// rings whose bounds do not meet cannot touch. What is left are polygons
// with holes and those whose shell's bound meets another's; a hole reaching
// out of its shell's bound crosses the shell, which checking its polygon
// finds. Most features are one polygon or islands apart, which spares them
// a second pass over all their segments.
func (pb *polygonBuilder) tangled(polys []orb.Polygon) []orb.Polygon {
	switch {
	case len(polys) == 1 && len(polys[0]) == 1:
		return nil
	case len(polys) == 1 || len(polys) > 64: // not worth the quadratic test
		return polys
	}
	bs := pb.bounds[:0]
	for _, p := range polys {
		bs = append(bs, ringBound(p[0]))
	}
	pb.bounds = bs
	out := pb.tangle[:0]
	for i, p := range polys {
		need := len(p) > 1
		for j := 0; j < len(bs) && !need; j++ {
			need = j != i && bs[i].Intersects(bs[j])
		}
		if need {
			out = append(out, p)
		}
	}
	pb.tangle = out
	return out
}

// ringBound is r's bound (orb's Bound goes through Extend per point).
func ringBound(r orb.Ring) orb.Bound {
	b := orb.Bound{Min: r[0], Max: r[0]}
	for _, p := range r[1:] {
		b.Min[0], b.Max[0] = min(b.Min[0], p[0]), max(b.Max[0], p[0])
		b.Min[1], b.Max[1] = min(b.Min[1], p[1]), max(b.Max[1], p[1])
	}
	return b
}

// polygon makes p's rings simple (see simpleRing) and puts the holes into
// the shells that hold them; a shell split in two gives two polygons.
func (pb *polygonBuilder) polygon(p orb.Polygon) []orb.Polygon {
	shells, holes := pb.simpleRing(p[0], true)
	if len(shells) == 0 {
		return nil
	}
	for _, r := range p[1:] {
		_, hs := pb.simpleRing(r, false)
		holes = append(holes, hs...)
	}
	if len(shells) == 1 {
		return []orb.Polygon{append(orb.Polygon{shells[0]}, holes...)}
	}
	out := make([]orb.Polygon, len(shells))
	for i, s := range shells {
		out[i] = orb.Polygon{s}
	}
	for _, h := range holes {
		for i, s := range shells {
			if topo.HoleInside(h, s) {
				out[i] = append(out[i], h)
				break
			}
		}
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
	// When simplifying, a point that snaps to the same grid point as the
	// last one kept adds nothing the grid can show: dropping it here
	// spares the simplifier a fifth of its input on the benchmark
	// workload (a third at zooms 0–3). The last point is kept, as it
	// closes the ring.
	prune := pb.s.tol > 0
	cx, cy := math.NaN(), math.NaN() // grid point of the last point kept
	for i, p := range r {
		x, y := p[0]*f.Scale-f.OffX, p[1]*f.Scale-f.OffY
		minx, maxx = min(minx, x), max(maxx, x)
		miny, maxy = min(miny, y), max(maxy, y)
		if prune {
			rx, ry := math.Round(x), math.Round(y)
			if rx == cx && ry == cy && i < len(r)-1 {
				continue
			}
			cx, cy = rx, ry
		}
		a = append(a, orb.Point{x, y})
	}
	pb.a = a
	c := f.Clip
	if !outer {
		// A hole running out of the box would get edges along its side,
		// on top of the shell's: clipped one cell inside, it leaves a
		// strip of the shell, in the buffer, that keeps the two apart.
		c.Min[0], c.Min[1] = c.Min[0]+1, c.Min[1]+1
		c.Max[0], c.Max[1] = c.Max[0]-1, c.Max[1]-1
	}
	if maxx < c.Min[0] || minx > c.Max[0] || maxy < c.Min[1] || miny > c.Max[1] {
		return nil
	}
	if a[0] != a[len(a)-1] {
		a = append(a, a[0])
	}
	if minx < c.Min[0] || maxx > c.Max[0] || miny < c.Min[1] || maxy > c.Max[1] {
		a = pb.clip(a, c)
		if len(a) < 4 {
			return nil
		}
		minx, maxx = max(minx, c.Min[0]), min(maxx, c.Max[0])
		miny, maxy = max(miny, c.Min[1]), min(maxy, c.Max[1])
	}
	// Rings a few cells across are only snapped: simplifying them could
	// collapse a small district that the grid itself still shows (PostGIS
	// keeps those too).
	if pb.s.tol > 0 && (maxx-minx > smallRing || maxy-miny > smallRing) {
		a = radial(a, pb.s.tol)
		a = pb.s.ring(a)
	} else {
		a = dedupe(a)
	}
	if len(a) < 4 {
		return nil
	}
	out := pb.alloc(len(a))
	copy(out, a)
	// A ring of no area is either flat, or crosses itself with lobes that
	// cancel (a bowtie): simpleRing sorts out which, so it stays.
	if ar := plane.Area2(out); ar != 0 && outer != (ar > 0) {
		out.Reverse()
	}
	return out
}

// clip is Sutherland–Hodgman against box c, ping-ponging between
// the scratch buffers. in is closed; so is the result (or it is empty). A
// ring that leaves and re-enters the box gets edges along the box's side,
// as with orb/clip and PostGIS's ST_ClipByBox2D; they lie in the buffer.
func (pb *polygonBuilder) clip(in []orb.Point, c orb.Bound) []orb.Point {
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
