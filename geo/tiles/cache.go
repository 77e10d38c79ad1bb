package tiles

import (
	"container/list"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// Key names one cached tile: its layer set, its format ("mvt", "png",
// "png@2x", …) and its address.
type Key struct {
	// Layers is the comma-joined collection ids, in request order.
	Layers string
	Format string
	Tile   maptile.Tile
}

// NewKey returns the key of a tile of the given layers and format.
func NewKey(layers []string, format string, t maptile.Tile) Key {
	return Key{Layers: strings.Join(layers, ","), Format: format, Tile: t}
}

// Entry is a cached tile: its bytes (nil for an empty tile) and ETag.
type Entry struct {
	Data []byte
	// ETag is a strong entity tag: the quoted hex of a 64-bit FNV-1a hash
	// of Data.
	ETag string
}

// ETag returns the strong entity tag of b.
func ETag(b []byte) string {
	h := fnv.New64a()
	h.Write(b)
	var sum [8]byte
	binary.BigEndian.PutUint64(sum[:], h.Sum64())
	var tag [18]byte
	tag[0], tag[17] = '"', '"'
	hex.Encode(tag[1:17], sum[:])
	return string(tag[:])
}

// entryOverhead approximates the memory an entry takes beyond its bytes
// (key, ETag, list element, map slot), so that a cache full of empty tiles
// is bounded too.
const entryOverhead = 160

// Cache keeps finished tiles in memory up to a byte budget, dropping the
// least recently used first. Concurrent requests for a tile that is not
// cached compute it once. It is safe for concurrent use.
type Cache struct {
	max int64

	mu       sync.Mutex
	size     int64
	ll       *list.List // front = most recently used; values are *item
	items    map[Key]*list.Element
	inflight map[Key]*call

	hits, misses atomic.Uint64
}

type item struct {
	key   Key
	entry Entry
	size  int64
}

type call struct {
	done  chan struct{}
	entry Entry
	err   error
	// stale is set when an invalidation covers the tile while it is being
	// computed: the result may predate the write, so it is not kept.
	stale bool
}

// NewCache returns a cache holding at most maxBytes of tiles (bytes plus a
// small per-tile overhead). maxBytes ≤ 0 disables storing; Get still
// merges concurrent computations.
func NewCache(maxBytes int64) *Cache {
	return &Cache{
		max:      maxBytes,
		ll:       list.New(),
		items:    map[Key]*list.Element{},
		inflight: map[Key]*call{},
	}
}

// Get returns the cached tile for k, or computes it with compute (once, for
// all concurrent callers of the same key), stores it and returns it. Errors
// are not cached.
func (c *Cache) Get(k Key, compute func() ([]byte, error)) (Entry, error) {
	e, _, err := c.get(k, compute)
	return e, err
}

// get is Get that also reports whether the tile was in the cache already
// (not computed by this call or by one it joined).
func (c *Cache) get(k Key, compute func() ([]byte, error)) (Entry, bool, error) {
	c.mu.Lock()
	if el, ok := c.items[k]; ok {
		c.ll.MoveToFront(el)
		e := el.Value.(*item).entry
		c.mu.Unlock()
		c.hits.Add(1)
		return e, true, nil
	}
	if cl, ok := c.inflight[k]; ok {
		c.mu.Unlock()
		<-cl.done
		c.hits.Add(1)
		return cl.entry, false, cl.err
	}
	cl := &call{done: make(chan struct{})}
	c.inflight[k] = cl
	c.mu.Unlock()
	c.misses.Add(1)

	func() {
		// A panicking compute must not leave waiters blocked forever.
		defer func() {
			if r := recover(); r != nil {
				cl.err = fmt.Errorf("tiles: computing %s %s %d/%d/%d: %v", k.Layers, k.Format, k.Tile.Z, k.Tile.X, k.Tile.Y, r)
			}
		}()
		data, err := compute()
		cl.entry, cl.err = Entry{Data: data, ETag: ETag(data)}, err
	}()

	c.mu.Lock()
	if c.inflight[k] == cl {
		delete(c.inflight, k)
	}
	if cl.err == nil && !cl.stale {
		c.add(k, cl.entry)
	}
	c.mu.Unlock()
	close(cl.done)
	return cl.entry, false, cl.err
}

// lookup returns the cached tile for k, counted as a hit, and false when it
// is not cached (neither counted nor computed).
func (c *Cache) lookup(k Key) (Entry, bool) {
	c.mu.Lock()
	el, ok := c.items[k]
	if !ok {
		c.mu.Unlock()
		return Entry{}, false
	}
	c.ll.MoveToFront(el)
	e := el.Value.(*item).entry
	c.mu.Unlock()
	c.hits.Add(1)
	return e, true
}

// add stores e under k and evicts down to the budget. c.mu is held.
func (c *Cache) add(k Key, e Entry) {
	sz := int64(len(e.Data)) + int64(len(k.Layers)+len(k.Format)+len(e.ETag)) + entryOverhead
	if sz > c.max {
		return
	}
	if el, ok := c.items[k]; ok {
		c.remove(el)
	}
	c.items[k] = c.ll.PushFront(&item{key: k, entry: e, size: sz})
	c.size += sz
	for c.size > c.max {
		c.remove(c.ll.Back())
	}
}

func (c *Cache) remove(el *list.Element) {
	it := c.ll.Remove(el).(*item)
	delete(c.items, it.key)
	c.size -= it.size
}

// Invalidate drops the cached tiles, at every zoom and in every format, of
// the layer sets that include collection and whose buffered bound (see
// Bound) meets b, the lon/lat bound of what changed; pass the union of the
// old and new geometry's bounds. Tiles being computed meanwhile are not
// stored.
func (c *Cache) Invalidate(collection string, b orb.Bound) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for el := c.ll.Front(); el != nil; {
		next := el.Next()
		it := el.Value.(*item)
		if affected(it.key, collection, b) {
			c.remove(el)
		}
		el = next
	}
	for k, cl := range c.inflight {
		if affected(k, collection, b) {
			cl.stale = true
			// Later requests start afresh instead of joining a computation
			// that may have read the old data.
			delete(c.inflight, k)
		}
	}
}

func affected(k Key, collection string, b orb.Bound) bool {
	return slices.Contains(strings.Split(k.Layers, ","), collection) && Bound(k.Tile).Intersects(b)
}

// Purge drops every cached tile.
func (c *Cache) Purge() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ll.Init()
	clear(c.items)
	c.size = 0
	for k, cl := range c.inflight {
		cl.stale = true
		delete(c.inflight, k)
	}
}

// CacheStats are a cache's counters, for metrics.
type CacheStats struct {
	Tiles        int
	Bytes        int64
	Hits, Misses uint64
}

// Stats returns the cache's current counters.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return CacheStats{Tiles: len(c.items), Bytes: c.size, Hits: c.hits.Load(), Misses: c.misses.Load()}
}
