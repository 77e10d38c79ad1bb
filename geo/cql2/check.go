package cql2

import (
	"strings"

	"kzmap/geo"
)

// Type is the type of a queryable, as listed at /queryables.
type Type string

// The queryable types. Interval is the type of the Datetime pseudo-property.
const (
	TypeString    Type = "string"
	TypeNumber    Type = "number"
	TypeInteger   Type = "integer"
	TypeBoolean   Type = "boolean"
	TypeDate      Type = "date"
	TypeTimestamp Type = "timestamp"
	TypeGeometry  Type = "geometry"
	TypeInterval  Type = "interval"
)

// Geometry and Datetime name the two queryables that are not feature
// properties: the feature's geometry, and its time extent [TimeStart,
// TimeEnd] by the rules of the datetime parameter.
const (
	GeometryName = "geometry"
	DatetimeName = "datetime"
)

// Queryables maps the names a filter may use to their types.
type Queryables map[string]Type

// TimeProps names the properties that give a feature's time extent (see
// geo.Collection.TimeStart and TimeEnd).
type TimeProps struct{ Start, End string }

// QueryablesOf returns a collection's queryables: its fields, geometry,
// its time properties as timestamps (a date value still lasts its whole
// day) and, when it has a time extent, datetime.
func QueryablesOf(c *geo.Collection) (Queryables, TimeProps) {
	q := Queryables{GeometryName: TypeGeometry}
	for _, f := range c.Fields {
		switch f.Type {
		case "number", "integer", "boolean", "string":
			q[f.Name] = Type(f.Type)
		}
	}
	tp := TimeProps{Start: c.TimeStart, End: c.TimeEnd}
	if c.TimeStart != "" {
		q[c.TimeStart] = TypeTimestamp
		if c.TimeEnd != "" {
			q[c.TimeEnd] = TypeTimestamp
		}
		if _, taken := q[DatetimeName]; !taken {
			q[DatetimeName] = TypeInterval
		}
	}
	return q, tp
}

// class is what an expression evaluates to.
type class uint8

const (
	cNull class = iota
	cNum
	cStr
	cBool
	cTime
	cInterval
	cGeom
	cArray
)

var className = [...]string{"null", "number", "string", "boolean", "date/timestamp", "interval", "geometry", "list"}

func (c class) String() string { return className[c] }

func classOf(t Type) (class, bool) {
	switch t {
	case TypeString:
		return cStr, true
	case TypeNumber, TypeInteger:
		return cNum, true
	case TypeBoolean:
		return cBool, true
	case TypeDate, TypeTimestamp:
		return cTime, true
	case TypeGeometry:
		return cGeom, true
	case TypeInterval:
		return cInterval, true
	}
	return cNull, false
}

// Check type-checks e against the queryables: every property must be
// queryable, every function known, every operand of the right type, and
// the whole a condition. The error is a *SyntaxError naming the position.
func Check(e Expr, q Queryables) error {
	c, err := typeOf(e, q)
	if err != nil {
		return err
	}
	if c != cBool {
		return errAt(e.Where(), "the filter is a %s, not a condition", c)
	}
	return nil
}

func typeOf(e Expr, q Queryables) (class, error) {
	switch e := e.(type) {
	case *Bool:
		return cBool, nil
	case *Number:
		return cNum, nil
	case *String:
		return cStr, nil
	case *Time:
		if e.Open {
			return cNull, errAt(e.Loc, "'..' is only an interval end")
		}
		return cTime, nil
	case *Geometry:
		return cGeom, nil
	case *Property:
		t, ok := q[e.Name]
		if !ok {
			return cNull, errAt(e.Loc, "property %q is not queryable", e.Name)
		}
		c, ok := classOf(t)
		if !ok {
			return cNull, errAt(e.Loc, "property %q has unsupported type %q", e.Name, t)
		}
		return c, nil
	case *Interval:
		for _, end := range []Expr{e.Start, e.End} {
			if t, ok := end.(*Time); ok && t.Open {
				continue
			}
			c, err := typeOf(end, q)
			if err != nil {
				return cNull, err
			}
			if c != cTime {
				return cNull, errAt(end.Where(), "an INTERVAL end is a date or timestamp, not a %s", c)
			}
		}
		return cInterval, nil
	case *Array:
		return cArray, errAt(e.Loc, "a list is only allowed after IN")
	case *Op:
		return opType(e, q)
	}
	return cNull, errAt(e.Where(), "unexpected expression")
}

