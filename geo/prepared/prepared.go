// Package prepared turns a geometry into a form built once and queried many
// times: exact point-in-polygon and rectangle-intersection tests that touch
// only the edges near the query instead of walking every ring.
//
// Point-in-polygon uses a crossing-number test restricted to one horizontal
// band of the polygon: each polygon's edges (all rings together, so holes
// come for free by parity) are sorted into bands of its bound's height, and a
// horizontal ray from the query point can only cross edges of the band the
// point falls in. A point on an edge or vertex counts as inside, as PostGIS's
// ST_Intersects does.
package prepared

import (
	"math"

	"github.com/paulmach/orb"
)

// edgesPerBand is the target number of edges per band. Smaller bands mean
// fewer edges tested per query but more copies of edges spanning bands.
const edgesPerBand = 2

// Geometry is a geometry prepared for repeated exact tests. It is immutable
// and safe for concurrent use.
type Geometry struct {
	bound  orb.Bound
	empty  bool
	points []orb.Point
	lines  [][]orb.Point
	polys  []*polygon
}

type edge struct {
	ax, ay, bx, by float64
}

// polygon holds the edges of one polygon (outer ring and holes) in bands.
type polygon struct {
	bound orb.Bound
	minY  float64
	invH  float64 // bands per unit of y
	nb    int
	start []int32 // band i holds banded[start[i]:start[i+1]]
	band  []edge
	all   []edge
}

// New prepares g. A nil or empty geometry gives a Geometry that contains and
// intersects nothing.
func New(g orb.Geometry) *Geometry {
	p := &Geometry{}
	if g != nil {
		p.add(g)
	}
	p.empty = len(p.points) == 0 && len(p.lines) == 0 && len(p.polys) == 0
	if !p.empty {
		p.bound = g.Bound()
	}
	return p
}

func (p *Geometry) add(g orb.Geometry) {
	switch g := g.(type) {
	case orb.Point:
		p.points = append(p.points, g)
	case orb.MultiPoint:
		p.points = append(p.points, g...)
	case orb.LineString:
		if len(g) > 0 {
			p.lines = append(p.lines, g)
		}
	case orb.MultiLineString:
		for _, ls := range g {
			p.add(ls)
		}
	case orb.Ring:
		p.add(orb.Polygon{g})
	case orb.Polygon:
		if pg := newPolygon(g); pg != nil {
			p.polys = append(p.polys, pg)
		}
	case orb.MultiPolygon:
		for _, pg := range g {
			p.add(pg)
		}
	case orb.Collection:
		for _, c := range g {
			if c != nil {
				p.add(c)
			}
		}
	case orb.Bound:
		p.add(g.ToPolygon())
	}
}

func newPolygon(pg orb.Polygon) *polygon {
	var all []edge
	for _, r := range pg {
		for i := 0; i+1 < len(r); i++ {
			a, b := r[i], r[i+1]
			if a == b {
				continue
			}
			all = append(all, edge{a[0], a[1], b[0], b[1]})
		}
		// Tolerate an unclosed ring: close it.
		if n := len(r); n > 1 && r[0] != r[n-1] {
			a, b := r[n-1], r[0]
			all = append(all, edge{a[0], a[1], b[0], b[1]})
		}
	}
	if len(all) == 0 {
		return nil
	}
	q := &polygon{bound: pg.Bound(), all: all}
	q.minY = q.bound.Min[1]
	h := q.bound.Max[1] - q.bound.Min[1]
	q.nb = len(all) / edgesPerBand
	if q.nb < 1 || !(h > 0) {
		q.nb = 1
	}
	q.invH = float64(q.nb) / h
	if q.nb == 1 {
		q.invH = 0
	}

	// Two passes: count edges per band, then fill. bandOf is monotonic in
	// y, so an edge spanning [y0, y1] is listed in every band a point with
	// y0 <= y <= y1 can fall in.
	counts := make([]int32, q.nb+1)
	for _, e := range all {
		b0, b1 := q.bandRange(e.ay, e.by)
		for b := b0; b <= b1; b++ {
			counts[b+1]++
		}
	}
	for i := 1; i <= q.nb; i++ {
		counts[i] += counts[i-1]
	}
	q.start = counts
	q.band = make([]edge, counts[q.nb])
	fill := make([]int32, q.nb)
	copy(fill, counts[:q.nb])
	for _, e := range all {
		b0, b1 := q.bandRange(e.ay, e.by)
		for b := b0; b <= b1; b++ {
			q.band[fill[b]] = e
			fill[b]++
		}
	}
	return q
}

func (q *polygon) bandOf(y float64) int {
	b := int((y - q.minY) * q.invH)
	if b < 0 {
		return 0
	}
	if b >= q.nb {
		return q.nb - 1
	}
	return b
}

func (q *polygon) bandRange(y0, y1 float64) (int, int) {
	if y0 > y1 {
		y0, y1 = y1, y0
	}
	return q.bandOf(y0), q.bandOf(y1)
}

// Bound returns the bound of the whole geometry.
func (p *Geometry) Bound() orb.Bound { return p.bound }

// ContainsPoint reports whether pt lies in the geometry, boundary included:
// inside or on the edge of a polygon, on a line, or equal to a point.
func (p *Geometry) ContainsPoint(pt orb.Point) bool {
	// Written so that NaN compares false and matches nothing.
	if p.empty || !(pt[0] >= p.bound.Min[0] && pt[0] <= p.bound.Max[0] && pt[1] >= p.bound.Min[1] && pt[1] <= p.bound.Max[1]) {
		return false
	}
	for _, q := range p.polys {
		if q.contains(pt[0], pt[1]) {
			return true
		}
	}
	for _, l := range p.lines {
		for i := 0; i+1 < len(l); i++ {
			if onSegment(l[i][0], l[i][1], l[i+1][0], l[i+1][1], pt[0], pt[1]) {
				return true
			}
		}
		if len(l) == 1 && l[0] == pt {
			return true
		}
	}
	for _, q := range p.points {
		if q == pt {
			return true
		}
	}
	return false
}

