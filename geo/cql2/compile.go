package cql2

import (
	"encoding/json"
	"math"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/paulmach/orb"
	"golang.org/x/text/unicode/norm"

	"kzmap/geo"
)

// Filter is a compiled filter: built once, evaluated per feature without
// allocating in the common cases (comparisons on numbers and strings,
// S_INTERSECTS of points). Safe for concurrent use.
type Filter struct {
	match  boolFn
	expr   Expr
	bounds []orb.Bound
	ok     bool
}

// Match reports whether the feature satisfies the filter. Conditions on a
// missing (or null, or wrongly typed) property are unknown, and a feature
// matches only when the filter is true (SQL's three-valued logic).
func (f *Filter) Match(ft *geo.Feature) bool { return f.match(ft) == yes }

// Bounds returns the boxes every matching feature's geometry meets, when
// the filter implies any (see Bounds).
func (f *Filter) Bounds() ([]orb.Bound, bool) { return f.bounds, f.ok }

// Compile type-checks e against the queryables and compiles it.
func Compile(e Expr, q Queryables, tp TimeProps) (*Filter, error) {
	if err := Check(e, q); err != nil {
		return nil, err
	}
	c := &compiler{q: q, tp: tp}
	m := c.cond(e)
	b, ok := Bounds(e)
	return &Filter{match: m, expr: e, bounds: b, ok: ok}, nil
}

// tri is a three-valued truth.
type tri uint8

const (
	no tri = iota
	yes
	unknown
)

func truth(b bool) tri {
	if b {
		return yes
	}
	return no
}

type boolFn func(*geo.Feature) tri

// value is the result of a scalar expression; k is cNull when unknown.
type value struct {
	k      class
	n      float64
	s      string
	b      bool
	t0, t1 time.Time
	g      orb.Geometry
}

type valFn func(*geo.Feature) value

type compiler struct {
	q  Queryables
	tp TimeProps
}

// cond compiles a checked boolean expression.
func (c *compiler) cond(e Expr) boolFn {
	switch e := e.(type) {
	case *Bool:
		v := truth(e.Value)
		return func(*geo.Feature) tri { return v }
	case *Property:
		name := e.Name
		return func(f *geo.Feature) tri {
			b, ok := f.Properties[name].(bool)
			if !ok {
				return unknown
			}
			return truth(b)
		}
	}
	o := e.(*Op)
	switch o.Name {
	case "and", "or":
		args := make([]boolFn, len(o.Args))
		idx := make([]int, len(o.Args))
		for i := range o.Args {
			idx[i] = i
		}
		// Cheap spatial tests first: they reject most features.
		sort.SliceStable(idx, func(a, b int) bool { return cost(o.Args[idx[a]]) < cost(o.Args[idx[b]]) })
		for i, j := range idx {
			args[i] = c.cond(o.Args[j])
		}
		if o.Name == "and" {
			return func(f *geo.Feature) tri {
				r := yes
				for _, a := range args {
					switch a(f) {
					case no:
						return no
					case unknown:
						r = unknown
					}
				}
				return r
			}
		}
		return func(f *geo.Feature) tri {
			r := no
			for _, a := range args {
				switch a(f) {
				case yes:
					return yes
				case unknown:
					r = unknown
				}
			}
			return r
		}
	case "not":
		a := c.cond(o.Args[0])
		return func(f *geo.Feature) tri {
			switch a(f) {
			case yes:
				return no
			case no:
				return yes
			}
			return unknown
		}
	case "isnull":
		if p, ok := o.Args[0].(*Property); ok && p.Name == GeometryName && c.q[p.Name] == TypeGeometry {
			return func(f *geo.Feature) tri { return truth(f.Geometry == nil) }
		}
		a := c.val(o.Args[0])
		return func(f *geo.Feature) tri { return truth(a(f).k == cNull) }
	case "=", "<>", "<", ">", "<=", ">=":
		if fast := c.fastCompare(o); fast != nil {
			return fast
		}
		a, b := c.val(o.Args[0]), c.val(o.Args[1])
		op := o.Name
		return func(f *geo.Feature) tri { return compare(op, a(f), b(f)) }
	case "between":
		a, lo, hi := c.val(o.Args[0]), c.val(o.Args[1]), c.val(o.Args[2])
		return func(f *geo.Feature) tri {
			v := a(f)
			return and(compare(">=", v, lo(f)), compare("<=", v, hi(f)))
		}
	case "in":
		a := c.val(o.Args[0])
		list := o.Args[1].(*Array).Items
		items := make([]valFn, len(list))
		for i, it := range list {
			items[i] = c.val(it)
		}
		return func(f *geo.Feature) tri {
			v := a(f)
			r := no
			for _, it := range items {
				switch compare("=", v, it(f)) {
				case yes:
					return yes
				case unknown:
					r = unknown
				}
			}
			return r
		}
	case "like":
		return c.like(o)
	}
	if strings.HasPrefix(o.Name, "s_") {
		return c.spatial(o)
	}
	return c.temporal(o)
}

