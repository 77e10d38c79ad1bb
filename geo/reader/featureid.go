package reader

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxFeatureIDLen bounds feature ids: they become URL path segments and
// store keys.
const MaxFeatureIDLen = 256

// BadFeatureID says why id cannot serve as a URL path segment and a store
// key ("" when it can): empty, over MaxFeatureIDLen bytes, not UTF-8, or
// with control characters. DecodeGeoJSON applies it to every id it reads.
func BadFeatureID(id string) string {
	switch {
	case id == "":
		return "empty"
	case len(id) > MaxFeatureIDLen:
		return fmt.Sprintf("longer than %d bytes", MaxFeatureIDLen)
	case !utf8.ValidString(id):
		return "not valid UTF-8"
	case strings.IndexFunc(id, unicode.IsControl) >= 0:
		return "contains control characters"
	}
	return ""
}

// featureID reads an id, a string or a number (RFC 7946 3.2), as text.
// Integer literals are kept as written so that ids beyond 2^53 survive;
// other numbers are formatted the shortest way that reads back the same.
func (d *decoder) featureID(raw []byte, index int) (string, error) {
	if raw == nil || isNull(raw) {
		return "", nil
	}
	var id string
	switch c := raw[0]; {
	case c == '"':
		if id = unquote(raw); id == "" && d.opt.AllowEmptyID {
			return "", nil
		}
	case c == '-' || c >= '0' && c <= '9':
		s := string(raw)
		if strings.Trim(strings.TrimPrefix(s, "-"), "0123456789") == "" {
			id = s
			break
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(f, 0) {
			return "", d.fail(index, "id", "number %s is out of range", clip(s))
		}
		id = strconv.FormatFloat(f, 'f', -1, 64)
	default:
		return "", d.fail(index, "id", "not a string or a number")
	}
	if why := BadFeatureID(id); why != "" {
		return "", d.fail(index, "id", "%s", why)
	}
	return id, nil
}
