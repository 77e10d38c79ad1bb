package tiles

import (
	"bytes"
	"runtime"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"kzmap/geo"
	"kzmap/geo/tiles/internal/tiletest"
	"kzmap/geo/tiles/internal/world"
)

// TestParallelSameBytes makes every district tile of zooms 0–5 on one core
// and on four: heavy tiles are built by several builders at once, and the
// bytes must not depend on it.
func TestParallelSameBytes(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	src := tiletest.Districts(t)
	layers := []string{"districts"}
	var all []maptile.Tile
	heavy := 0
	for z := maptile.Zoom(0); z <= 5; z++ {
		// Kazakhstan's bound at this zoom.
		min := maptile.At([2]float64{46, 56}, z)
		max := maptile.At([2]float64{88, 40}, z)
		for x := min.X; x <= max.X; x++ {
			for y := min.Y; y <= max.Y; y++ {
				tile := maptile.New(x, y, z)
				all = append(all, tile)
				page, err := src.Items("districts", geo.Query{Boxes: []orb.Bound{Bound(tile)}})
				if err != nil {
					t.Fatal(err)
				}
				points := 0
				for _, f := range page.Features {
					points += world.Of(f).Points
				}
				if points >= parallelPoints {
					heavy++
				}
			}
		}
	}
	t.Logf("%d of %d tiles built in parallel", heavy, len(all))
	if heavy < 5 {
		t.Fatalf("only %d of %d tiles are heavy enough to be built in parallel", heavy, len(all))
	}
	tilesOn := func(procs int) [][]byte {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		out := make([][]byte, len(all))
		for i, tile := range all {
			b, err := MVT(src, layers, tile)
			if err != nil {
				t.Fatal(err)
			}
			out[i] = b
		}
		return out
	}
	one, four := tilesOn(1), tilesOn(4)
	for i, tile := range all {
		if !bytes.Equal(one[i], four[i]) {
			t.Errorf("%d/%d/%d: %d bytes on one core, %d on four", tile.Z, tile.X, tile.Y, len(one[i]), len(four[i]))
		}
	}
}
