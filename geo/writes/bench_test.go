package writes_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"kzmap/geo"
	"kzmap/geo/dataset"
	"kzmap/geo/store"
	"kzmap/geo/writes"
)

// regionSquare is region i of a row of 2°×2° squares, each side cut into
// perEdge segments: with 300, about 19 KB of WKB, as a geokz region.
func regionSquare(i, perEdge int) orb.Polygon {
	x0, x1 := float64(2*i), float64(2*i+2)
	var ring orb.Ring
	side := func(a, b orb.Point) {
		for k := 0; k < perEdge; k++ {
			t := float64(k) / float64(perEdge)
			ring = append(ring, orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])})
		}
	}
	side(orb.Point{x0, 0}, orb.Point{x1, 0})
	side(orb.Point{x1, 0}, orb.Point{x1, 2})
	side(orb.Point{x1, 2}, orb.Point{x0, 2})
	side(orb.Point{x0, 2}, orb.Point{x0, 0})
	return orb.Polygon{append(ring, ring[0])}
}

// eventsStore is a file store holding two counted region collections of
// 17 regions each and an events collection, with counts right.
func eventsStore(b *testing.B, path string, o store.Options) *store.Store {
	st, err := store.OpenWith(path, o, nil)
	if err != nil {
		b.Fatal(err)
	}
	for _, coll := range dataset.Counted() {
		var regions []*geo.Feature
		for i := 0; i < 17; i++ {
			id := fmt.Sprintf("KZ%02d", i)
			regions = append(regions, geo.NewFeature(id, regionSquare(i, 300), map[string]any{"code": id, "name_en": "Region " + id, "events": 0}))
		}
		if err := st.Import(geo.Collection{ID: coll, SearchFields: []string{"name_en"}}, regions, true); err != nil {
			b.Fatal(err)
		}
	}
	if err := st.Import(geo.Collection{ID: dataset.Events, TimeStart: "date"}, nil, true); err != nil {
		b.Fatal(err)
	}
	return st
}

func eventAt(r *rand.Rand, n int) *geo.Feature {
	return geo.NewFeature(fmt.Sprintf("w%05d", n), orb.Point{0.01 + r.Float64()*33.98, 0.01 + r.Float64()*1.98},
		map[string]any{"title": fmt.Sprintf("event %d", n), "date": "2022-01-05", "kind": "bench"})
}

func fileSize(b *testing.B, path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	return fi.Size()
}

// BenchmarkEventWrites measures how the database file grows under event
// writes, each of which changes the counts of two regions. "derived
// counts" is kzmap's write path (the counts kept apart from the region
// records): the bytes a write appends, and after 10,000 writes with
// compaction the file against its live data, which must stay within twice
// the live data plus 1 MB. "counts in region records" writes the counted
// regions again after each event, geometry and all (how kzmap kept
// counts before), for comparison.
func BenchmarkEventWrites(b *testing.B) {
	const probe = 300 // writes measured without compaction
	b.Run("derived counts", func(b *testing.B) {
		for b.Loop() {
			dir := b.TempDir()
			path := filepath.Join(dir, "bench.db")
			st := eventsStore(b, path, store.Options{})
			svc := writes.New(st, nil, dataset.NewCounts(st, nil))
			r := rand.New(rand.NewPCG(1, 2))
			before := fileSize(b, path)
			for n := 0; n < probe; n++ {
				if _, err := svc.Put(dataset.Events, eventAt(r, n)); err != nil {
					b.Fatal(err)
				}
			}
			perWrite := float64(fileSize(b, path)-before) / probe
			st.Close()

			// Reopened with kzmap's compaction, up to 10,000 writes.
			st = eventsStore(b, path, store.DefaultOptions())
			svc = writes.New(st, nil, dataset.NewCounts(st, nil))
			if err := svc.Reset(); err != nil {
				b.Fatal(err)
			}
			for n := probe; n < 10000; n++ {
				if _, err := svc.Put(dataset.Events, eventAt(r, n)); err != nil {
					b.Fatal(err)
				}
			}
			cs, err := st.Compaction()
			if err != nil {
				b.Fatal(err)
			}
			st.Close()
			b.ReportMetric(perWrite, "B/write")
			b.ReportMetric(float64(cs.File)/(1<<20), "file-MB")
			b.ReportMetric(float64(cs.Live)/(1<<20), "live-MB")
			b.ReportMetric(float64(cs.Compactions), "compactions")
			b.Logf("10,000 event writes: %.0f bytes appended a write; file %.2f MB, live data %.2f MB, %d compactions",
				perWrite, float64(cs.File)/(1<<20), float64(cs.Live)/(1<<20), cs.Compactions)
			if cs.File > 2*cs.Live+1<<20 {
				b.Errorf("file %d bytes, more than twice the live data (%d) plus 1 MB", cs.File, cs.Live)
			}
		}
	})
	b.Run("counts in region records", func(b *testing.B) {
		for b.Loop() {
			path := filepath.Join(b.TempDir(), "bench.db")
			st := eventsStore(b, path, store.Options{})
			svc := writes.New(st, nil)
			r := rand.New(rand.NewPCG(1, 2))
			before := fileSize(b, path)
			for n := 0; n < probe; n++ {
				e := eventAt(r, n)
				if _, err := svc.Put(dataset.Events, e); err != nil {
					b.Fatal(err)
				}
				for _, coll := range dataset.Counted() {
					regions, err := st.Lookup(coll, e.Geometry.(orb.Point))
					if err != nil {
						b.Fatal(err)
					}
					for _, reg := range regions {
						nr, err := dataset.WithCount(st, reg)
						if err != nil {
							b.Fatal(err)
						}
						if err := st.PutMany(coll, []*geo.Feature{nr}); err != nil {
							b.Fatal(err)
						}
					}
				}
			}
			perWrite := float64(fileSize(b, path)-before) / probe
			st.Close()
			b.ReportMetric(perWrite, "B/write")
			b.Logf("%.0f bytes appended a write", perWrite)
		}
	})
}
