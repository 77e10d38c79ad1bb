package store

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/tidwall/buntdb"
)

// BackupInfo describes a copy made by Backup.
type BackupInfo struct {
	Bytes int64 // size of the copy
	// TornTail is true when the source ended in the middle of a record: a
	// write in progress (never acknowledged), left out of the copy.
	TornTail              bool
	Recovery              Recovery // what Recover repaired in the copy
	Collections, Features int
}

// Backup copies the database file src to dst while a server may be
// appending to src. The source is only read (BuntDB's Open would truncate a
// torn tail, under a running server's feet): its records are loaded into
// memory up to the last complete one, written out compacted to a temporary
// file, checked by opening it as a store (with Recover, which undoes a batch
// write caught half-way), synced, and renamed to dst. dst is never left
// half-written.
func Backup(src, dst string, log *slog.Logger) (BackupInfo, error) {
	var info BackupInfo
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	in, err := os.Open(src)
	if err != nil {
		return info, fmt.Errorf("store: backup: %w", err)
	}
	defer in.Close()
	mem, err := buntdb.Open(":memory:")
	if err != nil {
		return info, fmt.Errorf("store: backup: %w", err)
	}
	defer mem.Close()
	torn := false
	switch err := mem.Load(in); {
	case errors.Is(err, io.ErrUnexpectedEOF):
		torn = true
	case errors.Is(err, buntdb.ErrInvalid):
		return info, fmt.Errorf("store: backup: %s is corrupt (%w); it cannot be copied consistently", src, err)
	case err != nil:
		return info, fmt.Errorf("store: backup: reading %s: %w", src, err)
	}

	info, err = install(dst, mem.Save, log)
	info.TornTail = torn
	return info, err
}

// InstallSnapshot writes a database file read from r (a server's
// /admin/snapshot) to dst as Backup writes its copy: checked by opening
// it, synced, renamed into place, never left half-written.
func InstallSnapshot(r io.Reader, dst string, log *slog.Logger) (BackupInfo, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return install(dst, func(w io.Writer) error { _, err := io.Copy(w, r); return err }, log)
}

// install writes a database file to a temporary file beside dst with
// write, checks it by opening it as a store (Open recovers what a batch
// write caught half-way left), syncs it and renames it to dst.
func install(dst string, write func(io.Writer) error, log *slog.Logger) (BackupInfo, error) {
	var info BackupInfo
	tmp, err := os.CreateTemp(filepath.Dir(dst), filepath.Base(dst)+".tmp*")
	if err != nil {
		return info, fmt.Errorf("store: backup: %w", err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := write(tmp); err != nil {
		return info, fmt.Errorf("store: backup: writing %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return info, fmt.Errorf("store: backup: %w", err)
	}
	// Check the copy the way the server will read it.
	st, err := Open(tmp.Name(), log)
	defer os.Remove(tmp.Name() + ".lock") // Open's lock file (see lockFile)
	if err != nil {
		return info, fmt.Errorf("store: backup: the copy does not load: %w", err)
	}
	info.Recovery = st.Recovered()
	for _, c := range st.Collections() {
		info.Collections++
		info.Features += c.Count
	}
	if err := st.Close(); err != nil {
		return info, fmt.Errorf("store: backup: checking the copy: %w", err)
	}
	if err := syncFile(tmp.Name()); err != nil {
		return info, err
	}
	if err := os.Rename(tmp.Name(), dst); err != nil {
		return info, fmt.Errorf("store: backup: %w", err)
	}
	done = true
	if err := syncFile(filepath.Dir(dst)); err != nil {
		return info, err
	}
	fi, err := os.Stat(dst)
	if err != nil {
		return info, fmt.Errorf("store: backup: %w", err)
	}
	info.Bytes = fi.Size()
	return info, nil
}

// syncFile fsyncs a file or directory by path.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("store: backup: syncing %s: %w", path, err)
	}
	return nil
}
