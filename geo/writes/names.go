package writes

import "kzmap/geo"

// NameIndex is a search index kept up to date feature by feature;
// *names.Index is one.
type NameIndex interface {
	Add(collection string, rank int, id string, names ...string)
	Remove(collection, id string)
}

// Names is the follower that indexes the names of the features of every
// collection with search fields (geo.Collection.SearchFields).
type Names struct {
	ix NameIndex
	st geo.Store
}

// NewNames returns the follower keeping ix up to date with st.
func NewNames(ix NameIndex, st geo.Store) *Names { return &Names{ix: ix, st: st} }

// Apply indexes created and replaced features and drops deleted ones.
func (n *Names) Apply(changes []geo.Change) []geo.Change {
	metas := map[string]geo.Collection{}
	for _, c := range changes {
		if c.Op == geo.OpDelete || c.Feature == nil { // nil: deleted since
			n.ix.Remove(c.Collection, c.ID)
			continue
		}
		meta, ok := metas[c.Collection]
		if !ok {
			meta, _ = n.st.Collection(c.Collection) // gone since: no search fields
			metas[c.Collection] = meta
		}
		if len(meta.SearchFields) > 0 {
			n.ix.Add(c.Collection, meta.Rank, c.ID, FeatureNames(meta, c.Feature)...)
		}
	}
	return nil
}

// Reset indexes every feature of the store, after emptying the index when
// it can be emptied (a Clear method, as *names.Index has).
func (n *Names) Reset() error {
	if c, ok := n.ix.(interface{ Clear() }); ok {
		c.Clear()
	}
	for _, meta := range n.st.Collections() {
		if len(meta.SearchFields) == 0 {
			continue
		}
		page, err := n.st.Items(meta.ID, geo.Query{})
		if err != nil {
			return err
		}
		for _, f := range page.Features {
			n.ix.Add(meta.ID, meta.Rank, f.ID, FeatureNames(meta, f)...)
		}
	}
	return nil
}

// FeatureNames returns the non-empty values of a collection's search fields.
func FeatureNames(c geo.Collection, f *geo.Feature) []string {
	var ns []string
	for _, k := range c.SearchFields {
		if s := f.String(k); s != "" {
			ns = append(ns, s)
		}
	}
	return ns
}
