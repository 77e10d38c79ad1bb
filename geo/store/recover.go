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
// restore the stored values of those it replaced.
type undoLog struct {
	Collection string            `json:"collection"`
	Created    []string          `json:"created"`
	Replaced   map[string]string `json:"replaced"` // feature id → stored value
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
