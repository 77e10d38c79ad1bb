// Package valid checks feature geometries and repairs the defects found in
// real boundary files, so that everything kzmap stores and serves is valid
// OGC simple features (the MVT spec requires it; PostGIS would flag it).
//
// What it repairs: rings that cross or touch themselves, or double back on
// themselves (spikes): such a ring is split at its self-intersection points
// into simple rings, zero-area pieces are dropped, and its consecutive
// duplicate points are removed (elsewhere they are valid OGC and kept, so
// that a valid geometry comes back unchanged); polygons of one multipolygon that share an edge (merged into
// one); ring orientation (RFC 7946: outer rings counter-clockwise, holes
// clockwise). What it rejects: non-finite coordinates, longitudes outside
// ±180 or latitudes outside ±90, unclosed rings, rings of fewer than 4
// points, lines of fewer than 2 distinct points, empty geometries.
//
// Not handled: holes crossing their shell, and polygons of a multipolygon
// that overlap (rather than share an edge); neither occurs in geokz.
package valid

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/paulmach/orb"

	"kzmap/geo"
	"kzmap/geo/internal/plane"
)

// ErrInvalid wraps geo.ErrInvalid for geometries that cannot be repaired.
var ErrInvalid = fmt.Errorf("valid: %w", geo.ErrInvalid)

var errEmpty = errors.New("empty geometry")

