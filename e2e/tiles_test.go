package e2e

import (
	"bytes"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"github.com/protomaps/go-pmtiles/pmtiles"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite"

	"kzmap/geo/tiles"
)

// tilesFetch GETs url with optional header pairs and returns the answer with its body read.
func tilesFetch(t testing.TB, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	// The transport would add Accept-Encoding: gzip and undo it silently;
	// tests that want gzip ask for it themselves.
	tr := &http.Transport{DisableCompression: true}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr}).Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, b
}

// tilesFeatureIDs are the ids of the districts whose exact geometry meets b,
// asked of the server's items?bbox.
func tilesFeatureIDs(t *testing.T, base, coll string, b orb.Bound) []string {
	t.Helper()
	var page struct {
		Features []struct {
			ID string `json:"id"`
		} `json:"features"`
		NumberMatched int `json:"numberMatched"`
	}
	url := fmt.Sprintf("%s/collections/%s/items?limit=10000&properties=code&bbox=%s,%s,%s,%s", base, coll,
		f6(b.Min[0]), f6(b.Min[1]), f6(b.Max[0]), f6(b.Max[1]))
	resp := getJSON(t, url, &page)
	require.Equal(t, 200, resp.StatusCode, url)
	require.Equal(t, page.NumberMatched, len(page.Features))
	var ids []string
	for _, f := range page.Features {
		ids = append(ids, f.ID)
	}
	slices.Sort(ids)
	return ids
}

var tilesIDLine = regexp.MustCompile(`(?m)^\s+id \(String\) = (\S+)$`)

// TestTilesGDAL reads tiles from the running binary with GDAL's MVT driver
// and checks that they hold the districts that reach into them: every
// district meeting the tile, and none beyond the tile's buffer.
func TestTilesGDAL(t *testing.T) {
	ogrinfo := needOgrinfo(t)
	srv := startServer(t, nil, "--db", ":memory:")
	for _, zxy := range [][3]uint32{{5, 22, 11}, {4, 11, 5}, {6, 44, 23}, {7, 88, 47}, {3, 5, 2}} {
		tile := maptile.New(zxy[1], zxy[2], maptile.Zoom(zxy[0]))
		name := fmt.Sprintf("%d/%d/%d", zxy[0], zxy[1], zxy[2])
		t.Run(name, func(t *testing.T) {
			url := srv.URL + "/tiles/districts/" + name + ".mvt"
			out, err := exec.Command(ogrinfo, "-ro", "-al", "-q", "-geom=NO", "/vsicurl/"+url).CombinedOutput()
			require.NoError(t, err, "%s", out)
			seen := map[string]bool{}
			for _, m := range tilesIDLine.FindAllSubmatch(out, -1) {
				seen[string(m[1])] = true
			}
			var got []string
			for id := range seen {
				got = append(got, id)
			}
			slices.Sort(got)
			inner := tilesFeatureIDs(t, srv.URL, "districts", tile.Bound())
			outer := tilesFeatureIDs(t, srv.URL, "districts", tiles.Bound(tile))
			require.NotEmpty(t, inner, "the workload tile should hold districts")
			for _, id := range inner {
				assert.True(t, seen[id], "district %s meets tile %s but GDAL does not see it", id, name)
			}
			for _, id := range got {
				assert.True(t, slices.Contains(outer, id), "district %s is in tile %s but beyond its buffer", id, name)
			}
			// GDAL places the tile in Web Mercator: the layer's extent lies
			// within the buffered tile.
			so, err := exec.Command(ogrinfo, "-ro", "-so", "-al", "/vsicurl/"+url).CombinedOutput()
			require.NoError(t, err, "%s", so)
			assert.Contains(t, string(so), "Pseudo-Mercator")
		})
	}
}

