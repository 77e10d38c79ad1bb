package writes

import (
	"github.com/paulmach/orb"

	"kzmap/geo"
)

// Invalidator drops cached tiles; *tiles.Cache is one.
type Invalidator interface {
	// Invalidate drops the tiles of collection that meet b.
	Invalidate(collection string, b orb.Bound)
	// Purge drops every tile.
	Purge()
}

// TileCache is the follower that drops the cached tiles a change touches.
type TileCache struct{ c Invalidator }

// NewTileCache returns the follower invalidating c.
func NewTileCache(c Invalidator) *TileCache { return &TileCache{c: c} }

// Apply drops, per collection, the cached tiles that meet the union of the
// old and new bounds of its changes.
func (t *TileCache) Apply(changes []geo.Change) []geo.Change {
	touched := map[string]orb.Bound{}
	var order []string
	for _, c := range changes {
		b := c.Bound()
		if u, ok := touched[c.Collection]; ok {
			touched[c.Collection] = u.Union(b)
			continue
		}
		touched[c.Collection] = b
		order = append(order, c.Collection)
	}
	for _, coll := range order {
		t.c.Invalidate(coll, touched[coll])
	}
	return nil
}

// Reset drops every cached tile.
func (t *TileCache) Reset() error {
	t.c.Purge()
	return nil
}
