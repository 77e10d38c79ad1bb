package topo

import (
	"cmp"
	"math"
	"slices"

	"github.com/paulmach/orb"

	"kzmap/geo/internal/plane"
)

// Index finds where the rings of one feature break the OGC rules: a ring
// that crosses or touches itself or doubles back (a spike), rings that
// cross each other or share a stretch of boundary, and holes that slipped
// out of their shell. The zero Index works on any coordinates; set Grid
// for rings on the integer grid. An Index reuses its memory from call to
// call and is not safe for concurrent use.
//
// Segments go into a uniform bucket grid sized to their number, so that a
// feature costs about one pass over its segments plus the few neighbours
// in each bucket: the check runs on every polygon of every tile and must
// stay a small share of the tile time.
type Index struct {
	// Grid says the coordinates are integers: crossing points found by
	// Node and NodeAll are rounded to the nearest integer point, and a
	// bucket is never less than one unit across.
	Grid bool

	segs  []segment
	ends  []int32 // per ring: one past its last segment in segs
	poly  []int32 // per ring: its polygon
	touch []touch // points where rings of one polygon touch

	// Set by CheckBetween: each ring is known to be simple on its own, so
	// only segments near another ring go into the buckets (near: meeting
	// its bound), and pairs on one ring are not tested.
	between bool
	near    []bool  // per segment, with between
	bounds  []bound // per ring, with between

	// Set by Node and NodeAll: where to cut segments, and whether any two
	// cross.
	collect bool
	one     [1]orb.Polygon
	oneRing [1]orb.Ring
	cuts    []cut
	crossed bool
	head    []int32 // per bucket: first entry, 0 when none
	ents    []entry
}

// bound is a segment's or ring's bound in float32, rounded outwards off
// the grid, where it may only grow, which costs a few extra tests and
// misses none; on the grid (integers below 2^24) it is exact. Half the size of float64
// bounds, it keeps a bucket's entries in fewer cache lines.
type bound struct{ minx, maxx, miny, maxy float32 }

func (b bound) meets(o *bound) bool {
	return o.maxx >= b.minx && o.minx <= b.maxx && o.maxy >= b.miny && o.miny <= b.maxy
}

// entry is a segment in a bucket, with its bound at hand: the scan of a
// bucket reads only the entries, not the segments.
type entry struct {
	next, seg int32 // next entry in the same bucket; the segment
	bound
}

// touch is a point where two rings of a polygon meet. OGC allows a hole to
// touch its shell or another hole at one point, but rings touching in a
// cycle (a hole meeting the shell twice, two holes meeting each other and
// the shell) cut the polygon's interior in two.
type touch struct {
	r1, r2 int32
	p      orb.Point
}

type segment struct {
	a, b orb.Point
	ring int32
	bound
}

// down and up round v to float32 towards -∞ and +∞.
func down(v float64) float32 {
	f := float32(v)
	if float64(f) > v {
		f = math.Nextafter32(f, float32(math.Inf(-1)))
	}
	return f
}

func up(v float64) float32 {
	f := float32(v)
	if float64(f) < v {
		f = math.Nextafter32(f, float32(math.Inf(1)))
	}
	return f
}

// Conflict is a pair of rings (indices in the order of the polygons'
// rings; equal for a ring at odds with itself) that break the rules.
type Conflict struct{ R1, R2 int }

// CheckBetween is Check(polys, false) for rings that are each simple
// already: it looks only for rings at odds with each other. A hole touches
// its shell's segments only inside the hole's bound, and shells of one
// feature meet only where their bounds overlap, so most segments of a
// tangled feature need no test; the pairs within a ring were tested ring
// by ring.
func (x *Index) CheckBetween(polys []orb.Polygon) []Conflict {
	x.between = true
	defer func() { x.between = false }()
	return x.check(polys, false)
}

// Check returns the conflicts among the rings of polys, stopping at the
// first unless all is set. Rings are closed and free of repeated points.
func (x *Index) Check(polys []orb.Polygon, all bool) []Conflict {
	return x.check(polys, all)
}

