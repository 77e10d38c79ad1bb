package cql2

import (
	"math"
	"sort"

	"github.com/paulmach/orb"

	"kzmap/geo"
	"kzmap/geo/prepared"
)

// shape is a geometry taken apart: isolated points, lines and polygons.
type shape struct {
	pts   []orb.Point
	lines []orb.LineString
	polys []orb.Polygon
	bound orb.Bound
	empty bool
	// prep answers "is p in the closed geometry" in about O(√n).
	prep *prepared.Geometry
	// segs holds every edge sorted by its smallest x; maxW is the widest
	// edge, so the edges near x0..x1 start at x0-maxW.
	segs []segment
	maxW float64
	// sorted holds pts in (x, y) order.
	sorted []orb.Point
}

func less(a, b orb.Point) bool { return a[0] < b[0] || a[0] == b[0] && a[1] < b[1] }

// hasPoint reports whether p is one of the isolated points.
func (s *shape) hasPoint(p orb.Point) bool {
	i := sort.Search(len(s.sorted), func(i int) bool { return !less(s.sorted[i], p) })
	return i < len(s.sorted) && s.sorted[i] == p
}

// shapeOf takes g apart and indexes it; the result is read-only.
func shapeOf(g orb.Geometry) *shape {
	s := &shape{}
	s.add(g)
	s.empty = len(s.pts) == 0 && len(s.lines) == 0 && len(s.polys) == 0
	if s.empty {
		return s
	}
	s.bound = g.Bound()
	if b, ok := g.(orb.Bound); ok {
		s.bound = b
	}
	// Points are looked up in sorted order; prepared takes the rest.
	var rest orb.Collection
	for _, l := range s.lines {
		rest = append(rest, l)
	}
	for _, pg := range s.polys {
		rest = append(rest, pg)
	}
	s.prep = prepared.New(rest)
	s.sorted = append([]orb.Point(nil), s.pts...)
	sort.Slice(s.sorted, func(i, j int) bool { return less(s.sorted[i], s.sorted[j]) })
	s.eachSegment(func(t segment) bool {
		s.segs = append(s.segs, t)
		s.maxW = math.Max(s.maxW, math.Abs(t.b[0]-t.a[0]))
		return false
	})
	sort.Slice(s.segs, func(i, j int) bool { return minX(s.segs[i]) < minX(s.segs[j]) })
	return s
}

func minX(t segment) float64 { return math.Min(t.a[0], t.b[0]) }

// near calls fn for the edges of s whose bounds meet t's, until fn is true.
func (s *shape) near(t segment, fn func(segment) bool) bool {
	x0, x1 := minX(t), math.Max(t.a[0], t.b[0])
	y0, y1 := math.Min(t.a[1], t.b[1]), math.Max(t.a[1], t.b[1])
	i := sort.Search(len(s.segs), func(i int) bool { return minX(s.segs[i]) >= x0-s.maxW })
	for ; i < len(s.segs); i++ {
		u := s.segs[i]
		if minX(u) > x1 {
			break
		}
		if math.Max(u.a[0], u.b[0]) < x0 || math.Max(u.a[1], u.b[1]) < y0 || math.Min(u.a[1], u.b[1]) > y1 {
			continue
		}
		if fn(u) {
			return true
		}
	}
	return false
}

// covered reports whether p lies in the closed geometry.
func (s *shape) covered(p orb.Point) bool {
	return !s.empty && (s.hasPoint(p) || s.prep.ContainsPoint(p))
}

func (s *shape) add(g orb.Geometry) {
	switch g := g.(type) {
	case orb.Point:
		s.pts = append(s.pts, g)
	case orb.MultiPoint:
		s.pts = append(s.pts, g...)
	case orb.LineString:
		if len(g) == 1 {
			s.pts = append(s.pts, g[0])
		} else if len(g) > 1 {
			s.lines = append(s.lines, g)
		}
	case orb.MultiLineString:
		for _, l := range g {
			s.add(l)
		}
	case orb.Ring:
		s.add(orb.Polygon{g})
	case orb.Polygon:
		if len(g) > 0 && len(g[0]) > 0 {
			s.polys = append(s.polys, g)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			s.add(p)
		}
	case orb.Collection:
		for _, c := range g {
			if c != nil {
				s.add(c)
			}
		}
	case orb.Bound:
		s.add(g.ToPolygon())
	}
}

