package tiles

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

func fill(n int) func() ([]byte, error) {
	return func() ([]byte, error) { return bytes.Repeat([]byte{'x'}, n), nil }
}

func TestCacheEviction(t *testing.T) {
	const budget = 10_000
	c := NewCache(budget)
	layers := []string{"districts"}
	for i := range 200 {
		k := NewKey(layers, "mvt", maptile.New(uint32(i), 0, 10))
		if _, err := c.Get(k, fill(500)); err != nil {
			t.Fatal(err)
		}
		// Touch tile 0 so that it stays the most recently used.
		if _, err := c.Get(NewKey(layers, "mvt", maptile.New(0, 0, 10)), func() ([]byte, error) {
			if i == 0 {
				return fill(500)()
			}
			t.Fatalf("step %d: tile 0 was evicted although used last", i)
			return nil, nil
		}); err != nil {
			t.Fatal(err)
		}
		if s := c.Stats(); s.Bytes > budget {
			t.Fatalf("step %d: %d bytes cached, budget %d", i, s.Bytes, budget)
		}
	}
	s := c.Stats()
	if s.Tiles < 10 || s.Tiles > budget/500 {
		t.Errorf("%d tiles kept in a %d-byte budget of 500-byte tiles", s.Tiles, budget)
	}
	// The oldest untouched tile is gone; the newest is there.
	computed := false
	c.Get(NewKey(layers, "mvt", maptile.New(1, 0, 10)), func() ([]byte, error) { computed = true; return nil, nil })
	if !computed {
		t.Error("tile 1 survived 200 newer tiles")
	}
	if _, err := c.Get(NewKey(layers, "mvt", maptile.New(199, 0, 10)), func() ([]byte, error) {
		return nil, errors.New("recomputed")
	}); err != nil {
		t.Error("newest tile was evicted")
	}
	// A tile larger than the whole budget is served but not kept.
	big := NewKey(layers, "png", maptile.New(0, 0, 0))
	c.Get(big, fill(budget))
	if s := c.Stats(); s.Bytes > budget {
		t.Errorf("%d bytes after an oversized tile", s.Bytes)
	}
}

func TestCacheETag(t *testing.T) {
	c := NewCache(1 << 20)
	a, _ := c.Get(NewKey([]string{"a"}, "mvt", maptile.New(0, 0, 0)), fill(10))
	b, _ := c.Get(NewKey([]string{"b"}, "mvt", maptile.New(0, 0, 0)), fill(10))
	d, _ := c.Get(NewKey([]string{"c"}, "mvt", maptile.New(0, 0, 0)), fill(11))
	if !regexp.MustCompile(`^"[0-9a-f]{16}"$`).MatchString(a.ETag) {
		t.Errorf("ETag %s is not a quoted 64-bit hex hash", a.ETag)
	}
	if a.ETag != b.ETag || a.ETag == d.ETag {
		t.Errorf("ETags %s %s %s: want equal for equal bytes only", a.ETag, b.ETag, d.ETag)
	}
	if e, _ := c.Get(NewKey([]string{"e"}, "mvt", maptile.New(0, 0, 0)), func() ([]byte, error) { return nil, nil }); e.ETag == "" || e.Data != nil {
		t.Errorf("empty tile entry %+v", e)
	}
	// The FNV-1a 64 of "" and "a": ETags clients hold stay valid across versions.
	if got := ETag(nil); got != `"cbf29ce484222325"` {
		t.Errorf(`ETag("") = %s`, got)
	}
	if got := ETag([]byte("a")); got != `"af63dc4c8601ec8c"` {
		t.Errorf(`ETag("a") = %s`, got)
	}
}

