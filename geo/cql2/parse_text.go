package cql2

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// ParseText parses a cql2-text filter. Keywords and function names are
// case-insensitive. The error, a *SyntaxError, gives the byte offset.
func ParseText(s string) (Expr, error) {
	if len(s) > MaxInputBytes {
		return nil, &SyntaxError{Pos: MaxInputBytes, Msg: fmt.Sprintf("filter is longer than %d bytes", MaxInputBytes)}
	}
	p := &textParser{lex: lexer{src: s}}
	if err := p.advance(); err != nil {
		return nil, err
	}
	e, err := p.orExpr()
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tEOF {
		return nil, p.errf("unexpected %s after the end of the filter", p.describe())
	}
	return e, nil
}

type textParser struct {
	lex   lexer
	tok   token
	depth int
}

func (p *textParser) advance() error {
	t, err := p.lex.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

func (p *textParser) errf(format string, args ...any) *SyntaxError {
	return &SyntaxError{Pos: p.tok.pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *textParser) describe() string {
	switch p.tok.kind {
	case tEOF:
		return "end of filter"
	case tString:
		return "string " + clip(quote(p.tok.text))
	case tQuoted:
		return "property " + clip(`"`+p.tok.text+`"`)
	default:
		return "'" + clip(p.tok.text) + "'"
	}
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:37] + "…"
	}
	return s
}

// enter counts one level of nesting; leave undoes it.
func (p *textParser) enter() error {
	p.depth++
	if p.depth > MaxDepth {
		return p.errf("filter nested deeper than %d levels", MaxDepth)
	}
	return nil
}
func (p *textParser) leave() { p.depth-- }

func (p *textParser) isKw(kw string) bool {
	return p.tok.kind == tIdent && strings.EqualFold(p.tok.text, kw)
}

func (p *textParser) isPunct(s string) bool { return p.tok.kind == tPunct && p.tok.text == s }

func (p *textParser) expect(s string) error {
	if !p.isPunct(s) {
		return p.errf("expected '%s', found %s", s, p.describe())
	}
	return p.advance()
}

func (p *textParser) loc() Loc { return Loc{Pos: p.tok.pos} }

func (p *textParser) orExpr() (Expr, error) {
	return p.chain("OR", "or", p.andExpr)
}

func (p *textParser) andExpr() (Expr, error) {
	return p.chain("AND", "and", p.notExpr)
}

// chain parses operand {KW operand} into one flattened Op.
func (p *textParser) chain(kw, name string, operand func() (Expr, error)) (Expr, error) {
	l := p.loc()
	first, err := operand()
	if err != nil {
		return nil, err
	}
	if !p.isKw(kw) {
		return first, nil
	}
	op := &Op{Loc: l, Name: name}
	op.Args = appendFlat(op.Args, name, first)
	for p.isKw(kw) {
		if err := p.advance(); err != nil {
			return nil, err
		}
		e, err := operand()
		if err != nil {
			return nil, err
		}
		op.Args = appendFlat(op.Args, name, e)
	}
	return op, nil
}

// appendFlat appends e to args, splicing in its arguments when it is the
// same associative operator.
func appendFlat(args []Expr, name string, e Expr) []Expr {
	if o, ok := e.(*Op); ok && o.Name == name {
		return append(args, o.Args...)
	}
	return append(args, e)
}

func (p *textParser) notExpr() (Expr, error) {
	if p.isKw("NOT") {
		l := p.loc()
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer p.leave()
		if err := p.advance(); err != nil {
			return nil, err
		}
		e, err := p.notExpr()
		if err != nil {
			return nil, err
		}
		return &Op{Loc: l, Name: "not", Args: []Expr{e}}, nil
	}
	return p.predicate()
}

func not(l Loc, e Expr) Expr { return &Op{Loc: l, Name: "not", Args: []Expr{e}} }

