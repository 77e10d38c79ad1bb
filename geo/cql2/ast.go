package cql2

import (
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
)

// Expr is a node of a parsed filter. Both encodings give the same tree:
// NOT LIKE, NOT BETWEEN, NOT IN and IS NOT NULL become Not of the positive
// form, nested ANDs (and ORs) are flattened, and operator names are lower
// case. The concrete types are *Bool, *Number, *String, *Property, *Time,
// *Interval, *Geometry, *Array and *Op.
type Expr interface {
	// Where is where the node starts in the input.
	Where() Loc
	// String is the node in cql2-text; parsing it gives an equal tree.
	String() string
}

// Loc is a position in a filter: a byte offset in cql2-text, or a JSON
// pointer (RFC 6901) in cql2-json.
type Loc struct {
	Pos  int
	Path string
}

// Where returns l; nodes embed it.
func (l Loc) Where() Loc { return l }

func (l Loc) String() string {
	if l.Path != "" {
		return l.Path
	}
	return strconv.Itoa(l.Pos)
}

// Bool is TRUE or FALSE.
type Bool struct {
	Loc
	Value bool
}

// Number is a numeric literal.
type Number struct {
	Loc
	Value float64
}

// String is a character literal.
type String struct {
	Loc
	Value string
}

// Property names a queryable.
type Property struct {
	Loc
	Name string
}

// Time is DATE('…') or TIMESTAMP('…'), or one end of an INTERVAL. A date
// stands for its whole day (UTC): [Start, End] is the instant's extent.
// Open is the '..' end of an interval.
type Time struct {
	Loc
	Date       bool
	Open       bool
	Start, End time.Time
}

// Interval is INTERVAL(start, end); each end is a *Time (possibly open),
// a *Property or a function *Op.
type Interval struct {
	Loc
	Start, End Expr
}

// Geometry is a WKT or GeoJSON literal, or BBOX (an orb.Bound). Z values
// are dropped.
type Geometry struct {
	Loc
	G orb.Geometry
}

// Array is a parenthesised list (cql2-text) or a JSON array: the list of IN
// and the arguments of the A_ functions.
type Array struct {
	Loc
	Items []Expr
}

// Op is an operator or function applied to Args. Name is lower case for
// the standard ones: and, or, not, =, <>, <, >, <=, >=, like, between, in,
// isnull, casei, accenti, + - * / % div ^, s_…, t_…, a_…. A unary minus
// is "-" with one argument. Other names are functions the standard leaves
// to implementations; they parse, and Check rejects them.
type Op struct {
	Loc
	Name string
	Args []Expr
}

func (b *Bool) String() string {
	if b.Value {
		return "TRUE"
	}
	return "FALSE"
}

func (n *Number) String() string { return strconv.FormatFloat(n.Value, 'g', -1, 64) }

func (s *String) String() string { return quote(s.Value) }

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func (p *Property) String() string {
	if plainIdent(p.Name) {
		return p.Name
	}
	return `"` + p.Name + `"`
}

func plainIdent(s string) bool {
	if s == "" || isKeyword(s) {
		return false
	}
	for i, r := range s {
		if !(identStart(r) || i > 0 && identPart(r)) {
			return false
		}
	}
	return true
}

func (t *Time) String() string {
	switch {
	case t.Open:
		return "'..'"
	case t.Date:
		return "DATE('" + t.Start.Format(time.DateOnly) + "')"
	default:
		return "TIMESTAMP('" + t.Start.Format(time.RFC3339Nano) + "')"
	}
}

func (iv *Interval) String() string {
	return "INTERVAL(" + endString(iv.Start) + ", " + endString(iv.End) + ")"
}

// endString writes an interval end as a bare string, as the grammar wants.
func endString(e Expr) string {
	if t, ok := e.(*Time); ok {
		switch {
		case t.Open:
			return "'..'"
		case t.Date:
			return "'" + t.Start.Format(time.DateOnly) + "'"
		default:
			return "'" + t.Start.Format(time.RFC3339Nano) + "'"
		}
	}
	return e.String()
}

func (g *Geometry) String() string {
	if b, ok := g.G.(orb.Bound); ok {
		return "BBOX(" + fmtNum(b.Min[0]) + ", " + fmtNum(b.Min[1]) + ", " + fmtNum(b.Max[0]) + ", " + fmtNum(b.Max[1]) + ")"
	}
	return wkt.MarshalString(g.G)
}

func fmtNum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func (a *Array) String() string {
	parts := make([]string, len(a.Items))
	for i, it := range a.Items {
		parts[i] = it.String()
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func (o *Op) String() string {
	a := o.Args
	args := func(sep string) string {
		parts := make([]string, len(a))
		for i, it := range a {
			parts[i] = it.String()
		}
		return strings.Join(parts, sep)
	}
	switch o.Name {
	case "and", "or":
		return "(" + args(" "+strings.ToUpper(o.Name)+" ") + ")"
	case "not":
		return "(NOT " + a[0].String() + ")"
	case "=", "<>", "<", ">", "<=", ">=", "+", "*", "/", "%", "^", "div", "like":
		return "(" + a[0].String() + " " + strings.ToUpper(o.Name) + " " + a[1].String() + ")"
	case "-":
		if len(a) == 1 {
			return "(-" + a[0].String() + ")"
		}
		return "(" + a[0].String() + " - " + a[1].String() + ")"
	case "between":
		return "(" + a[0].String() + " BETWEEN " + a[1].String() + " AND " + a[2].String() + ")"
	case "in":
		return "(" + a[0].String() + " IN " + a[1].String() + ")"
	case "isnull":
		return "(" + a[0].String() + " IS NULL)"
	}
	name := o.Name
	if _, std := funcArity[name]; std {
		name = strings.ToUpper(name)
	}
	return name + "(" + args(", ") + ")"
}