func (s *shape) dim() int {
	switch {
	case len(s.polys) > 0:
		return 2
	case len(s.lines) > 0:
		return 1
	case len(s.pts) > 0:
		return 0
	}
	return -1
}

// Where a point lies relative to a shape.
const (
	exterior = iota
	boundary
	interior
)

// locate returns where p lies: in a polygon's interior or on its rings, on
// a line (its interior, or an end of an open line), or on a point. A point
// on one polygon's ring inside another polygon of the same multipolygon
// counts as on the boundary.
func (s *shape) locate(p orb.Point) int {
	if !s.covered(p) {
		return exterior
	}
	if s.hasPoint(p) {
		return interior
	}
	onRing, onEnd, onLine := false, false, false
	s.near(segment{a: p, b: p}, func(t segment) bool {
		if !onSegment(t.a, t.b, p) {
			return false
		}
		switch {
		case !t.line:
			onRing = true
		case t.aEnd && p == t.a || t.bEnd && p == t.b:
			onEnd = true
		default:
			onLine = true
			return true
		}
		return false
	})
	switch {
	case onLine:
		return interior
	case onRing || onEnd:
		return boundary
	}
	return interior // covered by a polygon, off its rings
}

// inPolygon is the crossing-number test over all rings (holes by parity),
// with points on a ring on the boundary.
func inPolygon(p orb.Point, pg orb.Polygon) int {
	in := false
	for _, r := range pg {
		n := len(r)
		for i := 0; i < n; i++ {
			a, b := r[i], r[(i+1)%n]
			if onSegment(a, b, p) {
				return boundary
			}
			if (a[1] > p[1]) != (b[1] > p[1]) {
				x := a[0] + (p[1]-a[1])*(b[0]-a[0])/(b[1]-a[1])
				if p[0] < x {
					in = !in
				}
			}
		}
	}
	if in {
		return interior
	}
	return exterior
}

