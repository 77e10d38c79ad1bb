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
	"strings"
	"sync"

	"github.com/paulmach/orb"

	"kzmap/geo"
	"kzmap/geo/internal/plane"
	"kzmap/geo/internal/topo"
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
func (r *repairer) ring(ring orb.Ring, where string) ([]orb.Ring, error) {
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

	x := indexes.Get().(*topo.Index)
	defer indexes.Put(x)
	loops := []orb.Ring{orb.Ring(pts)}
	split := false
	// Noding can create new near-crossings through rounding of the
	// inserted points; a few rounds settle it.
	for round := 0; round < 4; round++ {
		var next []orb.Ring
		again := false
		for _, l := range loops {
			noded, bad, _ := x.Node(l)
			if !bad {
				next = append(next, l)
				continue
			}
			if len(noded) > len(l) {
				again = true
			}
			parts := topo.SplitLoops(noded)
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

	var kept []orb.Ring
	dropped := 0
	for _, l := range loops {
		if topo.Degenerate(l) {
			dropped++
			continue
		}
		kept = append(kept, l)
	}
	if !split && dropped == 0 {
		return []orb.Ring{ring}, nil
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
func (r *repairer) classify(loops []orb.Ring, shell bool, where string) (shells, holes []orb.Ring) {
	areas := make([]float64, len(loops))
	for i, l := range loops {
		areas[i] = topo.Area(l)
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
func (r *repairer) orient(l orb.Ring, ccw bool, where string) orb.Ring {
	if (topo.Area(l) > 0) != ccw {
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
	return l
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

// indexes holds the crossing indexes of ring repairs, whose buckets are
// worth keeping from feature to feature.
var indexes = sync.Pool{New: func() any { return new(topo.Index) }}

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
	find := func(i int) int {
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
		var shells, holes []orb.Ring
		for _, i := range members {
			shells = append(shells, mp[i][0])
			holes = append(holes, mp[i][1:]...)
		}
		newShells, newHoles := classifyTraced(topo.Trace(shells))
		r.note(orDefault(where, "multipolygon"), "merged %d polygons sharing edges into %d", len(members), len(newShells))
		out = append(out, r.assignHoles(newShells, append(newHoles, holes...), where)...)
	}
	return out
}

// classifyTraced sorts traced rings: counter-clockwise ones are shells,
// clockwise ones enclose gaps and are holes.
func classifyTraced(loops []orb.Ring) (shells, holes []orb.Ring) {
	for _, l := range loops {
		if topo.Area(l) > 0 {
			shells = append(shells, l)
		} else {
			holes = append(holes, l)
		}
	}
	return shells, holes
}
