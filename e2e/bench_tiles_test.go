package e2e

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
	"github.com/stretchr/testify/require"

	"kzmap/data"
	"kzmap/geo/dataset"
	"kzmap/geo/store"
	"kzmap/geo/tiles"
	"kzmap/geo/writes"
)

// TestBenchTiles measures the districts tiles of the shared workload (715
// tiles, zooms 0–8) beside PostGIS and nginx on this machine, in one run:
//
//   - cold generation of every tile, in process (as PostGIS's figure is
//     timed inside the database) and over HTTP on a fresh server with
//     default settings (issue 10 asks for at most a third of PostGIS's
//     time beyond the time of as many /healthz requests);
//   - tile sizes against PostGIS's ST_AsMVT tiles;
//   - wrk on the cached tiles against nginx serving PostGIS's tiles as
//     static files (issue 3 asks for at least half of nginx's requests/s);
//   - the server's resident memory after the load.
//
// Figures are logged and written to $BENCH_OUT/kzmap-tiles.txt.
func TestBenchTiles(t *testing.T) {
	if os.Getenv("KZMAP_BENCH") == "" {
		t.Skip("set KZMAP_BENCH=1 (make bench)")
	}
	wl, out := benchPaths()
	workload := tilesReadWorkload(t, filepath.Join(wl, "tiles.txt"))
	peer := readFigures(t, filepath.Join(out, "summary.txt"))
	fig := &figures{}
	fig.add("workload.tiles", float64(len(workload)))

	// (a) Cold generation in process, one tile after another, every tile
	// once: the engine's own cost, like PostGIS's in-database timing.
	st, err := store.Open(":memory:", nil)
	require.NoError(t, err)
	defer st.Close()
	_, err = dataset.Ensure(writes.New(st, nil), filepath.Join(repoData(t), "sources"), data.EventsGeoJSON, nil)
	require.NoError(t, err)
	layers := []string{"districts"}
	mvts := make([][]byte, len(workload))
	// The tiles that show the country or a region are built on several
	// cores (tiles.parallelPoints); PostGIS's backend uses one. The CPU
	// time, all cores together, is reported beside the wall time.
	best, bestCPU := math.Inf(1), math.Inf(1)
	for run := 0; run < 3; run++ { // best of 3, as postgis.sh reports
		runtime.GC()
		start, cpu0 := time.Now(), cpuTime()
		for i, tile := range workload {
			b, err := tiles.MVT(st, layers, tile)
			require.NoError(t, err)
			mvts[i] = b
		}
		best = min(best, time.Since(start).Seconds())
		bestCPU = min(bestCPU, (cpuTime() - cpu0).Seconds())
	}
	fig.add("mvt.cold_total_s", best)
	fig.add("postgis.mvt.total_s", peer["mvt.total_s.adm2"])
	fig.ratioAtMost("mvt.cold_vs_postgis_time", best, peer["mvt.total_s.adm2"], 1.0/3)
	if bestCPU > 0 {
		fig.add("mvt.cold_cpu_s", bestCPU)
		fig.add("mvt.cold_cpu_vs_postgis_time", bestCPU/peer["mvt.total_s.adm2"])
	}

	// (b) Sizes against PostGIS's tiles. The tiles carry different
	// properties (PostGIS's have the 15 source columns, kzmap's the
	// contract's), so the geometry is compared on its own too: both tiles
	// re-encoded with the same encoder, without properties or ids.
	var ours, theirs, oursGeom, theirsGeom, empty, compared, within int
	var zOurs, zTheirs [tiles.MaxZoom + 1]int
	var devs []float64
	worst := 0.0
	for i, tile := range workload {
		pg, err := os.ReadFile(filepath.Join(out, "tiles", "adm2", fmt.Sprint(tile.Z), fmt.Sprint(tile.X), fmt.Sprint(tile.Y)+".pbf"))
		require.NoError(t, err, "PostGIS tiles: run ../shared/bench/postgis.sh dump-tiles")
		ours += len(mvts[i])
		theirs += len(pg)
		if len(mvts[i]) == 0 {
			empty++
		}
		if (len(pg) == 0) != (len(mvts[i]) == 0) {
			t.Errorf("tile %d/%d/%d: ours %d bytes, PostGIS %d", tile.Z, tile.X, tile.Y, len(mvts[i]), len(pg))
			continue
		}
		if len(pg) == 0 {
			continue
		}
		og, pgg := tilesGeometryBytes(t, mvts[i]), tilesGeometryBytes(t, pg)
		oursGeom += og
		theirsGeom += pgg
		zOurs[tile.Z] += og
		zTheirs[tile.Z] += pgg
		compared++
		d := math.Abs(float64(og-pgg)) / float64(pgg)
		devs = append(devs, d)
		worst = max(worst, d)
		if d <= 0.10 {
			within++
		}
	}
	fig.add("mvt.total_bytes", float64(ours))
	fig.add("postgis.mvt.total_bytes", float64(theirs))
	fig.add("mvt.bytes_vs_postgis_with_properties", float64(ours)/float64(theirs))
	fig.add("mvt.empty_tiles", float64(empty))
	fig.add("postgis.mvt.empty_tiles", peer["mvt.empty_tiles.adm2"])
	fig.add("mvt.geometry_bytes", float64(oursGeom))
	fig.add("postgis.mvt.geometry_bytes", float64(theirsGeom))
	fig.ratioWithin("mvt.geometry_bytes_vs_postgis", float64(oursGeom), float64(theirsGeom), 0.10)
	for z := range zOurs {
		if zTheirs[z] > 0 {
			fig.add(fmt.Sprintf("mvt.geometry_bytes_vs_postgis.z%d", z), float64(zOurs[z])/float64(zTheirs[z]))
		}
	}
	fig.add("mvt.tiles_compared", float64(compared))
	// Per tile the two simplifications differ more than in total (even at a
	// tolerance that matches the totals, about 70% of tiles fall within
	// 10%): logged, not a target.
	fig.add("mvt.share_of_tiles_geometry_within_10pct", float64(within)/float64(max(compared, 1)))
	slices.Sort(devs)
	if len(devs) > 0 {
		fig.add("mvt.median_tile_geometry_deviation", devs[len(devs)/2])
	}
	fig.add("mvt.worst_tile_geometry_deviation", worst)

	// Cold over HTTP, as issue 10 defines it (coldHTTP): the tiles' time
	// beyond as many minimal requests, against PostGIS's ST_AsMVT time;
	// each the best of 3 fresh servers, as PostGIS's is the best of 3.
	paths := make([]string, len(workload))
	sizes := make([]int, len(workload))
	for i, tile := range workload {
		paths[i] = fmt.Sprintf("/tiles/districts/%d/%d/%d.mvt", tile.Z, tile.X, tile.Y)
		sizes[i] = len(mvts[i])
	}
	coldTiles, coldHealthz := math.Inf(1), math.Inf(1)
	for range 3 {
		tl, hz := coldHTTP(t, paths, sizes)
		coldTiles, coldHealthz = min(coldTiles, tl), min(coldHealthz, hz)
	}
	fig.add("http.cold_tiles_s", coldTiles)
	fig.add("http.cold_healthz_s", coldHealthz)
	fig.ratioAtMost("http.cold_vs_postgis_time", coldTiles-coldHealthz, peer["mvt.total_s.adm2"], 1.0/3)

	// (c) Load on the cached tiles, beside nginx on the same paths with the
	// same wrk settings (make bench runs nginx.sh just before).
	// No access log, as nginx.sh runs nginx with access_log off.
	nginx := readFigures(t, filepath.Join(out, "nginx-static.txt"))["http.nginx_static.rps"]
	fig.add("http.nginx_static.rps", nginx)
	srv := startServer(t, nil, "--db", ":memory:", "--log-level", "warn")
	for i, p := range paths { // warm the cache
		resp, body := tilesFetch(t, srv.URL+p)
		require.Equal(t, sizes[i], len(body), "%s: HTTP and in-process tiles differ (status %d)", p, resp.StatusCode)
	}
	w := runWrk(t, srv.URL, paths)
	fig.add("http.tiles.rps", w["rps"])
	fig.add("http.tiles.p50_ms", w["p50_ms"])
	fig.add("http.tiles.p99_ms", w["p99_ms"])
	fig.ratio("http.tiles.vs_nginx", w["rps"], nginx, 0.5)

	// (d) Memory after the load.
	fig.add("rss_mb_after_tile_load", rssMB(t, srv.cmd.Process.Pid))

	fig.write(t, filepath.Join(out, "kzmap-tiles.txt"))
}

// tilesGeometryBytes is the size of an MVT re-encoded without properties
// and feature ids: what its geometry takes.
func tilesGeometryBytes(t *testing.T, b []byte) int {
	t.Helper()
	ls, err := mvt.Unmarshal(b)
	require.NoError(t, err)
	for _, l := range ls {
		l.Name = "l"
		for _, f := range l.Features {
			f.ID = nil
			f.Properties = nil
		}
	}
	out, err := mvt.Marshal(ls)
	require.NoError(t, err)
	return len(out)
}

// tilesReadWorkload reads z/x/y lines.
func tilesReadWorkload(t *testing.T, path string) []maptile.Tile {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err, "workload: run ../shared/bench/gen.py")
	defer f.Close()
	var out []maptile.Tile
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		parts := strings.Split(line, "/")
		require.Len(t, parts, 3, "line %q", line)
		tile, err := tiles.ParseTile(parts[0], parts[1], parts[2])
		require.NoError(t, err)
		out = append(out, tile)
	}
	require.NoError(t, sc.Err())
	require.NotEmpty(t, out)
	return out
}
