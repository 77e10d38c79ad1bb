package cql2

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// ParseJSON parses a cql2-json filter. Errors are *SyntaxError: a byte
// offset for malformed JSON, a JSON pointer (Path) for a well-formed
// document that is not a filter.
func ParseJSON(b []byte) (Expr, error) {
	if len(b) > MaxInputBytes {
		return nil, &SyntaxError{Pos: MaxInputBytes, Msg: fmt.Sprintf("filter is longer than %d bytes", MaxInputBytes)}
	}
	// Each operator costs two JSON levels (object and args array), and a
	// geometry up to four more.
	if at := tooDeep(b, 2*MaxDepth+4); at >= 0 {
		return nil, &SyntaxError{Pos: at, Msg: fmt.Sprintf("filter nested deeper than %d levels", MaxDepth)}
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, &SyntaxError{Pos: int(se.Offset), Msg: "malformed JSON: " + se.Error()}
		}
		return nil, &SyntaxError{Pos: int(d.InputOffset()), Msg: "malformed JSON: " + err.Error()}
	}
	if d.More() {
		return nil, &SyntaxError{Pos: int(d.InputOffset()), Msg: "malformed JSON: data after the filter"}
	}
	if _, isArray := v.([]any); isArray {
		return nil, jerr("/", "a filter is an object or a boolean, not an array")
	}
	return jsonExpr(v, "/", 0)
}

// tooDeep returns the offset where JSON nesting first exceeds max, or -1.
func tooDeep(b []byte, max int) int {
	depth, inString := 0, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '[', '{':
			depth++
			if depth > max {
				return i
			}
		case ']', '}':
			depth--
		}
	}
	return -1
}

func child(path string, k any) string {
	s := fmt.Sprint(k)
	s = strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
	if path == "/" {
		return "/" + s
	}
	return path + "/" + s
}

func jerr(path, format string, args ...any) *SyntaxError {
	return &SyntaxError{Path: path, Msg: fmt.Sprintf(format, args...)}
}

func jsonExpr(v any, path string, depth int) (Expr, error) {
	if depth > MaxDepth {
		return nil, jerr(path, "filter nested deeper than %d levels", MaxDepth)
	}
	l := Loc{Path: path}
	switch v := v.(type) {
	case nil:
		return nil, jerr(path, "null is not an expression")
	case bool:
		return &Bool{Loc: l, Value: v}, nil
	case json.Number:
		f, err := strconv.ParseFloat(string(v), 64)
		if err != nil {
			return nil, jerr(path, "bad number %s", clip(string(v)))
		}
		return &Number{Loc: l, Value: f}, nil
	case string:
		return &String{Loc: l, Value: v}, nil
	case []any:
		a := &Array{Loc: l}
		for i, it := range v {
			if _, nested := it.([]any); nested {
				return nil, jerr(child(path, i), "arrays do not nest")
			}
			e, err := jsonExpr(it, child(path, i), depth+1)
			if err != nil {
				return nil, err
			}
			a.Items = append(a.Items, e)
		}
		return a, nil
	case map[string]any:
		return jsonObject(v, path, depth)
	}
	return nil, jerr(path, "unexpected JSON value")
}