func and(a, b tri) tri {
	if a == no || b == no {
		return no
	}
	if a == unknown || b == unknown {
		return unknown
	}
	return yes
}

// cost orders the arguments of AND and OR: spatial tests against a
// literal first.
func cost(e Expr) int {
	if o, ok := e.(*Op); ok && strings.HasPrefix(o.Name, "s_") {
		return 0
	}
	return 1
}

// fastCompare compiles property-versus-literal comparisons of numbers and
// strings without building values.
func (c *compiler) fastCompare(o *Op) boolFn {
	p, ok := o.Args[0].(*Property)
	if !ok {
		return nil
	}
	op := o.Name
	switch lit := o.Args[1].(type) {
	case *Number:
		if cl, _ := classOf(c.q[p.Name]); cl != cNum {
			return nil
		}
		name, k := p.Name, lit.Value
		return func(f *geo.Feature) tri {
			x, ok := number(f.Properties[name])
			if !ok {
				return unknown
			}
			return cmpOrdered(op, x, k)
		}
	case *String:
		if c.q[p.Name] != TypeString {
			return nil
		}
		name, k := p.Name, lit.Value
		return func(f *geo.Feature) tri {
			x, ok := f.Properties[name].(string)
			if !ok {
				return unknown
			}
			return cmpOrdered(op, x, k)
		}
	}
	return nil
}

func cmpOrdered[T float64 | string](op string, a, b T) tri {
	switch op {
	case "=":
		return truth(a == b)
	case "<>":
		return truth(a != b)
	case "<":
		return truth(a < b)
	case ">":
		return truth(a > b)
	case "<=":
		return truth(a <= b)
	}
	return truth(a >= b)
}

// compare applies a comparison to two values of the same class. Temporal
// values are extents (a date is its whole day): = means they overlap, <
// that the first ends before the second starts, <= that it does not start
// after the second ends.
func compare(op string, a, b value) tri {
	if a.k == cNull || b.k == cNull || a.k != b.k {
		return unknown
	}
	switch a.k {
	case cNum:
		if math.IsNaN(a.n) || math.IsNaN(b.n) {
			return unknown
		}
		return cmpOrdered(op, a.n, b.n)
	case cStr:
		return cmpOrdered(op, a.s, b.s)
	case cBool:
		switch op {
		case "=":
			return truth(a.b == b.b)
		case "<>":
			return truth(a.b != b.b)
		}
		return unknown
	case cTime:
		overlap := !a.t1.Before(b.t0) && !b.t1.Before(a.t0)
		switch op {
		case "=":
			return truth(overlap)
		case "<>":
			return truth(!overlap)
		case "<":
			return truth(a.t1.Before(b.t0))
		case ">":
			return truth(a.t0.After(b.t1))
		case "<=":
			return truth(!a.t0.After(b.t1))
		}
		return truth(!a.t1.Before(b.t0))
	}
	return unknown
}

// number reads a numeric property value.
func number(v any) (float64, bool) {
	switch v := v.(type) {
	case float64:
		return v, true
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	case int32:
		return float64(v), true
	case float32:
		return float64(v), true
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	}
	return 0, false
}

// timeValue reads a date or date-time property value (a date lasts the
// whole day).
func timeValue(v any) (t0, t1 time.Time, ok bool) {
	switch v := v.(type) {
	case string:
		if len(v) == len(time.DateOnly) {
			if t, err := time.Parse(time.DateOnly, v); err == nil {
				return t, endOfDay(t), true
			}
		}
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return t, t, true
		}
	case time.Time:
		return v, v, true
	}
	return time.Time{}, time.Time{}, false
}

