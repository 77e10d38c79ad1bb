package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"kzmap/geo"
	"kzmap/geo/store"
	"kzmap/geo/tiles"
	"kzmap/geo/tiles/archive"
)

// runTiles writes the vector tiles of one or more collections into a
// PMTiles or MBTiles archive, for static hosting or offline use.
func runTiles(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("tiles", flag.ContinueOnError)
	coll := fs.String("collection", "", "collection id, or several comma-separated (one layer each) (required)")
	minzoom := fs.Int("minzoom", 0, "lowest zoom")
	maxzoom := fs.Int("maxzoom", -1, "highest zoom (required)")
	out := fs.String("out", "", "archive to write: FILE.pmtiles or FILE.mbtiles (required)")
	dbPath := fs.String("db", "data/kzmap.db", "BuntDB database file (:memory: builds the default dataset in memory)")
	dataDir := fs.String("data", "data", "folder with sources/ (boundary files) and events.geojson")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	layers, err := checkTilesArgs(*coll, *minzoom, *maxzoom, *out, fs.Args())
	if err != nil {
		return err
	}

	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	st, _, _, _, err := openDataset(*dbPath, *dataDir, store.DefaultOptions(), log)
	if err != nil {
		return err
	}
	defer st.Close()
	for _, id := range layers {
		if _, err := st.Collection(id); err != nil {
			var have []string
			for _, c := range st.Collections() {
				have = append(have, c.ID)
			}
			return fmt.Errorf("--collection: no collection %q (have %s)", id, strings.Join(have, ", "))
		}
	}

	start := time.Now()
	var bar *progressBar
	if isTerminal(stderr) {
		bar = &progressBar{w: stderr, start: start}
	}
	var progress func(done, total int)
	if bar != nil {
		progress = bar.update
	}
	err = archive.Write(*out, st, layers, *minzoom, *maxzoom, progress)
	if bar != nil {
		bar.finish()
	}
	if err != nil {
		return err
	}
	// The archive is built in a private temporary file (mode 0600); the
	// result is for serving, so make it readable as a file written anew is.
	if err := os.Chmod(*out, 0o644); err != nil {
		return err
	}
	size := int64(0)
	if fi, err := os.Stat(*out); err == nil {
		size = fi.Size()
	}
	fmt.Fprintf(stdout, "wrote %s: %s, zoom %d–%d, %s in %s\n", *out, strings.Join(layers, ","),
		*minzoom, *maxzoom, humanBytes(size), time.Since(start).Round(time.Millisecond))
	return nil
}

// checkTilesArgs checks what can be checked before opening the database
// (which may import the default dataset, a few seconds on a fresh clone).
func checkTilesArgs(coll string, minzoom, maxzoom int, out string, rest []string) ([]string, error) {
	if len(rest) > 0 {
		return nil, fmt.Errorf("unexpected argument %q", rest[0])
	}
	if coll == "" {
		return nil, errors.New("--collection is required")
	}
	layers := strings.Split(coll, ",")
	seen := map[string]bool{}
	for _, id := range layers {
		if !geo.ValidCollectionID(id) {
			return nil, fmt.Errorf("--collection %q: ids are 1 to 100 letters, digits, '_', '-' or '.', comma-separated", coll)
		}
		if seen[id] {
			return nil, fmt.Errorf("--collection %q: %s given twice", coll, id)
		}
		seen[id] = true
	}
	if maxzoom < 0 {
		return nil, errors.New("--maxzoom is required")
	}
	if minzoom < 0 || maxzoom > tiles.MaxZoom || minzoom > maxzoom {
		return nil, fmt.Errorf("--minzoom %d --maxzoom %d: want 0 ≤ minzoom ≤ maxzoom ≤ %d", minzoom, maxzoom, tiles.MaxZoom)
	}
	if out == "" {
		return nil, errors.New("--out is required (FILE.pmtiles or FILE.mbtiles)")
	}
	switch strings.ToLower(filepath.Ext(out)) {
	case ".pmtiles", ".mbtiles":
	default:
		return nil, fmt.Errorf("--out %q: the name must end in .pmtiles or .mbtiles", out)
	}
	if fi, err := os.Stat(filepath.Dir(out)); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("--out %q: folder %s does not exist", out, filepath.Dir(out))
	}
	return layers, nil
}

// isTerminal reports whether w is a character device (a terminal), where a
// redrawn progress bar makes sense; logs and pipes get one summary line.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// progressBar redraws one line on a terminal, at most ten times a second.
type progressBar struct {
	w     io.Writer
	start time.Time

	mu          sync.Mutex
	last        time.Time
	done, total int
	drawn       bool
}

func (p *progressBar) update(done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done, p.total = done, total
	if now := time.Now(); now.Sub(p.last) >= 100*time.Millisecond || done == total {
		p.last = now
		p.draw()
	}
}

func (p *progressBar) draw() {
	const width = 30
	frac := 0.0
	if p.total > 0 {
		frac = float64(p.done) / float64(p.total)
	}
	n := int(frac * width)
	fmt.Fprintf(p.w, "\r[%s%s] %3.0f%% %d/%d tiles %s", strings.Repeat("#", n), strings.Repeat(".", width-n),
		frac*100, p.done, p.total, time.Since(p.start).Round(100*time.Millisecond))
	p.drawn = true
}

func (p *progressBar) finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		p.draw()
		fmt.Fprintln(p.w)
	}
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
