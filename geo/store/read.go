package store

import (
	"fmt"
	"io"
	"math/bits"
	"slices"
	"sort"

	"github.com/paulmach/orb"
	"github.com/tidwall/buntdb"

	"kzmap/geo"
)

// Collections lists every collection, ordered by id.
func (s *Store) Collections() []geo.Collection {
	snap := s.snap.Load()
	out := make([]geo.Collection, 0, len(snap.colls))
	for _, cs := range snap.colls {
		out = append(out, copyMeta(cs.meta))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func copyMeta(c geo.Collection) geo.Collection {
	c.Fields = slices.Clone(c.Fields)
	c.SearchFields = slices.Clone(c.SearchFields)
	return c
}

// Collection returns one collection's metadata or geo.ErrNoCollection.
func (s *Store) Collection(id string) (geo.Collection, error) {
	cs := s.snap.Load().colls[id]
	if cs == nil {
		return geo.Collection{}, fmt.Errorf("store: %q: %w", id, geo.ErrNoCollection)
	}
	return copyMeta(cs.meta), nil
}

// Feature returns one feature, or geo.ErrNoCollection / geo.ErrNoFeature.
func (s *Store) Feature(collection, id string) (*geo.Feature, error) {
	cs := s.snap.Load().colls[collection]
	if cs == nil {
		return nil, fmt.Errorf("store: %q: %w", collection, geo.ErrNoCollection)
	}
	e := cs.byID[id]
	if e == nil {
		return nil, fmt.Errorf("store: %q in %q: %w", id, collection, geo.ErrNoFeature)
	}
	return e.f, nil
}

// Lookup returns the features of collection containing p, boundary
// included, ordered by id. It answers from the in-memory grid (see grid.go);
// lookupIndexed is the same answer through BuntDB's spatial index.
func (s *Store) Lookup(collection string, p orb.Point) ([]*geo.Feature, error) {
	cs := s.snap.Load().colls[collection]
	if cs == nil {
		return nil, fmt.Errorf("store: %q: %w", collection, geo.ErrNoCollection)
	}
	if out := cs.grid.lookup(p); out != nil {
		return out, nil
	}
	return []*geo.Feature{}, nil
}

// lookupIndexed answers Lookup through a BuntDB transaction and its
// spatial index; kept to measure that path and to check the grid against it.
func (s *Store) lookupIndexed(collection string, p orb.Point) ([]*geo.Feature, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	cs := s.snap.Load().colls[collection]
	if cs == nil {
		return nil, fmt.Errorf("store: %q: %w", collection, geo.ErrNoCollection)
	}
	var hits []*entry
	prefix := len(featPrefix(collection))
	err := s.db.View(func(tx *buntdb.Tx) error {
		return tx.Intersects(indexName(collection), boundKey(orb.Bound{Min: p, Max: p}), func(k, _ string) bool {
			if e := cs.byID[k[prefix:]]; e != nil && e.prep.ContainsPoint(p) {
				hits = append(hits, e)
			}
			return true
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	slices.SortFunc(hits, func(a, b *entry) int { return a.idx - b.idx })
	out := make([]*geo.Feature, len(hits))
	for i, e := range hits {
		out[i] = e.f
	}
	return out, nil
}

// Items answers a query, ordered by feature id.
func (s *Store) Items(collection string, q geo.Query) (geo.Page, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	cs := s.snap.Load().colls[collection]
	if cs == nil {
		return geo.Page{}, fmt.Errorf("store: %q: %w", collection, geo.ErrNoCollection)
	}
	cands := cs.entries
	if q.FilterBoxes != nil && len(q.FilterBoxes) == 0 {
		return geo.Page{Features: []*geo.Feature{}}, nil
	}
	// The spatial index answers bbox's boxes when there are any, else the
	// filter's; the filter's boxes then narrow bbox's candidates.
	index, narrow := q.Boxes, []orb.Bound(nil)
	if len(index) == 0 {
		index = q.FilterBoxes
	} else {
		narrow = q.FilterBoxes
	}
	if len(index) > 0 {
		// Candidates from BuntDB's spatial index, tested exactly; a bitset
		// over entry positions dedupes across boxes and keeps id order.
		hit := make([]uint64, (len(cs.entries)+63)/64)
		prefix := len(featPrefix(collection))
		err := s.db.View(func(tx *buntdb.Tx) error {
			for _, b := range index {
				err := tx.Intersects(indexName(collection), boundKey(b), func(k, _ string) bool {
					e := cs.byID[k[prefix:]]
					if e != nil && hit[e.idx/64]&(1<<(e.idx%64)) == 0 && e.prep.IntersectsBound(b) {
						hit[e.idx/64] |= 1 << (e.idx % 64)
					}
					return true
				})
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return geo.Page{}, fmt.Errorf("store: %w", err)
		}
		cands = nil
		for w, word := range hit {
			for word != 0 {
				i := w*64 + bits.TrailingZeros64(word)
				word &= word - 1
				cands = append(cands, cs.entries[i])
			}
		}
	}
	// A time filter applies to collections with a time property; there,
	// features without a readable time are left out.
	useTime := q.Time != nil && cs.meta.TimeStart != ""
	page := geo.Page{Features: []*geo.Feature{}}
	offset := max(q.Offset, 0)
	var sorted []*geo.Feature // every match, when the query sorts
	for _, e := range cands {
		if useTime && (!e.hasTime || !q.Time.Overlaps(e.t0, e.t1)) {
			continue
		}
		if !matchEquals(e.f, q.Equals) {
			continue
		}
		if narrow != nil && !intersectsAny(e.prep, narrow) {
			continue
		}
		if q.Filter != nil && !q.Filter.Match(e.f) {
			continue
		}
		page.Matched++
		if len(q.SortBy) > 0 {
			sorted = append(sorted, e.f)
			continue
		}
		if page.Matched > offset && (q.Limit <= 0 || len(page.Features) < q.Limit) {
			page.Features = append(page.Features, e.f)
		}
	}
	if len(q.SortBy) > 0 {
		// The candidates are in id order; a stable sort keeps it as the last key.
		sort.SliceStable(sorted, func(i, j int) bool { return geo.SortLess(q.SortBy, sorted[i], sorted[j]) })
		if offset < len(sorted) {
			sorted = sorted[offset:]
			if q.Limit > 0 && len(sorted) > q.Limit {
				sorted = sorted[:q.Limit]
			}
			page.Features = sorted
		}
	}
	return page, nil
}

// intersectsAny reports whether the geometry meets any of the boxes.
func intersectsAny(p interface{ IntersectsBound(orb.Bound) bool }, boxes []orb.Bound) bool {
	for _, b := range boxes {
		if p.IntersectsBound(b) {
			return true
		}
	}
	return false
}

func matchEquals(f *geo.Feature, eq map[string]string) bool {
	for k, want := range eq {
		v, ok := f.Properties[k]
		if !ok || text(v) != want {
			return false
		}
	}
	return true
}

// Snapshot writes a consistent copy of the whole database to w in BuntDB's
// file format (a file that Open reads). Writers wait meanwhile, so write
// to something fast (a local file) rather than straight to a slow client.
func (s *Store) Snapshot(w io.Writer) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := s.db.Save(w); err != nil {
		return fmt.Errorf("store: snapshot: %w", closedErr(err))
	}
	return nil
}