func (p *textParser) predicate() (Expr, error) {
	l := p.loc()
	left, err := p.arith()
	if err != nil {
		return nil, err
	}
	if p.tok.kind == tPunct {
		switch op := p.tok.text; op {
		case "=", "<>", "<", ">", "<=", ">=":
			if err := p.advance(); err != nil {
				return nil, err
			}
			right, err := p.arith()
			if err != nil {
				return nil, err
			}
			return &Op{Loc: l, Name: op, Args: []Expr{left, right}}, nil
		}
	}
	negate := false
	if p.isKw("NOT") {
		negate = true
		if err := p.advance(); err != nil {
			return nil, err
		}
		if !p.isKw("LIKE") && !p.isKw("BETWEEN") && !p.isKw("IN") {
			return nil, p.errf("expected LIKE, BETWEEN or IN after NOT, found %s", p.describe())
		}
	}
	var e Expr
	switch {
	case p.isKw("LIKE"):
		if err := p.advance(); err != nil {
			return nil, err
		}
		right, err := p.arith()
		if err != nil {
			return nil, err
		}
		e = &Op{Loc: l, Name: "like", Args: []Expr{left, right}}
	case p.isKw("BETWEEN"):
		if err := p.advance(); err != nil {
			return nil, err
		}
		lo, err := p.arith()
		if err != nil {
			return nil, err
		}
		if !p.isKw("AND") {
			return nil, p.errf("expected AND in BETWEEN, found %s", p.describe())
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		hi, err := p.arith()
		if err != nil {
			return nil, err
		}
		e = &Op{Loc: l, Name: "between", Args: []Expr{left, lo, hi}}
	case p.isKw("IN"):
		if err := p.advance(); err != nil {
			return nil, err
		}
		al := p.loc()
		if err := p.expect("("); err != nil {
			return nil, err
		}
		items, err := p.list()
		if err != nil {
			return nil, err
		}
		e = &Op{Loc: l, Name: "in", Args: []Expr{left, &Array{Loc: al, Items: items}}}
	case p.isKw("IS"):
		if err := p.advance(); err != nil {
			return nil, err
		}
		isNot := false
		if p.isKw("NOT") {
			isNot = true
			if err := p.advance(); err != nil {
				return nil, err
			}
		}
		if !p.isKw("NULL") {
			return nil, p.errf("expected NULL, found %s", p.describe())
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		e = &Op{Loc: l, Name: "isnull", Args: []Expr{left}}
		if isNot {
			e = not(l, e)
		}
		return e, nil
	default:
		return left, nil
	}
	if negate {
		e = not(l, e)
	}
	return e, nil
}

// list parses items up to and including ')', after a '('.
func (p *textParser) list() ([]Expr, error) {
	var items []Expr
	if p.isPunct(")") {
		return items, p.advance()
	}
	for {
		e, err := p.orExpr()
		if err != nil {
			return nil, err
		}
		items = append(items, e)
		if p.isPunct(",") {
			if err := p.advance(); err != nil {
				return nil, err
			}
			continue
		}
		return items, p.expect(")")
	}
}

func (p *textParser) arith() (Expr, error) {
	l := p.loc()
	left, err := p.term()
	if err != nil {
		return nil, err
	}
	for p.isPunct("+") || p.isPunct("-") {
		op := p.tok.text
		if err := p.advance(); err != nil {
			return nil, err
		}
		right, err := p.term()
		if err != nil {
			return nil, err
		}
		left = &Op{Loc: l, Name: op, Args: []Expr{left, right}}
	}
	return left, nil
}

func (p *textParser) term() (Expr, error) {
	l := p.loc()
	left, err := p.power()
	if err != nil {
		return nil, err
	}
	for p.isPunct("*") || p.isPunct("/") || p.isPunct("%") || p.isKw("DIV") {
		op := strings.ToLower(p.tok.text)
		if err := p.advance(); err != nil {
			return nil, err
		}
		right, err := p.power()
		if err != nil {
			return nil, err
		}
		left = &Op{Loc: l, Name: op, Args: []Expr{left, right}}
	}
	return left, nil
}

func (p *textParser) power() (Expr, error) {
	l := p.loc()
	left, err := p.unary()
	if err != nil {
		return nil, err
	}
	if !p.isPunct("^") {
		return left, nil
	}
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	if err := p.advance(); err != nil {
		return nil, err
	}
	right, err := p.power()
	if err != nil {
		return nil, err
	}
	return &Op{Loc: l, Name: "^", Args: []Expr{left, right}}, nil
}

func (p *textParser) unary() (Expr, error) {
	if p.isPunct("-") || p.isPunct("+") {
		l := p.loc()
		neg := p.tok.text == "-"
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer p.leave()
		if err := p.advance(); err != nil {
			return nil, err
		}
		e, err := p.unary()
		if err != nil {
			return nil, err
		}
		if !neg {
			return e, nil
		}
		if n, ok := e.(*Number); ok {
			return &Number{Loc: l, Value: -n.Value}, nil
		}
		return &Op{Loc: l, Name: "-", Args: []Expr{e}}, nil
	}
	return p.primary()
}

func (p *textParser) primary() (Expr, error) {
	l := p.loc()
	switch p.tok.kind {
	case tEOF:
		return nil, p.errf("unexpected end of filter")
	case tNumber:
		v, err := strconv.ParseFloat(p.tok.text, 64)
		if err != nil {
			return nil, p.errf("bad number %s", clip(p.tok.text))
		}
		return &Number{Loc: l, Value: v}, p.advance()
	case tString:
		return &String{Loc: l, Value: p.tok.text}, p.advance()
	case tQuoted:
		return &Property{Loc: l, Name: p.tok.text}, p.advance()
	case tPunct:
		if p.tok.text != "(" {
			return nil, p.errf("unexpected %s", p.describe())
		}
		if err := p.enter(); err != nil {
			return nil, err
		}
		defer p.leave()
		if err := p.advance(); err != nil {
			return nil, err
		}
		items, err := p.list()
		if err != nil {
			return nil, err
		}
		if len(items) == 1 {
			return items[0], nil
		}
		return &Array{Loc: l, Items: items}, nil
	}
	// An identifier: keyword literal, function, geometry or property.
	name := p.tok.text
	upper := strings.ToUpper(name)
	switch upper {
	case "TRUE", "FALSE":
		return &Bool{Loc: l, Value: upper == "TRUE"}, p.advance()
	case "POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION":
		g, err := p.wkt()
		if err != nil {
			return nil, err
		}
		return &Geometry{Loc: l, G: g}, nil
	}
	if isKeyword(name) {
		return nil, p.errf("unexpected keyword %s", upper)
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if !p.isPunct("(") {
		return &Property{Loc: l, Name: name}, nil
	}
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	argsAt := p.loc()
	if err := p.advance(); err != nil {
		return nil, err
	}
	args, err := p.list()
	if err != nil {
		return nil, err
	}
	switch upper {
	case "DATE", "TIMESTAMP":
		if len(args) != 1 {
			return nil, errAt(argsAt, "%s takes one string", upper)
		}
		s, ok := args[0].(*String)
		if !ok {
			return nil, errAt(args[0].Where(), "%s takes a string literal", upper)
		}
		return parseInstant(s.Loc, s.Value, upper)
	case "INTERVAL":
		if len(args) != 2 {
			return nil, errAt(argsAt, "INTERVAL takes two arguments")
		}
		return makeInterval(l, args[0], args[1])
	case "BBOX":
		return makeBBox(l, args)
	}
	fn := name
	if _, std := funcArity[strings.ToLower(name)]; std {
		fn = strings.ToLower(name)
	}
	return makeOp(l, fn, args)
}

// makeOp checks the argument count of standard functions.
func makeOp(l Loc, name string, args []Expr) (Expr, error) {
	if n, ok := funcArity[name]; ok && (len(args) < n[0] || len(args) > n[1]) {
		return nil, errAt(l, "%s takes %d argument(s), got %d", strings.ToUpper(name), n[0], len(args))
	}
	if strings.HasPrefix(name, "a_") && isStd(name) {
		for i, a := range args {
			if _, ok := a.(*Array); !ok && a != nil {
				if _, prop := a.(*Property); !prop {
					args[i] = &Array{Loc: a.Where(), Items: []Expr{a}}
				}
			}
		}
	}
	return &Op{Loc: l, Name: name, Args: args}, nil
}

// makeInterval checks INTERVAL's ends: instants as strings ('..' open),
// DATE/TIMESTAMP, properties or functions.
func makeInterval(l Loc, a, b Expr) (Expr, error) {
	end := func(e Expr, isEnd bool) (Expr, error) {
		switch v := e.(type) {
		case *String:
			if v.Value == ".." {
				return &Time{Loc: v.Loc, Open: true}, nil
			}
			return parseInstant(v.Loc, v.Value, "")
		case *Time, *Property, *Op:
			return e, nil
		}
		return nil, errAt(e.Where(), "an INTERVAL end is a date or timestamp string, '..', a property or a function")
	}
	s, err := end(a, false)
	if err != nil {
		return nil, err
	}
	e, err := end(b, true)
	if err != nil {
		return nil, err
	}
	return &Interval{Loc: l, Start: s, End: e}, nil
}

// makeBBox builds BBOX(w, s, e, n) or the 6-number 3D form (Z dropped).
func makeBBox(l Loc, args []Expr) (Expr, error) {
	if len(args) != 4 && len(args) != 6 {
		return nil, errAt(l, "BBOX takes 4 or 6 numbers, got %d", len(args))
	}
	v := make([]float64, len(args))
	for i, a := range args {
		n, ok := a.(*Number)
		if !ok {
			return nil, errAt(a.Where(), "BBOX takes numbers")
		}
		v[i] = n.Value
	}
	return bbox(l, v)
}

func bbox(l Loc, v []float64) (Expr, error) {
	var b orb.Bound
	if len(v) == 6 {
		b = orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[3], v[4]}}
	} else {
		b = orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}
	}
	if !(b.Min[1] <= b.Max[1]) {
		return nil, errAt(l, "BBOX's south %g is above its north %g", b.Min[1], b.Max[1])
	}
	return &Geometry{Loc: l, G: b}, nil
}
