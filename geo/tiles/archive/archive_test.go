package archive

import (
	"bytes"
	"compress/gzip"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"github.com/protomaps/go-pmtiles/pmtiles"

	"kzmap/geo"
	"kzmap/geo/tiles"
	"kzmap/geo/tiles/internal/tiletest"
)

const minzoom, maxzoom = 0, 6

// expected returns every non-empty tile of zooms minzoom..maxzoom over the
// districts' bound, found by brute force (no pruning), with its MVT.
func expected(t *testing.T, src tiles.Source, b orb.Bound) map[maptile.Tile][]byte {
	t.Helper()
	want := map[maptile.Tile][]byte{}
	for z := minzoom; z <= maxzoom; z++ {
		x0, y0, x1, y1 := tileRange(b, z)
		for x := x0; x <= x1; x++ {
			for y := y0; y <= y1; y++ {
				tile := maptile.New(x, y, maptile.Zoom(z))
				m, err := tiles.MVT(src, []string{"districts"}, tile)
				if err != nil {
					t.Fatal(err)
				}
				if m != nil {
					want[tile] = m
				}
			}
		}
	}
	return want
}

func districtsBound(src *tiletest.Source) orb.Bound {
	fs := src.Collections["districts"]
	b := fs[0].Geometry.Bound()
	for _, f := range fs {
		b = b.Union(f.Geometry.Bound())
	}
	return b
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func compare(t *testing.T, got, want map[maptile.Tile][]byte) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d tiles in the archive, want %d", len(got), len(want))
	}
	for tile, w := range want {
		g, ok := got[tile]
		if !ok {
			t.Errorf("tile %v missing", tile)
		} else if !bytes.Equal(g, w) {
			t.Errorf("tile %v differs from MVT()", tile)
		}
	}
	for tile := range got {
		if _, ok := want[tile]; !ok {
			t.Errorf("tile %v should not be there", tile)
		}
	}
}

