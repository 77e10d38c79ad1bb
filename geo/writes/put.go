package writes

import (
	"errors"

	"kzmap/geo"
)

// Create adds features to an existing collection, all or none; a feature
// whose id is taken refuses the whole batch with an *ExistsError. Every
// feature needs an id. It returns one change per feature, in order.
func (s *Service) Create(coll string, fs []*geo.Feature) ([]geo.Change, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.st.Collection(coll); err != nil {
		return nil, err
	}
	for i, f := range fs {
		if f == nil {
			continue // the store refuses it
		}
		if _, err := s.st.Feature(coll, f.ID); err == nil {
			return nil, &ExistsError{Collection: coll, ID: f.ID, Index: i}
		}
	}
	return s.put(coll, fs)
}

// Put adds or replaces features of an existing collection, all or none
// (geo.Writer.PutMany). It returns one change per feature, in order: a
// create or a replace.
func (s *Service) Put(coll string, fs ...*geo.Feature) ([]geo.Change, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.put(coll, fs)
}

func (s *Service) put(coll string, fs []*geo.Feature) ([]geo.Change, error) {
	olds := make([]*geo.Feature, len(fs))
	for i, f := range fs {
		if f == nil {
			continue
		}
		old, err := s.st.Feature(coll, f.ID)
		switch {
		case err == nil:
			olds[i] = old
		case !errors.Is(err, geo.ErrNoFeature):
			return nil, err
		}
	}
	if err := s.st.PutMany(coll, fs); err != nil {
		return nil, err
	}
	changes := make([]geo.Change, len(fs))
	for i, f := range fs {
		changes[i] = s.written(coll, olds[i], f)
	}
	return s.apply(changes)[:len(changes)], nil
}