// tilesReadPMTiles returns the tiles of a PMTiles archive, gunzipped.
func tilesReadPMTiles(t *testing.T, path string) map[maptile.Tile][]byte {
	t.Helper()
	f, err := os.ReadFile(path)
	require.NoError(t, err)
	h, err := pmtiles.DeserializeHeader(f[:pmtiles.HeaderV3LenBytes])
	require.NoError(t, err)
	require.Equal(t, pmtiles.TileType(pmtiles.Mvt), pmtiles.TileType(h.TileType))
	out := map[maptile.Tile][]byte{}
	err = pmtiles.IterateEntries(h, func(off, n uint64) ([]byte, error) { return f[off : off+n], nil }, func(e pmtiles.EntryV3) {
		data := f[h.TileDataOffset+e.Offset : h.TileDataOffset+e.Offset+uint64(e.Length)]
		for i := uint64(0); i < uint64(e.RunLength); i++ {
			z, x, y := pmtiles.IDToZxy(e.TileID + i)
			out[maptile.New(x, y, maptile.Zoom(z))] = tilesGunzip(t, data)
		}
	})
	require.NoError(t, err)
	return out
}

// tilesReadMBTiles returns the tiles of an MBTiles archive, gunzipped.
func tilesReadMBTiles(t *testing.T, path string) map[maptile.Tile][]byte {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()
	rows, err := db.Query(`SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles`)
	require.NoError(t, err)
	defer rows.Close()
	out := map[maptile.Tile][]byte{}
	for rows.Next() {
		var z, x, row uint32
		var data []byte
		require.NoError(t, rows.Scan(&z, &x, &row, &data))
		out[maptile.New(x, (1<<z)-1-row, maptile.Zoom(z))] = tilesGunzip(t, data) // TMS rows count from the south
	}
	require.NoError(t, rows.Err())
	return out
}

func tilesGunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		return b
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	require.NoError(t, err)
	out, err := io.ReadAll(zr)
	require.NoError(t, err)
	return out
}

// TestTilesArchive writes districts at zooms 0–6 with `kzmap tiles` into
// both formats and compares every archived tile with what the server
// answers for it.
func TestTilesArchive(t *testing.T) {
	bin := kzmapBinary(t)
	dir := t.TempDir()
	archives := map[string]map[maptile.Tile][]byte{}
	for _, ext := range []string{".mbtiles", ".pmtiles"} {
		out := filepath.Join(dir, "districts"+ext)
		cmd := exec.Command(bin, "tiles", "--collection", "districts", "--minzoom", "0", "--maxzoom", "6",
			"--out", out, "--db", ":memory:", "--data", repoData(t))
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		require.NoError(t, cmd.Run(), "stderr: %s", stderr.String())
		// Not a terminal: no progress bar, one summary line.
		assert.NotContains(t, stderr.String(), "\r")
		assert.Equal(t, 1, strings.Count(stdout.String(), "\n"), "summary: %q", stdout.String())
		assert.Contains(t, stdout.String(), "wrote "+out)
		if ext == ".pmtiles" {
			archives[ext] = tilesReadPMTiles(t, out)
		} else {
			archives[ext] = tilesReadMBTiles(t, out)
		}
	}
	mb, pm := archives[".mbtiles"], archives[".pmtiles"]
	require.NotEmpty(t, mb)
	require.Equal(t, len(mb), len(pm), "both archives hold the same tiles")

	srv := startServer(t, nil, "--db", ":memory:")
	var zooms [7]int
	for tile, data := range pm {
		require.LessOrEqual(t, int(tile.Z), 6)
		zooms[tile.Z]++
		assert.Equal(t, data, mb[tile], "tile %v differs between the archives", tile)
		resp, live := tilesFetch(t, fmt.Sprintf("%s/tiles/districts/%d/%d/%d.mvt", srv.URL, tile.Z, tile.X, tile.Y))
		require.Equal(t, 200, resp.StatusCode, "tile %v", tile)
		assert.True(t, bytes.Equal(live, data), "tile %v: archive %d bytes, server %d", tile, len(data), len(live))
	}
	for z, n := range zooms {
		assert.Positive(t, n, "no tile at zoom %d", z)
	}
	// Tiles left out of the archives are empty on the server too.
	for _, zxy := range [][3]uint32{{6, 0, 0}, {5, 1, 30}, {6, 40, 10}} {
		tile := maptile.New(zxy[1], zxy[2], maptile.Zoom(zxy[0]))
		if _, ok := pm[tile]; ok {
			continue
		}
		resp, _ := tilesFetch(t, fmt.Sprintf("%s/tiles/districts/%d/%d/%d.mvt", srv.URL, tile.Z, tile.X, tile.Y))
		assert.Equal(t, 204, resp.StatusCode, "tile %v", tile)
	}

	if ogrinfo, err := exec.LookPath("ogrinfo"); err == nil {
		out, err := exec.Command(ogrinfo, "-ro", "-so", filepath.Join(dir, "districts.mbtiles")).CombinedOutput()
		require.NoError(t, err, "%s", out)
		assert.Contains(t, string(out), "districts", "%s", out)
	}
}

