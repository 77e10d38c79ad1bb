package store

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"kzmap/geo"
)

func circle(cx, cy, r float64, n int) orb.Polygon {
	ring := make(orb.Ring, 0, n+1)
	for i := 0; i < n; i++ {
		a := 2 * math.Pi * float64(i) / float64(n)
		ring = append(ring, orb.Point{cx + r*math.Cos(a), cy + r*math.Sin(a)})
	}
	return orb.Polygon{append(ring, ring[0])}
}

// TestCompactWhileWriting: writes that make the file grow start
// compactions in the background; readers go on meanwhile, and a reopened
// store holds every acknowledged write.
func TestCompactWhileWriting(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.db")
	st, err := OpenWith(path, Options{CompactRatio: 1.5, CompactMin: 0}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var polys []*geo.Feature
	for i := 0; i < 20; i++ {
		polys = append(polys, geo.NewFeature(fmt.Sprintf("p%02d", i), circle(float64(i), 0, 0.4, 200), map[string]any{"n": i}))
	}
	if err := st.Import(geo.Collection{ID: "polys"}, polys, true); err != nil {
		t.Fatal(err)
	}
	if err := st.Import(geo.Collection{ID: "points"}, nil, true); err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	var wg sync.WaitGroup
	var reads atomic.Int64
	for r := 0; r < 2; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				page, err := st.Items("polys", geo.Query{Boxes: []orb.Bound{{Min: orb.Point{-1, -1}, Max: orb.Point{30, 1}}}})
				if err != nil || page.Matched != 20 {
					t.Errorf("Items during compaction: %d, %v", page.Matched, err)
					return
				}
				if fs, err := st.Lookup("polys", orb.Point{3, 0}); err != nil || len(fs) != 1 {
					t.Errorf("Lookup during compaction: %d, %v", len(fs), err)
					return
				}
				reads.Add(1)
				time.Sleep(100 * time.Microsecond)
			}
		}()
	}
	const writes = 240
	for i := 0; i < writes; i++ {
		f := geo.NewFeature(fmt.Sprintf("e%d", i%50), orb.Point{float64(i % 7), 0}, map[string]any{"v": i})
		if err := st.Put("points", f); err != nil {
			t.Fatal(err)
		}
		if i%3 == 2 {
			if err := st.Delete("points", f.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	stop.Store(true)
	wg.Wait()
	cs, err := st.Compaction()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d compactions over %d writes, %d reads meanwhile; file %d bytes, live %d", cs.Compactions, writes, reads.Load(), cs.File, cs.Live)
	if cs.Compactions == 0 {
		t.Fatal("no compaction")
	}
	if float64(cs.File) > 1.5*float64(cs.Live)+4096 {
		t.Errorf("file %d bytes, more than 1.5 × live %d", cs.File, cs.Live)
	}
	want := map[string]int{}
	for i := 0; i < writes; i++ {
		id := fmt.Sprintf("e%d", i%50)
		if i%3 == 2 {
			delete(want, id)
		} else {
			want[id] = i
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(compactPath(path)); !os.IsNotExist(err) {
		t.Errorf("compaction copy left behind: %v", err)
	}
	st, err = Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	page, err := st.Items("points", geo.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if page.Matched != len(want) {
		t.Errorf("reopened: %d points, want %d", page.Matched, len(want))
	}
	for _, f := range page.Features {
		if f.Properties["v"] != float64(want[f.ID]) {
			t.Errorf("%s: v %v, want %d", f.ID, f.Properties["v"], want[f.ID])
		}
	}
	if fs, err := st.Lookup("polys", orb.Point{3, 0}); err != nil || len(fs) != 1 || fs[0].ID != "p03" {
		t.Errorf("spatial index after reopening: %v %v", fs, err)
	}
}

// TestOpenRemovesCompactionCopy: a compaction cut short by a crash leaves
// its copy, which the next Open removes; the database is the old file.
func TestOpenRemovesCompactionCopy(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.db")
	st, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Import(geo.Collection{ID: "a"}, []*geo.Feature{geo.NewFeature("1", orb.Point{1, 2}, nil)}, true); err != nil {
		t.Fatal(err)
	}
	if err := st.Compact(); err != nil {
		t.Fatal(err)
	}
	if err := st.Put("a", geo.NewFeature("2", orb.Point{3, 4}, nil)); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if err := os.WriteFile(compactPath(path), []byte("*3\r\n$3\r\nset\r\n$1\r\nx"), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err = Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := os.Stat(compactPath(path)); !os.IsNotExist(err) {
		t.Errorf("copy still there: %v", err)
	}
	if c, _ := st.Collection("a"); c.Count != 2 {
		t.Errorf("after a compaction and a write: %d features, want 2", c.Count)
	}
}
