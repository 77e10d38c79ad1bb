package geo

import "testing"

func TestSortLess(t *testing.T) {
	f := func(v any) *Feature {
		p := map[string]any{}
		if v != "missing" {
			p["v"] = v
		}
		return &Feature{ID: "x", Properties: p}
	}
	cases := []struct {
		name string
		a, b any
		desc bool
		want bool
	}{
		{"numbers ascending", 1.0, 2.0, false, true},
		{"numbers descending", 1.0, 2.0, true, false},
		{"strings", "a", "b", false, true},
		{"number before string", 5.0, "a", false, true},
		{"false before true", false, true, false, true},
		{"missing last ascending", "missing", 1.0, false, false},
		{"missing last descending", 1.0, "missing", true, true},
		{"null like missing", nil, "missing", false, false},
		{"equal is not less", 3.0, 3.0, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := SortLess([]SortKey{{Property: "v", Desc: tc.desc}}, f(tc.a), f(tc.b)); got != tc.want {
				t.Errorf("SortLess(%v, %v, desc=%v) = %v", tc.a, tc.b, tc.desc, got)
			}
		})
	}
}