// val compiles a scalar expression.
func (c *compiler) val(e Expr) valFn {
	switch e := e.(type) {
	case *Number:
		v := value{k: cNum, n: e.Value}
		return func(*geo.Feature) value { return v }
	case *String:
		v := value{k: cStr, s: e.Value}
		return func(*geo.Feature) value { return v }
	case *Bool:
		v := value{k: cBool, b: e.Value}
		return func(*geo.Feature) value { return v }
	case *Time:
		v := value{k: cTime, t0: e.Start, t1: e.End}
		if e.Open {
			v = value{k: cTime, t0: minTime, t1: maxTime}
		}
		return func(*geo.Feature) value { return v }
	case *Geometry:
		v := value{k: cGeom, g: e.G}
		return func(*geo.Feature) value { return v }
	case *Interval:
		s, en := c.val(e.Start), c.val(e.End)
		openS, openE := isOpen(e.Start), isOpen(e.End)
		return func(f *geo.Feature) value {
			a, b := s(f), en(f)
			if openS {
				a.t0 = minTime
			}
			if openE {
				b.t1 = maxTime
			}
			if a.k == cNull || b.k == cNull || b.t1.Before(a.t0) {
				return value{}
			}
			return value{k: cInterval, t0: a.t0, t1: b.t1}
		}
	case *Property:
		return c.property(e)
	}
	o := e.(*Op)
	switch o.Name {
	case "casei", "accenti":
		a := c.val(o.Args[0])
		fold := strings.ToLower
		if o.Name == "accenti" {
			fold = stripAccents
		}
		return func(f *geo.Feature) value {
			v := a(f)
			if v.k == cStr {
				v.s = fold(v.s)
			}
			return v
		}
	case "-":
		if len(o.Args) == 1 {
			a := c.val(o.Args[0])
			return func(f *geo.Feature) value {
				v := a(f)
				v.n = -v.n
				return v
			}
		}
	}
	a, b := c.val(o.Args[0]), c.val(o.Args[1])
	op := o.Name
	return func(f *geo.Feature) value {
		x, y := a(f), b(f)
		if x.k != cNum || y.k != cNum {
			return value{}
		}
		r, ok := arith(op, x.n, y.n)
		if !ok {
			return value{}
		}
		return value{k: cNum, n: r}
	}
}

func isOpen(e Expr) bool { t, ok := e.(*Time); return ok && t.Open }

// arith applies an arithmetic operator; division by zero is unknown.
func arith(op string, a, b float64) (float64, bool) {
	switch op {
	case "+":
		return a + b, true
	case "-":
		return a - b, true
	case "*":
		return a * b, true
	case "/":
		if b == 0 {
			return 0, false
		}
		return a / b, true
	case "%":
		if b == 0 {
			return 0, false
		}
		return math.Mod(a, b), true
	case "div":
		if b == 0 {
			return 0, false
		}
		return math.Trunc(a / b), true
	case "^":
		r := math.Pow(a, b)
		return r, !math.IsNaN(r)
	}
	return 0, false
}

// Open interval ends compare before and after every instant.
var (
	minTime = time.Date(-1000000, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(1000000, 1, 1, 0, 0, 0, 0, time.UTC)
)

func (c *compiler) property(p *Property) valFn {
	name := p.Name
	switch c.q[name] {
	case TypeGeometry:
		return func(f *geo.Feature) value {
			if f.Geometry == nil {
				return value{}
			}
			return value{k: cGeom, g: f.Geometry}
		}
	case TypeInterval:
		tp := c.tp
		return func(f *geo.Feature) value {
			t0, t1, ok := extent(f, tp)
			if !ok {
				return value{}
			}
			return value{k: cInterval, t0: t0, t1: t1}
		}
	case TypeNumber, TypeInteger:
		return func(f *geo.Feature) value {
			n, ok := number(f.Properties[name])
			if !ok {
				return value{}
			}
			return value{k: cNum, n: n}
		}
	case TypeString:
		return func(f *geo.Feature) value {
			s, ok := f.Properties[name].(string)
			if !ok {
				return value{}
			}
			return value{k: cStr, s: s}
		}
	case TypeBoolean:
		return func(f *geo.Feature) value {
			b, ok := f.Properties[name].(bool)
			if !ok {
				return value{}
			}
			return value{k: cBool, b: b}
		}
	}
	// TypeDate, TypeTimestamp.
	return func(f *geo.Feature) value {
		t0, t1, ok := timeValue(f.Properties[name])
		if !ok {
			return value{}
		}
		return value{k: cTime, t0: t0, t1: t1}
	}
}

// extent is a feature's time extent by the rules of the datetime
// parameter (see geo.Collection.TimeStart): a date lasts its whole day, an
// explicit null end is still running, an absent end makes an instant.
func extent(f *geo.Feature, tp TimeProps) (t0, t1 time.Time, ok bool) {
	if tp.Start == "" {
		return
	}
	t0, t1, ok = timeValue(f.Properties[tp.Start])
	if !ok || tp.End == "" || tp.End == tp.Start {
		return
	}
	v, present := f.Properties[tp.End]
	if present && v == nil {
		return t0, maxTime, true
	}
	if !present || v == "" {
		return
	}
	_, e1, ok2 := timeValue(v)
	if !ok2 || e1.Before(t0) {
		return time.Time{}, time.Time{}, false
	}
	return t0, e1, true
}

func stripAccents(s string) string {
	d := norm.NFD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	for _, r := range d {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(b.String())
}