// TestCacheInvalidate fills the cache with the tiles of zooms 0–9 around a
// point, for three layer sets, invalidates a tiny box at the point and checks
// that exactly the tiles whose buffered bound holds the point went — worked
// out here from the point's position in tile units, not with Bound.
func TestCacheInvalidate(t *testing.T) {
	c := NewCache(1 << 30)
	p := orb.Point{52.8946, 43.3410} // Zhanaozen
	sets := [][]string{{"districts"}, {"regions"}, {"regions", "districts"}}
	type entry struct {
		key  Key
		gone bool
	}
	var all []entry
	const margin = float64(Buffer) / Extent
	for z := maptile.Zoom(0); z <= 9; z++ {
		f := maptile.Fraction(p, z)
		c0 := maptile.At(p, z)
		for dx := -2; dx <= 2; dx++ {
			for dy := -2; dy <= 2; dy++ {
				x, y := int(c0.X)+dx, int(c0.Y)+dy
				if x < 0 || y < 0 || x >= 1<<z || y >= 1<<z {
					continue
				}
				near := f[0] >= float64(x)-margin && f[0] <= float64(x+1)+margin &&
					f[1] >= float64(y)-margin && f[1] <= float64(y+1)+margin
				for _, s := range sets {
					for _, format := range []string{"mvt", "png"} {
						k := NewKey(s, format, maptile.New(uint32(x), uint32(y), z))
						c.Get(k, fill(100))
						all = append(all, entry{key: k, gone: near && s[len(s)-1] == "districts"})
					}
				}
			}
		}
	}
	c.Invalidate("districts", orb.Bound{Min: p, Max: p}.Pad(1e-9))
	var gone int
	for _, e := range all {
		recomputed := false
		c.Get(e.key, func() ([]byte, error) { recomputed = true; return nil, nil })
		if recomputed != e.gone {
			t.Errorf("%s %s %v: dropped %v, want %v", e.key.Layers, e.key.Format, e.key.Tile, recomputed, e.gone)
		}
		if e.gone {
			gone++
		}
	}
	if gone < 2*2*10 {
		t.Errorf("only %d tiles expected to go: the test lost its point", gone)
	}
}

func TestCacheSingleflight(t *testing.T) {
	c := NewCache(1 << 20)
	var computed atomic.Int32
	k := NewKey([]string{"districts"}, "mvt", maptile.New(2, 1, 2))
	var wg sync.WaitGroup
	etags := make([]string, 50)
	for i := range etags {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e, err := c.Get(k, func() ([]byte, error) {
				computed.Add(1)
				time.Sleep(30 * time.Millisecond)
				return []byte("tile"), nil
			})
			if err != nil {
				t.Error(err)
			}
			etags[i] = e.ETag
		}()
	}
	wg.Wait()
	if n := computed.Load(); n != 1 {
		t.Errorf("computed %d times, want once", n)
	}
	for _, e := range etags {
		if e != etags[0] {
			t.Fatalf("callers saw different tiles: %v", etags)
		}
	}
}

// TestCacheConcurrent mixes gets, invalidations and evictions; run with -race.
func TestCacheConcurrent(t *testing.T) {
	c := NewCache(20_000)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 500 {
				tile := maptile.New(uint32(i%16), uint32(g%4), 4)
				k := NewKey([]string{"districts"}, "mvt", tile)
				want := fmt.Sprintf("%v", tile)
				e, err := c.Get(k, func() ([]byte, error) { return []byte(want), nil })
				if err != nil || string(e.Data) != want {
					t.Errorf("got %q, %v; want %q", e.Data, err, want)
					return
				}
				if i%50 == 0 {
					c.Invalidate("districts", Bound(tile))
				}
			}
		}()
	}
	wg.Wait()
	if s := c.Stats(); s.Bytes > 20_000 || s.Hits == 0 || s.Misses == 0 {
		t.Errorf("stats %+v", s)
	}
}

// TestCacheStaleInFlight: a tile computed while its area is invalidated is
// served to the callers already waiting but not kept.
func TestCacheStaleInFlight(t *testing.T) {
	c := NewCache(1 << 20)
	k := NewKey([]string{"events"}, "mvt", maptile.New(0, 0, 0))
	started, release := make(chan struct{}), make(chan struct{})
	done := make(chan Entry)
	go func() {
		e, _ := c.Get(k, func() ([]byte, error) {
			close(started)
			<-release
			return []byte("old"), nil
		})
		done <- e
	}()
	<-started
	c.Invalidate("events", orb.Bound{Min: orb.Point{50, 40}, Max: orb.Point{51, 41}})
	close(release)
	if e := <-done; string(e.Data) != "old" {
		t.Fatalf("first caller got %q", e.Data)
	}
	e, _ := c.Get(k, func() ([]byte, error) { return []byte("new"), nil })
	if string(e.Data) != "new" {
		t.Errorf("after invalidation got %q, want a fresh tile", e.Data)
	}
}

func TestCacheErrorsNotCached(t *testing.T) {
	c := NewCache(1 << 20)
	k := NewKey([]string{"x"}, "mvt", maptile.New(0, 0, 0))
	boom := errors.New("boom")
	if _, err := c.Get(k, func() ([]byte, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
	if _, err := c.Get(k, func() ([]byte, error) { panic("bug") }); err == nil {
		t.Fatal("panic in compute gave no error")
	}
	if e, err := c.Get(k, fill(3)); err != nil || len(e.Data) != 3 {
		t.Errorf("after errors: %v, %v", e, err)
	}
}