// markNear sets x.near for the segments that meet the bound of another
// ring, and returns how many do.
func (x *Index) markNear() int {
	x.bounds = x.bounds[:0]
	start := 0
	inf := float32(math.Inf(1))
	for _, end := range x.ends {
		b := bound{inf, -inf, inf, -inf}
		for i := start; i < int(end); i++ {
			g := &x.segs[i]
			b.minx, b.maxx = min(b.minx, g.minx), max(b.maxx, g.maxx)
			b.miny, b.maxy = min(b.miny, g.miny), max(b.maxy, g.maxy)
		}
		x.bounds = append(x.bounds, b)
		start = int(end)
	}
	if cap(x.near) < len(x.segs) {
		x.near = make([]bool, len(x.segs))
	}
	x.near = x.near[:len(x.segs)]
	clear(x.near)
	near := 0
	start = 0
	for r, end := range x.ends {
		for o, ob := range x.bounds {
			rb := x.bounds[r]
			if o == r || !ob.meets(&rb) {
				continue
			}
			for i := start; i < int(end); i++ {
				if !x.near[i] && ob.meets(&x.segs[i].bound) {
					x.near[i] = true
					near++
				}
			}
		}
		start = int(end)
	}
	return near
}

// maxCells bounds the bucket table (and its memory, reused from call to
// call).
const maxCells = 1 << 18

func (x *Index) check(polys []orb.Polygon, all bool) []Conflict {
	x.segs, x.ends, x.poly, x.touch = x.segs[:0], x.ends[:0], x.poly[:0], x.touch[:0]
	minx, miny := math.Inf(1), math.Inf(1)
	ring := int32(0)
	for pi, p := range polys {
		for _, r := range p {
			x.poly = append(x.poly, int32(pi))
			for i := 0; i+1 < len(r); i++ {
				a, b := r[i], r[i+1]
				x0, x1, y0, y1 := a[0], b[0], a[1], b[1]
				if x0 > x1 {
					x0, x1 = x1, x0
				}
				if y0 > y1 {
					y0, y1 = y1, y0
				}
				bd := bound{float32(x0), float32(x1), float32(y0), float32(y1)}
				if !x.Grid {
					bd = bound{down(x0), up(x1), down(y0), up(y1)}
				}
				x.segs = append(x.segs, segment{a: a, b: b, ring: ring, bound: bd})
				minx, miny = min(minx, float64(bd.minx)), min(miny, float64(bd.miny))
			}
			x.ends = append(x.ends, int32(len(x.segs)))
			ring++
		}
	}
	n := len(x.segs)
	if n == 0 {
		return nil
	}
	// m is the number of segments that go into the buckets.
	m := n
	if x.between {
		m = x.markNear()
	}
	var out []Conflict
	if m > 0 {
		if out = x.scan(minx, miny, m, all); len(out) > 0 && !all {
			return out
		}
	}
	if len(out) == 0 && len(x.touch) > 0 {
		if cf, ok := x.cycle(); ok {
			return []Conflict{cf}
		}
	}
	// With no crossings, one vertex off the shell's boundary tells whether
	// a hole is inside it.
	ring = 0
	for _, p := range polys {
		for i, h := range p {
			if i > 0 && len(out) == 0 && !HoleInside(h, p[0]) {
				if !all {
					return []Conflict{{int(ring) - i, int(ring)}}
				}
				out = append(out, Conflict{int(ring) - i, int(ring)})
			}
			ring++
		}
	}
	return out
}

// bucketed reports whether segment i goes into the buckets.
func (x *Index) bucketed(i int) bool {
	return !x.between || x.near[i]
}