// contains is the banded crossing-number test; an edge through the point
// answers true at once.
func (q *polygon) contains(x, y float64) bool {
	if x < q.bound.Min[0] || x > q.bound.Max[0] || y < q.bound.Min[1] || y > q.bound.Max[1] {
		return false
	}
	b := q.bandOf(y)
	edges := q.band[q.start[b]:q.start[b+1]]
	inside := false
	for i := range edges {
		e := &edges[i]
		if (e.ay > y) != (e.by > y) {
			o := (e.bx-e.ax)*(y-e.ay) - (x-e.ax)*(e.by-e.ay)
			if o == 0 {
				return true
			}
			if (o > 0) == (e.by > e.ay) {
				inside = !inside
			}
			continue
		}
		// The edge does not straddle the ray; the point can still be its
		// upper end or lie on it when it is horizontal.
		if e.ay == y && e.by == y {
			if (x >= e.ax && x <= e.bx) || (x >= e.bx && x <= e.ax) {
				return true
			}
		} else if (e.ay == y && e.ax == x) || (e.by == y && e.bx == x) {
			return true
		}
	}
	return inside
}

// IntersectsBound reports whether the geometry meets the closed rectangle b.
// An inverted box or one with NaN meets nothing.
func (p *Geometry) IntersectsBound(b orb.Bound) bool {
	if p.empty || !validBound(b) || !p.bound.Intersects(b) {
		return false
	}
	for _, q := range p.points {
		if b.Contains(q) {
			return true
		}
	}
	for _, l := range p.lines {
		for i := 0; i+1 < len(l); i++ {
			if segmentMeetsBound(l[i][0], l[i][1], l[i+1][0], l[i+1][1], b) {
				return true
			}
		}
		if len(l) == 1 && b.Contains(l[0]) {
			return true
		}
	}
	for _, q := range p.polys {
		if q.intersectsBound(b) {
			return true
		}
	}
	return false
}

func (q *polygon) intersectsBound(b orb.Bound) bool {
	if !q.bound.Intersects(b) {
		return false
	}
	// The box's corner inside the polygon covers "box inside polygon";
	// an edge meeting the box covers vertices in the box, crossing edges
	// and "polygon inside box".
	if q.contains(b.Min[0], b.Min[1]) {
		return true
	}
	for _, e := range q.edgesNear(b) {
		if segmentMeetsBound(e.ax, e.ay, e.bx, e.by, b) {
			return true
		}
	}
	return false
}

// ContainsBound reports whether the geometry covers the whole closed
// rectangle b. It may answer false for a rectangle covered only by several
// polygons together or touched by an edge from outside: callers use it only
// to skip exact tests, never to reject.
func (p *Geometry) ContainsBound(b orb.Bound) bool {
	if p.empty || !validBound(b) {
		return false
	}
	for _, q := range p.polys {
		if q.bound.Contains(b.Min) && q.bound.Contains(b.Max) && q.contains(b.Min[0], b.Min[1]) {
			crossed := false
			for _, e := range q.edgesNear(b) {
				if segmentMeetsBound(e.ax, e.ay, e.bx, e.by, b) {
					crossed = true
					break
				}
			}
			if !crossed {
				return true
			}
		}
	}
	return false
}

// edgesNear returns edges that may meet b: those of the bands b spans, or
// all of them when that is most bands (banded lists repeat long edges).
func (q *polygon) edgesNear(b orb.Bound) []edge {
	b0, b1 := q.bandRange(b.Min[1], b.Max[1])
	if b0 == b1 {
		return q.band[q.start[b0]:q.start[b0+1]]
	}
	if 2*(b1-b0+1) < q.nb {
		return q.band[q.start[b0]:q.start[b1+1]]
	}
	return q.all
}

// segmentMeetsBound reports whether segment ab meets the closed rectangle b:
// their bounds overlap and the box's corners are not all strictly on one
// side of the segment's line (the separating axis test).
func segmentMeetsBound(ax, ay, bx, by float64, b orb.Bound) bool {
	if math.Max(ax, bx) < b.Min[0] || math.Min(ax, bx) > b.Max[0] ||
		math.Max(ay, by) < b.Min[1] || math.Min(ay, by) > b.Max[1] {
		return false
	}
	dx, dy := bx-ax, by-ay
	s1 := dx*(b.Min[1]-ay) - dy*(b.Min[0]-ax)
	s2 := dx*(b.Min[1]-ay) - dy*(b.Max[0]-ax)
	s3 := dx*(b.Max[1]-ay) - dy*(b.Min[0]-ax)
	s4 := dx*(b.Max[1]-ay) - dy*(b.Max[0]-ax)
	if s1 > 0 && s2 > 0 && s3 > 0 && s4 > 0 {
		return false
	}
	if s1 < 0 && s2 < 0 && s3 < 0 && s4 < 0 {
		return false
	}
	return true
}

func onSegment(ax, ay, bx, by, x, y float64) bool {
	if x < math.Min(ax, bx) || x > math.Max(ax, bx) || y < math.Min(ay, by) || y > math.Max(ay, by) {
		return false
	}
	return (bx-ax)*(y-ay)-(x-ax)*(by-ay) == 0
}

// validBound is false for inverted bounds and for NaN.
func validBound(b orb.Bound) bool {
	return b.Min[0] <= b.Max[0] && b.Min[1] <= b.Max[1]
}