func jsonObject(m map[string]any, path string, depth int) (Expr, error) {
	l := Loc{Path: path}
	one := func(key string) (any, error) {
		if len(m) != 1 {
			return nil, jerr(path, "an object with %q has no other member", key)
		}
		return m[key], nil
	}
	switch {
	case m["op"] != nil:
		name, ok := m["op"].(string)
		if !ok || name == "" {
			return nil, jerr(child(path, "op"), "op must be a non-empty string")
		}
		raw, ok := m["args"].([]any)
		if !ok {
			if m["args"] != nil {
				return nil, jerr(child(path, "args"), "args must be an array")
			}
		}
		for k := range m {
			if k != "op" && k != "args" {
				return nil, jerr(child(path, k), "an operation has only op and args")
			}
		}
		args := make([]Expr, 0, len(raw))
		for i, it := range raw {
			e, err := jsonExpr(it, child(child(path, "args"), i), depth+1)
			if err != nil {
				return nil, err
			}
			args = append(args, e)
		}
		return jsonOp(l, name, args)
	case m["property"] != nil:
		v, err := one("property")
		if err != nil {
			return nil, err
		}
		s, ok := v.(string)
		if !ok || s == "" {
			return nil, jerr(child(path, "property"), "property must be a non-empty string")
		}
		return &Property{Loc: l, Name: s}, nil
	case m["date"] != nil, m["timestamp"] != nil:
		key, kind := "date", "DATE"
		if m["timestamp"] != nil {
			key, kind = "timestamp", "TIMESTAMP"
		}
		v, err := one(key)
		if err != nil {
			return nil, err
		}
		s, ok := v.(string)
		if !ok {
			return nil, jerr(child(path, key), "%s must be a string", key)
		}
		return parseInstant(Loc{Path: child(path, key)}, s, kind)
	case m["interval"] != nil:
		v, err := one("interval")
		if err != nil {
			return nil, err
		}
		a, ok := v.([]any)
		if !ok || len(a) != 2 {
			return nil, jerr(child(path, "interval"), "interval must be an array of two ends")
		}
		ends := make([]Expr, 2)
		for i, it := range a {
			e, err := jsonExpr(it, child(child(path, "interval"), i), depth+1)
			if err != nil {
				return nil, err
			}
			ends[i] = e
		}
		return makeInterval(l, ends[0], ends[1])
	case m["bbox"] != nil:
		v, err := one("bbox")
		if err != nil {
			return nil, err
		}
		a, ok := v.([]any)
		if !ok || len(a) != 4 && len(a) != 6 {
			return nil, jerr(child(path, "bbox"), "bbox must be an array of 4 or 6 numbers")
		}
		f := make([]float64, len(a))
		for i, it := range a {
			n, ok := it.(json.Number)
			if !ok {
				return nil, jerr(child(child(path, "bbox"), i), "bbox must be an array of numbers")
			}
			if f[i], err = strconv.ParseFloat(string(n), 64); err != nil {
				return nil, jerr(child(child(path, "bbox"), i), "bad number")
			}
		}
		return bbox(l, f)
	case m["type"] != nil:
		g, err := geoJSON(m, path, depth)
		if err != nil {
			return nil, err
		}
		return &Geometry{Loc: l, G: g}, nil
	}
	return nil, jerr(path, "an object is an operation (op, args), a property, a date, a timestamp, an interval, a bbox or a GeoJSON geometry")
}

// jsonOp maps a cql2-json operation to the tree ParseText builds.
func jsonOp(l Loc, name string, args []Expr) (Expr, error) {
	lower := strings.ToLower(name)
	for i, a := range args {
		if _, isArray := a.(*Array); isArray && !(lower == "in" && i == 1) && !(strings.HasPrefix(lower, "a_") && isStd(lower)) {
			return nil, jerr(a.Where().Path, "an array is only the list of in or an argument of an array function")
		}
	}
	want := func(n int) error {
		if len(args) != n {
			return jerr(l.Path, "%s takes %d argument(s), got %d", name, n, len(args))
		}
		return nil
	}
	switch lower {
	case "and", "or":
		if len(args) < 2 {
			return nil, jerr(l.Path, "%s takes at least 2 arguments", name)
		}
		op := &Op{Loc: l, Name: lower}
		for _, a := range args {
			op.Args = appendFlat(op.Args, lower, a)
		}
		return op, nil
	case "not", "isnull":
		if err := want(1); err != nil {
			return nil, err
		}
	case "=", "<>", "<", ">", "<=", ">=", "like", "+", "*", "/", "%", "^", "div", "-":
		if err := want(2); err != nil {
			return nil, err
		}
	case "between":
		if err := want(3); err != nil {
			return nil, err
		}
	case "in":
		if err := want(2); err != nil {
			return nil, err
		}
		if _, ok := args[1].(*Array); !ok {
			return nil, jerr(child(child(l.Path, "args"), 1), "in takes an array")
		}
	default:
		if _, std := funcArity[lower]; !std {
			if !plainIdent(name) || reservedFunc(name) {
				return nil, jerr(child(l.Path, "op"), "unknown operator %s", clip(strconvQuote(name)))
			}
			return &Op{Loc: l, Name: name, Args: args}, nil
		}
	}
	if _, std := funcArity[lower]; std {
		return makeOp(l, lower, args)
	}
	return &Op{Loc: l, Name: lower, Args: args}, nil
}