func orient(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

func onSegment(a, b, p orb.Point) bool {
	if p[0] < math.Min(a[0], b[0]) || p[0] > math.Max(a[0], b[0]) || p[1] < math.Min(a[1], b[1]) || p[1] > math.Max(a[1], b[1]) {
		return false
	}
	return orient(a, b, p) == 0
}

func sign(f float64) int {
	switch {
	case f > 0:
		return 1
	case f < 0:
		return -1
	}
	return 0
}

// segMeet reports whether closed segments ab and cd share a point.
func segMeet(a, b, c, d orb.Point) bool {
	o1, o2 := sign(orient(a, b, c)), sign(orient(a, b, d))
	o3, o4 := sign(orient(c, d, a)), sign(orient(c, d, b))
	if o1 != o2 && o3 != o4 && o1*o2 <= 0 && o3*o4 <= 0 {
		return true
	}
	return onSegment(a, b, c) || onSegment(a, b, d) || onSegment(c, d, a) || onSegment(c, d, b)
}

// properCross: the segments cross at one point inside both.
func properCross(a, b, c, d orb.Point) bool {
	o1, o2 := sign(orient(a, b, c)), sign(orient(a, b, d))
	o3, o4 := sign(orient(c, d, a)), sign(orient(c, d, b))
	return o1*o2 < 0 && o3*o4 < 0
}

// collinearOverlap: the segments share a piece of positive length.
func collinearOverlap(a, b, c, d orb.Point) bool {
	if orient(a, b, c) != 0 || orient(a, b, d) != 0 {
		return false
	}
	k := 0
	if math.Abs(b[0]-a[0]) < math.Abs(b[1]-a[1]) {
		k = 1
	}
	lo1, hi1 := math.Min(a[k], b[k]), math.Max(a[k], b[k])
	lo2, hi2 := math.Min(c[k], d[k]), math.Max(c[k], d[k])
	return math.Min(hi1, hi2) > math.Max(lo1, lo2)
}

// segment is one edge; line is true for edges of lines, false for rings.
type segment struct {
	a, b orb.Point
	line bool
	// aEnd, bEnd: a (b) is the first (last) point of an open line, on
	// its boundary.
	aEnd, bEnd bool
}

func (s *shape) eachSegment(fn func(segment) bool) bool {
	for _, l := range s.lines {
		open := l[0] != l[len(l)-1]
		for i := 0; i+1 < len(l); i++ {
			if fn(segment{l[i], l[i+1], true, open && i == 0, open && i+2 == len(l)}) {
				return true
			}
		}
	}
	for _, pg := range s.polys {
		for _, r := range pg {
			for i := 0; i+1 < len(r); i++ {
				if fn(segment{a: r[i], b: r[i+1]}) {
					return true
				}
			}
			if n := len(r); n > 1 && r[0] != r[n-1] {
				if fn(segment{a: r[n-1], b: r[0]}) {
					return true
				}
			}
		}
	}
	return false
}

func (s *shape) eachVertex(fn func(orb.Point) bool) bool {
	for _, p := range s.pts {
		if fn(p) {
			return true
		}
	}
	for _, l := range s.lines {
		for _, p := range l {
			if fn(p) {
				return true
			}
		}
	}
	for _, pg := range s.polys {
		for _, r := range pg {
			for _, p := range r {
				if fn(p) {
					return true
				}
			}
		}
	}
	return false
}

func mid(sg segment) orb.Point { return orb.Point{(sg.a[0] + sg.b[0]) / 2, (sg.a[1] + sg.b[1]) / 2} }

func intersects(a, b *shape) bool {
	if a.empty || b.empty || !a.bound.Intersects(b.bound) {
		return false
	}
	if a.eachVertex(b.covered) || b.eachVertex(a.covered) {
		return true
	}
	return a.eachSegment(func(s segment) bool {
		return b.near(s, func(t segment) bool { return segMeet(s.a, s.b, t.a, t.b) })
	})
}

// covers reports whether every point of b lies in a: b's vertices and edge
// midpoints lie in a, no edge of b crosses a's rings, and (for areal b) no
// vertex of a's rings lies inside b.
func covers(a, b *shape) bool {
	if a.empty || b.empty || !a.bound.Contains(b.bound.Min) || !a.bound.Contains(b.bound.Max) {
		return false
	}
	if b.eachVertex(func(p orb.Point) bool { return !a.covered(p) }) {
		return false
	}
	if b.eachSegment(func(s segment) bool {
		if !a.covered(mid(s)) {
			return true
		}
		return a.near(s, func(t segment) bool { return !t.line && properCross(s.a, s.b, t.a, t.b) })
	}) {
		return false
	}
	if len(b.polys) > 0 {
		for _, pg := range a.polys {
			for _, r := range pg {
				for _, p := range r {
					if b.locate(p) == interior && a.locate(p) != interior {
						return false
					}
				}
			}
		}
	}
	return true
}

// interiorsMeet reports whether the interiors of a and b share a point.
func interiorsMeet(a, b *shape) bool {
	if !intersects(a, b) {
		return false
	}
	return oneWay(a, b) || oneWay(b, a) ||
		a.eachSegment(func(s segment) bool {
			return b.near(s, func(t segment) bool {
				return properCross(s.a, s.b, t.a, t.b) || s.line && t.line && collinearOverlap(s.a, s.b, t.a, t.b)
			})
		}) ||
		len(a.polys) > 0 && len(b.polys) > 0 && (covers(a, b) || covers(b, a))
}

// oneWay: a point of a's interior near one of its vertices or edges lies
// in b's interior.
func oneWay(a, b *shape) bool {
	for _, p := range a.pts {
		if b.locate(p) == interior {
			return true
		}
	}
	areal := len(b.polys) > 0
	if areal && a.eachVertex(func(p orb.Point) bool { return inAreal(b, p) }) {
		return true
	}
	if a.eachSegment(func(s segment) bool { return areal && inAreal(b, mid(s)) }) {
		return true
	}
	// A line's interior vertex in b's line interior.
	for _, l := range a.lines {
		for i := 1; i+1 < len(l); i++ {
			if b.locate(l[i]) == interior {
				return true
			}
		}
	}
	return false
}

// inAreal: p lies inside one of b's polygons, off their rings.
func inAreal(b *shape, p orb.Point) bool {
	if len(b.polys) == 0 || !b.covered(p) {
		return false
	}
	if len(b.lines) == 0 && len(b.pts) == 0 {
		return b.locate(p) == interior
	}
	for _, pg := range b.polys {
		if inPolygon(p, pg) == interior {
			return true
		}
	}
	return false
}

func linesOverlap(a, b *shape) bool {
	return a.eachSegment(func(s segment) bool {
		return b.near(s, func(t segment) bool { return collinearOverlap(s.a, s.b, t.a, t.b) })
	})
}

// relate evaluates one S_ function.
func relate(name string, a, b *shape) bool {
	switch name {
	case "s_intersects":
		return intersects(a, b)
	case "s_disjoint":
		return !intersects(a, b)
	case "s_equals":
		return covers(a, b) && covers(b, a)
	case "s_within":
		return covers(b, a) && interiorsMeet(a, b)
	case "s_contains":
		return covers(a, b) && interiorsMeet(a, b)
	case "s_touches":
		return intersects(a, b) && !interiorsMeet(a, b)
	case "s_crosses":
		da, db := a.dim(), b.dim()
		switch {
		case da < db:
			return interiorsMeet(a, b) && !covers(b, a)
		case da > db:
			return interiorsMeet(a, b) && !covers(a, b)
		case da == 1:
			return interiorsMeet(a, b) && !linesOverlap(a, b)
		}
		return false
	case "s_overlaps":
		if a.dim() != b.dim() || !interiorsMeet(a, b) || covers(a, b) || covers(b, a) {
			return false
		}
		return a.dim() != 1 || linesOverlap(a, b)
	}
	return false
}

// spatial compiles an S_ function. The common case, the feature's
// geometry against a literal, prepares the literal once and tests points
// without allocating.
func (c *compiler) spatial(o *Op) boolFn {
	name := o.Name
	if lit, _, _, ok := literalAndGeometry(o); ok && (name == "s_intersects" || name == "s_disjoint") {
		ls := shapeOf(splitBound(lit))
		box, isBox := lit.(orb.Bound)
		isBox = isBox && box.Min[0] <= box.Max[0]
		want := name == "s_intersects"
		return func(f *geo.Feature) tri {
			if f.Geometry == nil {
				return unknown
			}
			var hit bool
			switch g := f.Geometry.(type) {
			case orb.Point:
				if isBox {
					hit = g[0] >= box.Min[0] && g[0] <= box.Max[0] && g[1] >= box.Min[1] && g[1] <= box.Max[1]
				} else {
					hit = ls.covered(g)
				}
			default:
				if !g.Bound().Intersects(ls.bound) {
					hit = false
				} else {
					hit = intersects(shapeOf(g), ls)
				}
			}
			return truth(hit == want)
		}
	}
	a, b := c.geomArg(o.Args[0]), c.geomArg(o.Args[1])
	return func(f *geo.Feature) tri {
		x, y := a(f), b(f)
		if x == nil || y == nil {
			return unknown
		}
		return truth(relate(name, x, y))
	}
}

// geomArg compiles a geometry operand to a shape; literals once.
func (c *compiler) geomArg(e Expr) func(*geo.Feature) *shape {
	if g, ok := e.(*Geometry); ok {
		s := shapeOf(splitBound(g.G))
		return func(*geo.Feature) *shape { return s }
	}
	v := c.val(e)
	return func(f *geo.Feature) *shape {
		x := v(f)
		if x.k != cGeom {
			return nil
		}
		return shapeOf(x.g)
	}
}

// literalAndGeometry matches S_x(geometry, literal) or S_x(literal, geometry).
func literalAndGeometry(o *Op) (lit orb.Geometry, prop *Property, swapped, ok bool) {
	for i := 0; i < 2; i++ {
		p, isProp := o.Args[i].(*Property)
		g, isLit := o.Args[1-i].(*Geometry)
		if isProp && isLit && p.Name == GeometryName {
			return g.G, p, i == 1, true
		}
	}
	return nil, nil, false, false
}

// splitBound turns a BBOX whose west is east of its east (crossing the
// antimeridian) into its two halves.
func splitBound(g orb.Geometry) orb.Geometry {
	b, ok := g.(orb.Bound)
	if !ok || b.Min[0] <= b.Max[0] {
		return g
	}
	return orb.MultiPolygon{
		orb.Bound{Min: orb.Point{b.Min[0], b.Min[1]}, Max: orb.Point{180, b.Max[1]}}.ToPolygon(),
		orb.Bound{Min: orb.Point{-180, b.Min[1]}, Max: orb.Point{b.Max[0], b.Max[1]}}.ToPolygon(),
	}
}
