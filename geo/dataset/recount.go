package dataset

import (
	"errors"
	"maps"

	"github.com/paulmach/orb"

	"kzmap/geo"
	"kzmap/geo/prepared"
)

// Counted lists the collections whose features carry `events`, the number
// of features of Events inside each (kept by Counts).
func Counted() []string { return []string{Regions, Regions2024} }

// IsCounted reports whether collection's features carry an `events` count.
func IsCounted(collection string) bool {
	for _, c := range Counted() {
		if c == collection {
			return true
		}
	}
	return false
}

// CountEvents returns how many of events lie inside region: points only,
// country-wide events left out. Build (countEvents) and Counts use it.
func CountEvents(region *geo.Feature, events []*geo.Feature) int {
	if len(events) == 0 {
		return 0
	}
	// Prepared once: a region has thousands of vertices, and the test
	// then touches only the edges near each point (boundary included, as
	// a look-up's).
	in := prepared.New(region.Geometry)
	n := 0
	for _, e := range events {
		pt, ok := e.Geometry.(orb.Point)
		if !ok || e.String("precision") == PrecisionCountry {
			continue
		}
		if in.ContainsPoint(pt) {
			n++
		}
	}
	return n
}

// WithCount returns region with `events` set to the number of events in st
// inside it: a copy when that changes the feature, region itself otherwise
// (stored features are shared and never modified). Without an Events
// collection the region is returned as it is.
func WithCount(st geo.Store, region *geo.Feature) (*geo.Feature, error) {
	if region.Geometry == nil {
		return region, nil
	}
	page, err := st.Items(Events, geo.Query{Boxes: []orb.Bound{region.Geometry.Bound()}})
	if errors.Is(err, geo.ErrNoCollection) {
		return region, nil
	}
	if err != nil {
		return nil, err
	}
	n := CountEvents(region, page.Features)
	if sameCount(region.Properties["events"], n) {
		return region, nil
	}
	props := maps.Clone(region.Properties)
	props["events"] = float64(n) // as a stored JSON number reads back
	return geo.NewFeature(region.ID, region.Geometry, props), nil
}

// sameCount compares a stored count (a JSON number, so float64 once read
// back) with n.
func sameCount(v any, n int) bool {
	switch v := v.(type) {
	case float64:
		return v == float64(n)
	case int:
		return v == n
	}
	return false
}
