package reader

import (
	"bytes"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// badString finds the first string in data (valid JSON), member name or
// value, that is not valid UTF-8: raw bytes that are not, or an escaped
// UTF-16 surrogate without its pair. encoding/json would read either as
// U+FFFD and the damage would be stored. It returns where the string is,
// as a feature index (-1 outside features) and member path. The whole
// document is checked at once, which costs little; only a document that
// may hold such a string is walked to find it.
func badString(data []byte) (index int, path, reason string, bad bool) {
	if utf8.Valid(data) && !maySurrogate(data) {
		return 0, "", "", false
	}
	w := utf8Walker{b: data, index: -1}
	i := skipSpace(data, 0)
	if data[i] == '{' {
		w.object(i, "", true)
	} else {
		w.value(i, "")
	}
	return w.index, w.path, w.reason, w.reason != ""
}

// maySurrogate reports whether data has an escape \uD800..\uDFFF (or an
// escaped backslash followed by such text).
func maySurrogate(data []byte) bool {
	for {
		k := bytes.Index(data, []byte(`\u`))
		if k < 0 || k+4 > len(data) {
			return false
		}
		if c, d := data[k+2], data[k+3]; (c == 'd' || c == 'D') && bytes.IndexByte([]byte("89abcdefABCDEF"), d) >= 0 {
			return true
		}
		data = data[k+2:]
	}
}

// utf8Walker walks valid JSON until it finds a bad string.
type utf8Walker struct {
	b      []byte
	index  int // feature of the bad string
	path   string
	reason string
}

// value checks the value at b[i] and returns the index past it.
func (w *utf8Walker) value(i int, path string) int {
	switch w.b[i] {
	case '"':
		end := stringEnd(w.b, i)
		if why := badText(w.b[i+1 : end-1]); why != "" {
			w.path, w.reason = path, why
		}
		return end
	case '{':
		return w.object(i, path, false)
	case '[':
		i = skipSpace(w.b, i+1)
		for n := 0; w.reason == "" && w.b[i] != ']'; n++ {
			i = skipSpace(w.b, w.value(i, fmt.Sprintf("%s[%d]", path, n)))
			if w.b[i] == ',' {
				i = skipSpace(w.b, i+1)
			}
		}
		return i + 1
	}
	return valueEnd(w.b, i)
}

// object checks the object at b[i]; at the top of the document its
// features are walked with their index.
func (w *utf8Walker) object(i int, path string, top bool) int {
	i = skipSpace(w.b, i+1)
	for w.reason == "" && w.b[i] == '"' {
		end := stringEnd(w.b, i)
		name := w.b[i+1 : end-1]
		if why := badText(name); why != "" {
			w.path, w.reason = path, "a member name: "+why
			return end
		}
		key := unquote(w.b[i:end])
		i = skipSpace(w.b, skipSpace(w.b, end)+1)
		if top && key == "features" && w.b[i] == '[' {
			i = w.features(i)
		} else {
			i = w.value(i, join(path, key))
		}
		if w.reason != "" {
			return i
		}
		i = skipSpace(w.b, i)
		if w.b[i] == ',' {
			i = skipSpace(w.b, i+1)
		}
	}
	return i + 1
}

func (w *utf8Walker) features(i int) int {
	i = skipSpace(w.b, i+1)
	for n := 0; w.b[i] != ']'; n++ {
		i = skipSpace(w.b, w.value(i, ""))
		if w.reason != "" {
			w.index = n
			return i
		}
		if w.b[i] == ',' {
			i = skipSpace(w.b, i+1)
		}
	}
	return i + 1
}

// badText says why the text of a JSON string (between its quotes) is not
// valid UTF-8 once unescaped ("" when it is).
func badText(s []byte) string {
	if !utf8.Valid(s) {
		return "invalid UTF-8"
	}
	for k := 0; k < len(s); k++ {
		if s[k] != '\\' {
			continue
		}
		k++
		if s[k] != 'u' {
			continue
		}
		r, _ := strconv.ParseUint(string(s[k+1:k+5]), 16, 32)
		k += 4
		switch {
		case r >= 0xDC00 && r <= 0xDFFF:
			return fmt.Sprintf(`invalid UTF-8: \u%04X is half of a UTF-16 surrogate pair`, r)
		case r >= 0xD800 && r <= 0xDBFF:
			if k+6 < len(s) && s[k+1] == '\\' && s[k+2] == 'u' {
				lo, _ := strconv.ParseUint(string(s[k+3:k+7]), 16, 32)
				if utf16.IsSurrogate(rune(lo)) && lo >= 0xDC00 {
					k += 6
					continue
				}
			}
			return fmt.Sprintf(`invalid UTF-8: \u%04X is half of a UTF-16 surrogate pair`, r)
		}
	}
	return ""
}
