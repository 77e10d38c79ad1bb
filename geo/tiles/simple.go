package tiles

import (
	"cmp"
	"math"
	"slices"
	"sync"

	"github.com/paulmach/orb"

	"kzmap/geo/internal/plane"
)

// simpleIndex finds where the rings of one feature, on the integer grid,
// break the OGC rules: a ring that crosses or touches itself or doubles back
// (a spike), rings that cross each other or share a stretch of boundary,
// and holes that slipped out of their shell. Grid coordinates are small
// integers, so every orientation test below is exact in float64.
//
// Segments go into a uniform bucket grid sized to their number, so that a
// feature costs about one pass over its segments plus the few neighbours
// in each bucket: the check runs on every polygon of every tile and must
// stay a small share of the tile time.
type simpleIndex struct {
	segs  []segment
	ends  []int32 // per ring: one past its last segment in segs
	poly  []int32 // per ring: its polygon
	touch []touch // points where rings of one polygon touch

	// Set by checkBetween: each ring is known to be simple on its own, so
	// only segments near another ring go into the buckets (near: meeting
	// its bound), and pairs on one ring are not tested.
	between bool
	near    []bool    // per segment, with between
	bounds  []bound32 // per ring, with between

	// Set by node: where to cut segments, and whether any two cross.
	collect bool
	one     [1]orb.Polygon
	oneRing [1]orb.Ring
	cuts    []cut
	crossed bool
	head    []int32 // per bucket: first entry, 0 when none
	ents    []entry
}

// entry is a segment in a bucket, with its bound at hand: the scan of a
// bucket reads only the entries, not the segments.
type entry struct {
	next, seg              int32 // next entry in the same bucket; the segment
	minx, maxx, miny, maxy int32
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
	a, b                   orb.Point
	ring                   int32
	minx, maxx, miny, maxy int32 // bound, for the quick test
}

type bound32 struct{ minx, maxx, miny, maxy int32 }

func (b bound32) meets(g *segment) bool {
	return g.maxx >= b.minx && g.minx <= b.maxx && g.maxy >= b.miny && g.miny <= b.maxy
}

// checkBetween is check(polys, false) for rings that are each simple
// already (see simpleRing): it looks only for rings at odds with each
// other. A hole touches its shell's segments only inside the hole's bound,
// and shells of one feature meet only where their bounds overlap, so most
// segments of a tangled feature need no test; the pairs within a ring were
// tested ring by ring.
func (x *simpleIndex) checkBetween(polys []orb.Polygon) []conflict {
	x.between = true
	defer func() { x.between = false }()
	return x.check(polys, false)
}

// markNear sets x.near for the segments that meet the bound of another
// ring, and returns how many do.
func (x *simpleIndex) markNear() int {
	x.bounds = x.bounds[:0]
	start := 0
	for _, end := range x.ends {
		b := bound32{math.MaxInt32, math.MinInt32, math.MaxInt32, math.MinInt32}
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
			if o == r || ob.maxx < rb.minx || ob.minx > rb.maxx || ob.maxy < rb.miny || ob.miny > rb.maxy {
				continue
			}
			for i := start; i < int(end); i++ {
				if !x.near[i] && ob.meets(&x.segs[i]) {
					x.near[i] = true
					near++
				}
			}
		}
		start = int(end)
	}
	return near
}

// maxCells bounds the bucket table (and its memory, reused from tile to
// tile).
const maxCells = 1 << 18

// conflict is a pair of rings (indices in feature order; equal for a ring
// at odds with itself) that break the rules.
type conflict struct{ r1, r2 int }

