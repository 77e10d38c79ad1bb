package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"kzmap/geo/store"
)

// runBackup makes a consistent copy of a database: from the file (--db),
// which a server may be writing meanwhile, or from a running server
// (--url, GET /admin/snapshot with the token).
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	db := fs.String("db", "", "database file to copy (a server may be running on it)")
	url := fs.String("url", "", "or: base URL of a running kzmap server to take the snapshot from (needs --token)")
	token := fs.String("token", "", "the server's bearer token, with --url (prefer KZMAP_TOKEN)")
	out := fs.String("out", "", "file to write the copy to (replaced atomically)")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if err := noArgs(fs); err != nil {
		return err
	}
	switch {
	case *out == "":
		return errors.New("--out FILE is required")
	case (*db == "") == (*url == ""):
		return errors.New("give either --db FILE or --url URL")
	}
	start := time.Now()
	if *db != "" {
		if abs(*db) == abs(*out) {
			return errors.New("--out must differ from --db")
		}
		info, err := store.Backup(*db, *out, slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
		if err != nil {
			return err
		}
		note := ""
		if info.TornTail {
			note = " (left out a write in progress at the end of the file)"
		}
		fmt.Fprintf(stdout, "kzmap backup: %s → %s: %d collections, %d features, %d bytes in %s%s\n",
			*db, *out, info.Collections, info.Features, info.Bytes, time.Since(start).Round(time.Millisecond), note)
		return nil
	}
	n, err := fetchSnapshot(ctx, strings.TrimRight(*url, "/")+"/admin/snapshot", *token, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "kzmap backup: %s → %s: %d bytes in %s\n", *url, *out, n, time.Since(start).Round(time.Millisecond))
	return nil
}

func abs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}

// fetchSnapshot downloads a server's snapshot and installs it at out as
// store.Backup installs a copy (checked, synced, renamed into place).
func fetchSnapshot(ctx context.Context, url, token, out string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 2048))
		return 0, fmt.Errorf("%s: %s: %s", url, resp.Status, strings.TrimSpace(string(b)))
	}
	info, err := store.InstallSnapshot(resp.Body, out, nil)
	if err != nil {
		return 0, fmt.Errorf("the snapshot: %w", err)
	}
	return info.Bytes, nil
}
