package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"kzmap/assets"
	"kzmap/data"
	"kzmap/geo/changes"
	"kzmap/geo/dataset"
	"kzmap/geo/tiles"
	"kzmap/geo/writes"
	"kzmap/handlers"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	dbPath := fs.String("db", "data/kzmap.db", "BuntDB database file (:memory: keeps nothing on disk)")
	dataDir := fs.String("data", "data", "folder with sources/ (boundary files), events.geojson and aliases.json")
	tileCacheMB := fs.Int("tile-cache", 256, "tile cache size in MB (0 turns caching off)")
	limits := addServeLimits(fs) // --rate --burst --cors --max-body --log-level --*-timeout
	token := fs.String("token", "", "bearer token that enables writes (POST/PUT/DELETE); empty: read-only, writes answer 405. Prefer KZMAP_TOKEN to the command line")
	maxVertices := fs.Int("max-vertices", handlers.DefaultMaxVertices, "most positions one written feature may have")
	compact := addCompactFlags(fs) // --compact-ratio --compact-min
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	if err := limits.check(); err != nil {
		return err
	}
	if err := compact.check(); err != nil {
		return err
	}
	if *tileCacheMB < 0 {
		return fmt.Errorf("--tile-cache %d: must be 0 or more (MB)", *tileCacheMB)
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: limits.level}))
	// Access log lines are written in batches (handlers.LogBuffer); what is
	// left is written when serve returns, after in-flight requests ended.
	accessOut := handlers.NewLogBuffer(stderr)
	defer accessOut.Close()
	accessLog := slog.New(slog.NewJSONHandler(accessOut, &slog.HandlerOptions{Level: limits.level}))

	start := time.Now()
	st, svc, aliases, imported, err := openDataset(*dbPath, *dataDir, compact.options(), log)
	if err != nil {
		return err
	}
	defer st.Close()
	// What writes keep up to date, after the region counts: the search
	// index (filled from the store here), cached tiles, the change feed.
	ix, err := dataset.NewSearchIndex(aliases)
	if err != nil {
		return err
	}
	names := writes.NewNames(ix, st)
	if err := names.Reset(); err != nil {
		return err
	}
	tileCache := tiles.NewCache(int64(*tileCacheMB) << 20)
	feed := changes.New(changes.Options{}) // the change feed of writes
	svc.Follow(names, writes.NewTileCache(tileCache), writes.NewFeed(feed))
	var ready atomic.Bool // /readyz: true from here until shutdown begins
	ready.Store(true)
	webMap := assets.Handler()
	pageScript, pageStyle := assets.Page()
	e := handlers.New(handlers.Config{Store: st, Names: ix, Log: log, AccessLog: accessLog, Version: version,
		Rate: *limits.rate, Burst: *limits.burst, CORSOrigins: limits.origins, MaxBody: limits.maxBody(), Ready: ready.Load,
		Tiles: tileCache,
		// The web map: the page at / for browsers, its files under /assets/.
		MapPage: webMap, Static: webMap,
		// The maps of the OGC API HTML pages, from the same files.
		Pages: handlers.PageAssets{Script: pageScript, Style: pageStyle},
		Token: *token, MaxVertices: *maxVertices, Changes: feed, Writes: svc})

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := limits.server(e)
	srv.RegisterOnShutdown(feed.Close) // ends open change streams, so Shutdown need not wait for them
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
	ready.Store(false)
	// Shutdown stops accepting at once and waits for in-flight requests.
	shutdownCtx, cancel := context.WithTimeout(context.Background(), *limits.shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		// Requests outlived the timeout: cut them off before the database
		// closes under them.
		srv.Close()
		return fmt.Errorf("shutting down: requests still running after %s were cut off: %w", *limits.shutdownTimeout, err)
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
