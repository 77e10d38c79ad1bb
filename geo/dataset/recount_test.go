package dataset

import (
	"testing"

	"github.com/paulmach/orb"

	"kzmap/geo"
	"kzmap/geo/store"
)

func square(x0, y0, x1, y1 float64) orb.Polygon {
	return orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}
}

func TestRecount(t *testing.T) {
	st, err := store.Open(":memory:", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	regions := []*geo.Feature{
		geo.NewFeature("A", square(0, 0, 10, 10), map[string]any{"events": 2}),
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
	a, _ := st.Feature(Regions, "A")
	if got, err := WithCount(st, a); err != nil || got != a {
		t.Errorf("WithCount of a right count should return the feature itself: %v", err)
	}
	stale, err := RecountAll(st)
	if err != nil || len(stale) != 0 {
		t.Errorf("RecountAll on a consistent store: %v %v", stale, err)
	}

	// Move e2 from A to B.
	must(st.Put(Events, geo.NewFeature("e2", orb.Point{15, 5}, nil)))
	changed, err := Recount(st, []orb.Point{{2, 2}, {15, 5}})
	must(err)
	got := map[string]any{}
	for _, f := range changed[Regions] {
		got[f.ID] = f.Properties["events"]
	}
	if len(got) != 2 || got["A"] != 1 || got["B"] != 1 {
		t.Errorf("Recount after a move: %v", got)
	}
	if orig, _ := st.Feature(Regions, "A"); orig.Properties["events"] != float64(2) {
		t.Error("Recount modified the stored feature")
	}
	all, err := RecountAll(st)
	must(err)
	if len(all[Regions]) != 2 {
		t.Errorf("RecountAll: %v", all)
	}
	if _, ok := all[Regions2024]; ok {
		t.Error("a missing collection was recounted")
	}
}
