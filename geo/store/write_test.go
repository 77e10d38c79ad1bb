package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/tidwall/buntdb"

	"kzmap/geo"
)

var pointsMeta = geo.Collection{ID: "pts", Title: "Points"}

func pt(id string, x, y float64) *geo.Feature {
	return geo.NewFeature(id, orb.Point{x, y}, map[string]any{"name": id})
}

func openFile(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPutMany(t *testing.T) {
	s := openMem(t)
	if err := s.PutMany("pts", []*geo.Feature{pt("a", 1, 1)}); !errors.Is(err, geo.ErrNoCollection) {
		t.Errorf("PutMany into a missing collection: %v", err)
	}
	if err := s.Import(pointsMeta, []*geo.Feature{pt("a", 1, 1)}, true); err != nil {
		t.Fatal(err)
	}
	bad := geo.NewFeature("bad", orb.Point{200, 0}, nil)
	cases := []struct {
		name string
		fs   []*geo.Feature
		err  string // "" for success
	}{
		{"invalid second feature", []*geo.Feature{pt("b", 2, 2), bad}, "feature 1"},
		{"repeated id", []*geo.Feature{pt("b", 2, 2), pt("b", 3, 3)}, "repeats feature 0"},
		{"empty id", []*geo.Feature{pt("", 2, 2)}, "empty id"},
		{"replace and add", []*geo.Feature{pt("a", 5, 5), pt("b", 2, 2)}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := s.PutMany("pts", tc.fs)
			if tc.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !errors.Is(err, geo.ErrInvalid) || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("err %v, want ErrInvalid mentioning %q", err, tc.err)
			}
			if c, _ := s.Collection("pts"); c.Count != 1 {
				t.Errorf("count %d after a failed batch", c.Count)
			}
		})
	}
	c, _ := s.Collection("pts")
	a, _ := s.Feature("pts", "a")
	if c.Count != 2 || a.Geometry.(orb.Point) != (orb.Point{5, 5}) || c.Bound != (orb.Bound{Min: orb.Point{2, 2}, Max: orb.Point{5, 5}}) {
		t.Errorf("after batch: %+v, a at %v", c, a.Geometry)
	}
	if err := s.db.View(func(tx *buntdb.Tx) error { _, err := tx.Get(undoKey); return err }); !errors.Is(err, buntdb.ErrNotFound) {
		t.Errorf("undo log left behind: %v", err)
	}
}

