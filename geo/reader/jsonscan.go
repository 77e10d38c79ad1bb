package reader

import (
	"bytes"
	"encoding/json"
)

// The functions here walk JSON already checked by json.Valid, handing out
// sub-slices of it rather than copies: a large file is held once, and each
// member is decoded once, by the code that knows what shape to expect.

// members maps an object's member names, matched exactly (encoding/json's
// struct decoding would fold case), to their values. A repeated name keeps
// its last value, as encoding/json does.
type members map[string][]byte

// objectMembers returns the members of the object that b (valid JSON)
// starts with.
func objectMembers(b []byte) members {
	m := members{}
	i := skipSpace(b, 1)
	for i < len(b) && b[i] == '"' {
		end := stringEnd(b, i)
		key := unquote(b[i:end])
		i = skipSpace(b, end) + 1 // past ':'
		i = skipSpace(b, i)
		vend := valueEnd(b, i)
		m[key] = b[i:vend]
		i = skipSpace(b, vend)
		if b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
	return m
}

// eachElement calls fn with the index and value of each element of the
// array that b (valid JSON) starts with, stopping at the first error.
func eachElement(b []byte, fn func(i int, v []byte) error) error {
	i := skipSpace(b, 1)
	for n := 0; i < len(b) && b[i] != ']'; n++ {
		end := valueEnd(b, i)
		if err := fn(n, b[i:end]); err != nil {
			return err
		}
		i = skipSpace(b, end)
		if b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
	return nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// valueEnd returns the index just past the value starting at b[i].
func valueEnd(b []byte, i int) int {
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				i = stringEnd(b, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return len(b)
	}
	for i < len(b) && !isDelimiter(b[i]) { // number, true, false, null
		i++
	}
	return i
}

func isDelimiter(c byte) bool {
	switch c {
	case ',', ']', '}', ' ', '\n', '\r', '\t':
		return true
	}
	return false
}

// stringEnd returns the index just past the string whose opening quote is
// b[i].
func stringEnd(b []byte, i int) int {
	for i++; ; {
		q := bytes.IndexByte(b[i:], '"')
		if q < 0 {
			return len(b)
		}
		i += q
		escapes := 0
		for j := i - 1; b[j] == '\\'; j-- {
			escapes++
		}
		i++
		if escapes%2 == 0 {
			return i
		}
	}
}

// unquote returns the text of the JSON string s (quotes included).
func unquote(s []byte) string {
	if bytes.IndexByte(s, '\\') < 0 {
		return string(s[1 : len(s)-1])
	}
	var out string
	_ = json.Unmarshal(s, &out) // valid JSON: cannot fail
	return out
}
