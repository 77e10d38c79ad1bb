package store

import (
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/paulmach/orb"

	"kzmap/geo"
)

func TestCodecRoundTrip(t *testing.T) {
	cases := []struct {
		name  string
		g     orb.Geometry
		props map[string]any
	}{
		{"point", orb.Point{71.43, 51.128}, map[string]any{"name": "Астана", "n": 3.5, "ok": true, "none": nil}},
		{"polygon", orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}, map[string]any{}},
		{"multipolygon", orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}, {{{5, 5}, {6, 5}, {6, 6}, {5, 5}}}}, nil},
		{"collection", orb.Collection{orb.Point{1, 2}, orb.LineString{{0, 0}, {1e-300, 179.999999999}}}, map[string]any{"x": "y"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, err := encodeValue(tc.g, tc.props)
			if err != nil {
				t.Fatal(err)
			}
			min, max := rect(v)
			b := tc.g.Bound()
			if min[0] != b.Min[0] || min[1] != b.Min[1] || max[0] != b.Max[0] || max[1] != b.Max[1] {
				t.Errorf("rect %v %v, want %v", min, max, b)
			}
			gb, g, props, err := decodeValue(v)
			if err != nil {
				t.Fatal(err)
			}
			if gb != b || !orb.Equal(g, tc.g) {
				t.Errorf("geometry %v, want %v", g, tc.g)
			}
			want := tc.props
			if want == nil {
				want = map[string]any{}
			}
			if !reflect.DeepEqual(props, want) {
				t.Errorf("props %v, want %v", props, want)
			}
		})
	}
}

// FuzzDecodeValue: whatever bytes a damaged file holds, decoding gives a
// value or errCorrupt, never a panic.
func FuzzDecodeValue(f *testing.F) {
	v, _ := encodeValue(orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}, map[string]any{"a": 1.0})
	f.Add([]byte(v))
	v, _ = encodeValue(orb.Point{1, 2}, nil)
	f.Add([]byte(v))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		rect(string(data))
		_, g, props, err := decodeValue(string(data))
		if err != nil {
			if !errors.Is(err, errCorrupt) {
				t.Fatalf("error %v is not errCorrupt", err)
			}
			return
		}
		if g == nil || props == nil {
			t.Fatal("nil geometry or properties without an error")
		}
	})
}

func TestNonFiniteQueries(t *testing.T) {
	s := openMem(t)
	if err := s.Import(geo.Collection{ID: "ev"}, events(), true); err != nil {
		t.Fatal(err)
	}
	nan, inf := math.NaN(), math.Inf(1)
	for _, p := range []orb.Point{{nan, 0}, {0, nan}, {inf, inf}, {-inf, 45}} {
		got, err := s.Lookup("ev", p)
		if err != nil || len(got) != 0 {
			t.Errorf("Lookup(%v) = %v, %v", p, got, err)
		}
	}
	for _, b := range []orb.Bound{
		{Min: orb.Point{nan, nan}, Max: orb.Point{nan, nan}},
		{Min: orb.Point{-inf, -inf}, Max: orb.Point{inf, inf}},
		{Min: orb.Point{80, 50}, Max: orb.Point{40, 40}}, // inverted
	} {
		p, err := s.Items("ev", geo.Query{Boxes: []orb.Bound{b}})
		if err != nil {
			t.Errorf("Items(%v): %v", b, err)
		}
		if b.Min[0] == -inf && p.Matched != len(events()) {
			t.Errorf("infinite box matched %d", p.Matched)
		}
		if b.Min[0] != -inf && p.Matched != 0 {
			t.Errorf("box %v matched %d", b, p.Matched)
		}
	}
}
