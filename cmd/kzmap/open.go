package main

import (
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/tidwall/buntdb"

	"kzmap/geo/dataset"
	"kzmap/geo/store"
	"kzmap/geo/writes"
)

// openDataset opens the database at dbPath and, when it does not hold the
// default dataset yet, imports it from dataDir (sources/ and events.geojson,
// or the built-in events) through the write service it returns, whose
// first follower keeps the regions' event counts (Reset: derived from the
// events before it returns). It also returns the name aliases for the
// search index and whether it imported. serve and tiles share it, so that
// `kzmap tiles` on a fresh clone works as `kzmap serve` does; both get a
// database that store.Open has recovered after a crash, with its region
// counts derived.
func openDataset(dbPath, dataDir string, opts store.Options, log *slog.Logger) (st *store.Store, svc *writes.Service, aliases []byte, imported bool, err error) {
	st, err = store.OpenWith(dbPath, opts, log)
	if err != nil {
		return nil, nil, nil, false, corruptHint(dbPath, err)
	}
	defer func() {
		if err != nil {
			st.Close()
			st = nil
		}
	}()
	events, aliases, err := projectData(dataDir)
	if err != nil {
		return nil, nil, nil, false, err
	}
	svc = writes.New(st, log, dataset.NewCounts(st, log))
	imported, err = dataset.Ensure(svc, filepath.Join(dataDir, "sources"), events, log)
	if err != nil {
		return nil, nil, nil, false, err
	}
	if err := svc.Reset(); err != nil {
		return nil, nil, nil, false, err
	}
	return st, svc, aliases, imported, nil
}

// corruptHint turns a database that BuntDB cannot parse into a one-line
// message saying what to do: the server must not start empty over it.
func corruptHint(path string, err error) error {
	if errors.Is(err, buntdb.ErrInvalid) {
		return fmt.Errorf("database %s is corrupt (%w); nothing was served and the file was left as it is: "+
			"restore a copy made by `kzmap backup` or move the file away to start afresh", path, err)
	}
	return err
}
