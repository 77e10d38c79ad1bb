// Package world projects features to Web Mercator world coordinates (x and y
// in [0, 1], y growing south) once per feature, for the tile renderers.
//
// Features handed to a store are immutable, so a feature's projection can be
// kept as long as the feature lives; PostGIS keeps a projected column for the
// same reason. Entries go away with their feature (weak keys), so a replaced
// collection does not leak.
package world

import (
	"math"
	"runtime"
	"sync"
	"weak"

	"github.com/paulmach/orb"

	"kzmap/geo"
)

// MaxLat is the latitude where Web Mercator's square world ends.
const MaxLat = 85.0511287798066

// Geometry is a feature's geometry in world coordinates.
type Geometry struct {
	G orb.Geometry
	// Bound is G's bound.
	Bound orb.Bound
	// Parts holds the bound of each polygon of a MultiPolygon, so that a
	// tile skips the far parts of a feature without projecting them.
	Parts []orb.Bound
	// Points is the number of points of G's polygons: the work of
	// drawing them.
	Points int
	// Members are the members of a Collection, each described on its own,
	// so that its polygons are drawn as any polygon is.
	Members []*Geometry
}

// Cache keeps one value derived from each feature for as long as the
// feature lives. The zero Cache is ready to use.
type Cache[T any] struct {
	mu sync.Mutex
	m  map[weak.Pointer[geo.Feature]]T
}

// Get returns the value for f, computing it with make on first use. make
// may run twice for one feature under a race; one result wins.
func (c *Cache[T]) Get(f *geo.Feature, make func(*geo.Feature) T) T {
	k := weak.Make(f)
	c.mu.Lock()
	v, ok := c.m[k]
	c.mu.Unlock()
	if ok {
		return v
	}
	v = make(f)
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[k]; ok {
		return old
	}
	if c.m == nil {
		c.m = map[weak.Pointer[geo.Feature]]T{}
	}
	c.m[k] = v
	runtime.AddCleanup(f, func(k weak.Pointer[geo.Feature]) {
		c.mu.Lock()
		delete(c.m, k)
		c.mu.Unlock()
	}, k)
	return v
}

// Len is the number of features cached.
func (c *Cache[T]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

var geometries Cache[*Geometry]

// Of returns f's geometry in world coordinates, computing it once.
// The result is shared: callers must not modify it.
func Of(f *geo.Feature) *Geometry {
	return geometries.Get(f, project)
}

func project(f *geo.Feature) *Geometry {
	return describe(Project(f.Geometry))
}

// describe wraps g, already in world coordinates, with what the tile
// renderers need to know of it.
func describe(g orb.Geometry) *Geometry {
	w := &Geometry{G: g}
	if g != nil {
		w.Bound = g.Bound()
	}
	switch g := g.(type) {
	case orb.Collection:
		w.Members = make([]*Geometry, len(g))
		for i, m := range g {
			w.Members[i] = describe(m)
		}
	case orb.Polygon:
		w.Points = polygonPoints(g)
	case orb.MultiPolygon:
		w.Parts = make([]orb.Bound, len(g))
		for i, p := range g {
			w.Parts[i] = p.Bound()
			w.Points += polygonPoints(p)
		}
	}
	return w
}

// Polygonal reports whether G is a Polygon or a MultiPolygon.
func (w *Geometry) Polygonal() bool {
	switch w.G.(type) {
	case orb.Polygon, orb.MultiPolygon:
		return true
	}
	return false
}

func polygonPoints(p orb.Polygon) int {
	n := 0
	for _, r := range p {
		n += len(r)
	}
	return n
}

// Point projects one lon/lat point; latitudes are clamped to ±MaxLat.
func Point(p orb.Point) orb.Point {
	lat := math.Max(-MaxLat, math.Min(MaxLat, p[1]))
	s := math.Sin(lat * math.Pi / 180)
	return orb.Point{
		p[0]/360 + 0.5,
		0.5 - math.Log((1+s)/(1-s))/(4*math.Pi),
	}
}

// Project returns a copy of g in world coordinates.
func Project(g orb.Geometry) orb.Geometry {
	switch g := g.(type) {
	case nil:
		return nil
	case orb.Point:
		return Point(g)
	case orb.MultiPoint:
		return orb.MultiPoint(points(g))
	case orb.LineString:
		return orb.LineString(points(g))
	case orb.MultiLineString:
		out := make(orb.MultiLineString, len(g))
		for i, ls := range g {
			out[i] = points(ls)
		}
		return out
	case orb.Ring:
		return orb.Ring(points(g))
	case orb.Polygon:
		return polygon(g)
	case orb.MultiPolygon:
		out := make(orb.MultiPolygon, len(g))
		for i, p := range g {
			out[i] = polygon(p)
		}
		return out
	case orb.Collection:
		out := make(orb.Collection, len(g))
		for i, c := range g {
			out[i] = Project(c)
		}
		return out
	case orb.Bound:
		return orb.MultiPoint{Point(g.Min), Point(g.Max)}.Bound()
	}
	return nil
}

func polygon(p orb.Polygon) orb.Polygon {
	out := make(orb.Polygon, len(p))
	for i, r := range p {
		out[i] = points(r)
	}
	return out
}

func points(ps []orb.Point) []orb.Point {
	out := make([]orb.Point, len(ps))
	for i, p := range ps {
		out[i] = Point(p)
	}
	return out
}
