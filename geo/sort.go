package geo

import "strings"

// SortLess reports whether a sorts before b by the keys (see SortKey);
// features equal on every key are not less, so a stable sort keeps their
// order.
func SortLess(keys []SortKey, a, b *Feature) bool {
	for _, k := range keys {
		c := compareValues(a.Properties[k.Property], b.Properties[k.Property], k.Desc)
		if c != 0 {
			return c < 0
		}
	}
	return false
}

// rank orders the kinds of value: numbers, strings, booleans, then
// anything else, with missing and null last.
func rank(v any) int {
	switch v.(type) {
	case float64, int, int64:
		return 0
	case string:
		return 1
	case bool:
		return 2
	case nil:
		return 4
	}
	return 3
}

// compareValues compares two property values, the direction applied to
// values of one kind only: missing values stay last when descending.
func compareValues(a, b any, desc bool) int {
	ra, rb := rank(a), rank(b)
	if ra != rb || ra >= 3 {
		if ra < rb {
			return -1
		} else if ra > rb {
			return 1
		}
		return 0
	}
	c := 0
	switch ra {
	case 0:
		x, y := num(a), num(b)
		if x < y {
			c = -1
		} else if x > y {
			c = 1
		}
	case 1:
		c = strings.Compare(a.(string), b.(string))
	case 2:
		x, y := a.(bool), b.(bool)
		if !x && y {
			c = -1
		} else if x && !y {
			c = 1
		}
	}
	if desc {
		c = -c
	}
	return c
}

func num(v any) float64 {
	switch n := v.(type) {
	case float64:
		return n
	case int:
		return float64(n)
	case int64:
		return float64(n)
	}
	return 0
}
