// Package tiles makes map tiles from features: Mapbox Vector Tiles, TileJSON
// documents and a byte cache for finished tiles. Raster tiles live in
// tiles/raster and tile archives (PMTiles, MBTiles) in tiles/archive.
package tiles

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// MaxZoom is the deepest zoom a tile may ask for.
const MaxZoom = 24

// Extent is the size of an MVT tile's integer grid; Buffer is how far
// (in grid units) geometry reaches beyond the tile so that strokes and labels
// at the edges join up. Both are the usual PostGIS/Martin defaults.
const (
	Extent = 4096
	Buffer = 64
)

// ErrBadTile is wrapped by every error about a tile address.
var ErrBadTile = errors.New("tiles: bad tile address")

// AddressError is a tile address ParseTile refuses: which part (z, x or y)
// and why, so that a caller can name the part as its own parameter. It
// wraps ErrBadTile.
type AddressError struct {
	Part   string // "z", "x" or "y"
	Reason string // e.g. `"a" is not a whole number`, "4 is outside 0..3"
}

func (e *AddressError) Error() string {
	return ErrBadTile.Error() + ": " + e.Part + " " + e.Reason
}

func (e *AddressError) Unwrap() error { return ErrBadTile }

// ParseTile reads a tile address from its three path segments. Errors are
// *AddressError naming the first part that is wrong.
func ParseTile(z, x, y string) (maptile.Tile, error) {
	zn, err := parseIndex("z", z, MaxZoom)
	if err != nil {
		return maptile.Tile{}, err
	}
	last := uint64(1)<<zn - 1
	xn, err := parseIndex("x", x, last)
	if err != nil {
		return maptile.Tile{}, err
	}
	yn, err := parseIndex("y", y, last)
	if err != nil {
		return maptile.Tile{}, err
	}
	return maptile.New(uint32(xn), uint32(yn), maptile.Zoom(zn)), nil
}

func parseIndex(name, s string, max uint64) (uint64, error) {
	// Only plain decimal digits: "+1", " 1", "0x1" or "1e2" are not tile
	// addresses even where strconv would take them.
	if s == "" || len(s) > 12 {
		return 0, &AddressError{Part: name, Reason: fmt.Sprintf("%q is not a whole number", clip(s))}
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, &AddressError{Part: name, Reason: fmt.Sprintf("%q is not a whole number", clip(s))}
		}
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n > max {
		return 0, &AddressError{Part: name, Reason: fmt.Sprintf("%s is outside 0..%d", s, max)}
	}
	return n, nil
}

func clip(s string) string {
	if len(s) > 20 {
		return s[:20] + "…"
	}
	return s
}

// Bound returns the lon/lat bound of t grown by the tile buffer, the area
// whose features can show in the tile. Longitudes stay within ±180 (a tile at
// the antimeridian does not wrap; Kazakhstan is far from it).
func Bound(t maptile.Tile) orb.Bound {
	b := t.Bound(float64(Buffer) / Extent)
	if b.Min[0] < -180 {
		b.Min[0] = -180
	}
	if b.Max[0] > 180 {
		b.Max[0] = 180
	}
	return b
}

// Range returns the tiles of zoom z that cover lon/lat bound b: the
// top-left and bottom-right ones, within the zoom's grid (longitude 180
// falls in the last column, not one past it; latitudes beyond Web
// Mercator's square in its first or last row).
func Range(b orb.Bound, z maptile.Zoom) (topLeft, bottomRight maptile.Tile) {
	last := uint32(1)<<z - 1
	clamp := func(t maptile.Tile) maptile.Tile {
		t.X, t.Y = min(t.X, last), min(t.Y, last)
		return t
	}
	return clamp(maptile.At(orb.Point{b.Min[0], b.Max[1]}, z)), clamp(maptile.At(orb.Point{b.Max[0], b.Min[1]}, z))
}