// operators are the names besides the standard functions that Op takes.
var operators = map[string]bool{
	"and": true, "or": true, "not": true, "isnull": true, "=": true, "<>": true, "<": true,
	">": true, "<=": true, ">=": true, "between": true, "like": true, "in": true, "+": true,
	"-": true, "*": true, "/": true, "%": true, "div": true, "^": true,
}

func opType(o *Op, q Queryables) (class, error) {
	if !operators[o.Name] && !isStd(o.Name) {
		return cNull, errAt(o.Loc, "unknown function %s", o.Name)
	}
	if strings.HasPrefix(o.Name, "a_") {
		return cNull, errAt(o.Loc, "array function %s is not supported", strings.ToUpper(o.Name))
	}
	if o.Name == "in" {
		lc, err := typeOf(o.Args[0], q)
		if err != nil {
			return cNull, err
		}
		list, _ := o.Args[1].(*Array)
		if list == nil || len(list.Items) == 0 {
			return cNull, errAt(o.Loc, "IN needs a non-empty list")
		}
		if err := want(o.Args[0], lc, cNum, cStr, cBool, cTime); err != nil {
			return cNull, err
		}
		for _, it := range list.Items {
			c, err := typeOf(it, q)
			if err != nil {
				return cNull, err
			}
			if c != lc {
				return cNull, errAt(it.Where(), "IN compares a %s with a %s", lc, c)
			}
		}
		return cBool, nil
	}
	args := make([]class, len(o.Args))
	for i, a := range o.Args {
		c, err := typeOf(a, q)
		if err != nil {
			return cNull, err
		}
		args[i] = c
	}
	all := func(cs ...class) error {
		for i, a := range o.Args {
			if err := want(a, args[i], cs...); err != nil {
				return err
			}
		}
		return nil
	}
	same := func() error {
		for i := 1; i < len(args); i++ {
			if args[i] != args[0] {
				return errAt(o.Loc, "%s compares a %s with a %s", strings.ToUpper(o.Name), args[0], args[i])
			}
		}
		return nil
	}
	switch o.Name {
	case "and", "or", "not":
		return cBool, all(cBool)
	case "isnull":
		return cBool, nil
	case "=", "<>":
		if err := all(cNum, cStr, cBool, cTime); err != nil {
			return cNull, err
		}
		return cBool, same()
	case "<", ">", "<=", ">=", "between":
		if err := all(cNum, cStr, cTime); err != nil {
			return cNull, err
		}
		return cBool, same()
	case "like":
		return cBool, all(cStr)
	case "casei", "accenti":
		return cStr, all(cStr)
	case "+", "-", "*", "/", "%", "div", "^":
		return cNum, all(cNum)
	}
	switch {
	case strings.HasPrefix(o.Name, "s_") && isStd(o.Name):
		return cBool, all(cGeom)
	case strings.HasPrefix(o.Name, "t_") && isStd(o.Name):
		return cBool, all(cTime, cInterval)
	}
	return cNull, errAt(o.Loc, "unknown function %s", o.Name)
}

func isStd(name string) bool { _, ok := funcArity[name]; return ok }

func want(e Expr, got class, cs ...class) error {
	for _, c := range cs {
		if got == c {
			return nil
		}
	}
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.String()
	}
	return errAt(e.Where(), "expected a %s, found a %s", strings.Join(names, " or "), got)
}
