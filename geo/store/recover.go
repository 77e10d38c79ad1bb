package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/tidwall/buntdb"
)

// undoKey holds the undo log of a multi-feature write while it is being
// committed. BuntDB writes a transaction as one buffer of SET/DEL records in
// map order, and a process killed mid-write leaves a prefix of them: on
// reopening BuntDB drops the torn record but keeps the whole ones before it.
// For a batch that must land all or none, PutMany therefore commits the undo
// log first, then the batch, then deletes the log; Recover applies a log
// still present, rolling back a batch that was never acknowledged.
const undoKey = "w:undo"

// undoLog says how to take back one batch: delete the features it created,
// restore the stored values of those it replaced or deleted and the
// collection's metadata; for an import that made the collection (New),
// delete every feature of it and its metadata.
type undoLog struct {
	Collection string
	Created    []string
	Replaced   map[string]string // feature id → stored value (binary)
	Meta       string
	New        bool
}

// undoJSON is the undo log on disk. Stored feature values are binary (WKB),
// so they are written as bytes (base64): as JSON strings, invalid UTF-8
// would come back as U+FFFD and a rollback would restore corrupt features.
// Logs written before carried them as strings ("replaced"); they are still
// read.
type undoJSON struct {
	Collection string            `json:"collection"`
	Created    []string          `json:"created"`
	Values     map[string][]byte `json:"replaced_values,omitempty"`
	Legacy     map[string]string `json:"replaced,omitempty"`
	Meta       string            `json:"meta,omitempty"`
	New        bool              `json:"new,omitempty"`
}

func (u undoLog) MarshalJSON() ([]byte, error) {
	j := undoJSON{Collection: u.Collection, Created: u.Created, Meta: u.Meta, New: u.New,
		Values: make(map[string][]byte, len(u.Replaced))}
	for id, v := range u.Replaced {
		j.Values[id] = []byte(v)
	}
	return json.Marshal(j)
}

func (u *undoLog) UnmarshalJSON(b []byte) error {
	var j undoJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*u = undoLog{Collection: j.Collection, Created: j.Created, Meta: j.Meta, New: j.New, Replaced: j.Legacy}
	if u.Replaced == nil {
		u.Replaced = make(map[string]string, len(j.Values))
	}
	for id, v := range j.Values {
		u.Replaced[id] = string(v)
	}
	return nil
}

// logged runs commit, a multi-record write of one transaction, all or none
// across a crash: the undo log is committed and synced first and deleted
// after. Callers hold wmu.
func (s *Store) logged(undo undoLog, commit func() error) error {
	b, err := json.Marshal(undo)
	if err != nil {
		return fmt.Errorf("store: writing undo log: %w", err)
	}
	err = s.db.Update(func(tx *buntdb.Tx) error {
		_, _, err := tx.Set(undoKey, string(b), nil)
		return err
	})
	if err == nil {
		err = s.sync() // the log must be on disk before any of the batch
	}
	if err != nil {
		return fmt.Errorf("store: writing undo log: %w", closedErr(err))
	}
	err = commit()
	// The batch failed (and was rolled back) or is on disk: either way the
	// log has served. If deleting it fails the batch must not be
	// acknowledged, since Recover would undo it at the next start.
	derr := s.db.Update(func(tx *buntdb.Tx) error {
		_, err := tx.Delete(undoKey)
		return err
	})
	if derr == nil {
		derr = s.sync()
	}
	if derr != nil && err == nil {
		err = fmt.Errorf("store: clearing undo log: %w", closedErr(derr))
	}
	return err
}

// Recovery says what Recover repaired.
type Recovery struct {
	// RolledBack is the collection of a batch write that was cut short by
	// a crash and has been undone ("" when there was none).
	RolledBack string
	// Created and Restored count the features of that batch deleted and
	// put back.
	Created, Restored int
	// Metadata lists the collections whose stored metadata (count, extent,
	// fields) disagreed with their features and was recomputed.
	Metadata []string
}

// Changed reports whether Recover repaired anything.
func (r Recovery) Changed() bool { return r.RolledBack != "" || len(r.Metadata) > 0 }

// Recover makes the store consistent after a crash: it undoes a batch
// write that was interrupted (see undoKey) and recomputes collection
// metadata that a torn last transaction left stale. Open runs it; on a
// consistent store it changes nothing.
func (s *Store) Recover() (Recovery, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	var rec Recovery
	var raw string
	err := s.db.View(func(tx *buntdb.Tx) error {
		var err error
		raw, err = tx.Get(undoKey)
		if errors.Is(err, buntdb.ErrNotFound) {
			return nil
		}
		return err
	})
	if err != nil {
		return rec, fmt.Errorf("store: reading undo log: %w", err)
	}
	if raw != "" {
		var undo undoLog
		if err := json.Unmarshal([]byte(raw), &undo); err != nil {
			return rec, fmt.Errorf("store: undo log: %w: %v", errCorrupt, err)
		}
		err := s.db.Update(func(tx *buntdb.Tx) error {
			if undo.New {
				var keys []string
				tx.AscendKeys(indexPattern(undo.Collection), func(k, _ string) bool {
					keys = append(keys, k)
					return true
				})
				keys = append(keys, collKey(undo.Collection))
				for _, k := range keys {
					if _, err := tx.Delete(k); err != nil && !errors.Is(err, buntdb.ErrNotFound) {
						return err
					}
				}
			}
			if undo.Meta != "" {
				if _, _, err := tx.Set(collKey(undo.Collection), undo.Meta, nil); err != nil {
					return err
				}
			}
			for _, id := range undo.Created {
				if _, err := tx.Delete(featKey(undo.Collection, id)); err != nil && !errors.Is(err, buntdb.ErrNotFound) {
					return err
				}
			}
			for id, v := range undo.Replaced {
				if _, _, err := tx.Set(featKey(undo.Collection, id), v, nil); err != nil {
					return err
				}
			}
			_, err := tx.Delete(undoKey)
			return err
		})
		if err == nil {
			err = s.sync()
		}
		if err != nil {
			return rec, fmt.Errorf("store: applying undo log: %w", err)
		}
		rec.RolledBack, rec.Created, rec.Restored = undo.Collection, len(undo.Created), len(undo.Replaced)
		snap, err := s.load()
		if err != nil {
			return rec, err
		}
		s.snap.Store(snap)
		s.log.Warn("rolled back a batch write interrupted by a crash", "collection", undo.Collection,
			"created", len(undo.Created), "restored", len(undo.Replaced))
	}
	snap := s.snap.Load()
	ids := make([]string, 0, len(snap.colls))
	for id := range snap.colls {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		cs := snap.colls[id]
		meta := copyMeta(cs.meta)
		recompute(&meta, cs.entries)
		was, _ := json.Marshal(cs.meta)
		now, _ := json.Marshal(meta)
		if string(was) == string(now) {
			continue
		}
		entries := cs.entries
		if err := s.commit(func(tx *buntdb.Tx) error { return setMeta(tx, meta) },
			newCollState(meta, entries), id); err != nil {
			return rec, err
		}
		rec.Metadata = append(rec.Metadata, id)
		s.log.Warn("recomputed collection metadata left stale by a crash", "collection", id)
	}
	return rec, nil
}
