package dataset

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"

	"github.com/paulmach/orb"

	"kzmap/geo"
)

// Counted lists the collections whose features carry `events`, the number
// of features of Events inside each.
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
// country-wide events left out. Import (countEvents) and every recount use it.
func CountEvents(region *geo.Feature, events []*geo.Feature) int {
	n := 0
	for _, e := range events {
		pt, ok := e.Geometry.(orb.Point)
		if !ok || e.String("precision") == PrecisionCountry {
			continue
		}
		if contains(region.Geometry, pt) {
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
	props["events"] = n
	return geo.NewFeature(region.ID, region.Geometry, props), nil
}

// Recount returns, per counted collection, the regions whose `events` count
// is stale after events at the given points were written or deleted (pass
// the old and the new positions), as copies carrying the new count. Only
// regions containing one of the points can change.
func Recount(st geo.Store, points []orb.Point) (map[string][]*geo.Feature, error) {
	out := map[string][]*geo.Feature{}
	for _, coll := range Counted() {
		seen := map[string]bool{}
		for _, p := range points {
			regions, err := st.Lookup(coll, p)
			if errors.Is(err, geo.ErrNoCollection) {
				break
			}
			if err != nil {
				return nil, err
			}
			for _, r := range regions {
				if seen[r.ID] {
					continue
				}
				seen[r.ID] = true
				nr, err := WithCount(st, r)
				if err != nil {
					return nil, err
				}
				if nr != r {
					out[coll] = append(out[coll], nr)
				}
			}
		}
	}
	return out, nil
}

// RecountAll returns, per counted collection, every region whose stored
// `events` count disagrees with the events, as copies with the right count.
// kzmap runs it at start-up: a crash between an event's write and its
// regions' update leaves them stale.
func RecountAll(st geo.Store) (map[string][]*geo.Feature, error) {
	out := map[string][]*geo.Feature{}
	for _, coll := range Counted() {
		page, err := st.Items(coll, geo.Query{})
		if errors.Is(err, geo.ErrNoCollection) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, r := range page.Features {
			nr, err := WithCount(st, r)
			if err != nil {
				return nil, err
			}
			if nr != r {
				out[coll] = append(out[coll], nr)
			}
		}
	}
	return out, nil
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

// FixCounts writes the regions whose `events` count RecountAll finds
// stale, and logs them.
func FixCounts(st geo.Writer, log *slog.Logger) error {
	stale, err := RecountAll(st)
	if err != nil {
		return fmt.Errorf("dataset: recounting region events: %w", err)
	}
	for coll, regions := range stale {
		if err := st.PutMany(coll, regions); err != nil {
			return fmt.Errorf("dataset: recounting region events: %w", err)
		}
		log.Warn("recomputed stale region event counts", "collection", coll, "regions", len(regions))
	}
	return nil
}
