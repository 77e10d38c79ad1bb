package geo

import "github.com/paulmach/orb"

// Op is what a write did to one feature.
type Op string

// Ops of a Change.
const (
	OpCreate  Op = "create"
	OpReplace Op = "replace"
	OpDelete  Op = "delete"
)

// Change is what one write did to one feature: everything derived from the
// features (counts, search index, cached tiles, the change feed) follows
// from a list of these, whichever process made the write.
type Change struct {
	Collection string
	ID         string
	Op         Op
	// Old is the bound of the geometry before the write (not for a
	// create); New the bound after it (not for a delete).
	Old, New orb.Bound
	// Feature is the feature as stored after a create or replace; nil
	// for a delete.
	Feature *Feature
}

// Bound returns the union of the bounds the change touched.
func (c Change) Bound() orb.Bound {
	switch c.Op {
	case OpCreate:
		return c.New
	case OpDelete:
		return c.Old
	}
	return c.Old.Union(c.New)
}

// Bounds returns the bounds the change touched, old first: one for a
// create or a delete, two for a replace.
func (c Change) Bounds() []orb.Bound {
	switch c.Op {
	case OpCreate:
		return []orb.Bound{c.New}
	case OpDelete:
		return []orb.Bound{c.Old}
	}
	return []orb.Bound{c.Old, c.New}
}
