package raster

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"kzmap/geo"
	"kzmap/geo/tiles"
	"kzmap/geo/tiles/internal/tiletest"
)

var update = flag.Bool("update", false, "rewrite the golden PNGs in testdata/")

// synthetic is a hand-made scene in tile 6/41/23 (Mangystau): three
// regions with 0, 5 and 12 events, one with a hole, one reaching past the
// tile's east edge, and three events, one near that edge.
func synthetic() *tiletest.Source {
	sq := func(x0, y0, x1, y1 float64) orb.Ring {
		return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
	}
	hole := sq(52, 43, 52.5, 43.5)
	hole.Reverse()
	return &tiletest.Source{Collections: map[string][]*geo.Feature{
		"regions": {
			geo.NewFeature("A", orb.Polygon{sq(51, 42, 53.5, 44.5), hole}, map[string]any{"events": float64(0)}),
			geo.NewFeature("B", orb.Polygon{sq(53.5, 42, 57, 44.5)}, map[string]any{"events": float64(5)}),
			geo.NewFeature("C", orb.MultiPolygon{{{{51, 44.5}, {55, 44.5}, {53, 46}, {51, 44.5}}}}, map[string]any{"events": float64(12)}),
		},
		"events": {
			geo.NewFeature("e1", orb.Point{52.9, 43.34}, nil),
			geo.NewFeature("e2", orb.Point{54, 43}, nil),
			geo.NewFeature("e3", orb.Point{56.2, 44}, nil),
		},
	}}
}

var sceneTile = maptile.New(41, 23, 6)