// scan puts the m bucketed segments into a bucket grid and tests each
// against those before it in its cells; minx, miny is their corner.
func (x *Index) scan(minx, miny float64, m int, all bool) []Conflict {
	n := len(x.segs)
	// Cells about one segment long (by the L1 norm) hold a few segments
	// each; a ring only visits the cells along its line. On the tile
	// benchmark workload this scans a third of the bucket entries that
	// cells four segments long did, for twice the cell visits. The cells
	// are hashed into a table sized to the segments, not laid out over the
	// bound: a ring across a tile would otherwise need a grid of a million
	// cells, nearly all empty, and each visit would miss the cache.
	var per, long float64
	for i := range x.segs {
		if !x.bucketed(i) {
			continue
		}
		sg := &x.segs[i]
		w, h := float64(sg.maxx-sg.minx), float64(sg.maxy-sg.miny)
		per += w + h
		long = max(long, w, h)
	}
	size := per / float64(m)
	if x.Grid {
		size = max(size, 1)
	}
	if !(size > 0) {
		// Segments of no length; any size will do.
		size = 1
	}
	// A long diagonal segment covers many cells of its bound: grow the
	// cells until all the segments together visit a few per segment.
	// Segments at most a few cells long visit about four (on the tile
	// workload) and need no count.
	visits := 4 * m
	for i := 0; i < 4 && long > 3*size; i++ {
		inv := 1 / size
		visits = 0
		for j := range x.segs {
			if !x.bucketed(j) {
				continue
			}
			sg := &x.segs[j]
			visits += (int((float64(sg.maxx)-minx)*inv) - int((float64(sg.minx)-minx)*inv) + 1) *
				(int((float64(sg.maxy)-miny)*inv) - int((float64(sg.miny)-miny)*inv) + 1)
		}
		if visits <= 8*m {
			break
		}
		size *= math.Sqrt(float64(visits) / float64(4*m))
	}
	buckets, shift := 16, 28
	for buckets < 2*visits && buckets < maxCells {
		buckets, shift = buckets*2, shift-1
	}
	if cap(x.head) < buckets {
		x.head = make([]int32, buckets)
	}
	x.head = x.head[:buckets]
	// 0 is an empty bucket: entries are numbered from 1.
	clear(x.head)
	x.ents = append(x.ents[:0], entry{})
	inv := 1 / size
	var out []Conflict
	seen := map[Conflict]bool(nil)
	for s := range n {
		if !x.bucketed(s) {
			continue
		}
		sg := &x.segs[s]
		cx0, cx1 := int((float64(sg.minx)-minx)*inv), int((float64(sg.maxx)-minx)*inv)
		cy0, cy1 := int((float64(sg.miny)-miny)*inv), int((float64(sg.maxy)-miny)*inv)
		// The segment before s on its ring meets s at their shared
		// vertex; that is all when the two turn (see bad).
		// s itself is skipped too: two of its cells can share a bucket.
		prev := int32(-1)
		if s > 0 && x.segs[s-1].ring == sg.ring && plane.Orient(x.segs[s-1].a, sg.a, sg.b) != 0 {
			prev = int32(s - 1)
		}
		for cy := cy0; cy <= cy1; cy++ {
			for cx := cx0; cx <= cx1; cx++ {
				c := (uint32(cx)*0x9e3779b1 + uint32(cy)*0x85ebca77) >> shift
				for e := x.head[c]; e > 0; {
					en := &x.ents[e]
					e = en.next
					if en.maxx < sg.minx || en.minx > sg.maxx || en.maxy < sg.miny || en.miny > sg.maxy || en.seg == prev || en.seg == int32(s) {
						continue
					}
					t := int(en.seg)
					if x.between && x.segs[t].ring == sg.ring {
						continue
					}
					if x.bad(t, s) {
						cf := Conflict{int(x.segs[t].ring), int(sg.ring)}
						if !all {
							return []Conflict{cf}
						}
						if seen == nil {
							seen = map[Conflict]bool{}
						}
						if !seen[cf] {
							seen[cf] = true
							out = append(out, cf)
						}
					}
				}
				x.ents = append(x.ents, entry{next: x.head[c], seg: int32(s), bound: sg.bound})
				x.head[c] = int32(len(x.ents) - 1)
			}
		}
	}
	return out
}

// bad reports whether segments t < s break the rules.
func (x *Index) bad(t, s int) bool {
	tg, sg := &x.segs[t], &x.segs[s]
	if s == t+1 && tg.ring == sg.ring && plane.Orient(tg.a, tg.b, sg.b) != 0 {
		// The common case: a segment and the next one, meeting only at
		// their shared vertex.
		return false
	}
	kind := relate(tg.a, tg.b, sg.a, sg.b)
	if kind == apart {
		return false
	}
	if x.collect {
		x.cutAt(t, s, kind)
	}
	if tg.ring != sg.ring {
		switch kind {
		case crossing, overlap:
			return true
		}
		return x.crossesAt(t, s)
	}
	// Neighbours along the ring share a vertex and may meet only there.
	first, last := x.ringSegs(tg.ring)
	if s == t+1 || (t == first && s == last) {
		return kind == overlap
	}
	return true
}

// ringSegs returns the first and last segment of ring r.
func (x *Index) ringSegs(r int32) (first, last int) {
	if r > 0 {
		first = int(x.ends[r-1])
	}
	return first, int(x.ends[r]) - 1
}

