package writes

import "kzmap/geo"

// Delete removes one feature (geo.ErrNoCollection, geo.ErrNoFeature when
// there is none) and returns its change.
func (s *Service) Delete(coll, id string) (geo.Change, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, err := s.st.Feature(coll, id)
	if err != nil {
		return geo.Change{}, err
	}
	if err := s.st.Delete(coll, id); err != nil {
		return geo.Change{}, err
	}
	c := geo.Change{Collection: coll, ID: id, Op: geo.OpDelete, Old: bound(old)}
	return s.apply([]geo.Change{c})[0], nil
}
