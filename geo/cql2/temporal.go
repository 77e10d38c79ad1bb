package cql2

import (
	"time"

	"kzmap/geo"
)

// temporal compiles the T_ functions: Allen's interval relations as the
// standard defines them, on closed extents [t0, t1] (an instant is
// [t, t], a date its whole day, an open end unbounded).
func (c *compiler) temporal(o *Op) boolFn {
	a, b := c.val(o.Args[0]), c.val(o.Args[1])
	rel := temporalRel[o.Name]
	return func(f *geo.Feature) tri {
		x, y := a(f), b(f)
		if x.k == cNull || y.k == cNull {
			return unknown
		}
		return truth(rel(x.t0, x.t1, y.t0, y.t1))
	}
}

type relFn func(s1, e1, s2, e2 time.Time) bool

func lt(a, b time.Time) bool { return a.Before(b) }
func eq(a, b time.Time) bool { return a.Equal(b) }

// meet: b starts where a ends, or the nanosecond after (a date ends at
// its last nanosecond, so a day meets the next).
func meet(a, b time.Time) bool { return a.Equal(b) || a.Add(time.Nanosecond).Equal(b) }

var temporalRel = map[string]relFn{
	"t_after":        func(s1, e1, s2, e2 time.Time) bool { return lt(e2, s1) },
	"t_before":       func(s1, e1, s2, e2 time.Time) bool { return lt(e1, s2) },
	"t_contains":     func(s1, e1, s2, e2 time.Time) bool { return lt(s1, s2) && lt(e2, e1) },
	"t_disjoint":     func(s1, e1, s2, e2 time.Time) bool { return lt(e1, s2) || lt(e2, s1) },
	"t_during":       func(s1, e1, s2, e2 time.Time) bool { return lt(s2, s1) && lt(e1, e2) },
	"t_equals":       func(s1, e1, s2, e2 time.Time) bool { return eq(s1, s2) && eq(e1, e2) },
	"t_finishedby":   func(s1, e1, s2, e2 time.Time) bool { return lt(s1, s2) && eq(e1, e2) },
	"t_finishes":     func(s1, e1, s2, e2 time.Time) bool { return lt(s2, s1) && eq(e1, e2) },
	"t_intersects":   func(s1, e1, s2, e2 time.Time) bool { return !lt(e1, s2) && !lt(e2, s1) },
	"t_meets":        func(s1, e1, s2, e2 time.Time) bool { return meet(e1, s2) },
	"t_metby":        func(s1, e1, s2, e2 time.Time) bool { return meet(e2, s1) },
	"t_overlappedby": func(s1, e1, s2, e2 time.Time) bool { return lt(s2, s1) && lt(s1, e2) && lt(e2, e1) },
	"t_overlaps":     func(s1, e1, s2, e2 time.Time) bool { return lt(s1, s2) && lt(s2, e1) && lt(e1, e2) },
	"t_startedby":    func(s1, e1, s2, e2 time.Time) bool { return eq(s1, s2) && lt(e2, e1) },
	"t_starts":       func(s1, e1, s2, e2 time.Time) bool { return eq(s1, s2) && lt(e1, e2) },
}
