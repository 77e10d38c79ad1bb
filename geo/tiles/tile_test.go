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
		bad     bool
	}{
		{name: "root", z: "0", x: "0", y: "0", want: maptile.New(0, 0, 0)},
		{name: "kazakhstan z6", z: "6", x: "44", y: "22", want: maptile.New(44, 22, 6)},
		{name: "last tile of z24", z: "24", x: "16777215", y: "16777215", want: maptile.New(16777215, 16777215, 24)},
		{name: "leading zeros", z: "03", x: "005", y: "2", want: maptile.New(5, 2, 3)},
		{name: "zoom too deep", z: "25", x: "0", y: "0", bad: true},
		{name: "x beyond zoom", z: "2", x: "4", y: "0", bad: true},
		{name: "y beyond zoom", z: "0", x: "0", y: "1", bad: true},
		{name: "negative", z: "3", x: "-1", y: "0", bad: true},
		{name: "plus sign", z: "+3", x: "1", y: "0", bad: true},
		{name: "empty", z: "", x: "0", y: "0", bad: true},
		{name: "hex", z: "3", x: "0x1", y: "0", bad: true},
		{name: "float", z: "3.0", x: "1", y: "0", bad: true},
		{name: "exponent", z: "3", x: "1e1", y: "0", bad: true},
		{name: "space", z: "3", x: " 1", y: "0", bad: true},
		{name: "huge", z: "3", x: "99999999999999999999999", y: "0", bad: true},
		{name: "extension left on", z: "3", x: "1", y: "0.mvt", bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTile(tt.z, tt.x, tt.y)
			if tt.bad {
				if !errors.Is(err, ErrBadTile) {
					t.Fatalf("ParseTile(%q, %q, %q) = %v, %v; want ErrBadTile", tt.z, tt.x, tt.y, got, err)
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