// crossesAt reports whether the rings of segments t and s, which touch at
// one point, pass through each other there rather than only touch: seen
// from the point, the two ends of one ring lie on both sides of the other.
func (x *Index) crossesAt(t, s int) bool {
	tg, sg := &x.segs[t], &x.segs[s]
	var p orb.Point
	switch {
	case plane.OnSegment(sg.a, sg.b, tg.a):
		p = tg.a
	case plane.OnSegment(sg.a, sg.b, tg.b):
		p = tg.b
	case plane.OnSegment(tg.a, tg.b, sg.a):
		p = sg.a
	default:
		p = sg.b
	}
	u1, u2 := x.around(t, p)
	v1, v2 := x.around(s, p)
	in1, in2 := inSweep(p, u1, u2, v1), inSweep(p, u1, u2, v2)
	if in1 != in2 {
		return true
	}
	if x.poly[tg.ring] == x.poly[sg.ring] {
		x.touch = append(x.touch, touch{tg.ring, sg.ring, p})
	}
	return false
}

// cycle looks for touches linking rings in a cycle (see touch).
func (x *Index) cycle() (Conflict, bool) {
	slices.SortFunc(x.touch, func(a, b touch) int {
		if c := cmp.Compare(a.r1, b.r1); c != 0 {
			return c
		}
		if c := cmp.Compare(a.r2, b.r2); c != 0 {
			return c
		}
		if c := cmp.Compare(a.p[0], b.p[0]); c != 0 {
			return c
		}
		return cmp.Compare(a.p[1], b.p[1])
	})
	parent := map[int32]int32{}
	find := func(r int32) int32 {
		for {
			p, ok := parent[r]
			if !ok || p == r {
				return r
			}
			r = p
		}
	}
	for i, t := range x.touch {
		if i > 0 && t == x.touch[i-1] {
			continue
		}
		a, b := find(t.r1), find(t.r2)
		if a == b {
			return Conflict{int(t.r1), int(t.r2)}, true
		}
		parent[a] = b
	}
	return Conflict{}, false
}

// around returns the points on either side of p along the ring of segment
// i, p being on that segment (a vertex of the ring or inside the segment).
func (x *Index) around(i int, p orb.Point) (orb.Point, orb.Point) {
	g := &x.segs[i]
	first, last := x.ringSegs(g.ring)
	switch p {
	case g.a:
		prev := i - 1
		if i == first {
			prev = last
		}
		return x.segs[prev].a, g.b
	case g.b:
		next := i + 1
		if i == last {
			next = first
		}
		return g.a, x.segs[next].b
	}
	return g.a, g.b
}

// inSweep reports whether w lies strictly inside the angle swept
// counter-clockwise (y up) from u to v around p.
func inSweep(p, u, v, w orb.Point) bool {
	if plane.Orient(p, u, v) > 0 {
		return plane.Orient(p, u, w) > 0 && plane.Orient(p, w, v) > 0
	}
	return !(plane.Orient(p, v, w) >= 0 && plane.Orient(p, w, u) >= 0)
}

const (
	apart = iota
	crossing
	touching
	overlap
)

// relate says how segments ab and cd meet: not at all, crossing at a point
// inside both, touching at one point, or overlapping along a stretch.
func relate(a, b, c, d orb.Point) int {
	o1, o2 := plane.Orient(a, b, c), plane.Orient(a, b, d)
	o3, o4 := plane.Orient(c, d, a), plane.Orient(c, d, b)
	if o1 == 0 && o2 == 0 {
		// Collinear: compare along the longer axis.
		ax := 0
		if math.Abs(b[1]-a[1])+math.Abs(d[1]-c[1]) > math.Abs(b[0]-a[0])+math.Abs(d[0]-c[0]) {
			ax = 1
		}
		lo := max(min(a[ax], b[ax]), min(c[ax], d[ax]))
		hi := min(max(a[ax], b[ax]), max(c[ax], d[ax]))
		switch {
		case lo < hi:
			return overlap
		case lo == hi:
			return touching
		}
		return apart
	}
	if opposite(o1, o2) && opposite(o3, o4) {
		return crossing
	}
	if (o1 == 0 && plane.OnSegment(a, b, c)) || (o2 == 0 && plane.OnSegment(a, b, d)) ||
		(o3 == 0 && plane.OnSegment(c, d, a)) || (o4 == 0 && plane.OnSegment(c, d, b)) {
		return touching
	}
	return apart
}

// opposite reports u and v of strictly opposite signs (their product
// could underflow to zero off the grid).
func opposite(u, v float64) bool {
	return (u > 0 && v < 0) || (u < 0 && v > 0)
}

// HoleInside reports whether hole h lies in shell s, judged by its first
// vertex off s's boundary (a hole may touch its shell at points).
func HoleInside(h, s orb.Ring) bool {
	for _, p := range h[:len(h)-1] {
		switch plane.PointInRing(p, s) {
		case 1:
			return true
		case -1:
			return false
		}
	}
	return true
}