// geoJSON decodes a GeoJSON geometry, dropping Z.
func geoJSON(m map[string]any, path string, depth int) (orb.Geometry, error) {
	if depth > MaxDepth {
		return nil, jerr(path, "filter nested deeper than %d levels", MaxDepth)
	}
	typ, _ := m["type"].(string)
	if typ == "GeometryCollection" {
		gs, ok := m["geometries"].([]any)
		if !ok {
			return nil, jerr(child(path, "geometries"), "geometries must be an array")
		}
		if len(gs) == 0 {
			return nil, jerr(child(path, "geometries"), "empty geometries are not supported")
		}
		var c orb.Collection
		for i, it := range gs {
			gm, ok := it.(map[string]any)
			if !ok {
				return nil, jerr(child(child(path, "geometries"), i), "expected a GeoJSON geometry")
			}
			g, err := geoJSON(gm, child(child(path, "geometries"), i), depth+1)
			if err != nil {
				return nil, err
			}
			c = append(c, g)
		}
		return c, nil
	}
	cp := child(path, "coordinates")
	c := m["coordinates"]
	if a, ok := c.([]any); ok && len(a) == 0 {
		return nil, jerr(cp, "empty geometries are not supported")
	}
	switch typ {
	case "Point":
		return jPoint(c, cp)
	case "MultiPoint", "LineString":
		pts, err := jPoints(c, cp)
		if err == nil && typ == "LineString" && len(pts) < 2 {
			return nil, jerr(cp, "a line string needs at least 2 positions")
		}
		if typ == "MultiPoint" {
			return orb.MultiPoint(pts), err
		}
		return orb.LineString(pts), err
	case "Polygon":
		return jPolygon(c, cp)
	case "MultiLineString":
		a, ok := c.([]any)
		if !ok {
			return nil, jerr(cp, "expected an array of line strings")
		}
		var ml orb.MultiLineString
		for i, it := range a {
			pts, err := jPoints(it, child(cp, i))
			if err != nil {
				return nil, err
			}
			if len(pts) < 2 {
				return nil, jerr(child(cp, i), "a line string needs at least 2 positions")
			}
			ml = append(ml, pts)
		}
		return ml, nil
	case "MultiPolygon":
		a, ok := c.([]any)
		if !ok {
			return nil, jerr(cp, "expected an array of polygons")
		}
		var mp orb.MultiPolygon
		for i, it := range a {
			pg, err := jPolygon(it, child(cp, i))
			if err != nil {
				return nil, err
			}
			mp = append(mp, pg)
		}
		return mp, nil
	}
	return nil, jerr(child(path, "type"), "unknown geometry type %s", clip(strconvQuote(typ)))
}

// reservedFunc: names that cql2-text reads as literals, not functions.
func reservedFunc(name string) bool {
	switch strings.ToUpper(name) {
	case "DATE", "TIMESTAMP", "INTERVAL", "BBOX", "POINT", "LINESTRING", "POLYGON",
		"MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION":
		return true
	}
	return false
}

func strconvQuote(s string) string { return strconv.Quote(s) }

func jPoint(v any, path string) (orb.Point, error) {
	a, ok := v.([]any)
	if !ok || len(a) < 2 || len(a) > 3 {
		return orb.Point{}, jerr(path, "a position is an array of 2 or 3 numbers")
	}
	var p orb.Point
	for i := 0; i < 2; i++ {
		n, ok := a[i].(json.Number)
		if !ok {
			return orb.Point{}, jerr(child(path, i), "expected a number")
		}
		f, err := strconv.ParseFloat(string(n), 64)
		if err != nil {
			return orb.Point{}, jerr(child(path, i), "bad number")
		}
		p[i] = f
	}
	return p, nil
}

func jPoints(v any, path string) ([]orb.Point, error) {
	a, ok := v.([]any)
	if !ok {
		return nil, jerr(path, "expected an array of positions")
	}
	pts := make([]orb.Point, 0, len(a))
	for i, it := range a {
		p, err := jPoint(it, child(path, i))
		if err != nil {
			return nil, err
		}
		pts = append(pts, p)
	}
	return pts, nil
}

func jPolygon(v any, path string) (orb.Polygon, error) {
	a, ok := v.([]any)
	if !ok || len(a) == 0 {
		return nil, jerr(path, "expected a non-empty array of rings")
	}
	var pg orb.Polygon
	for i, it := range a {
		pts, err := jPoints(it, child(path, i))
		if err != nil {
			return nil, err
		}
		if len(pts) < 4 || pts[0] != pts[len(pts)-1] {
			return nil, jerr(child(path, i), "a polygon ring needs at least 4 positions, the last equal to the first")
		}
		pg = append(pg, orb.Ring(pts))
	}
	return pg, nil
}
