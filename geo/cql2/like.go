package cql2

import (
	"unicode/utf8"

	"kzmap/geo"
)

// A LIKE pattern: % matches any run of characters, _ one character, and
// a backslash makes the next character literal.
type likeTok struct {
	kind byte // 'c' literal rune, '_' one rune, '%' any run
	r    rune
}

func compileLike(p string) []likeTok {
	var toks []likeTok
	for i := 0; i < len(p); {
		r, n := utf8.DecodeRuneInString(p[i:])
		i += n
		switch r {
		case '\\':
			if i < len(p) {
				r, n = utf8.DecodeRuneInString(p[i:])
				i += n
			}
			toks = append(toks, likeTok{'c', r})
		case '%':
			if len(toks) == 0 || toks[len(toks)-1].kind != '%' {
				toks = append(toks, likeTok{'%', 0})
			}
		case '_':
			toks = append(toks, likeTok{'_', 0})
		default:
			toks = append(toks, likeTok{'c', r})
		}
	}
	return toks
}

// likeMatch matches s against a compiled pattern, backtracking only to the
// last %, so it takes at most len(s)×len(pattern) steps.
func likeMatch(s string, pat []likeTok) bool {
	si, pi := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		if pi < len(pat) {
			t := pat[pi]
			switch t.kind {
			case '%':
				starP, starS = pi, si
				pi++
				continue
			case '_':
				_, n := utf8.DecodeRuneInString(s[si:])
				si += n
				pi++
				continue
			default:
				r, n := utf8.DecodeRuneInString(s[si:])
				if r == t.r {
					si += n
					pi++
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		_, n := utf8.DecodeRuneInString(s[starS:])
		starS += n
		si, pi = starS, starP+1
	}
	for pi < len(pat) && pat[pi].kind == '%' {
		pi++
	}
	return pi == len(pat)
}

func (c *compiler) like(o *Op) boolFn {
	a := c.val(o.Args[0])
	// A literal pattern (possibly under CASEI/ACCENTI) is compiled once.
	if !dependsOnFeature(o.Args[1]) {
		lit := c.val(o.Args[1])(nil)
		if lit.k != cStr {
			return func(*geo.Feature) tri { return unknown }
		}
		pat := compileLike(lit.s)
		return func(f *geo.Feature) tri {
			v := a(f)
			if v.k != cStr {
				return unknown
			}
			return truth(likeMatch(v.s, pat))
		}
	}
	b := c.val(o.Args[1])
	return func(f *geo.Feature) tri {
		v, p := a(f), b(f)
		if v.k != cStr || p.k != cStr {
			return unknown
		}
		return truth(likeMatch(v.s, compileLike(p.s)))
	}
}

// dependsOnFeature reports whether e reads a property.
func dependsOnFeature(e Expr) bool {
	switch e := e.(type) {
	case *Property:
		return true
	case *Op:
		for _, a := range e.Args {
			if dependsOnFeature(a) {
				return true
			}
		}
	case *Interval:
		return dependsOnFeature(e.Start) || dependsOnFeature(e.End)
	case *Array:
		for _, a := range e.Items {
			if dependsOnFeature(a) {
				return true
			}
		}
	}
	return false
}
