// Package tiletest is test scaffolding for the tile packages: a Source that
// scans a slice with exact planar tests, and loaders for the shared geokz
// data (read in place, never copied into the repository).
package tiletest

import (
	"sort"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"kzmap/geo"
	"kzmap/geo/internal/benchdata"
	"kzmap/geo/internal/geokz"
)

// Source holds collections in memory and answers Items by scanning them,
// testing each feature's bound (computed once, as a store's index would)
// before its exact geometry.
type Source struct {
	Collections map[string][]*geo.Feature
	// Calls counts Items calls, for cache tests.
	Calls atomic.Int64

	mu     sync.Mutex
	bounds map[*geo.Feature]orb.Bound
}

func (s *Source) bound(f *geo.Feature) orb.Bound {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bounds == nil {
		s.bounds = map[*geo.Feature]orb.Bound{}
	}
	b, ok := s.bounds[f]
	if !ok {
		b = f.Geometry.Bound()
		s.bounds[f] = b
	}
	return b
}

// Collection describes a collection of s (its id and feature count), or
// fails with geo.ErrNoCollection, as geo.Store does.
func (s *Source) Collection(id string) (geo.Collection, error) {
	fs, ok := s.Collections[id]
	if !ok {
		return geo.Collection{}, geo.ErrNoCollection
	}
	return geo.Collection{ID: id, Count: len(fs)}, nil
}

// Items returns the features of collection whose geometry meets any box,
// ordered by id, as geo.Store does.
func (s *Source) Items(collection string, q geo.Query) (geo.Page, error) {
	s.Calls.Add(1)
	fs, ok := s.Collections[collection]
	if !ok {
		return geo.Page{}, geo.ErrNoCollection
	}
	var out []*geo.Feature
	for _, f := range fs {
		if len(q.Boxes) == 0 {
			out = append(out, f)
			continue
		}
		fb := s.bound(f)
		for _, b := range q.Boxes {
			if fb.Intersects(b) && meets(f.Geometry, b) {
				out = append(out, f)
				break
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return geo.Page{Features: out, Matched: len(out)}, nil
}

// Intersects reports whether g meets the box b (boundary included).
func Intersects(g orb.Geometry, b orb.Bound) bool {
	return g != nil && g.Bound().Intersects(b) && meets(g, b)
}

func meets(g orb.Geometry, b orb.Bound) bool {
	switch g := g.(type) {
	case orb.Point:
		return b.Contains(g)
	case orb.MultiPoint:
		for _, p := range g {
			if b.Contains(p) {
				return true
			}
		}
		return false
	case orb.LineString:
		return lineMeets(g, b)
	case orb.MultiLineString:
		for _, ls := range g {
			if lineMeets(ls, b) {
				return true
			}
		}
		return false
	case orb.Ring:
		return meets(orb.Polygon{g}, b)
	case orb.Polygon:
		for _, r := range g {
			if lineMeets(orb.LineString(r), b) {
				return true
			}
		}
		return planar.PolygonContains(g, b.Center())
	case orb.MultiPolygon:
		for _, p := range g {
			if meets(p, b) {
				return true
			}
		}
		return false
	case orb.Collection:
		for _, c := range g {
			if Intersects(c, b) {
				return true
			}
		}
		return false
	}
	return false
}

func lineMeets(ls orb.LineString, b orb.Bound) bool {
	for i := range ls {
		if b.Contains(ls[i]) {
			return true
		}
		if i > 0 && segmentMeets(ls[i-1], ls[i], b) {
			return true
		}
	}
	return false
}

// segmentMeets is the Liang–Barsky test of segment pq against b.
func segmentMeets(p, q orb.Point, b orb.Bound) bool {
	t0, t1 := 0.0, 1.0
	d := [2]float64{q[0] - p[0], q[1] - p[1]}
	for axis := 0; axis < 2; axis++ {
		for _, e := range [2]struct{ pp, qq float64 }{
			{-d[axis], p[axis] - b.Min[axis]},
			{d[axis], b.Max[axis] - p[axis]},
		} {
			if e.pp == 0 {
				if e.qq < 0 {
					return false
				}
				continue
			}
			r := e.qq / e.pp
			if e.pp < 0 {
				if r > t1 {
					return false
				}
				if r > t0 {
					t0 = r
				}
			} else {
				if r < t0 {
					return false
				}
				if r < t1 {
					t1 = r
				}
			}
		}
	}
	return true
}

// Districts returns a Source with the geokz 2018 districts as "districts".
func Districts(t testing.TB) *Source {
	return &Source{Collections: map[string][]*geo.Feature{
		"districts": geokz.Districts(t),
	}}
}

// BenchDistricts returns a Source with the benchmark districts as
// "districts": geokz's, or benchdata's synthetic fixture where the shared
// data is absent.
func BenchDistricts(tb testing.TB) *Source {
	return &Source{Collections: map[string][]*geo.Feature{
		"districts": benchdata.Districts(tb),
	}}
}
