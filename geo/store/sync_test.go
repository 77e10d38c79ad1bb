package store

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"kzmap/geo"
)

// TestFailedSyncStopsWrites: a write whose fsync fails is not acknowledged,
// and every later write is refused (the kernel may have dropped the pages,
// so a later fsync that succeeds would prove nothing); reads go on, and a
// reopened store is consistent.
func TestFailedSyncStopsWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.db")
	st, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	pt := func(id string) *geo.Feature { return geo.NewFeature(id, orb.Point{1, 2}, nil) }
	if err := st.Import(geo.Collection{ID: "c"}, []*geo.Feature{pt("a")}, true); err != nil {
		t.Fatal(err)
	}
	st.file.Close() // the next fsync fails

	writes := []struct {
		name string
		do   func() error
	}{
		{"put", func() error { return st.Put("c", pt("b")) }},
		{"put again", func() error { return st.Put("c", pt("c")) }},
		{"put many", func() error { return st.PutMany("c", []*geo.Feature{pt("d"), pt("e")}) }},
		{"delete", func() error { return st.Delete("c", "a") }},
		{"import", func() error { return st.Import(geo.Collection{ID: "x"}, []*geo.Feature{pt("a")}, true) }},
	}
	for _, w := range writes {
		if err := w.do(); !errors.Is(err, ErrNotDurable) {
			t.Errorf("%s: %v, want ErrNotDurable", w.name, err)
		}
	}
	if _, err := st.Feature("c", "a"); err != nil {
		t.Errorf("reads go on: %v", err)
	}
	st.file = nil // already closed
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st, err = Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Feature("c", "a"); err != nil {
		t.Errorf("reopened: %v", err)
	}
	if err := st.Put("c", pt("f")); err != nil {
		t.Errorf("a reopened store takes writes: %v", err)
	}
}
