package store

import (
	"fmt"
	"maps"

	"kzmap/geo"
)

var _ geo.Deriver = (*Store)(nil)

// Derive sets derived properties of features of collection in memory only
// (see geo.Deriver): the new features share their geometry and prepared
// geometry with the stored ones, nothing is written to the file, and
// reopening the store forgets them, so whoever derives them sets them
// again at start. A Put of the feature replaces it, derived values and all.
func (s *Store) Derive(collection string, values map[string]map[string]any) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	old := s.snap.Load().colls[collection]
	if old == nil {
		return fmt.Errorf("store: %q: %w", collection, geo.ErrNoCollection)
	}
	entries := make([]*entry, len(old.entries))
	changed := false
	for i, e := range old.entries {
		entries[i] = e
		v, ok := values[e.f.ID]
		if !ok {
			continue
		}
		props := maps.Clone(e.f.Properties)
		maps.Copy(props, v)
		ne := *e
		ne.f = geo.NewFeature(e.f.ID, e.f.Geometry, props)
		entries[i] = &ne
		changed = true
	}
	if !changed {
		return nil
	}
	meta := old.meta
	recompute(&meta, entries)
	cs := newCollStateGrid(meta, entries, old.grid) // the geometries are the same
	s.mu.Lock()
	s.swap(collection, cs)
	s.mu.Unlock()
	return nil
}
