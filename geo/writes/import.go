package writes

import (
	"errors"

	"kzmap/geo"
)

// Import writes a whole collection in one transaction (geo.Store.Import).
// meta gets the collection's stored metadata (exists false: none yet) and
// returns what to store; it runs in turn with other writes, so what it
// sees is what the import replaces. With replace, features of the old
// collection that fs does not hold are deleted. It returns the changes:
// those deletes first, then one per feature of fs, in order.
func (s *Service) Import(id string, fs []*geo.Feature, replace bool, meta func(old geo.Collection, exists bool) geo.Collection) ([]geo.Change, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, err := s.st.Collection(id)
	exists := err == nil
	if err != nil && !errors.Is(err, geo.ErrNoCollection) {
		return nil, err
	}
	var changes []geo.Change
	olds := map[string]*geo.Feature{}
	if exists {
		if replace {
			page, err := s.st.Items(id, geo.Query{})
			if err != nil {
				return nil, err
			}
			kept := make(map[string]bool, len(fs))
			for _, f := range fs {
				if f != nil {
					kept[f.ID] = true
				}
			}
			for _, o := range page.Features {
				olds[o.ID] = o
				if !kept[o.ID] {
					changes = append(changes, geo.Change{Collection: id, ID: o.ID, Op: geo.OpDelete, Old: bound(o)})
				}
			}
		} else {
			for _, f := range fs {
				if f == nil {
					continue
				}
				if o, err := s.st.Feature(id, f.ID); err == nil {
					olds[f.ID] = o
				}
			}
		}
	}
	if err := s.st.Import(meta(old, exists), fs, replace); err != nil {
		return nil, err
	}
	for _, f := range fs {
		changes = append(changes, s.written(id, olds[f.ID], f))
	}
	return s.apply(changes)[:len(changes)], nil
}