func TestPMTiles(t *testing.T) {
	src := tiletest.Districts(t)
	path := filepath.Join(t.TempDir(), "districts.pmtiles")
	var last [2]int
	calls := 0
	if err := Write(path, src, []string{"districts"}, minzoom, maxzoom, func(d, n int) { last = [2]int{d, n}; calls++ }); err != nil {
		t.Fatal(err)
	}
	if calls == 0 || last[0] != last[1] || last[1] == 0 {
		t.Errorf("progress ended at %v after %d calls", last, calls)
	}
	// The library's own checker: directory order, offsets, counts.
	if err := pmtiles.Verify(log.New(io.Discard, "", 0), path); err != nil {
		t.Errorf("pmtiles verify: %v", err)
	}
	f, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h, err := pmtiles.DeserializeHeader(f[:pmtiles.HeaderV3LenBytes])
	if err != nil {
		t.Fatal(err)
	}
	if h.SpecVersion != 3 || h.TileType != pmtiles.Mvt || h.TileCompression != pmtiles.Gzip || !h.Clustered ||
		h.MinZoom != minzoom || h.MaxZoom != maxzoom || h.MinLonE7 > 470000000 || h.MaxLonE7 < 870000000 {
		t.Errorf("header %+v", h)
	}
	got := map[maptile.Tile][]byte{}
	err = pmtiles.IterateEntries(h, func(off, n uint64) ([]byte, error) { return f[off : off+n], nil }, func(e pmtiles.EntryV3) {
		data := f[h.TileDataOffset+e.Offset : h.TileDataOffset+e.Offset+uint64(e.Length)]
		for i := uint64(0); i < uint64(e.RunLength); i++ {
			z, x, y := pmtiles.IDToZxy(e.TileID + i)
			got[maptile.New(x, y, maptile.Zoom(z))] = gunzip(t, data)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if h.AddressedTilesCount != uint64(len(got)) {
		t.Errorf("header addresses %d tiles, directory %d", h.AddressedTilesCount, len(got))
	}
	compare(t, got, expected(t, src, districtsBound(src)))

	meta, err := pmtiles.DeserializeMetadata(bytes.NewReader(f[h.MetadataOffset:h.MetadataOffset+h.MetadataLength]), h.InternalCompression)
	if err != nil {
		t.Fatal(err)
	}
	vl, _ := meta["vector_layers"].([]any)
	if len(vl) != 1 || vl[0].(map[string]any)["id"] != "districts" {
		t.Errorf("vector_layers %v", meta["vector_layers"])
	}
	fields, _ := vl[0].(map[string]any)["fields"].(map[string]any)
	if fields["ADM2_PCODE"] != "String" || fields["Year"] != "Number" {
		t.Errorf("fields %v", fields)
	}
}

func TestMBTiles(t *testing.T) {
	src := tiletest.Districts(t)
	path := filepath.Join(t.TempDir(), "districts.mbtiles")
	if err := Write(path, src, []string{"districts"}, minzoom, maxzoom, nil); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	meta := map[string]string{}
	rows, err := db.Query(`SELECT name, value FROM metadata`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			t.Fatal(err)
		}
		meta[k] = v
	}
	rows.Close()
	for k, want := range map[string]string{"format": "pbf", "minzoom": "0", "maxzoom": "6"} {
		if meta[k] != want {
			t.Errorf("metadata %s = %q, want %q", k, meta[k], want)
		}
	}
	if n := len(strings.Split(meta["bounds"], ",")); n != 4 || !strings.HasPrefix(meta["bounds"], "46.") {
		t.Errorf("bounds %q", meta["bounds"])
	}
	if n := len(strings.Split(meta["center"], ",")); n != 3 {
		t.Errorf("center %q", meta["center"])
	}
	var js struct {
		VectorLayers []struct {
			ID     string            `json:"id"`
			Fields map[string]string `json:"fields"`
		} `json:"vector_layers"`
	}
	if err := json.Unmarshal([]byte(meta["json"]), &js); err != nil || len(js.VectorLayers) != 1 || js.VectorLayers[0].ID != "districts" {
		t.Errorf("json %q: %v", meta["json"], err)
	}

	got := map[maptile.Tile][]byte{}
	rows, err = db.Query(`SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var z, x, row uint32
		var data []byte
		if err := rows.Scan(&z, &x, &row, &data); err != nil {
			t.Fatal(err)
		}
		// TMS rows count from the south.
		got[maptile.New(x, (1<<z)-1-row, maptile.Zoom(z))] = gunzip(t, data)
	}
	compare(t, got, expected(t, src, districtsBound(src)))
}

// TestOGRInfo opens the MBTiles with GDAL, as QGIS would.
func TestOGRInfo(t *testing.T) {
	ogr, err := exec.LookPath("ogrinfo")
	if err != nil {
		t.Skip("ogrinfo absent")
	}
	src := tiletest.Districts(t)
	path := filepath.Join(t.TempDir(), "districts.mbtiles")
	if err := Write(path, src, []string{"districts"}, 0, 4, nil); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(ogr, "-ro", "-so", "-al", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	s := string(out)
	if !strings.Contains(s, "Layer name: districts") || !strings.Contains(s, "ADM2_PCODE") {
		t.Errorf("ogrinfo does not list the districts layer:\n%s", s)
	}
}

// failing fails after a number of Items calls.
type failing struct {
	tiles.Source
	left atomic.Int64
}

var errBroken = errors.New("broken store")

func failAfter(src tiles.Source, n int64) *failing {
	f := &failing{Source: src}
	f.left.Store(n)
	return f
}

func (f *failing) Items(c string, q geo.Query) (geo.Page, error) {
	if f.left.Add(-1) < 0 {
		return geo.Page{}, errBroken
	}
	return f.Source.Items(c, q)
}

func TestWriteFailures(t *testing.T) {
	src := tiletest.Districts(t)
	dir := t.TempDir()
	tests := []struct {
		name string
		file string
		src  tiles.Source
		min  int
		max  int
		want error
	}{
		{name: "unknown format", file: "x.zip", src: src, max: 2, want: ErrFormat},
		{name: "zoom range inverted", file: "x.pmtiles", src: src, min: 3, max: 2, want: ErrZoom},
		{name: "zoom too deep", file: "x.mbtiles", src: src, max: 25, want: ErrZoom},
		{name: "unknown layer", file: "x.pmtiles", src: &tiletest.Source{}, max: 2, want: geo.ErrNoCollection},
		{name: "store fails midway, pmtiles", file: "x.pmtiles", src: failAfter(src, 20), max: 5, want: errBroken},
		{name: "store fails midway, mbtiles", file: "x.mbtiles", src: failAfter(src, 20), max: 5, want: errBroken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, tt.file)
			err := Write(path, tt.src, []string{"districts"}, tt.min, tt.max, nil)
			if !errors.Is(err, tt.want) {
				t.Fatalf("error %v, want %v", err, tt.want)
			}
			left, _ := os.ReadDir(dir)
			if len(left) != 0 {
				t.Errorf("files left behind: %v", left)
			}
		})
	}
}