// check returns the conflicts among the rings of polys, stopping at the
// first unless all is set. Rings are closed and free of repeated points.
func (x *simpleIndex) check(polys []orb.Polygon, all bool) []conflict {
	x.segs, x.ends, x.poly, x.touch = x.segs[:0], x.ends[:0], x.poly[:0], x.touch[:0]
	minx, miny := math.Inf(1), math.Inf(1)
	ring := int32(0)
	for pi, p := range polys {
		for _, r := range p {
			x.poly = append(x.poly, int32(pi))
			for i := 0; i+1 < len(r); i++ {
				a, b := r[i], r[i+1]
				sg := segment{a: a, b: b, ring: ring,
					minx: int32(a[0]), maxx: int32(b[0]), miny: int32(a[1]), maxy: int32(b[1])}
				if sg.minx > sg.maxx {
					sg.minx, sg.maxx = sg.maxx, sg.minx
				}
				if sg.miny > sg.maxy {
					sg.miny, sg.maxy = sg.maxy, sg.miny
				}
				x.segs = append(x.segs, sg)
				minx, miny = min(minx, a[0]), min(miny, a[1])
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
	var out []conflict
	if m > 0 {
		if out = x.scan(minx, miny, m, all); len(out) > 0 && !all {
			return out
		}
	}
	if len(out) == 0 && len(x.touch) > 0 {
		if cf, ok := x.cycle(); ok {
			return []conflict{cf}
		}
	}
	// With no crossings, one vertex off the shell's boundary tells whether
	// a hole is inside it.
	ring = 0
	for _, p := range polys {
		for i, h := range p {
			if i > 0 && len(out) == 0 && !holeInside(h, p[0]) {
				if !all {
					return []conflict{{int(ring) - i, int(ring)}}
				}
				out = append(out, conflict{int(ring) - i, int(ring)})
			}
			ring++
		}
	}
	return out
}

// bucketed reports whether segment i goes into the buckets.
func (x *simpleIndex) bucketed(i int) bool {
	return !x.between || x.near[i]
}

// scan puts the m bucketed segments into a bucket grid and tests each
// against those before it in its cells; minx, miny is their corner.
func (x *simpleIndex) scan(minx, miny float64, m int, all bool) []conflict {
	n := len(x.segs)
	// Cells about one segment long (by the L1 norm) hold a few segments
	// each; a ring only visits the cells along its line. On the benchmark
	// workload this scans a third of the bucket entries that cells four
	// segments long did, for twice the cell visits. The cells are hashed
	// into a table sized to the segments, not laid out over the bound: a
	// ring across a tile would otherwise need a grid of a million cells,
	// nearly all empty, and each visit would miss the cache.
	var per, long int32
	for i := range x.segs {
		if !x.bucketed(i) {
			continue
		}
		sg := &x.segs[i]
		w, h := sg.maxx-sg.minx, sg.maxy-sg.miny
		per += w + h
		long = max(long, w, h)
	}
	size := max(float64(per)/float64(m), 1)
	// A long diagonal segment covers many cells of its bound: grow the
	// cells until all the segments together visit a few per segment.
	// Segments at most a few cells long visit about four (on the
	// workload) and need no count.
	visits := 4 * m
	for i := 0; i < 4 && float64(long) > 3*size; i++ {
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
	var out []conflict
	seen := map[conflict]bool(nil)
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
						cf := conflict{int(x.segs[t].ring), int(sg.ring)}
						if !all {
							return []conflict{cf}
						}
						if seen == nil {
							seen = map[conflict]bool{}
						}
						if !seen[cf] {
							seen[cf] = true
							out = append(out, cf)
						}
					}
				}
				x.ents = append(x.ents, entry{next: x.head[c], seg: int32(s),
					minx: sg.minx, maxx: sg.maxx, miny: sg.miny, maxy: sg.maxy})
				x.head[c] = int32(len(x.ents) - 1)
			}
		}
	}
	return out
}

// bad reports whether segments t < s break the rules.
func (x *simpleIndex) bad(t, s int) bool {
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
	first := 0
	if tg.ring > 0 {
		first = int(x.ends[tg.ring-1])
	}
	last := int(x.ends[tg.ring]) - 1
	if s == t+1 || (t == first && s == last) {
		return kind == overlap
	}
	return true
}

// crossesAt reports whether the rings of segments t and s, which touch at
// one point, pass through each other there rather than only touch: seen
// from the point, the two ends of one ring lie on both sides of the other.
func (x *simpleIndex) crossesAt(t, s int) bool {
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
func (x *simpleIndex) cycle() (conflict, bool) {
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
			return conflict{int(t.r1), int(t.r2)}, true
		}
		parent[a] = b
	}
	return conflict{}, false
}

// around returns the points on either side of p along the ring of segment
// i, p being on that segment (a vertex of the ring or inside the segment).
func (x *simpleIndex) around(i int, p orb.Point) (orb.Point, orb.Point) {
	g := &x.segs[i]
	first := 0
	if g.ring > 0 {
		first = int(x.ends[g.ring-1])
	}
	last := int(x.ends[g.ring]) - 1
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
	if o1*o2 < 0 && o3*o4 < 0 {
		return crossing
	}
	if (o1 == 0 && plane.OnSegment(a, b, c)) || (o2 == 0 && plane.OnSegment(a, b, d)) ||
		(o3 == 0 && plane.OnSegment(c, d, a)) || (o4 == 0 && plane.OnSegment(c, d, b)) {
		return touching
	}
	return apart
}

