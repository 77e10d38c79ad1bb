package store

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/tidwall/buntdb"
)

// BuntDB appends every write to its file, so the file grows with each
// write even when the data does not. The store compacts it while open:
// after a commit, once the file is larger than Options.CompactRatio times
// the live data (and than CompactMin), a background compaction copies the
// live records into a new file, syncs it, renames it over the database
// file, syncs the folder and swaps in a BuntDB reading the new file. It
// holds wmu throughout, so writes wait for it (their durability is never
// in question: every acknowledged write is in the synced copy) while
// readers wait only for the swap itself.

func compactPath(path string) string { return path + ".compact" }

// CompactionStats describe the file and its compactions.
type CompactionStats struct {
	// File is the size of the database file, Live that of its live
	// records (what a compaction would leave), in bytes.
	File, Live int64
	// Compactions counts the compactions since Open.
	Compactions int
}

// Compaction measures the file and its live data. It waits for a
// compaction under way.
func (s *Store) Compaction() (CompactionStats, error) {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.file == nil {
		return CompactionStats{}, nil
	}
	fi, err := s.file.Stat()
	if err != nil {
		return CompactionStats{}, fmt.Errorf("store: %w", err)
	}
	live, err := s.liveSize()
	if err != nil {
		return CompactionStats{}, err
	}
	return CompactionStats{File: fi.Size(), Live: live, Compactions: s.compactions}, nil
}

// Compact compacts the file now, whatever its size. It waits for writes
// under way and holds up new ones until it is done.
func (s *Store) Compact() error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if s.file == nil {
		return nil
	}
	return s.compact()
}

// compactIfDue compacts the file when it is past the threshold: at once,
// or in the background when later is set (after a commit: the writer is
// answered first). wmu is held.
func (s *Store) compactIfDue(later bool) error {
	if s.file == nil || s.closed || s.opts.CompactRatio <= 0 {
		return nil
	}
	fi, err := s.file.Stat()
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	size := float64(fi.Size())
	if fi.Size() <= s.opts.CompactMin || size <= s.opts.CompactRatio*float64(s.live) {
		return nil
	}
	// Measured only when the file has grown past the last measure: a walk
	// of the keys, cheap beside the writes it took to get here.
	if s.live, err = s.liveSize(); err != nil {
		return err
	}
	if size <= s.opts.CompactRatio*float64(s.live) {
		return nil
	}
	if !later {
		return s.compact()
	}
	if !s.compacting.CompareAndSwap(false, true) {
		return nil
	}
	s.bg.Add(1)
	go func() {
		defer s.bg.Done()
		defer s.compacting.Store(false)
		s.wmu.Lock()
		defer s.wmu.Unlock()
		if err := s.compactIfDue(false); err != nil { // unless done meanwhile
			s.log.Error("store: compacting the database file", "file", s.path, "err", err)
		}
	}()
	return nil
}

// liveSize is the size of the records a compacted file holds: BuntDB
// writes each as "*3\r\n$3\r\nset\r\n$<len>\r\n<key>\r\n$<len>\r\n<value>\r\n".
func (s *Store) liveSize() (int64, error) {
	var n int64
	err := s.db.View(func(tx *buntdb.Tx) error {
		return tx.AscendKeys("*", func(k, v string) bool {
			n += int64(23 + len(k) + len(v) + len(strconv.Itoa(len(k))) + len(strconv.Itoa(len(v))))
			return true
		})
	})
	if err != nil {
		return 0, fmt.Errorf("store: %w", closedErr(err))
	}
	return n, nil
}

// compact rewrites the file with its live records only; see the comment
// at the top. wmu is held. On an error before the rename the store goes
// on with the old file; after it, with the new one.
func (s *Store) compact() error {
	start := time.Now()
	tmp := compactPath(s.path)
	ndb, nfile, err := s.copyTo(tmp)
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, s.path); err != nil {
		ndb.Close()
		nfile.Close()
		os.Remove(tmp)
		return fmt.Errorf("store: compacting: %w", err)
	}
	// Until the folder is synced the rename may not survive a power cut:
	// sync retries it before it acknowledges anything.
	s.dirDirty = true
	derr := syncDir(s.path)
	if derr == nil {
		s.dirDirty = false
	}
	s.mu.Lock()
	odb, ofile := s.db, s.file
	s.db, s.file = ndb, nfile
	s.mu.Unlock()
	odb.Close()
	ofile.Close()
	fi, err := nfile.Stat()
	if err == nil {
		s.live = fi.Size()
	}
	s.compactions++
	s.log.Info("compacted the database file", "file", s.path, "bytes", s.live, "took", time.Since(start).String())
	if derr != nil {
		return fmt.Errorf("store: compacting: syncing the folder: %w", derr)
	}
	return nil
}

// copyTo writes the live records to a new file at path, synced, and opens
// it as a BuntDB with the store's spatial indexes, and as a file to sync.
func (s *Store) copyTo(path string) (*buntdb.DB, *os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, nil, fmt.Errorf("store: compacting: %w", err)
	}
	if err := s.db.Save(f); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("store: compacting: %w", closedErr(err))
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("store: compacting: %w", err)
	}
	if err := f.Close(); err != nil {
		return nil, nil, fmt.Errorf("store: compacting: %w", err)
	}
	ndb, err := openDB(path)
	if err != nil {
		return nil, nil, err
	}
	for id := range s.snap.Load().colls {
		if err := createIndex(ndb, id); err != nil {
			ndb.Close()
			return nil, nil, err
		}
	}
	nfile, err := os.Open(path) // the same file after the rename
	if err != nil {
		ndb.Close()
		return nil, nil, fmt.Errorf("store: compacting: %w", err)
	}
	return ndb, nfile, nil
}

// syncDir syncs the folder holding path, so that a rename in it is durable.
func syncDir(path string) error {
	d, err := os.Open(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
