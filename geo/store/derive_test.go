package store

import (
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"kzmap/geo"
)

// TestDerive: derived properties show in every read (Feature, Items with
// an equality filter, Lookup), write nothing to the file, survive writes
// of other features and go with a write of the feature itself.
func TestDerive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "d.db")
	st, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	sq := func(x float64) orb.Polygon {
		return orb.Polygon{{{x, 0}, {x + 1, 0}, {x + 1, 1}, {x, 1}, {x, 0}}}
	}
	if err := st.Import(geo.Collection{ID: "r"}, []*geo.Feature{
		geo.NewFeature("a", sq(0), map[string]any{"name": "A", "events": 0}),
		geo.NewFeature("b", sq(2), map[string]any{"name": "B", "events": 0}),
	}, true); err != nil {
		t.Fatal(err)
	}
	cs, _ := st.Compaction()
	if err := st.Derive("r", map[string]map[string]any{"a": {"events": float64(3)}, "nope": {"events": 1.0}}); err != nil {
		t.Fatal(err)
	}
	if after, _ := st.Compaction(); after.File != cs.File {
		t.Errorf("Derive wrote to the file: %d → %d bytes", cs.File, after.File)
	}
	check := func(when string, want any) {
		t.Helper()
		f, _ := st.Feature("r", "a")
		if f.Properties["events"] != want || f.Properties["name"] != "A" {
			t.Errorf("%s: Feature %v", when, f.Properties)
		}
		page, _ := st.Items("r", geo.Query{Equals: map[string]string{"events": "3"}})
		if (page.Matched == 1) != (want == float64(3)) {
			t.Errorf("%s: Items events=3 matched %d", when, page.Matched)
		}
		hits, _ := st.Lookup("r", orb.Point{0.5, 0.5})
		if len(hits) != 1 || hits[0].Properties["events"] != want {
			t.Errorf("%s: Lookup %v", when, hits)
		}
	}
	check("after Derive", float64(3))
	if err := st.Put("r", geo.NewFeature("b", sq(2), map[string]any{"name": "B2", "events": 0})); err != nil {
		t.Fatal(err)
	}
	check("after a write of another feature", float64(3))
	if err := st.Put("r", geo.NewFeature("a", sq(0), map[string]any{"name": "A", "events": 1})); err != nil {
		t.Fatal(err)
	}
	check("after a write of the feature", float64(1))
	if err := st.Derive("missing", nil); err == nil {
		t.Error("Derive on a missing collection")
	}
}