// TestTilesCommandErrors: bad arguments end with one line and status 1.
func TestTilesCommandErrors(t *testing.T) {
	bin := kzmapBinary(t)
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no collection", []string{"--maxzoom", "3", "--out", dir + "/a.pmtiles"}, "--collection is required"},
		{"no maxzoom", []string{"--collection", "districts", "--out", dir + "/a.pmtiles"}, "--maxzoom is required"},
		{"no out", []string{"--collection", "districts", "--maxzoom", "3"}, "--out is required"},
		{"bad extension", []string{"--collection", "districts", "--maxzoom", "3", "--out", dir + "/a.zip"}, ".pmtiles or .mbtiles"},
		{"zoom order", []string{"--collection", "districts", "--minzoom", "5", "--maxzoom", "3", "--out", dir + "/a.pmtiles"}, "minzoom"},
		{"zoom 25", []string{"--collection", "districts", "--maxzoom", "25", "--out", dir + "/a.pmtiles"}, "24"},
		{"bad id", []string{"--collection", "dis tricts", "--maxzoom", "3", "--out", dir + "/a.pmtiles"}, "--collection"},
		{"no folder", []string{"--collection", "districts", "--maxzoom", "3", "--out", dir + "/nope/a.pmtiles"}, "does not exist"},
		{"unknown collection", []string{"--collection", "districts,nope", "--maxzoom", "3", "--out", dir + "/a.pmtiles",
			"--db", ":memory:", "--data", repoData(t)}, `no collection "nope"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(bin, append([]string{"tiles"}, tt.args...)...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			var ee *exec.ExitError
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, 1, ee.ExitCode())
			// The last line is the error (dataset import may log warnings before it).
			lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
			last := lines[len(lines)-1]
			assert.True(t, strings.HasPrefix(last, "kzmap tiles: "), "stderr %q", stderr.String())
			assert.Contains(t, last, tt.want)
		})
	}
	_, err := os.Stat(dir + "/a.pmtiles")
	assert.True(t, os.IsNotExist(err), "a failed run left a file")
}

// TestTilesHTTP checks the tile routes of the running binary as clients
// see them: errors, conditional requests, compression, metadata.
func TestTilesHTTP(t *testing.T) {
	srv := startServer(t, nil, "--db", ":memory:", "--tile-cache", "16")
	problems := []struct {
		path, param string
		status      int
	}{
		{"/tiles/nope/5/22/11.mvt", "", 404},
		{"/tiles/districts,nope/5/22/11.png", "", 404},
		{"/tiles/districts/25/0/0.mvt", "z", 400},
		{"/tiles/districts/x/0/0.mvt", "z", 400},
		{"/tiles/districts/5/32/11.mvt", "x", 400},
		{"/tiles/districts/5/22/-1.mvt", "y", 400},
		{"/tiles/districts/5/22/11.gif", "format", 400},
		{"/collections/districts/tiles/WebMercatorQuad/5/32/0", "tileRow", 400},
	}
	for _, p := range problems {
		resp, body := tilesFetch(t, srv.URL+p.path)
		assert.Equal(t, p.status, resp.StatusCode, p.path)
		assert.Equal(t, "application/problem+json", resp.Header.Get("Content-Type"), p.path)
		var prob struct {
			Status    int    `json:"status"`
			Detail    string `json:"detail"`
			Parameter string `json:"parameter"`
		}
		require.NoError(t, json.Unmarshal(body, &prob), "%s", body)
		assert.Equal(t, p.status, prob.Status)
		assert.Equal(t, p.param, prob.Parameter, "%s: %s", p.path, prob.Detail)
	}

	url := srv.URL + "/tiles/districts/5/22/11.mvt"
	first, body := tilesFetch(t, url)
	require.Equal(t, 200, first.StatusCode)
	assert.Equal(t, "application/vnd.mapbox-vector-tile", first.Header.Get("Content-Type"))
	etag := first.Header.Get("ETag")
	require.NotEmpty(t, etag)
	assert.Contains(t, first.Header.Get("Cache-Control"), "max-age")
	again, _ := tilesFetch(t, url, "If-None-Match", etag)
	assert.Equal(t, 304, again.StatusCode)
	assert.Equal(t, etag, again.Header.Get("ETag"))
	changed, _ := tilesFetch(t, url, "If-None-Match", `"0123456789abcdef"`)
	assert.Equal(t, 200, changed.StatusCode)

	gz, zbody := tilesFetch(t, url, "Accept-Encoding", "gzip")
	assert.Equal(t, "gzip", gz.Header.Get("Content-Encoding"))
	assert.Less(t, len(zbody), len(body))
	assert.Equal(t, body, tilesGunzip(t, zbody))
	gz304, _ := tilesFetch(t, url, "Accept-Encoding", "gzip", "If-None-Match", gz.Header.Get("ETag"))
	assert.Equal(t, 304, gz304.StatusCode)

	empty, eb := tilesFetch(t, srv.URL+"/tiles/districts/5/0/0.mvt")
	assert.Equal(t, 204, empty.StatusCode)
	assert.Empty(t, eb)

	pngResp, pngBody := tilesFetch(t, srv.URL+"/tiles/regions,events/5/22/11@2x.png")
	assert.Equal(t, 200, pngResp.StatusCode)
	assert.Equal(t, "image/png", pngResp.Header.Get("Content-Type"))
	assert.True(t, bytes.HasPrefix(pngBody, []byte("\x89PNG")))

	var tj struct {
		Tiles []string `json:"tiles"`
	}
	resp, err := http.NewRequest(http.MethodGet, srv.URL+"/tiles/districts/tilejson.json", nil)
	require.NoError(t, err)
	resp.Header.Set("X-Forwarded-Proto", "https")
	resp.Header.Set("X-Forwarded-Host", "kzmap.example.org")
	r, err := http.DefaultClient.Do(resp)
	require.NoError(t, err)
	defer r.Body.Close()
	require.NoError(t, json.NewDecoder(r.Body).Decode(&tj))
	assert.Equal(t, []string{"https://kzmap.example.org/tiles/districts/{z}/{x}/{y}.mvt"}, tj.Tiles)

	// Collections link to their tilesets and TileJSON; both answer.
	var col struct {
		Links []struct {
			Href string `json:"href"`
			Rel  string `json:"rel"`
		} `json:"links"`
	}
	getJSON(t, srv.URL+"/collections/districts", &col)
	n := 0
	for _, l := range col.Links {
		if strings.Contains(l.Href, "/tiles") {
			n++
			resp, _ := tilesFetch(t, l.Href)
			assert.Equal(t, 200, resp.StatusCode, l.Href)
		}
	}
	assert.GreaterOrEqual(t, n, 2)
}
