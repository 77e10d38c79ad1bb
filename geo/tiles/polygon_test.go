package tiles

import (
	"bufio"
	"crypto/sha256"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"kzmap/geo"
	"kzmap/geo/dataset"
	"kzmap/geo/tiles/internal/tiletest"
)

var updateDigests = flag.Bool("update-digests", false, "rewrite testdata/tile-digests.txt")

// TestTileDigests pins the bytes of every tile of zooms 0–8 over
// Kazakhstan: districts and regions as the server imports them (repaired
// by geo/valid), and the raw geokz districts (whose invalid rings the
// polygon engine repairs on the grid). A change to the polygon engine
// that is meant to give the same tiles must leave the digests alone;
// one that changes tiles on purpose rewrites them with -update-digests.
func TestTileDigests(t *testing.T) {
	if testing.Short() {
		t.Skip("all tiles z0–8 of three layers")
	}
	built := builtSource(t)
	sources := []struct {
		name, layer string
		src         *tiletest.Source
	}{
		{"districts", dataset.Districts, built},
		{"regions", dataset.Regions, built},
		{"geokz-districts", "districts", tiletest.Districts(t)},
	}
	var got []string
	for _, s := range sources {
		fs := s.src.Collections[s.layer]
		if len(fs) == 0 {
			t.Fatalf("no %s", s.layer)
		}
		got = append(got, zoomDigests(t, s.name, s.src, s.layer, fs)...)
	}
	path := filepath.Join("testdata", "tile-digests.txt")
	if *updateDigests {
		if err := os.WriteFile(path, []byte(strings.Join(got, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var want []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		want = append(want, sc.Text())
	}
	if len(got) != len(want) {
		t.Fatalf("%d digests, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("got %s\nwant %s", got[i], want[i])
		}
	}
}

// zoomDigests returns one line per zoom: name, zoom, the number of
// non-empty tiles and the SHA-256 of all of them in order.
func zoomDigests(t *testing.T, name string, src *tiletest.Source, layer string, fs []*geo.Feature) []string {
	var out []string
	for z := 0; z <= 8; z++ {
		h := sha256.New()
		n := 0
		for _, tile := range coverTiles(sourceBound(fs), z, z) {
			b, err := MVT(src, []string{layer}, tile)
			if err != nil {
				t.Fatalf("%v: %v", tile, err)
			}
			if b != nil {
				n++
			}
			fmt.Fprintf(h, "%d/%d/%d %d\n", tile.Z, tile.X, tile.Y, len(b))
			h.Write(b)
		}
		out = append(out, fmt.Sprintf("%s z%d %d tiles %x", name, z, n, h.Sum(nil)))
	}
	return out
}