// Repair validates f's geometry and returns it repaired. changed tells
// whether anything was altered and why says what (for logs); f itself is
// never modified. err wraps geo.ErrInvalid for defects that cannot be
// repaired.
func Repair(f *geo.Feature) (repaired orb.Geometry, changed bool, why string, err error) {
	if f == nil || f.Geometry == nil {
		return nil, false, "", fmt.Errorf("%w: no geometry", ErrInvalid)
	}
	r := &repairer{}
	g, err := r.geometry(f.Geometry, "")
	if err != nil {
		return nil, false, "", fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if len(r.notes) == 0 {
		return f.Geometry, false, "", nil
	}
	return g, true, strings.Join(r.notes, "; "), nil
}

type repairer struct {
	notes []string
}

func (r *repairer) note(where, format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	if where != "" {
		s = where + ": " + s
	}
	r.notes = append(r.notes, s)
}

func at(prefix, format string, args ...any) string {
	s := fmt.Sprintf(format, args...)
	if prefix == "" {
		return s
	}
	return prefix + " " + s
}

func (r *repairer) geometry(g orb.Geometry, where string) (orb.Geometry, error) {
	switch g := g.(type) {
	case orb.Point:
		return g, checkPoint(g, where)
	case orb.MultiPoint:
		if len(g) == 0 {
			return nil, errEmpty
		}
		for i, p := range g {
			if err := checkPoint(p, at(where, "point %d", i)); err != nil {
				return nil, err
			}
		}
		return g, nil
	case orb.LineString:
		return r.line(g, where)
	case orb.MultiLineString:
		if len(g) == 0 {
			return nil, errEmpty
		}
		out := make(orb.MultiLineString, len(g))
		for i, ls := range g {
			l, err := r.line(ls, at(where, "line %d", i))
			if err != nil {
				return nil, err
			}
			out[i] = l
		}
		return out, nil
	case orb.Ring:
		return r.geometry(orb.Polygon{g}, where)
	case orb.Bound:
		return r.geometry(g.ToPolygon(), where)
	case orb.Polygon:
		ps, err := r.polygon(g, where)
		if err != nil {
			return nil, err
		}
		if len(ps) == 0 {
			return nil, fmt.Errorf("%s: nothing left after dropping degenerate rings", orDefault(where, "polygon"))
		}
		if len(ps) == 1 {
			return ps[0], nil
		}
		return ps, nil
	case orb.MultiPolygon:
		if len(g) == 0 {
			return nil, errEmpty
		}
		var out orb.MultiPolygon
		for i, pg := range g {
			ps, err := r.polygon(pg, at(where, "polygon %d", i))
			if err != nil {
				return nil, err
			}
			out = append(out, ps...)
		}
		if len(out) == 0 {
			return nil, fmt.Errorf("%s: nothing left after dropping degenerate rings", orDefault(where, "multipolygon"))
		}
		return r.mergeSharedEdges(out, where), nil
	case orb.Collection:
		if len(g) == 0 {
			return nil, errEmpty
		}
		out := make(orb.Collection, len(g))
		for i, c := range g {
			if c == nil {
				return nil, fmt.Errorf("%s: null member", at(where, "member %d", i))
			}
			m, err := r.geometry(c, at(where, "member %d", i))
			if err != nil {
				return nil, err
			}
			out[i] = m
		}
		return out, nil
	default:
		return nil, fmt.Errorf("unsupported geometry type %T", g)
	}
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func checkPoint(p orb.Point, where string) error {
	if err := geo.CheckLonLat(p); err != nil {
		return fmt.Errorf("%s: %w", orDefault(where, "point"), err)
	}
	return nil
}

func (r *repairer) line(ls orb.LineString, where string) (orb.LineString, error) {
	for i, p := range ls {
		if err := checkPoint(p, at(where, "point %d", i)); err != nil {
			return nil, err
		}
	}
	if len(dedupe(ls)) < 2 {
		return nil, fmt.Errorf("%s: fewer than 2 distinct points", orDefault(where, "line"))
	}
	return ls, nil
}

func dedupe(pts []orb.Point) []orb.Point {
	for i := 1; i < len(pts); i++ {
		if pts[i] == pts[i-1] {
			out := make([]orb.Point, i, len(pts))
			copy(out, pts[:i])
			for _, p := range pts[i:] {
				if p != out[len(out)-1] {
					out = append(out, p)
				}
			}
			return out
		}
	}
	return pts
}

// polygon repairs one polygon; splitting a self-crossing shell may yield several.
func (r *repairer) polygon(pg orb.Polygon, where string) (orb.MultiPolygon, error) {
	if len(pg) == 0 {
		return nil, fmt.Errorf("%s: no rings", orDefault(where, "polygon"))
	}
	var shells, holes []orb.Ring
	for i, ring := range pg {
		rw := at(where, "ring %d", i)
		if i == 0 && where == "" {
			rw = "outer ring"
		}
		loops, err := r.ring(ring, rw)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			if len(loops) == 0 {
				// A shell of zero area: the polygon is nothing.
				r.note(rw, "dropped degenerate polygon (zero area)")
				return nil, nil
			}
			sh, hs := r.classify(loops, true, rw)
			shells, holes = append(shells, sh...), append(holes, hs...)
		} else {
			_, hs := r.classify(loops, false, rw)
			holes = append(holes, hs...)
		}
	}
	if len(shells) == 1 {
		return orb.MultiPolygon{append(orb.Polygon{shells[0]}, holes...)}, nil
	}
	return r.assignHoles(shells, holes, where), nil
}

// assignHoles puts every hole into the shell that contains it.
func (r *repairer) assignHoles(shells, holes []orb.Ring, where string) orb.MultiPolygon {
	out := make(orb.MultiPolygon, len(shells))
	for i, s := range shells {
		out[i] = orb.Polygon{s}
	}
	for _, h := range holes {
		placed := false
		for i, s := range shells {
			if ringInside(h, s) {
				out[i] = append(out[i], h)
				placed = true
				break
			}
		}
		if !placed {
			r.note(where, "dropped a hole outside every shell")
		}
	}
	return out
}

// ring checks a ring and splits it into simple loops at its
// self-intersections; zero-area loops are dropped. Orientation is left as found.
func (r *repairer) ring(ring orb.Ring, where string) ([][]orb.Point, error) {
	if len(ring) < 4 {
		return nil, fmt.Errorf("%s: %d points, a ring needs at least 4", where, len(ring))
	}
	for i, p := range ring {
		if err := checkPoint(p, at(where, "point %d", i)); err != nil {
			return nil, err
		}
	}
	if ring[0] != ring[len(ring)-1] {
		return nil, fmt.Errorf("%s: not closed (first point %v, last %v)", where, ring[0], ring[len(ring)-1])
	}
	// Repeated consecutive points are valid OGC; they are dropped only
	// from a ring that needs repair anyway.
	pts := dedupe(ring)
	dups := len(ring) - len(pts)
	if len(pts) < 4 {
		r.note(where, "ring of fewer than 3 distinct points dropped")
		return nil, nil
	}

	loops := [][]orb.Point{pts}
	split := false
	// Noding can create new near-crossings through rounding of the
	// inserted points; a few rounds settle it.
	for round := 0; round < 4; round++ {
		var next [][]orb.Point
		again := false
		for _, l := range loops {
			noded, inserted := node(l)
			if inserted > 0 {
				again = true
			}
			parts := splitLoops(noded)
			if len(parts) != 1 {
				split = true
			}
			next = append(next, parts...)
		}
		loops = next
		// Without insertions the pieces reuse edges already tested against
		// each other: another round would find nothing.
		if !again {
			break
		}
	}

	var kept [][]orb.Point
	dropped := 0
	for _, l := range loops {
		if degenerate(l) {
			dropped++
			continue
		}
		kept = append(kept, l)
	}
	if !split && dropped == 0 {
		return [][]orb.Point{ring}, nil
	}
	r.note(where, "self-intersecting ring split into %d ring(s), %d zero-area piece(s) dropped", len(kept), dropped)
	if dups > 0 {
		r.note(where, "removed %d duplicate points", dups)
	}
	return kept, nil
}

// classify turns the loops split from one ring into shells and holes. The
// loops of a shell are all shells (a bowtie's two lobes are both land),
// except one lying inside another loop with the opposite turn, which is a
// hole of it; one inside with the same turn is already covered and dropped.
// The loops of a hole are holes. Orientation follows RFC 7946.
func (r *repairer) classify(loops [][]orb.Point, shell bool, where string) (shells, holes []orb.Ring) {
	areas := make([]float64, len(loops))
	for i, l := range loops {
		areas[i] = signedArea(l)
	}
	for i, l := range loops {
		inside := -1
		for j, o := range loops {
			if i != j && math.Abs(areas[j]) > math.Abs(areas[i]) && ringInside(l, o) {
				inside = j
				break
			}
		}
		switch {
		case inside >= 0 && (!shell || (areas[i] > 0) == (areas[inside] > 0)):
			r.note(where, "dropped a loop covered by another")
		case inside >= 0:
			holes = append(holes, r.orient(l, false, where))
		case shell:
			shells = append(shells, r.orient(l, true, where))
		default:
			holes = append(holes, r.orient(l, false, where))
		}
	}
	return shells, holes
}

// orient returns the loop counter-clockwise for a shell, clockwise for a hole.
func (r *repairer) orient(l []orb.Point, ccw bool, where string) orb.Ring {
	if (signedArea(l) > 0) != ccw {
		rev := make(orb.Ring, len(l))
		for i, p := range l {
			rev[len(l)-1-i] = p
		}
		if ccw {
			r.note(where, "reversed to counter-clockwise")
		} else {
			r.note(where, "reversed to clockwise")
		}
		return rev
	}
	return orb.Ring(l)
}

// signedArea is positive for a counter-clockwise closed ring.
func signedArea(l []orb.Point) float64 {
	var s float64
	for i := 0; i+1 < len(l); i++ {
		s += (l[i][0] - l[0][0]) * (l[i+1][1] - l[0][1])
		s -= (l[i+1][0] - l[0][0]) * (l[i][1] - l[0][1])
	}
	return s / 2
}

// degenerate reports a loop with fewer than 3 distinct points or a
// negligible area for its length (a sliver along a line, a spike).
func degenerate(l []orb.Point) bool {
	if len(l) < 4 {
		return true
	}
	var per float64
	for i := 0; i+1 < len(l); i++ {
		per += math.Hypot(l[i+1][0]-l[i][0], l[i+1][1]-l[i][1])
	}
	return math.Abs(signedArea(l)) <= 1e-10*per*per
}

// ringInside reports whether ring a lies inside ring b, judged by the
// first vertex (or edge midpoint) of a that is not on b's boundary.
func ringInside(a, b []orb.Point) bool {
	try := func(p orb.Point) (bool, bool) {
		switch plane.PointInRing(p, b) {
		case 1:
			return true, true
		case -1:
			return false, true
		}
		return false, false
	}
	for _, p := range a {
		if in, ok := try(p); ok {
			return in
		}
	}
	for i := 0; i+1 < len(a); i++ {
		if in, ok := try(orb.Point{(a[i][0] + a[i+1][0]) / 2, (a[i][1] + a[i+1][1]) / 2}); ok {
			return in
		}
	}
	return false
}

// strictlyInside reports p on segment ab but not at its ends.
func strictlyInside(a, b, p orb.Point) bool {
	return p != a && p != b && plane.OnSegment(a, b, p)
}

type insertion struct {
	t float64
	p orb.Point
}

// node inserts, into the edges of the closed loop pts, every point where
// another edge crosses or touches them, so that all self-intersections
// become shared vertices. It returns the new loop and how many points it inserted.
func node(pts []orb.Point) ([]orb.Point, int) {
	n := len(pts) - 1 // edges
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	minx := func(i int) float64 { return math.Min(pts[i][0], pts[i+1][0]) }
	sort.Slice(order, func(a, b int) bool { return minx(order[a]) < minx(order[b]) })

	ins := map[int][]insertion{}
	add := func(e int, p orb.Point) {
		a, b := pts[e], pts[e+1]
		if p == a || p == b {
			return
		}
		t := (p[0]-a[0])*(b[0]-a[0]) + (p[1]-a[1])*(b[1]-a[1])
		ins[e] = append(ins[e], insertion{t, p})
	}
	// Sweep along x: only edges whose x-ranges overlap are compared.
	for oi, i := range order {
		a, b := pts[i], pts[i+1]
		maxxI := math.Max(a[0], b[0])
		minyI, maxyI := math.Min(a[1], b[1]), math.Max(a[1], b[1])
		for _, j := range order[oi+1:] {
			c, d := pts[j], pts[j+1]
			if minx(j) > maxxI {
				break
			}
			if math.Max(c[1], d[1]) < minyI || math.Min(c[1], d[1]) > maxyI {
				continue
			}
			o1, o2 := plane.Orient(a, b, c), plane.Orient(a, b, d)
			o3, o4 := plane.Orient(c, d, a), plane.Orient(c, d, b)
			if ((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0)) {
				// Proper crossing: the same computed point goes into both edges.
				t := o3 / (o3 - o4)
				p := orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}
				add(i, p)
				add(j, p)
				continue
			}
			// Touching: an end of one edge on the other (T-junctions and
			// collinear overlaps, including a spike doubling back).
			if strictlyInside(a, b, c) {
				add(i, c)
			}
			if strictlyInside(a, b, d) {
				add(i, d)
			}
			if strictlyInside(c, d, a) {
				add(j, a)
			}
			if strictlyInside(c, d, b) {
				add(j, b)
			}
		}
	}
	if len(ins) == 0 {
		return pts, 0
	}
	out := make([]orb.Point, 0, len(pts)+2*len(ins))
	count := 0
	for e := 0; e < n; e++ {
		out = append(out, pts[e])
		if list := ins[e]; len(list) > 0 {
			sort.Slice(list, func(a, b int) bool { return list[a].t < list[b].t })
			for _, in := range list {
				if in.p != out[len(out)-1] {
					out = append(out, in.p)
					count++
				}
			}
		}
	}
	out = append(out, pts[n])
	return dedupe(out), count
}

