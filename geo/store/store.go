// Package store is the BuntDB implementation of geo.Store.
//
// Layout: collection metadata under "c:<id>" (JSON of geo.Collection),
// features under "f:<collection>:<feature id>" (see codec.go for the value),
// and one spatial index "sp:<collection>" per collection over the features'
// bounds. BuntDB does not persist index definitions, so Open recreates them.
//
// Every write is one BuntDB transaction, fsynced before the write returns
// (by the store, outside BuntDB's lock; see commit): an acknowledged write
// is on disk. Beside BuntDB the store keeps, per
// collection, an immutable snapshot of the decoded features with their
// prepared geometries (and a grid for Lookup), swapped after each commit, so
// queries never decode values: Items asks BuntDB's spatial index for
// candidates and tests them exactly with the prepared geometry.
package store

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/bits"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"
	"github.com/tidwall/buntdb"

	"kzmap/geo"
	"kzmap/geo/prepared"
	"kzmap/geo/valid"
)

// Store is a geo.Store kept in a BuntDB file. It is safe for concurrent use.
type Store struct {
	db   *buntdb.DB
	file *os.File // the database file, for sync; nil in memory
	lock *os.File // held for the store's life (see lockFile); nil in memory
	log  *slog.Logger

	recovered Recovery // what Open's Recover repaired

	// wmu serialises writers. mu is held for reading by Items across its
	// BuntDB view and its snapshot, and for writing by writers across
	// commit and swap, so Items never mixes two states.
	wmu  sync.Mutex
	mu   sync.RWMutex
	snap atomic.Pointer[snapshot]
}

var _ geo.Store = (*Store)(nil)

// ErrClosed is returned after Close.
var ErrClosed = errors.New("store: closed")

// ErrLocked is returned by Open when another process has the database open.
var ErrLocked = errors.New("store: the database is in use by another process (a running kzmap serve?)")

type snapshot struct {
	colls map[string]*collState
}

// collState is one collection's immutable in-memory state.
type collState struct {
	meta    geo.Collection
	entries []*entry // ordered by feature id
	byID    map[string]*entry
	grid    *grid
}

type entry struct {
	f     *geo.Feature
	prep  *prepared.Geometry
	bound orb.Bound
	idx   int // position in collState.entries

	t0, t1  time.Time
	hasTime bool
}

func collKey(id string) string        { return "c:" + id }
func featPrefix(coll string) string   { return "f:" + coll + ":" }
func featKey(coll, fid string) string { return "f:" + coll + ":" + fid }
func indexName(coll string) string    { return "sp:" + coll }
func indexPattern(coll string) string { return featPrefix(coll) + "*" }
func invalidf(format string, args ...any) error {
	return fmt.Errorf("store: %w: %s", geo.ErrInvalid, fmt.Sprintf(format, args...))
}

// Open opens (or creates) the store at path; ":memory:" keeps nothing on
// disk. A nil log discards. Only one process may have a database open
// (ErrLocked). What a crash left half-done is repaired before Open returns
// (see Recover and Recovered), so every command that opens a database sees
// a consistent one.
func Open(path string, log *slog.Logger) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var lock *os.File
	if path != ":memory:" {
		var err error
		if lock, err = lockFile(path); err != nil {
			return nil, err
		}
	}
	db, err := buntdb.Open(path)
	if err != nil {
		if lock != nil {
			lock.Close()
		}
		return nil, fmt.Errorf("store: opening %s: %w", path, err)
	}
	var cfg buntdb.Config
	if err := db.ReadConfig(&cfg); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: %w", err)
	}
	// BuntDB would fsync inside its lock, so that every reader of its index
	// waited for the disk on every write; the store fsyncs itself after the
	// lock is released (see sync). BuntDB's shrink replaces the file, which
	// the store's own handle would then miss, so it runs only here, at Open.
	cfg.SyncPolicy = buntdb.Never
	cfg.AutoShrinkDisabled = true
	if err := db.SetConfig(cfg); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: %w", err)
	}
	s := &Store{db: db, lock: lock, log: log}
	if path != ":memory:" {
		if st, err := os.Stat(path); err == nil && st.Size() > shrinkAbove {
			if err := db.Shrink(); err != nil {
				db.Close()
				return nil, fmt.Errorf("store: compacting %s: %w", path, err)
			}
		}
		if s.file, err = os.Open(path); err != nil {
			db.Close()
			return nil, fmt.Errorf("store: opening %s: %w", path, err)
		}
	}
	snap, err := s.load()
	if err != nil {
		s.Close()
		return nil, err
	}
	s.snap.Store(snap)
	if s.recovered, err = s.Recover(); err != nil {
		s.Close()
		return nil, err
	}
	if s.recovered.Changed() {
		log.Warn("recovered the database after a crash", "rolled_back_batch_in", s.recovered.RolledBack,
			"created_undone", s.recovered.Created, "restored", s.recovered.Restored,
			"metadata_recomputed", s.recovered.Metadata)
	}
	return s, nil
}

