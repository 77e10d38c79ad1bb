// Package writes is kzmap's write path: a Service that takes every write to
// a geo.Writer (single features, batches, deletes, whole collections), one
// at a time, and reports what each changed as geo.Change values; and the
// followers that keep what is derived from the features up to date from
// those changes alone: the search index (Names), cached tiles (TileCache)
// and the change feed (Feed); geo/dataset adds the regions' event counts.
//
// Followers never look at how a write was made, only at its changes, so
// changes made elsewhere (another process sharing the store) can be fed to
// Apply in the same way.
package writes

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"

	"github.com/paulmach/orb"

	"kzmap/geo"
)

// Follower keeps state derived from the features of a store.
type Follower interface {
	// Apply brings the follower up to date with changes, given in commit
	// order. It returns the changes it made itself to derived properties
	// of features (nil when none), which the followers after it see too.
	Apply(changes []geo.Change) []geo.Change
	// Reset rebuilds the follower's state from the store as it is: at
	// start, and whenever changes may have been missed.
	Reset() error
}

// Service serialises writes to a store and drives the followers from what
// they changed. It is safe for concurrent use.
type Service struct {
	st  geo.Writer
	log *slog.Logger

	mu        sync.Mutex // one write, with its followers, at a time
	followers []Follower
}

// New returns a service writing to st and driving followers, in order. A
// nil log discards.
func New(st geo.Writer, log *slog.Logger, followers ...Follower) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{st: st, log: log, followers: followers}
}

// Follow adds followers after those already there. They are not Reset:
// call their Reset first when they must catch up with the store.
func (s *Service) Follow(followers ...Follower) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.followers = append(s.followers, followers...)
}

// Store returns the store the service writes to.
func (s *Service) Store() geo.Writer { return s.st }

// ExistsError refuses a create whose feature id is already taken.
type ExistsError struct {
	Collection, ID string
	// Index is the feature's position in the batch.
	Index int
}

func (e *ExistsError) Error() string {
	return fmt.Sprintf("writes: feature %d: %q already exists in %q", e.Index, e.ID, e.Collection)
}

// Apply brings every follower up to date with changes made to the store,
// here or by another process, and returns them as the followers left
// them: a change whose feature a follower derived properties of carries
// the feature with them. The changes the followers made themselves follow.
// A create or replace without its Feature gets the one the store holds
// now (none when it has been deleted since).
func (s *Service) Apply(changes []geo.Change) []geo.Change {
	s.mu.Lock()
	defer s.mu.Unlock()
	changes = slices.Clone(changes)
	for i, c := range changes {
		if c.Op != geo.OpDelete && c.Feature == nil {
			changes[i].Feature, _ = s.st.Feature(c.Collection, c.ID)
		}
	}
	return s.apply(changes)
}

// apply runs the followers in order; s.mu is held.
func (s *Service) apply(changes []geo.Change) []geo.Change {
	all := slices.Clone(changes)
	for _, f := range s.followers {
		if len(all) == 0 {
			break
		}
		all = merge(all, f.Apply(all))
	}
	return all
}

// merge folds a follower's changes into all: one to a feature already
// changed replaces that change's feature (the op and bounds of the write
// stay), others are appended.
func merge(all, extra []geo.Change) []geo.Change {
	if len(extra) == 0 {
		return all
	}
	at := make(map[[2]string]int, len(all))
	for i, c := range all {
		at[[2]string{c.Collection, c.ID}] = i
	}
	for _, e := range extra {
		if i, ok := at[[2]string{e.Collection, e.ID}]; ok && all[i].Op != geo.OpDelete {
			all[i].Feature = e.Feature
			continue
		}
		at[[2]string{e.Collection, e.ID}] = len(all)
		all = append(all, e)
	}
	return all
}

// Reset rebuilds every follower from the store, in order.
func (s *Service) Reset() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var errs []error
	for _, f := range s.followers {
		if err := f.Reset(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// written returns the change of a write of feature id of coll that
// replaced old (nil: created), with the feature as stored.
func (s *Service) written(coll string, old, sent *geo.Feature) geo.Change {
	f, err := s.st.Feature(coll, sent.ID)
	if err != nil {
		// The write is durable; only reading it back failed.
		s.log.Error("writes: reading back a written feature", "collection", coll, "feature", sent.ID, "err", err)
		f = sent
	}
	c := geo.Change{Collection: coll, ID: f.ID, Op: geo.OpCreate, Feature: f}
	if f.Geometry != nil {
		c.New = f.Geometry.Bound()
	}
	if old != nil {
		c.Op = geo.OpReplace
		c.Old = bound(old)
	}
	return c
}

func bound(f *geo.Feature) (b orb.Bound) {
	if f != nil && f.Geometry != nil {
		b = f.Geometry.Bound()
	}
	return b
}
