package main

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/tidwall/buntdb"

	"kzmap/geo/dataset"
	"kzmap/geo/store"
)

// corruptHint turns a database that BuntDB cannot parse into a one-line
// message saying what to do: the server must not start empty over it.
func corruptHint(path string, err error) error {
	if errors.Is(err, buntdb.ErrInvalid) {
		return fmt.Errorf("database %s is corrupt (%w); nothing was served and the file was left as it is: "+
			"restore a copy made by `kzmap backup` or move the file away to start afresh", path, err)
	}
	return err
}

// recoverStore undoes what a crash left half-done (store.Recover) and logs it.
func recoverStore(st *store.Store, log *slog.Logger) error {
	rec, err := st.Recover()
	if err != nil {
		return fmt.Errorf("recovering the database: %w", err)
	}
	if rec.Changed() {
		log.Warn("recovered the database after a crash", "rolled_back_batch_in", rec.RolledBack,
			"created_undone", rec.Created, "restored", rec.Restored, "metadata_recomputed", rec.Metadata)
	}
	// Region event counts are written after the event itself; a crash in
	// between leaves them stale.
	stale, err := dataset.RecountAll(st)
	if err != nil {
		return fmt.Errorf("recounting region events: %w", err)
	}
	for coll, regions := range stale {
		if err := st.PutMany(coll, regions); err != nil {
			return fmt.Errorf("recounting region events: %w", err)
		}
		log.Warn("recomputed stale region event counts", "collection", coll, "regions", len(regions))
	}
	return nil
}
