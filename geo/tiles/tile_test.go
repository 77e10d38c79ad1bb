package tiles

import (
	"errors"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

func TestParseTile(t *testing.T) {
	tests := []struct {
		name    string
		z, x, y string
		want    maptile.Tile
		bad     string // the part the error names
	}{
		{name: "root", z: "0", x: "0", y: "0", want: maptile.New(0, 0, 0)},
		{name: "kazakhstan z6", z: "6", x: "44", y: "22", want: maptile.New(44, 22, 6)},
		{name: "last tile of z24", z: "24", x: "16777215", y: "16777215", want: maptile.New(16777215, 16777215, 24)},
		{name: "leading zeros", z: "03", x: "005", y: "2", want: maptile.New(5, 2, 3)},
		{name: "zoom too deep", z: "25", x: "0", y: "0", bad: "z"},
		{name: "x beyond zoom", z: "2", x: "4", y: "0", bad: "x"},
		{name: "y beyond zoom", z: "0", x: "0", y: "1", bad: "y"},
		{name: "negative", z: "3", x: "-1", y: "0", bad: "x"},
		{name: "plus sign", z: "+3", x: "1", y: "0", bad: "z"},
		{name: "empty", z: "", x: "0", y: "0", bad: "z"},
		{name: "hex", z: "3", x: "0x1", y: "0", bad: "x"},
		{name: "float", z: "3.0", x: "1", y: "0", bad: "z"},
		{name: "exponent", z: "3", x: "1e1", y: "0", bad: "x"},
		{name: "space", z: "3", x: " 1", y: "0", bad: "x"},
		{name: "huge", z: "3", x: "99999999999999999999999", y: "0", bad: "x"},
		{name: "extension left on", z: "3", x: "1", y: "0.mvt", bad: "y"},
		{name: "bad x before bad y", z: "1", x: "2", y: "2", bad: "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTile(tt.z, tt.x, tt.y)
			if tt.bad != "" {
				var ae *AddressError
				if !errors.Is(err, ErrBadTile) || !errors.As(err, &ae) || ae.Part != tt.bad || ae.Reason == "" {
					t.Fatalf("ParseTile(%q, %q, %q) = %v, %v; want an AddressError naming %s", tt.z, tt.x, tt.y, got, err, tt.bad)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseTile(%q, %q, %q) = %v, %v; want %v", tt.z, tt.x, tt.y, got, err, tt.want)
			}
		})
	}
}

func FuzzParseTile(f *testing.F) {
	for _, s := range [][3]string{{"0", "0", "0"}, {"24", "16777215", "0"}, {"25", "1", "1"}, {"7", "-1", "x"}, {"", "", ""}} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, z, x, y string) {
		tile, err := ParseTile(z, x, y)
		if err != nil {
			if !errors.Is(err, ErrBadTile) {
				t.Fatalf("error %v does not wrap ErrBadTile", err)
			}
			return
		}
		if tile.Z > MaxZoom || !tile.Valid() {
			t.Fatalf("accepted invalid tile %v", tile)
		}
		b := Bound(tile)
		if b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1] {
			t.Fatalf("tile %v has inverted bound %v", tile, b)
		}
	})
}

func TestRange(t *testing.T) {
	tests := []struct {
		name   string
		b      orb.Bound
		z      maptile.Zoom
		tl, br [2]uint32 // x, y
	}{
		{name: "Kazakhstan at zoom 4", b: orb.Bound{Min: orb.Point{46.5, 40.6}, Max: orb.Point{87.3, 55.4}}, z: 4,
			tl: [2]uint32{10, 5}, br: [2]uint32{11, 6}}, // rows 5 and 6 span 55.78°N to 21.94°N
		{name: "the whole world at zoom 0", b: orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}, z: 0,
			tl: [2]uint32{0, 0}, br: [2]uint32{0, 0}},
		{name: "longitude 180 in the last column", b: orb.Bound{Min: orb.Point{170, 10}, Max: orb.Point{180, 20}}, z: 3,
			tl: [2]uint32{7, 3}, br: [2]uint32{7, 3}},
		{name: "the poles in the first and last rows", b: orb.Bound{Min: orb.Point{0, -90}, Max: orb.Point{1, 90}}, z: 2,
			tl: [2]uint32{2, 0}, br: [2]uint32{2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tl, br := Range(tt.b, tt.z)
			if [2]uint32{tl.X, tl.Y} != tt.tl || [2]uint32{br.X, br.Y} != tt.br || tl.Z != tt.z || br.Z != tt.z {
				t.Errorf("Range = %v .. %v, want %v .. %v", tl, br, tt.tl, tt.br)
			}
		})
	}
}
