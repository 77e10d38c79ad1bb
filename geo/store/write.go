package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/tidwall/buntdb"

	"kzmap/geo"
	"kzmap/geo/valid"
)

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
	if s.syncErr != nil {
		return s.syncErr
	}
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
	undo, err := s.importUndo(c.ID, old != nil, replace, sts)
	if err != nil {
		return err
	}
	return s.logged(undo, func() error {
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
	})
}

// importUndo is the undo log of an import: for a new collection, take it
// away whole; otherwise restore its metadata and the stored values of the
// features the import replaces or (with replace) deletes, and delete those
// it creates. A replacing import thus logs the old collection once.
func (s *Store) importUndo(coll string, exists, replace bool, sts []staged) (undoLog, error) {
	undo := undoLog{Collection: coll, New: !exists, Replaced: map[string]string{}}
	if !exists {
		return undo, nil
	}
	err := s.db.View(func(tx *buntdb.Tx) error {
		var err error
		if undo.Meta, err = tx.Get(collKey(coll)); err != nil {
			return err
		}
		if replace {
			tx.AscendKeys(indexPattern(coll), func(k, v string) bool {
				undo.Replaced[strings.TrimPrefix(k, featPrefix(coll))] = v
				return true
			})
		}
		for _, st := range sts {
			id := st.e.f.ID
			if _, ok := undo.Replaced[id]; ok {
				continue
			}
			v, err := tx.Get(featKey(coll, id))
			switch {
			case errors.Is(err, buntdb.ErrNotFound):
				undo.Created = append(undo.Created, id)
			case err != nil:
				return err
			default:
				undo.Replaced[id] = v
			}
		}
		return nil
	})
	if err != nil {
		return undo, fmt.Errorf("store: writing undo log: %w", closedErr(err))
	}
	return undo, nil
}

// existing is the state of a collection that a write may change, or the
// error the write answers: the store refuses writes (see syncErr), or there
// is no such collection. Callers hold wmu.
func (s *Store) existing(collection string) (*collState, error) {
	if s.syncErr != nil {
		return nil, s.syncErr
	}
	old := s.snap.Load().colls[collection]
	if old == nil {
		return nil, fmt.Errorf("store: %q: %w", collection, geo.ErrNoCollection)
	}
	return old, nil
}

// Put adds or replaces one feature of an existing collection, validated and
// repaired as in Import, in one durable transaction.
func (s *Store) Put(collection string, f *geo.Feature) error {
	if f == nil || f.ID == "" {
		return invalidf("collection %q: feature without id", collection)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	old, err := s.existing(collection)
	if err != nil {
		return err
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
	old, err := s.existing(collection)
	if err != nil {
		return err
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
// collection's new state cs and returns once the transaction is on disk,
// starting a compaction when the file is due one.
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
	s.swap(coll, cs)
	s.mu.Unlock()
	if err := s.sync(); err != nil {
		return err
	}
	if err := s.compactIfDue(true); err != nil {
		s.log.Error("store: checking the database file's size", "file", s.path, "err", err)
	}
	return nil
}

// swap makes cs the state of collection coll. Callers hold wmu and mu.
func (s *Store) swap(coll string, cs *collState) {
	old := s.snap.Load()
	next := &snapshot{colls: make(map[string]*collState, len(old.colls)+1)}
	for k, v := range old.colls {
		next.colls[k] = v
	}
	next.colls[coll] = cs
	s.snap.Store(next)
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

// PutMany adds or replaces features of an existing collection, validated
// and repaired as in Import: all of them are stored or, on any error, none.
// An error names the feature by its index in fs.
func (s *Store) PutMany(collection string, fs []*geo.Feature) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	old, err := s.existing(collection)
	if err != nil {
		return err
	}
	sts, err := s.stageAll(collection, fs)
	if err != nil {
		return err
	}
	// One record per feature plus the metadata: with a single feature a
	// torn tail loses the feature or only the metadata, which Recover
	// recomputes, so the undo log is needed only for real batches.
	var undo undoLog
	if len(fs) > 1 {
		undo = undoLog{Collection: collection, Replaced: map[string]string{}}
		err := s.db.View(func(tx *buntdb.Tx) error {
			for _, f := range fs {
				v, err := tx.Get(featKey(collection, f.ID))
				switch {
				case errors.Is(err, buntdb.ErrNotFound):
					undo.Created = append(undo.Created, f.ID)
				case err != nil:
					return err
				default:
					undo.Replaced[f.ID] = v
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("store: writing undo log: %w", closedErr(err))
		}
	}
	byID := make(map[string]*entry, len(old.entries)+len(fs))
	for _, e := range old.entries {
		byID[e.f.ID] = e
	}
	for _, st := range sts {
		byID[st.e.f.ID] = st.e
	}
	meta := old.meta
	entries := mapValues(byID)
	recompute(&meta, entries)
	commit := func() error {
		return s.commit(func(tx *buntdb.Tx) error {
			if err := setAll(tx, sts); err != nil {
				return err
			}
			return setMeta(tx, meta)
		}, newCollState(meta, entries), collection)
	}
	if len(fs) > 1 {
		return s.logged(undo, commit)
	}
	return commit()
}