// splitLoops cuts a closed point sequence at every repeated vertex into
// closed loops, each visiting every vertex once.
func splitLoops(pts []orb.Point) [][]orb.Point {
	var loops [][]orb.Point
	pos := make(map[orb.Point]int, len(pts))
	stack := make([]orb.Point, 0, len(pts))
	for _, p := range pts[:len(pts)-1] {
		if i, ok := pos[p]; ok {
			loop := make([]orb.Point, 0, len(stack)-i+1)
			loop = append(loop, stack[i:]...)
			loop = append(loop, p)
			loops = append(loops, loop)
			for _, q := range stack[i+1:] {
				delete(pos, q)
			}
			stack = stack[:i+1]
			continue
		}
		pos[p] = len(stack)
		stack = append(stack, p)
	}
	last := make([]orb.Point, 0, len(stack)+1)
	last = append(last, stack...)
	last = append(last, stack[0])
	return append(loops, last)
}

type dirEdge struct{ a, b orb.Point }

// mergeSharedEdges merges polygons of a multipolygon whose shells share an
// edge (one runs a→b, the other b→a): such polygons are one area, and OGC
// allows the parts of a multipolygon to touch only at points. The shared
// edges cancel; the rest is traced into rings again.
func (r *repairer) mergeSharedEdges(mp orb.MultiPolygon, where string) orb.Geometry {
	owner := map[dirEdge]int{}
	for i, pg := range mp {
		s := pg[0]
		for k := 0; k+1 < len(s); k++ {
			owner[dirEdge{s[k], s[k+1]}] = i
		}
	}
	parent := make([]int, len(mp))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	merged := false
	for i, pg := range mp {
		s := pg[0]
		for k := 0; k+1 < len(s); k++ {
			if j, ok := owner[dirEdge{s[k+1], s[k]}]; ok && j != i {
				if a, b := find(i), find(j); a != b {
					parent[b] = a
					merged = true
				}
			}
		}
	}
	if !merged {
		return mp
	}
	groups := map[int][]int{}
	var roots []int
	for i := range mp {
		root := find(i)
		if _, ok := groups[root]; !ok {
			roots = append(roots, root)
		}
		groups[root] = append(groups[root], i)
	}
	var out orb.MultiPolygon
	for _, root := range roots {
		members := groups[root]
		if len(members) == 1 {
			out = append(out, mp[members[0]])
			continue
		}
		var shells [][]orb.Point
		var holes []orb.Ring
		for _, i := range members {
			shells = append(shells, mp[i][0])
			holes = append(holes, mp[i][1:]...)
		}
		newShells, newHoles := r.classifyTraced(traceUnion(shells), where)
		r.note(orDefault(where, "multipolygon"), "merged %d polygons sharing edges into %d", len(members), len(newShells))
		out = append(out, r.assignHoles(newShells, append(newHoles, holes...), where)...)
	}
	return out
}

