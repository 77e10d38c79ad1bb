package tiles

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"kzmap/geo"
	"kzmap/geo/internal/bench"
	"kzmap/geo/internal/benchdata"
	"kzmap/geo/tiles/internal/tiletest"
)

// workload is the 715 tiles of the shared benchmark workload, or the
// 732 of benchdata's fixture where it is absent.
func workload(tb testing.TB) []maptile.Tile { return benchdata.Tiles(tb) }

// BenchmarkWorkload makes the 715 district tiles of the shared workload,
// one op being all of them, without any tile cache. PostGIS takes about
// 0.3 s for the same (its summary.txt, mvt.total_s.adm2).
func BenchmarkWorkload(b *testing.B) {
	src := tiletest.BenchDistricts(b)
	tiles := workload(b)
	layers := []string{"districts"}
	// The first pass includes projecting every district once.
	start := time.Now()
	var bytes int
	for _, t := range tiles {
		mvt, err := MVT(src, layers, t)
		if err != nil {
			b.Fatal(err)
		}
		bytes += len(mvt)
	}
	b.Logf("first pass (projection included): %.3f s, %d bytes for %d tiles", time.Since(start).Seconds(), bytes, len(tiles))
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		for _, t := range tiles {
			if _, err := MVT(src, layers, t); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/workload")
	// On a busy machine the wall clock counts time spent waiting for a
	// core; the process's CPU time (GC included) does not.
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/workload")
	}
}

// BenchmarkWorkloadSource is the share of BenchmarkWorkload spent in the
// test source's scan (a store answers from its index instead).
func BenchmarkWorkloadSource(b *testing.B) {
	src := tiletest.BenchDistricts(b)
	tiles := workload(b)
	for b.Loop() {
		for _, t := range tiles {
			if _, err := src.Items("districts", geo.Query{Boxes: []orb.Bound{Bound(t)}}); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/workload")
}

// TestSizesAgainstPostGIS compares tile sizes with the tiles ST_AsMVT wrote
// for the same districts (postgis.sh), when they are there.
func TestSizesAgainstPostGIS(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	results, _ := bench.Dirs()
	dir := filepath.Join(results, "tiles", "adm2")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no PostGIS tiles: %v", err)
	}
	src := tiletest.Districts(t)
	tiles := workload(t)
	var ours, theirs [9]int
	var geomOurs, geomTheirs int
	var both, nonEmptyOurs, nonEmptyTheirs int
	for _, tile := range tiles {
		b, err := MVT(src, []string{"districts"}, tile)
		if err != nil {
			t.Fatal(err)
		}
		pg, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("%d/%d/%d.pbf", tile.Z, tile.X, tile.Y)))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		geomOurs += geometryBytes(t, b)
		geomTheirs += geometryBytes(t, pg)
		if tile.Z < 9 {
			ours[tile.Z] += len(b)
			theirs[tile.Z] += len(pg)
		}
		if len(b) > 0 {
			nonEmptyOurs++
		}
		if len(pg) > 0 {
			nonEmptyTheirs++
		}
		if len(b) > 0 && len(pg) > 0 {
			both++
		}
	}
	var to, tt int
	for z := range ours {
		t.Logf("z%d: %8d bytes, PostGIS %8d (%+.1f%%)", z, ours[z], theirs[z], 100*float64(ours[z]-theirs[z])/float64(max(theirs[z], 1)))
		to += ours[z]
		tt += theirs[z]
		if r := float64(ours[z]) / float64(max(theirs[z], 1)); theirs[z] > 0 && (r < 0.9 || r > 1.1) {
			t.Errorf("zoom %d: %d bytes is %.2f× PostGIS's %d; want within 10%%", z, ours[z], r, theirs[z])
		}
	}
	t.Logf("all: %d bytes, PostGIS %d (%+.1f%%); non-empty tiles %d, PostGIS %d, both %d",
		to, tt, 100*float64(to-tt)/float64(tt), nonEmptyOurs, nonEmptyTheirs, both)
	if tt == 0 {
		t.Skip("PostGIS tiles are all empty")
	}
	if r := float64(to) / float64(tt); r < 0.9 || r > 1.1 {
		t.Errorf("total size %d is %.2f× PostGIS's %d; want within 10%%", to, r, tt)
	}
	// Properties differ in encoding details; the geometry is what the
	// simplification tolerance decides.
	t.Logf("geometry: %d bytes, PostGIS %d (%.3f×)", geomOurs, geomTheirs, float64(geomOurs)/float64(geomTheirs))
	if r := float64(geomOurs) / float64(geomTheirs); r < 0.9 || r > 1.1 {
		t.Errorf("geometry %d bytes is %.2f× PostGIS's %d; want within 10%%", geomOurs, r, geomTheirs)
	}
	if nonEmptyOurs != nonEmptyTheirs {
		t.Errorf("%d non-empty tiles, PostGIS %d", nonEmptyOurs, nonEmptyTheirs)
	}
}

// geometryBytes is the size of the encoded geometries in an MVT tile: the
// packed geometry fields (4) of the features (2) of its layers (3).
func geometryBytes(t *testing.T, tile []byte) int {
	t.Helper()
	n := 0
	var walk func(b []byte, depth int)
	walk = func(b []byte, depth int) {
		for len(b) > 0 {
			key, k := binary.Uvarint(b)
			if k <= 0 {
				t.Fatalf("bad protobuf key")
			}
			b = b[k:]
			field, wire := key>>3, key&7
			switch wire {
			case 0:
				_, k = binary.Uvarint(b)
				if k <= 0 {
					t.Fatalf("bad protobuf varint")
				}
				b = b[k:]
			case 1:
				b = b[8:]
			case 5:
				b = b[4:]
			case 2:
				l, k := binary.Uvarint(b)
				if k <= 0 || uint64(len(b)-k) < l {
					t.Fatalf("bad protobuf length")
				}
				body := b[k : k+int(l)]
				b = b[k+int(l):]
				switch {
				case depth == 0 && field == 3, depth == 1 && field == 2:
					walk(body, depth+1)
				case depth == 2 && field == 4:
					n += len(body)
				}
			default:
				t.Fatalf("protobuf wire type %d", wire)
			}
		}
	}
	walk(tile, 0)
	return n
}

// BenchmarkGzipWorkload compresses the non-empty district tiles of the
// shared workload, one op being all of them: what a client that takes gzip
// would cost if every cold tile were compressed, with gzipBytes' pooled
// writers and with a new writer per tile.
func BenchmarkGzipWorkload(b *testing.B) {
	src := tiletest.Districts(b)
	var mvts [][]byte
	for _, t := range workload(b) {
		mvt, err := MVT(src, []string{"districts"}, t)
		if err != nil {
			b.Fatal(err)
		}
		if len(mvt) > 0 {
			mvts = append(mvts, mvt)
		}
	}
	b.Run("pooled", func(b *testing.B) {
		for b.Loop() {
			for _, m := range mvts {
				if _, err := gzipBytes(m); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("new writer", func(b *testing.B) {
		for b.Loop() {
			for _, m := range mvts {
				var buf bytes.Buffer
				zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
				zw.Write(m)
				zw.Close()
			}
		}
	})
}
