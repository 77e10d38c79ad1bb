package dataset

import (
	"testing"

	"github.com/paulmach/orb"

	"kzmap/geo"
	"kzmap/geo/store"
	"kzmap/geo/writes"
)

func square(x0, y0, x1, y1 float64) orb.Polygon {
	return orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}
}

// TestCounts: the regions' counts follow event writes through the write
// service, as derived properties: no region record is rewritten.
func TestCounts(t *testing.T) {
	st, err := store.Open(":memory:", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	regions := []*geo.Feature{
		geo.NewFeature("A", square(0, 0, 10, 10), map[string]any{"events": 5}), // stale
		geo.NewFeature("B", square(10, 0, 20, 10), map[string]any{"events": 0}),
	}
	events := []*geo.Feature{
		geo.NewFeature("e1", orb.Point{1, 1}, nil),
		geo.NewFeature("e2", orb.Point{2, 2}, nil),
		geo.NewFeature("country", orb.Point{3, 3}, map[string]any{"precision": PrecisionCountry}),
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.Import(geo.Collection{ID: Regions}, regions, true))
	must(st.Import(geo.Collection{ID: Events}, events, true))
	if n := CountEvents(regions[0], events); n != 2 {
		t.Errorf("CountEvents = %d, country-wide event must not count", n)
	}
	counts := NewCounts(st, nil)
	svc := writes.New(st, nil, counts)
	count := func(id string) any {
		f, err := st.Feature(Regions, id)
		must(err)
		return f.Properties["events"]
	}
	stored, _ := st.Feature(Regions, "A")
	must(svc.Reset())
	if got := count("A"); got != float64(2) {
		t.Errorf("A after Reset: %v, want 2", got)
	}
	if stored.Properties["events"] != float64(5) {
		t.Error("Reset modified the stored feature")
	}
	a, _ := st.Feature(Regions, "A")
	if got, err := WithCount(st, a); err != nil || got != a {
		t.Errorf("WithCount of a right count should return the feature itself: %v", err)
	}

	// Move e2 from A to B: both counts follow, and the change to each
	// region is reported after the event's.
	chs, err := svc.Put(Events, geo.NewFeature("e2", orb.Point{15, 5}, nil))
	must(err)
	if len(chs) != 1 || chs[0].Op != geo.OpReplace {
		t.Fatalf("Put returned %+v", chs)
	}
	if count("A") != float64(1) || count("B") != float64(1) {
		t.Errorf("after a move: A %v, B %v", count("A"), count("B"))
	}
	// A delete takes it away again.
	_, err = svc.Delete(Events, "e2")
	must(err)
	if count("B") != float64(0) {
		t.Errorf("B after delete: %v", count("B"))
	}
	// A region written by a client gets its count from the events.
	chs, err = svc.Put(Regions, geo.NewFeature("C", square(0, 0, 5, 5), map[string]any{"events": 99}))
	must(err)
	if got := chs[0].Feature.Properties["events"]; got != float64(1) {
		t.Errorf("written region carries %v, want the derived 1", got)
	}
	// Applying changes made elsewhere works the same: e1 moved by
	// another process.
	must(st.Put(Events, geo.NewFeature("e1", orb.Point{12, 2}, nil)))
	all := svc.Apply([]geo.Change{{Collection: Events, ID: "e1", Op: geo.OpReplace,
		Old: orb.Point{1, 1}.Bound(), New: orb.Point{12, 2}.Bound()}})
	if count("A") != float64(0) || count("B") != float64(1) || count("C") != float64(0) {
		t.Errorf("after Apply: A %v, B %v, C %v", count("A"), count("B"), count("C"))
	}
	if len(all) != 4 { // the event, A, C (regions); B (regions)
		t.Errorf("Apply returned %d changes: %+v", len(all), all)
	}
}
