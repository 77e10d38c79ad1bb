package dataset

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"

	"github.com/paulmach/orb"

	"kzmap/geo"
	"kzmap/geo/writes"
)

// CountStore is a store that keeps derived properties apart from the
// features (*store.Store is one).
type CountStore interface {
	geo.Store
	geo.Deriver
}

// Counts is the follower (writes.Follower) that keeps the `events` count
// of the regions of every Counted collection equal to the number of
// events inside each. The counts are derived properties (geo.Deriver):
// an event write rewrites no region, and the store holds them in memory,
// so they are recomputed at start (Reset).
type Counts struct {
	st  CountStore
	log *slog.Logger
}

var _ writes.Follower = (*Counts)(nil)

// NewCounts returns the follower keeping the counts of st; a nil log
// discards.
func NewCounts(st CountStore, log *slog.Logger) *Counts {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Counts{st: st, log: log}
}

// Apply recounts the regions an event change touched (those meeting its
// old or new position) and the regions that were themselves written, and
// returns a replace for each region whose count changed.
func (c *Counts) Apply(changes []geo.Change) []geo.Change {
	stale := map[string]map[string]bool{}
	mark := func(coll, id string) {
		if stale[coll] == nil {
			stale[coll] = map[string]bool{}
		}
		stale[coll][id] = true
	}
	for _, ch := range changes {
		switch {
		case ch.Collection == Events:
			for _, b := range ch.Bounds() {
				for _, coll := range Counted() {
					page, err := c.st.Items(coll, geo.Query{Boxes: []orb.Bound{b}})
					if errors.Is(err, geo.ErrNoCollection) {
						continue
					}
					if err != nil {
						c.log.Error("dataset: finding the regions of an event", "event", ch.ID, "err", err)
						continue
					}
					for _, r := range page.Features {
						mark(coll, r.ID)
					}
				}
			}
		case IsCounted(ch.Collection) && ch.Op != geo.OpDelete:
			mark(ch.Collection, ch.ID)
		}
	}
	out, err := c.recount(stale)
	if err != nil {
		// The write itself is durable; a count left stale is put right at
		// the next start (Reset).
		c.log.Error("dataset: recounting region events", "err", err)
	}
	return out
}

// Reset recounts every region.
func (c *Counts) Reset() error {
	stale := map[string]map[string]bool{}
	for _, coll := range Counted() {
		page, err := c.st.Items(coll, geo.Query{})
		if errors.Is(err, geo.ErrNoCollection) {
			continue
		}
		if err != nil {
			return fmt.Errorf("dataset: recounting region events: %w", err)
		}
		stale[coll] = map[string]bool{}
		for _, r := range page.Features {
			stale[coll][r.ID] = true
		}
	}
	_, err := c.recount(stale)
	if err != nil {
		return fmt.Errorf("dataset: recounting region events: %w", err)
	}
	return nil
}

// recount sets the count of the given regions, by collection, where it
// is wrong, and returns their changes.
func (c *Counts) recount(regions map[string]map[string]bool) ([]geo.Change, error) {
	var out []geo.Change
	for _, coll := range Counted() {
		ids := regions[coll]
		if len(ids) == 0 {
			continue
		}
		values := map[string]map[string]any{}
		for _, id := range slices.Sorted(maps.Keys(ids)) {
			r, err := c.st.Feature(coll, id)
			if errors.Is(err, geo.ErrNoFeature) {
				continue
			}
			if err != nil {
				return out, err
			}
			nr, err := WithCount(c.st, r)
			if err != nil {
				return out, err
			}
			if nr != r {
				values[id] = map[string]any{"events": nr.Properties["events"]}
			}
		}
		if len(values) == 0 {
			continue
		}
		if err := c.st.Derive(coll, values); err != nil {
			return out, err
		}
		for _, id := range slices.Sorted(maps.Keys(values)) {
			f, err := c.st.Feature(coll, id)
			if err != nil {
				return out, err
			}
			b := f.Geometry.Bound()
			out = append(out, geo.Change{Collection: coll, ID: id, Op: geo.OpReplace, Old: b, New: b, Feature: f})
		}
	}
	return out, nil
}