// TestRecoverTornBatch writes what a crash in the middle of a batch leaves
// (the undo log and part of the batch, metadata not updated) and checks that
// Recover takes the batch back.
func TestRecoverTornBatch(t *testing.T) {
	path := filepath.Join(t.TempDir(), "torn.db")
	s := openFile(t, path)
	if err := s.Import(pointsMeta, []*geo.Feature{pt("a", 1, 1), pt("b", 2, 2)}, true); err != nil {
		t.Fatal(err)
	}
	origB, _ := encodeValue(orb.Point{2, 2}, map[string]any{"name": "b"})
	err := s.db.Update(func(tx *buntdb.Tx) error {
		undo, _ := json.Marshal(undoLog{Collection: "pts", Created: []string{"new1", "new2"}, Replaced: map[string]string{"b": origB}})
		tx.Set(undoKey, string(undo), nil)
		v1, _ := encodeValue(orb.Point{9, 9}, map[string]any{"name": "new1"})
		vb, _ := encodeValue(orb.Point{8, 8}, map[string]any{"name": "b moved"})
		tx.Set(featKey("pts", "new1"), v1, nil) // new2 never made it
		tx.Set(featKey("pts", "b"), vb, nil)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	s = openFile(t, path) // Open recovers
	defer s.Close()
	rec := s.Recovered()
	if rec.RolledBack != "pts" || rec.Created != 2 || rec.Restored != 1 {
		t.Errorf("recovery %+v", rec)
	}
	if _, err := s.Feature("pts", "new1"); !errors.Is(err, geo.ErrNoFeature) {
		t.Errorf("new1 survived the rollback: %v", err)
	}
	b, _ := s.Feature("pts", "b")
	if b.Geometry.(orb.Point) != (orb.Point{2, 2}) || b.String("name") != "b" {
		t.Errorf("b not restored: %v %v", b.Geometry, b.Properties)
	}
	if c, _ := s.Collection("pts"); c.Count != 2 {
		t.Errorf("count %d", c.Count)
	}
	// A second run finds nothing to do.
	if rec, err := s.Recover(); err != nil || rec.Changed() {
		t.Errorf("second Recover: %+v %v", rec, err)
	}
}

// TestRecoverStaleMetadata: a torn single write can leave the feature
// without the metadata update; Recover recomputes it.
func TestRecoverStaleMetadata(t *testing.T) {
	path := filepath.Join(t.TempDir(), "meta.db")
	s := openFile(t, path)
	if err := s.Import(pointsMeta, []*geo.Feature{pt("a", 1, 1)}, true); err != nil {
		t.Fatal(err)
	}
	v, _ := encodeValue(orb.Point{3, 4}, map[string]any{"name": "z", "extra": 1.5})
	if err := s.db.Update(func(tx *buntdb.Tx) error { _, _, err := tx.Set(featKey("pts", "z"), v, nil); return err }); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = openFile(t, path) // Open recovers
	defer s.Close()
	if rec := s.Recovered(); len(rec.Metadata) != 1 || rec.Metadata[0] != "pts" {
		t.Fatalf("recovery %+v", rec)
	}
	c, _ := s.Collection("pts")
	if c.Count != 2 || c.Bound.Max != (orb.Point{3, 4}) || len(c.Fields) != 2 {
		t.Errorf("recomputed %+v", c)
	}
}

func TestSnapshotAndBackup(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.db")
	s := openFile(t, src)
	if err := s.Import(pointsMeta, []*geo.Feature{pt("a", 1, 1), pt("b", 2, 2)}, true); err != nil {
		t.Fatal(err)
	}
	if err := s.Put("pts", pt("c", 3, 3)); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := s.Snapshot(&buf); err != nil {
		t.Fatal(err)
	}
	snap := filepath.Join(dir, "snap.db")
	os.WriteFile(snap, buf.Bytes(), 0o644)
	c := openFile(t, snap)
	if col, _ := c.Collection("pts"); col.Count != 3 {
		t.Errorf("snapshot count %d", col.Count)
	}
	c.Close()

	// Backup of a file whose last record is torn, as a server killed mid-write leaves it.
	whole, _ := os.ReadFile(src)
	torn := filepath.Join(dir, "torn.db")
	os.WriteFile(torn, append(whole, "*3\r\n$3\r\nset\r\n$8\r\nf:pts:zz\r\n$40\r\nabc"...), 0o644)
	out := filepath.Join(dir, "backup.db")
	info, err := Backup(torn, out, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !info.TornTail || info.Collections != 1 || info.Features != 3 || info.Bytes == 0 {
		t.Errorf("backup info %+v", info)
	}
	if after, _ := os.ReadFile(torn); !bytes.Equal(after[len(whole):], []byte("*3\r\n$3\r\nset\r\n$8\r\nf:pts:zz\r\n$40\r\nabc")) {
		t.Error("Backup modified its source")
	}
	b := openFile(t, out)
	if _, err := b.Feature("pts", "c"); err != nil {
		t.Errorf("backup lacks c: %v", err)
	}
	b.Close()

	// A corrupt source is refused, and dst is not created.
	bad := filepath.Join(dir, "bad.db")
	os.WriteFile(bad, append(append([]byte{}, whole[:20]...), "garbage\r\n"...), 0o644)
	if _, err := Backup(bad, filepath.Join(dir, "never.db"), nil); err == nil || !strings.Contains(err.Error(), "corrupt") {
		t.Errorf("backup of a corrupt file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "never.db")); !os.IsNotExist(err) {
		t.Errorf("dst exists after a failed backup: %v", err)
	}
	// A snapshot installed as `kzmap backup --url` does.
	inst := filepath.Join(dir, "installed.db")
	if info, err := InstallSnapshot(bytes.NewReader(buf.Bytes()), inst, nil); err != nil || info.Features != 3 {
		t.Errorf("InstallSnapshot: %+v, %v", info, err)
	}
	if _, err := InstallSnapshot(strings.NewReader("garbage\r\n"), filepath.Join(dir, "never2.db"), nil); err == nil {
		t.Error("InstallSnapshot took garbage")
	}
	// Nothing is left behind by the temporary copies (nor their locks).
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("left behind: %s", e.Name())
		}
	}
	s.Close()
}

// TestOpenLocks: a second Open of a database that is open fails with
// ErrLocked and leaves the file alone; after Close it opens again.
func TestOpenLocks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "locked.db")
	s := openFile(t, path)
	if err := s.Import(pointsMeta, []*geo.Feature{pt("a", 1, 1)}, true); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(path, nil); !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(before) {
		t.Error("the refused Open changed the file")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(path, nil)
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	defer s2.Close()
	if c, _ := s2.Collection("pts"); c.Count != 1 {
		t.Errorf("count %d after reopening", c.Count)
	}
}

// TestRecoverTornImport: an import cut short by a crash (its undo log and
// part of its records on disk) is taken back whole, whether it made the
// collection or replaced one.
func TestRecoverTornImport(t *testing.T) {
	tests := []struct {
		name  string
		setup []*geo.Feature // the collection before the import; nil: none
		want  []string       // its feature ids after recovery
	}{
		{"new collection", nil, nil},
		{"replacing import", []*geo.Feature{pt("a", 1, 1), pt("b", 2, 2)}, []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "torn.db")
			s := openFile(t, path)
			if tt.setup != nil {
				if err := s.Import(pointsMeta, tt.setup, true); err != nil {
					t.Fatal(err)
				}
			}
			next := []*geo.Feature{pt("b", 8, 8), pt("c", 9, 9), pt("d", 7, 7)}
			sts, err := s.stageAll("pts", next)
			if err != nil {
				t.Fatal(err)
			}
			undo, err := s.importUndo("pts", tt.setup != nil, true, sts)
			if err != nil {
				t.Fatal(err)
			}
			// What a crash leaves: the log, then some of the import's records
			// (a deleted, b and c written, d and the metadata never).
			err = s.db.Update(func(tx *buntdb.Tx) error {
				b, _ := json.Marshal(undo)
				tx.Set(undoKey, string(b), nil)
				tx.Delete(featKey("pts", "a"))
				for _, st := range sts[:2] {
					v, _ := encodeValue(st.e.f.Geometry, st.e.f.Properties)
					tx.Set(featKey("pts", st.e.f.ID), v, nil)
				}
				if tt.setup == nil {
					m, _ := json.Marshal(pointsMeta)
					tx.Set(collKey("pts"), string(m), nil)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			s.Close()

			s = openFile(t, path)
			defer s.Close()
			if s.Recovered().RolledBack != "pts" {
				t.Errorf("recovery %+v", s.Recovered())
			}
			c, err := s.Collection("pts")
			if tt.setup == nil {
				if !errors.Is(err, geo.ErrNoCollection) {
					t.Errorf("the collection the import made survived: %+v, %v", c, err)
				}
				return
			}
			page, _ := s.Items("pts", geo.Query{})
			var ids []string
			for _, f := range page.Features {
				ids = append(ids, f.ID)
			}
			if !slices.Equal(ids, tt.want) || c.Count != len(tt.want) {
				t.Errorf("after recovery: %v (count %d), want %v", ids, c.Count, tt.want)
			}
			if b, _ := s.Feature("pts", "b"); b.Geometry.(orb.Point) != (orb.Point{2, 2}) {
				t.Errorf("b not restored: %v", b.Geometry)
			}
		})
	}
}
