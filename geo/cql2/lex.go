package cql2

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

type tokKind uint8

const (
	tEOF tokKind = iota
	tIdent
	tQuoted // "double-quoted" identifier
	tString
	tNumber
	tPunct
)

type token struct {
	kind tokKind
	pos  int
	text string // identifier, string value, number text or punctuation
}

// lexer splits cql2-text into tokens, one at a time.
type lexer struct {
	src string
	pos int
}

func identStart(r rune) bool { return r == '_' || r == ':' || unicode.IsLetter(r) }
func identPart(r rune) bool {
	return identStart(r) || r == '.' || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || r == 0x203F || r == 0x2040
}

var keywords = map[string]bool{
	"AND": true, "OR": true, "NOT": true, "LIKE": true, "BETWEEN": true, "IN": true,
	"IS": true, "NULL": true, "TRUE": true, "FALSE": true, "DIV": true,
}

func isKeyword(s string) bool { return keywords[strings.ToUpper(s)] }

func (l *lexer) next() (token, *SyntaxError) {
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			l.pos++
			continue
		}
		break
	}
	start := l.pos
	if l.pos >= len(l.src) {
		return token{kind: tEOF, pos: start}, nil
	}
	c := l.src[l.pos]
	switch {
	case c == '\'':
		var b strings.Builder
		i := l.pos + 1
		for {
			j := strings.IndexByte(l.src[i:], '\'')
			if j < 0 {
				return token{}, &SyntaxError{Pos: start, Msg: "unterminated string literal"}
			}
			b.WriteString(l.src[i : i+j])
			i += j + 1
			if i < len(l.src) && l.src[i] == '\'' {
				b.WriteByte('\'')
				i++
				continue
			}
			break
		}
		l.pos = i
		if !utf8.ValidString(b.String()) {
			return token{}, &SyntaxError{Pos: start, Msg: "string literal is not valid UTF-8"}
		}
		return token{kind: tString, pos: start, text: b.String()}, nil
	case c == '"':
		j := strings.IndexByte(l.src[l.pos+1:], '"')
		if j < 0 {
			return token{}, &SyntaxError{Pos: start, Msg: "unterminated quoted property name"}
		}
		name := l.src[l.pos+1 : l.pos+1+j]
		l.pos += j + 2
		if name == "" || !utf8.ValidString(name) {
			return token{}, &SyntaxError{Pos: start, Msg: "empty or invalid quoted property name"}
		}
		return token{kind: tQuoted, pos: start, text: name}, nil
	case c >= '0' && c <= '9' || c == '.' && l.pos+1 < len(l.src) && l.src[l.pos+1] >= '0' && l.src[l.pos+1] <= '9':
		i := l.pos
		digits := func() {
			for i < len(l.src) && l.src[i] >= '0' && l.src[i] <= '9' {
				i++
			}
		}
		digits()
		if i < len(l.src) && l.src[i] == '.' {
			i++
			digits()
		}
		if i < len(l.src) && (l.src[i] == 'e' || l.src[i] == 'E') {
			k := i + 1
			if k < len(l.src) && (l.src[k] == '+' || l.src[k] == '-') {
				k++
			}
			if k < len(l.src) && l.src[k] >= '0' && l.src[k] <= '9' {
				i = k
				digits()
			}
		}
		l.pos = i
		return token{kind: tNumber, pos: start, text: l.src[start:i]}, nil
	}
	r, size := utf8.DecodeRuneInString(l.src[l.pos:])
	if identStart(r) {
		i := l.pos + size
		for i < len(l.src) {
			r, size := utf8.DecodeRuneInString(l.src[i:])
			if !identPart(r) {
				break
			}
			i += size
		}
		l.pos = i
		return token{kind: tIdent, pos: start, text: l.src[start:i]}, nil
	}
	for _, p := range []string{"<>", "<=", ">=", "(", ")", ",", "=", "<", ">", "+", "-", "*", "/", "%", "^"} {
		if strings.HasPrefix(l.src[l.pos:], p) {
			l.pos += len(p)
			return token{kind: tPunct, pos: start, text: p}, nil
		}
	}
	if r == utf8.RuneError {
		return token{}, &SyntaxError{Pos: start, Msg: "invalid UTF-8"}
	}
	return token{}, &SyntaxError{Pos: start, Msg: "unexpected character " + strconvQuoteRune(r)}
}

func strconvQuoteRune(r rune) string { return "'" + string(r) + "'" }
