package main

import (
	"log/slog"
	"path/filepath"

	"kzmap/geo/dataset"
	"kzmap/geo/store"
)

// openDataset opens the database at dbPath and, when it does not hold the
// default dataset yet, imports it from dataDir (sources/ and events.geojson,
// or the built-in events). It returns the name aliases for the search index
// and whether it imported. serve and tiles share it, so that `kzmap tiles`
// on a fresh clone works as `kzmap serve` does.
func openDataset(dbPath, dataDir string, log *slog.Logger) (st *store.Store, aliases []byte, imported bool, err error) {
	st, err = store.Open(dbPath, log)
	if err != nil {
		return nil, nil, false, err
	}
	defer func() {
		if err != nil {
			st.Close()
			st = nil
		}
	}()
	events, aliases, err := projectData(dataDir)
	if err != nil {
		return nil, nil, false, err
	}
	imported, err = dataset.Ensure(st, filepath.Join(dataDir, "sources"), events, log)
	if err != nil {
		return nil, nil, false, err
	}
	return st, aliases, imported, nil
}
