package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strconv"

	"kzmap/geo"
	"kzmap/geo/reader"
	"kzmap/geo/store"
	"kzmap/geo/valid"
	"kzmap/geo/writes"
)

func runImport(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	coll := fs.String("collection", "", "collection id (required)")
	title := fs.String("title", "", "collection title (default: the id)")
	replace := fs.Bool("replace", false, "drop the collection's features before importing")
	idProp := fs.String("id-property", "", "property that holds each feature's id (default: the file's ids, else numbers: 1, 2, … or, when adding to a collection, after its highest)")
	dbPath := fs.String("db", "data/kzmap.db", "BuntDB database file")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if *coll == "" {
		return errors.New("--collection is required")
	}
	if !geo.ValidCollectionID(*coll) {
		return fmt.Errorf("--collection %q: use 1 to 100 letters, digits, '_', '-' or '.'", *coll)
	}
	if fs.NArg() == 0 {
		return errors.New("no input files")
	}
	var all, unnamed []*geo.Feature
	for _, path := range fs.Args() {
		fsIn, err := reader.ReadFile(path)
		if err != nil {
			return err
		}
		for i, f := range fsIn {
			if *idProp != "" {
				id := fmt.Sprint(f.Properties[*idProp])
				if f.Properties[*idProp] == nil || id == "" {
					return fmt.Errorf("%s: feature %d: no %q property for its id", path, i+1, *idProp)
				}
				f.ID = id
			} else if f.ID == "" {
				unnamed = append(unnamed, f) // numbered below
			}
			// Checked here as well as in the store so that the error names
			// the file; the store only sees one batch.
			if _, _, _, err := valid.Repair(f); err != nil {
				if f.ID == "" {
					return fmt.Errorf("%s: feature %d: %w", path, i+1, err)
				}
				return fmt.Errorf("%s: feature %d (id %q): %w", path, i+1, f.ID, err)
			}
			all = append(all, f)
		}
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	st, err := store.Open(*dbPath, log)
	if err != nil {
		return corruptHint(*dbPath, err)
	}
	defer st.Close()
	next := 1 // the number of the first feature without an id
	if _, err := st.Collection(*coll); err == nil && !*replace {
		// Appending: number after the features already there, so that
		// "1", "2", … do not replace those of an earlier import.
		if next, err = nextNumber(st, *coll); err != nil {
			return err
		}
	}
	for i, f := range unnamed {
		f.ID = strconv.Itoa(next + i)
	}
	// Through the write service like every write; what derives from the
	// features (region counts, the search index) lives in the server's
	// memory and is rebuilt when it starts, so nothing follows here.
	meta := func(old geo.Collection, exists bool) geo.Collection {
		c := old
		if !exists {
			c = geo.Collection{ID: *coll, Title: *coll, SearchFields: []string{"name", "name_en", "name_kk", "name_ru", "title"}, Rank: 5}
		}
		if *title != "" {
			c.Title = *title
		}
		return c
	}
	if _, err := writes.New(st, log).Import(*coll, all, *replace, meta); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "imported %d features into %s\n", len(all), *coll)
	return nil
}

// nextNumber is one more than the largest whole-number id in collection
// (1 when there is none).
func nextNumber(st *store.Store, collection string) (int, error) {
	page, err := st.Items(collection, geo.Query{})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, f := range page.Features {
		if v, err := strconv.Atoi(f.ID); err == nil && v > n {
			n = v
		}
	}
	return n + 1, nil
}
