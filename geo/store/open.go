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
// candidates and tests them exactly with the prepared geometry. Derived
// properties (Derive) live only in that snapshot. BuntDB appends every
// write to its file; the store compacts it while open (compact.go).
package store

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"
	"github.com/tidwall/buntdb"

	"kzmap/geo"
	"kzmap/geo/prepared"
)

// Store is a geo.Store kept in a BuntDB file. It is safe for concurrent use.
type Store struct {
	db   *buntdb.DB
	file *os.File // the database file, for sync; nil in memory
	lock *os.File // held for the store's life (see lockFile); nil in memory
	log  *slog.Logger

	recovered Recovery // what Open's Recover repaired
	path      string
	opts      Options

	// Compaction (compact.go), under wmu: live is the live data's size
	// when last measured, dirDirty is set while a rename awaits its
	// folder's sync; bg runs a compaction in the background.
	live     int64
	dirDirty bool
	// syncErr, once set (under wmu), refuses every later write: after a
	// failed fsync the kernel may have dropped the dirty pages, so a later
	// fsync that succeeds would prove nothing, a batch's undo log may be
	// left in the file, and what derives from the store missed the write.
	// The process must restart, and Recover then makes the file
	// consistent (PostgreSQL stops on a failed fsync for the same reason).
	syncErr     error
	closed      bool
	compactions int
	compacting  atomic.Bool
	bg          sync.WaitGroup

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

// Options tune a store; DefaultOptions are kzmap's.
type Options struct {
	// While the store is open, its append-only file is compacted
	// (rewritten with only the live records, see compact.go) once it is
	// larger than CompactRatio times its live data and than CompactMin
	// bytes. CompactRatio 0 never compacts.
	CompactRatio float64
	CompactMin   int64
}

// DefaultOptions compact a file at twice its live size, from 1 MB.
func DefaultOptions() Options { return Options{CompactRatio: 2, CompactMin: 1 << 20} }

// Open opens (or creates) the store at path with DefaultOptions; see OpenWith.
func Open(path string, log *slog.Logger) (*Store, error) {
	return OpenWith(path, DefaultOptions(), log)
}

// OpenWith opens (or creates) the store at path; ":memory:" keeps nothing
// on disk. A nil log discards. Only one process may have a database open
// (ErrLocked). What a crash left half-done is repaired before it returns
// (see Recover and Recovered), so every command that opens a database sees
// a consistent one; a file past its compaction threshold is compacted.
func OpenWith(path string, o Options, log *slog.Logger) (*Store, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var lock *os.File
	if path != ":memory:" {
		var err error
		if lock, err = lockFile(path); err != nil {
			return nil, err
		}
		// A compaction cut short by a crash leaves its copy behind; the
		// database file itself is whole (see compact).
		if err := os.Remove(compactPath(path)); err != nil && !errors.Is(err, os.ErrNotExist) {
			lock.Close()
			return nil, fmt.Errorf("store: %w", err)
		}
	}
	db, err := openDB(path)
	if err != nil {
		if lock != nil {
			lock.Close()
		}
		return nil, err
	}
	s := &Store{db: db, lock: lock, log: log, path: path, opts: o}
	if path != ":memory:" {
		if s.file, err = os.Open(path); err != nil {
			db.Close()
			if lock != nil {
				lock.Close()
			}
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
	s.wmu.Lock()
	err = s.compactIfDue(false)
	s.wmu.Unlock()
	if err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// openDB opens a BuntDB file with the store's configuration.
func openDB(path string) (*buntdb.DB, error) {
	db, err := buntdb.Open(path)
	if err != nil {
		return nil, fmt.Errorf("store: opening %s: %w", path, err)
	}
	var cfg buntdb.Config
	if err := db.ReadConfig(&cfg); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: %w", err)
	}
	// BuntDB would fsync inside its lock, so that every reader of its index
	// waited for the disk on every write; the store fsyncs itself after the
	// lock is released (see sync). BuntDB's own shrink replaces the file
	// without syncing the copy, and the store's handle would miss the new
	// file: the store compacts itself (compact.go).
	cfg.SyncPolicy = buntdb.Never
	cfg.AutoShrinkDisabled = true
	if err := db.SetConfig(cfg); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: %w", err)
	}
	return db, nil
}

// Recovered says what Open repaired.
func (s *Store) Recovered() Recovery { return s.recovered }

// sync makes every committed transaction durable. fsync applies to the
// file, not the descriptor, so the store's read-only handle flushes what
// BuntDB wrote through its own; unlike BuntDB, the error is reported.
func (s *Store) sync() error {
	if s.file == nil {
		return nil
	}
	if s.syncErr != nil {
		return s.syncErr
	}
	if s.dirDirty {
		// A compaction renamed its copy into place, but syncing the
		// folder failed: until it succeeds, nothing is durable.
		if err := syncDir(s.path); err != nil {
			return s.failSync(err)
		}
		s.dirDirty = false
	}
	if err := s.file.Sync(); err != nil {
		return s.failSync(err)
	}
	return nil
}

// ErrNotDurable wraps the error of a failed fsync: the write that met it
// was not acknowledged, and the store takes no further writes (see
// Store.syncErr); reads go on.
var ErrNotDurable = errors.New("store: the database file could not be synced to disk; writes are refused until kzmap is restarted")

// failSync records a failed fsync and returns the error every later write
// gets. Callers hold wmu.
func (s *Store) failSync(err error) error {
	s.syncErr = fmt.Errorf("%w: %v", ErrNotDurable, err)
	s.log.Error("store: fsync failed; refusing further writes", "file", s.path, "err", err)
	return s.syncErr
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
		if err := createIndex(s.db, c.ID); err != nil {
			return nil, err
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

// createIndex creates the spatial index of collection id in db.
func createIndex(db *buntdb.DB, id string) error {
	if err := db.CreateSpatialIndex(indexName(id), indexPattern(id), rect); err != nil && !errors.Is(err, buntdb.ErrIndexExists) {
		return fmt.Errorf("store: index for %s: %w", id, err)
	}
	return nil
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
	return newCollStateGrid(meta, shared, nil)
}

// newCollStateGrid is newCollState reusing the layout of grid, built over
// the same geometries with the same ids (nil: a new grid).
func newCollStateGrid(meta geo.Collection, shared []*entry, grid *grid) *collState {
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
	if grid != nil {
		cs.grid = grid.remap(entries)
	} else {
		cs.grid = newGrid(meta.Bound, entries)
	}
	return cs
}

// Close releases the database, after a compaction under way.
func (s *Store) Close() error {
	defer s.bg.Wait()
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.closed = true
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

var _ geo.Writer = (*Store)(nil)

func closedErr(err error) error {
	if errors.Is(err, buntdb.ErrDatabaseClosed) {
		return ErrClosed
	}
	return err
}