func TestGolden(t *testing.T) {
	src := synthetic()
	for _, scale := range []int{1, 2} {
		t.Run(fmt.Sprintf("scale%d", scale), func(t *testing.T) {
			b, err := PNG(src, []string{"regions", "events"}, sceneTile, scale)
			if err != nil {
				t.Fatal(err)
			}
			got, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if n := TileSize * scale; got.Bounds() != image.Rect(0, 0, n, n) {
				t.Fatalf("image %v, want %d×%d", got.Bounds(), n, n)
			}
			path := filepath.Join("testdata", fmt.Sprintf("scene-6-41-23@%dx.png", scale))
			if *update {
				if err := os.WriteFile(path, b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			f, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			want, err := png.Decode(bytes.NewReader(f))
			if err != nil {
				t.Fatal(err)
			}
			// Antialiasing may move by a level or two between versions of
			// x/image; a real change of style moves many pixels a lot.
			diff, total := 0, 0
			bd := want.Bounds()
			for y := bd.Min.Y; y < bd.Max.Y; y++ {
				for x := bd.Min.X; x < bd.Max.X; x++ {
					total++
					r1, g1, b1, a1 := got.At(x, y).RGBA()
					r2, g2, b2, a2 := want.At(x, y).RGBA()
					if far(r1, r2) || far(g1, g2) || far(b1, b2) || far(a1, a2) {
						diff++
					}
				}
			}
			if diff > total/200 {
				t.Errorf("%d of %d pixels differ from %s", diff, total, path)
			}
		})
	}
}

func far(a, b uint32) bool {
	d := int(a>>8) - int(b>>8)
	return d > 12 || d < -12
}

// pixelAt returns the pixel of tile t under the lon/lat point p.
func pixelAt(img *image.RGBA, t maptile.Tile, p orb.Point, scale int) (x, y int) {
	f := maptile.Fraction(p, t.Z)
	return int((f[0] - float64(t.X)) * float64(TileSize*scale)), int((f[1] - float64(t.Y)) * float64(TileSize*scale))
}

func TestStyle(t *testing.T) {
	img, err := Render(synthetic(), []string{"regions", "events"}, sceneTile, 1)
	if err != nil || img == nil {
		t.Fatal(img, err)
	}
	blend := func(c [3]uint8) [4]uint8 {
		a := fillAlpha
		return [4]uint8{uint8(float64(c[0])*a + .5), uint8(float64(c[1])*a + .5), uint8(float64(c[2])*a + .5), uint8(255*a + .5)}
	}
	tests := []struct {
		name string
		at   orb.Point
		want [4]uint8 // premultiplied RGBA
	}{
		{name: "no events: grey-beige", at: orb.Point{51.5, 42.5}, want: blend([3]uint8{neutralFill.R, neutralFill.G, neutralFill.B})},
		{name: "5 events: third class", at: orb.Point{55.5, 42.5}, want: blend([3]uint8{0xfd, 0x8d, 0x3c})},
		{name: "12 events: darkest class", at: orb.Point{52.5, 45}, want: blend([3]uint8{0xbd, 0x00, 0x26})},
		{name: "hole stays clear", at: orb.Point{52.25, 43.25}, want: [4]uint8{}},
		{name: "outside every region", at: orb.Point{55.5, 41.5}, want: [4]uint8{}},
		{name: "event marker", at: orb.Point{54, 43}, want: [4]uint8{markerColor.R, markerColor.G, markerColor.B, 255}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x, y := pixelAt(img, sceneTile, tt.at, 1)
			c := img.RGBAAt(x, y)
			got := [4]uint8{c.R, c.G, c.B, c.A}
			for i := range got {
				if d := int(got[i]) - int(tt.want[i]); d > 2 || d < -2 {
					t.Errorf("pixel %d,%d = %v, want %v", x, y, got, tt.want)
					break
				}
			}
		})
	}
	// The outline between A and B is darker than either fill.
	x, y := pixelAt(img, sceneTile, orb.Point{53.5, 42.5}, 1)
	on, off := img.RGBAAt(x, y), img.RGBAAt(x+5, y)
	if int(on.R)+int(on.G)+int(on.B) >= int(off.R)+int(off.G)+int(off.B) || on.A <= off.A {
		t.Errorf("outline %v not darker than fill %v", on, off)
	}
}

func TestRenderEdges(t *testing.T) {
	src := synthetic()
	if b, err := PNG(src, []string{"regions"}, maptile.New(0, 0, 6), 1); err != nil || b != nil {
		t.Errorf("empty tile: %d bytes, %v", len(b), err)
	}
	if _, err := PNG(src, []string{"regions"}, sceneTile, 3); !errors.Is(err, ErrBadScale) {
		t.Errorf("scale 3: %v", err)
	}
	if _, err := PNG(src, []string{"regions"}, maptile.New(64, 0, 6), 1); !errors.Is(err, tiles.ErrBadTile) {
		t.Errorf("bad tile: %v", err)
	}
	if _, err := PNG(src, []string{"nope"}, sceneTile, 1); !errors.Is(err, geo.ErrNoCollection) {
		t.Errorf("unknown layer: %v", err)
	}
	// The marker of e3, a little inside the east edge, is drawn whole
	// here and its overflow in the neighbouring tile.
	east, err := Render(src, []string{"events"}, maptile.New(42, 23, 6), 1)
	if err != nil || east == nil {
		t.Fatalf("east neighbour: %v, %v", east, err)
	}
	x, y := pixelAt(east, maptile.New(42, 23, 6), orb.Point{56.2, 44}, 1)
	if x >= 0 || east.RGBAAt(0, y).A == 0 {
		t.Errorf("marker overflow missing in the neighbour (x %d, pixel %v)", x, east.RGBAAt(0, y))
	}
}

// TestDistricts renders the real districts from zoom 3 to 12 at Almaty.
func TestDistricts(t *testing.T) {
	src := tiletest.Districts(t)
	almaty := orb.Point{76.93, 43.25}
	for z := maptile.Zoom(3); z <= 12; z++ {
		tile := maptile.At(almaty, z)
		img, err := Render(src, []string{"districts"}, tile, 2)
		if err != nil || img == nil {
			t.Fatalf("z%d: %v %v", z, img, err)
		}
		painted := 0
		for i := 3; i < len(img.Pix); i += 4 {
			if img.Pix[i] > 0 {
				painted++
			}
		}
		if frac := float64(painted) / float64(len(img.Pix)/4); frac < 0.3 {
			t.Errorf("z%d: only %.0f%% of the tile painted", z, 100*frac)
		}
	}
}

func BenchmarkPNG(b *testing.B) {
	src := tiletest.BenchDistricts(b)
	tile := maptile.At(orb.Point{66, 48}, 5)
	for b.Loop() {
		if _, err := PNG(src, []string{"districts"}, tile, 1); err != nil {
			b.Fatal(err)
		}
	}
}
