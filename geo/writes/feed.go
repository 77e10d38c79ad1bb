package writes

import (
	"kzmap/geo"
	"kzmap/geo/changes"
)

// Feed is the follower that publishes every change to a change feed, with
// the feature as stored.
type Feed struct{ h *changes.Hub }

// NewFeed returns the follower publishing to h.
func NewFeed(h *changes.Hub) *Feed { return &Feed{h: h} }

// Apply publishes the changes in order.
func (f *Feed) Apply(cs []geo.Change) []geo.Change {
	for _, c := range cs {
		ch := changes.Change{Op: string(c.Op), Collection: c.Collection, Feature: c.ID}
		if c.Feature != nil {
			ch.GeoJSON = c.Feature.GeoJSON()
		}
		f.h.Publish(ch)
	}
	return nil
}

// Reset does nothing: the feed has no state to rebuild; its followers
// reload when they miss changes.
func (f *Feed) Reset() error { return nil }