// holeInside reports whether hole h lies in shell s, judged by its first
// vertex off s's boundary (a hole may touch its shell at points).
func holeInside(h, s orb.Ring) bool {
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

// cut is a vertex of a ring lying inside one of the ring's segments.
type cut struct {
	seg int32
	d   float64 // squared distance from the segment's start
	p   orb.Point
}

func (x *simpleIndex) cutAt(t, s, kind int) {
	if kind == crossing {
		// The crossing point, rounded onto the grid, goes into both
		// segments: this bends them a little, so the result must be
		// checked again.
		x.crossed = true
		a, b, c, d := x.segs[t].a, x.segs[t].b, x.segs[s].a, x.segs[s].b
		o3, o4 := plane.Orient(c, d, a), plane.Orient(c, d, b)
		f := o3 / (o3 - o4)
		p := round(orb.Point{a[0] + f*(b[0]-a[0]), a[1] + f*(b[1]-a[1])})
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

// nodeAll returns the rings of polys with every vertex that lies inside a
// segment of any of them inserted there, so that wherever they touch or
// overlap they have vertices in common; crossed tells that some segments
// cross, which inserting vertices cannot mend.
func (x *simpleIndex) nodeAll(polys []orb.Polygon) (rings []orb.Ring, crossed bool) {
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

func (x *simpleIndex) sortCuts() {
	slices.SortFunc(x.cuts, func(a, b cut) int {
		if c := cmp.Compare(a.seg, b.seg); c != 0 {
			return c
		}
		return cmp.Compare(a.d, b.d)
	})
}

// node checks ring r alone. When it breaks the rules (bad), noded is r with
// every vertex that lies inside one of its segments inserted there, so that
// all the places where r touches itself become repeated vertices; crossed
// tells that r also crosses itself: the crossing points, rounded to the
// grid, are inserted too, which can make new contacts (check noded again).
func (x *simpleIndex) node(r orb.Ring) (noded []orb.Point, bad, crossed bool) {
	x.collect, x.cuts, x.crossed = true, x.cuts[:0], false
	x.oneRing[0] = r
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

// splitLoops cuts a closed point sequence at every repeated vertex into
// closed loops, each visiting every vertex once.
func splitLoops(pts []orb.Point) []orb.Ring {
	var loops []orb.Ring
	pos := pointIndexes.Get().(*pointIndex)
	defer pointIndexes.Put(pos)
	pos.reset(len(pts))
	stack := pos.stack[:0]
	defer func() { pos.stack = stack[:0] }()
	for _, p := range pts[:len(pts)-1] {
		// pos may name a place the stack has since been cut back from:
		// it counts only while the stack still holds p there.
		if i := pos.get(p); i >= 0 && i < len(stack) && stack[i] == p {
			loop := make(orb.Ring, 0, len(stack)-i+1)
			loop = append(loop, stack[i:]...)
			loop = append(loop, p)
			loops = append(loops, loop)
			stack = stack[:i+1]
			continue
		}
		pos.set(p, len(stack))
		stack = append(stack, p)
	}
	last := make(orb.Ring, 0, len(stack)+1)
	last = append(last, stack...)
	return append(loops, append(last, stack[0]))
}

// pointIndex maps points to ints: open addressing over a table twice the
// size of the points put in, cheaper than a Go map for the one-shot
// indexes of a ring (no growth, no deletes, no hashing of floats through
// the runtime).
type pointIndex struct {
	keys  []orb.Point
	vals  []int32 // value+1; 0 marks an empty slot
	shift uint

	stack []orb.Point // splitLoops' scratch
}

var pointIndexes = sync.Pool{New: func() any { return new(pointIndex) }}

func (x *pointIndex) reset(n int) {
	size, shift := 16, uint(60)
	for size < 2*n {
		size, shift = size*2, shift-1
	}
	if cap(x.keys) < size {
		x.keys, x.vals = make([]orb.Point, size), make([]int32, size)
	}
	x.keys, x.vals, x.shift = x.keys[:size], x.vals[:size], shift
	clear(x.vals)
}

func (x *pointIndex) slot(p orb.Point) int {
	// +0 makes -0 (which rounding gives) hash as 0, which it equals.
	h := (math.Float64bits(p[0]+0)*0x9e3779b97f4a7c15 ^ math.Float64bits(p[1]+0)*0xc2b2ae3d27d4eb4f) >> x.shift
	mask := len(x.vals) - 1
	for i := int(h); ; i = (i + 1) & mask {
		if x.vals[i] == 0 || x.keys[i] == p {
			return i
		}
	}
}

// get returns p's value, or -1.
func (x *pointIndex) get(p orb.Point) int {
	return int(x.vals[x.slot(p)]) - 1
}

func (x *pointIndex) set(p orb.Point, v int) {
	i := x.slot(p)
	x.keys[i], x.vals[i] = p, int32(v)+1
}