// Recovered says what Open repaired.
func (s *Store) Recovered() Recovery { return s.recovered }

// shrinkAbove is the file size beyond which Open compacts the append-only
// BuntDB file (BuntDB's own default for its automatic shrink).
const shrinkAbove = 32 << 20

// sync makes every committed transaction durable. fsync applies to the
// file, not the descriptor, so the store's read-only handle flushes what
// BuntDB wrote through its own; unlike BuntDB, the error is reported.
func (s *Store) sync() error {
	if s.file == nil {
		return nil
	}
	if err := s.file.Sync(); err != nil {
		return fmt.Errorf("store: syncing to disk: %w", err)
	}
	return nil
}

// load reads every collection, recreates its spatial index and builds its
// in-memory state.
func (s *Store) load() (*snapshot, error) {
	var metas []geo.Collection
	err := s.db.View(func(tx *buntdb.Tx) error {
		var err error
		tx.AscendKeys("c:*", func(k, v string) bool {
			var c geo.Collection
			if err = json.Unmarshal([]byte(v), &c); err != nil {
				err = fmt.Errorf("store: collection %s: %w", k, err)
				return false
			}
			metas = append(metas, c)
			return true
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	snap := &snapshot{colls: map[string]*collState{}}
	for _, c := range metas {
		if err := s.db.CreateSpatialIndex(indexName(c.ID), indexPattern(c.ID), rect); err != nil && !errors.Is(err, buntdb.ErrIndexExists) {
			return nil, fmt.Errorf("store: index for %s: %w", c.ID, err)
		}
		var entries []*entry
		err := s.db.View(func(tx *buntdb.Tx) error {
			var err error
			prefix := featPrefix(c.ID)
			tx.AscendKeys(indexPattern(c.ID), func(k, v string) bool {
				var e *entry
				e, err = decodeEntry(strings.TrimPrefix(k, prefix), v)
				if err != nil {
					err = fmt.Errorf("store: %s: %w", k, err)
					return false
				}
				entries = append(entries, e)
				return true
			})
			return err
		})
		if err != nil {
			return nil, err
		}
		snap.colls[c.ID] = newCollState(c, entries)
	}
	return snap, nil
}

func decodeEntry(fid, v string) (*entry, error) {
	b, g, props, err := decodeValue(v)
	if err != nil {
		return nil, err
	}
	return &entry{f: geo.NewFeature(fid, g, props), prep: prepared.New(g), bound: b}, nil
}

// newCollState orders entries by id and builds the look-up structures.
// Metadata is taken as given (recompute runs on writes). Entries are
// copied: the previous state may share them and is still being read.
func newCollState(meta geo.Collection, shared []*entry) *collState {
	entries := make([]*entry, len(shared))
	for i, e := range shared {
		c := *e
		entries[i] = &c
	}
	slices.SortFunc(entries, func(a, b *entry) int { return cmp.Compare(a.f.ID, b.f.ID) })
	cs := &collState{meta: meta, entries: entries, byID: make(map[string]*entry, len(entries))}
	running := false
	for i, e := range entries {
		e.idx = i
		entryTime(e, &cs.meta)
		cs.byID[e.f.ID] = e
		if !e.hasTime {
			continue
		}
		if t := &cs.meta.Time; t.Start.IsZero() || e.t0.Before(t.Start) {
			t.Start = e.t0
		}
		if e.t1.After(cs.meta.Time.End) {
			cs.meta.Time.End = e.t1
		}
		running = running || e.t1.Equal(openEnd)
	}
	if running {
		cs.meta.Time.End = time.Time{}
	}
	cs.grid = newGrid(meta.Bound, entries)
	return cs
}

// Close releases the database.
func (s *Store) Close() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	err := s.db.Close()
	if s.file != nil {
		s.file.Close()
		s.file = nil
	}
	if s.lock != nil {
		s.lock.Close() // releases the lock
		s.lock = nil
	}
	return err
}

// Collections lists every collection, ordered by id.
func (s *Store) Collections() []geo.Collection {
	snap := s.snap.Load()
	out := make([]geo.Collection, 0, len(snap.colls))
	for _, cs := range snap.colls {
		out = append(out, copyMeta(cs.meta))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func copyMeta(c geo.Collection) geo.Collection {
	c.Fields = slices.Clone(c.Fields)
	c.SearchFields = slices.Clone(c.SearchFields)
	return c
}

// Collection returns one collection's metadata or geo.ErrNoCollection.
func (s *Store) Collection(id string) (geo.Collection, error) {
	cs := s.snap.Load().colls[id]
	if cs == nil {
		return geo.Collection{}, fmt.Errorf("store: %q: %w", id, geo.ErrNoCollection)
	}
	return copyMeta(cs.meta), nil
}

// Feature returns one feature, or geo.ErrNoCollection / geo.ErrNoFeature.
func (s *Store) Feature(collection, id string) (*geo.Feature, error) {
	cs := s.snap.Load().colls[collection]
	if cs == nil {
		return nil, fmt.Errorf("store: %q: %w", collection, geo.ErrNoCollection)
	}
	e := cs.byID[id]
	if e == nil {
		return nil, fmt.Errorf("store: %q in %q: %w", id, collection, geo.ErrNoFeature)
	}
	return e.f, nil
}

// Lookup returns the features of collection containing p, boundary
// included, ordered by id. It answers from the in-memory grid (see grid.go);
// lookupIndexed is the same answer through BuntDB's spatial index.
func (s *Store) Lookup(collection string, p orb.Point) ([]*geo.Feature, error) {
	cs := s.snap.Load().colls[collection]
	if cs == nil {
		return nil, fmt.Errorf("store: %q: %w", collection, geo.ErrNoCollection)
	}
	if out := cs.grid.lookup(p); out != nil {
		return out, nil
	}
	return []*geo.Feature{}, nil
}

// lookupIndexed answers Lookup through a BuntDB transaction and its
// spatial index; kept to measure that path and to check the grid against it.
func (s *Store) lookupIndexed(collection string, p orb.Point) ([]*geo.Feature, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	cs := s.snap.Load().colls[collection]
	if cs == nil {
		return nil, fmt.Errorf("store: %q: %w", collection, geo.ErrNoCollection)
	}
	var hits []*entry
	prefix := len(featPrefix(collection))
	err := s.db.View(func(tx *buntdb.Tx) error {
		return tx.Intersects(indexName(collection), boundKey(orb.Bound{Min: p, Max: p}), func(k, _ string) bool {
			if e := cs.byID[k[prefix:]]; e != nil && e.prep.ContainsPoint(p) {
				hits = append(hits, e)
			}
			return true
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	slices.SortFunc(hits, func(a, b *entry) int { return a.idx - b.idx })
	out := make([]*geo.Feature, len(hits))
	for i, e := range hits {
		out[i] = e.f
	}
	return out, nil
}

// Items answers a query, ordered by feature id.
func (s *Store) Items(collection string, q geo.Query) (geo.Page, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	cs := s.snap.Load().colls[collection]
	if cs == nil {
		return geo.Page{}, fmt.Errorf("store: %q: %w", collection, geo.ErrNoCollection)
	}
	cands := cs.entries
	if len(q.Boxes) > 0 {
		// Candidates from BuntDB's spatial index, tested exactly; a bitset
		// over entry positions dedupes across boxes and keeps id order.
		hit := make([]uint64, (len(cs.entries)+63)/64)
		prefix := len(featPrefix(collection))
		err := s.db.View(func(tx *buntdb.Tx) error {
			for _, b := range q.Boxes {
				err := tx.Intersects(indexName(collection), boundKey(b), func(k, _ string) bool {
					e := cs.byID[k[prefix:]]
					if e != nil && hit[e.idx/64]&(1<<(e.idx%64)) == 0 && e.prep.IntersectsBound(b) {
						hit[e.idx/64] |= 1 << (e.idx % 64)
					}
					return true
				})
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return geo.Page{}, fmt.Errorf("store: %w", err)
		}
		cands = nil
		for w, word := range hit {
			for word != 0 {
				i := w*64 + bits.TrailingZeros64(word)
				word &= word - 1
				cands = append(cands, cs.entries[i])
			}
		}
	}
	// A time filter applies to collections with a time property; there,
	// features without a readable time are left out.
	useTime := q.Time != nil && cs.meta.TimeStart != ""
	page := geo.Page{Features: []*geo.Feature{}}
	offset := max(q.Offset, 0)
	for _, e := range cands {
		if useTime && (!e.hasTime || !q.Time.Overlaps(e.t0, e.t1)) {
			continue
		}
		if !matchEquals(e.f, q.Equals) {
			continue
		}
		page.Matched++
		if page.Matched > offset && (q.Limit <= 0 || len(page.Features) < q.Limit) {
			page.Features = append(page.Features, e.f)
		}
	}
	return page, nil
}

func matchEquals(f *geo.Feature, eq map[string]string) bool {
	for k, want := range eq {
		v, ok := f.Properties[k]
		if !ok || text(v) != want {
			return false
		}
	}
	return true
}

// Import writes a whole collection in one BuntDB transaction; see geo.Store.
// Every feature is validated and repaired (valid.Repair; repairs are
// logged). An invalid geometry, an empty or repeated id fails the whole
// import with an error wrapping geo.ErrInvalid, leaving the store as it was.
func (s *Store) Import(c geo.Collection, features []*geo.Feature, replace bool) error {
	if !geo.ValidCollectionID(c.ID) {
		return invalidf("collection id %q: use 1-100 letters, digits, '_', '-' or '.'", c.ID)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	old := s.snap.Load().colls[c.ID]

	byID := map[string]*entry{}
	if old != nil && !replace {
		for _, e := range old.entries {
			byID[e.f.ID] = e
		}
	}
	sts, err := s.stageAll(c.ID, features)
	if err != nil {
		return err
	}
	for _, st := range sts {
		byID[st.e.f.ID] = st.e
	}
	meta := c
	entries := mapValues(byID)
	recompute(&meta, entries)
	cs := newCollState(meta, entries)
	return s.commit(func(tx *buntdb.Tx) error {
		if old == nil {
			if err := tx.CreateSpatialIndex(indexName(c.ID), indexPattern(c.ID), rect); err != nil && !errors.Is(err, buntdb.ErrIndexExists) {
				return fmt.Errorf("store: index for %s: %w", c.ID, err)
			}
		}
		if old != nil && replace {
			var keys []string
			tx.AscendKeys(indexPattern(c.ID), func(k, _ string) bool {
				keys = append(keys, k)
				return true
			})
			for _, k := range keys {
				if _, err := tx.Delete(k); err != nil {
					return fmt.Errorf("store: %w", err)
				}
			}
		}
		if err := setAll(tx, sts); err != nil {
			return err
		}
		return setMeta(tx, meta)
	}, cs, c.ID)
}

// Put adds or replaces one feature of an existing collection, validated and
// repaired as in Import, in one durable transaction.
func (s *Store) Put(collection string, f *geo.Feature) error {
	if f == nil || f.ID == "" {
		return invalidf("collection %q: feature without id", collection)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	old := s.snap.Load().colls[collection]
	if old == nil {
		return fmt.Errorf("store: %q: %w", collection, geo.ErrNoCollection)
	}
	st, err := s.stage(collection, -1, f)
	if err != nil {
		return err
	}
	entries := make([]*entry, 0, len(old.entries)+1)
	for _, o := range old.entries {
		if o.f.ID != f.ID {
			entries = append(entries, o)
		}
	}
	entries = append(entries, st.e)
	meta := old.meta
	recompute(&meta, entries)
	cs := newCollState(meta, entries)
	return s.commit(func(tx *buntdb.Tx) error {
		if err := setAll(tx, []staged{st}); err != nil {
			return err
		}
		return setMeta(tx, meta)
	}, cs, collection)
}

// Delete removes one feature, or answers geo.ErrNoCollection / geo.ErrNoFeature.
func (s *Store) Delete(collection, id string) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	old := s.snap.Load().colls[collection]
	if old == nil {
		return fmt.Errorf("store: %q: %w", collection, geo.ErrNoCollection)
	}
	if old.byID[id] == nil {
		return fmt.Errorf("store: %q in %q: %w", id, collection, geo.ErrNoFeature)
	}
	var entries []*entry
	for _, o := range old.entries {
		if o.f.ID != id {
			entries = append(entries, o)
		}
	}
	meta := old.meta
	recompute(&meta, entries)
	cs := newCollState(meta, entries)
	return s.commit(func(tx *buntdb.Tx) error {
		if _, err := tx.Delete(featKey(collection, id)); err != nil {
			return fmt.Errorf("store: deleting %q: %w", id, err)
		}
		return setMeta(tx, meta)
	}, cs, collection)
}

// commit runs fn in one BuntDB write transaction, swaps in the
// collection's new state cs and returns once the transaction is on disk.
// Readers are held only for the transaction and the swap, not for the
// work before (repair, encoding, the new state: see stage) nor for the
// fsync: they may see the new state a moment before it is durable, but no
// writer is answered before it is. Callers hold wmu; fn only writes
// what was staged.
func (s *Store) commit(fn func(tx *buntdb.Tx) error, cs *collState, coll string) error {
	s.mu.Lock()
	if err := s.db.Update(fn); err != nil {
		s.mu.Unlock()
		return closedErr(err)
	}
	old := s.snap.Load()
	next := &snapshot{colls: make(map[string]*collState, len(old.colls)+1)}
	for k, v := range old.colls {
		next.colls[k] = v
	}
	next.colls[coll] = cs
	s.snap.Store(next)
	s.mu.Unlock()
	return s.sync()
}

// stage validates, repairs and encodes one feature, outside any
// transaction; index is its position in a batch (-1 for a single write).
func (s *Store) stage(coll string, index int, f *geo.Feature) (staged, error) {
	where := fmt.Sprintf("collection %q feature %q", coll, f.ID)
	if index >= 0 {
		where = fmt.Sprintf("collection %q feature %d (%q)", coll, index, f.ID)
	}
	g, changed, why, err := valid.Repair(f)
	if err != nil {
		return staged{}, fmt.Errorf("store: %s: %w", where, err)
	}
	if changed {
		s.log.Warn("repaired geometry", "collection", coll, "feature", f.ID, "why", why)
	}
	val, err := encodeValue(g, f.Properties)
	if err != nil {
		return staged{}, fmt.Errorf("store: %s: %w: %v", where, geo.ErrInvalid, err)
	}
	// Cache what a reopened store would read: properties as decoded JSON.
	e, err := decodeEntry(f.ID, val)
	if err != nil {
		return staged{}, fmt.Errorf("store: %s: %w", where, err)
	}
	return staged{key: featKey(coll, f.ID), val: val, e: e}, nil
}

// stageAll stages a batch, refusing missing and repeated ids.
func (s *Store) stageAll(coll string, fs []*geo.Feature) ([]staged, error) {
	out := make([]staged, len(fs))
	seen := make(map[string]int, len(fs))
	for i, f := range fs {
		if f == nil {
			return nil, invalidf("collection %q feature %d: null feature", coll, i)
		}
		if f.ID == "" {
			return nil, invalidf("collection %q feature %d: empty id", coll, i)
		}
		if j, dup := seen[f.ID]; dup {
			return nil, invalidf("collection %q feature %d (%q): id repeats feature %d", coll, i, f.ID, j)
		}
		seen[f.ID] = i
		st, err := s.stage(coll, i, f)
		if err != nil {
			return nil, err
		}
		out[i] = st
	}
	return out, nil
}

// staged is a feature ready to store: its key, its stored value and the
// entry a reopened store would read.
type staged struct {
	key, val string
	e        *entry
}

// setAll writes staged features in tx.
func setAll(tx *buntdb.Tx, sts []staged) error {
	for _, st := range sts {
		if _, _, err := tx.Set(st.key, st.val, nil); err != nil {
			return fmt.Errorf("store: %w", err)
		}
	}
	return nil
}

func setMeta(tx *buntdb.Tx, c geo.Collection) error {
	b, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("store: collection %q: %w", c.ID, err)
	}
	if _, _, err := tx.Set(collKey(c.ID), string(b), nil); err != nil {
		return fmt.Errorf("store: collection %q: %w", c.ID, err)
	}
	return nil
}

func mapValues(m map[string]*entry) []*entry {
	out := make([]*entry, 0, len(m))
	for _, e := range m {
		out = append(out, e)
	}
	return out
}