// classifyTraced sorts traced rings: counter-clockwise ones are shells,
// clockwise ones enclose gaps and are holes.
func (r *repairer) classifyTraced(loops [][]orb.Point, where string) (shells, holes []orb.Ring) {
	for _, l := range loops {
		if degenerate(l) {
			continue
		}
		if signedArea(l) > 0 {
			shells = append(shells, orb.Ring(l))
		} else {
			holes = append(holes, orb.Ring(l))
		}
	}
	return shells, holes
}

// traceUnion cancels edges that appear in both directions among the rings
// and links the remaining edges into closed loops.
func traceUnion(rings [][]orb.Point) [][]orb.Point {
	count := map[dirEdge]int{}
	var edges []dirEdge
	for _, s := range rings {
		for k := 0; k+1 < len(s); k++ {
			e := dirEdge{s[k], s[k+1]}
			count[e]++
			edges = append(edges, e)
		}
	}
	var keep []dirEdge
	for _, e := range edges {
		rev := dirEdge{e.b, e.a}
		switch {
		case count[e] > 0 && count[rev] > 0:
			count[e]--
			count[rev]--
		case count[e] > 0:
			count[e]--
			keep = append(keep, e)
		}
	}
	from := map[orb.Point][]int{}
	for i, e := range keep {
		from[e.a] = append(from[e.a], i)
	}
	used := make([]bool, len(keep))
	next := func(p orb.Point) int {
		for _, i := range from[p] {
			if !used[i] {
				return i
			}
		}
		return -1
	}
	var loops [][]orb.Point
	for i, e := range keep {
		if used[i] {
			continue
		}
		used[i] = true
		loop := []orb.Point{e.a}
		for cur := e; cur.b != e.a; {
			loop = append(loop, cur.b)
			k := next(cur.b)
			if k < 0 {
				break // an open chain cannot happen with closed input rings
			}
			used[k] = true
			cur = keep[k]
		}
		loop = append(loop, e.a)
		if len(loop) >= 4 {
			loops = append(loops, splitLoops(loop)...)
		}
	}
	return loops
}
