package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"kzmap/data"
	"kzmap/geo/dataset"
	"kzmap/geo/store"
	"kzmap/handlers"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	dbPath := fs.String("db", "data/kzmap.db", "BuntDB database file (:memory: keeps nothing on disk)")
	dataDir := fs.String("data", "data", "folder with sources/ (boundary files), events.geojson and aliases.json")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))

	start := time.Now()
	st, err := store.Open(*dbPath, log)
	if err != nil {
		return err
	}
	defer st.Close()
	events, aliases, err := projectData(*dataDir)
	if err != nil {
		return err
	}
	imported, err := dataset.Ensure(st, filepath.Join(*dataDir, "sources"), events, log)
	if err != nil {
		return err
	}
	ix, err := dataset.SearchIndex(st, aliases)
	if err != nil {
		return err
	}
	e := handlers.New(handlers.Config{Store: st, Names: ix, Log: log, Version: version})

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           e,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	log.Info("serving", "addr", "http://"+ln.Addr().String(), "db", *dbPath,
		"imported_default_dataset", imported, "startup", time.Since(start).String())
	fmt.Fprintf(stdout, "kzmap serving on http://%s\n", ln.Addr())

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// projectData returns the events and aliases: the files in dataDir when they
// exist (so that an edited copy is used), otherwise the copies built into the binary.
func projectData(dataDir string) (events, aliases []byte, err error) {
	events, err = readOr(filepath.Join(dataDir, "events.geojson"), data.EventsGeoJSON)
	if err != nil {
		return nil, nil, err
	}
	aliases, err = readOr(filepath.Join(dataDir, "aliases.json"), data.AliasesJSON)
	return events, aliases, err
}

func readOr(path string, builtin []byte) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return builtin, nil
	}
	return b, err
}
