package world

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
)

// Frame maps world coordinates to the pixel grid of one tile: a tile of
// zoom z, column x, row y drawn on a size×size grid.
type Frame struct {
	Scale, OffX, OffY float64
	// Clip is the tile's pixel box grown by the margin.
	Clip orb.Bound
}

// NewFrame returns the frame of tile z/x/y on a size×size grid, clipping
// margin pixels outside the tile.
func NewFrame(z uint32, x, y uint32, size, margin float64) Frame {
	n := float64(uint64(1) << z)
	return Frame{
		Scale: size * n,
		OffX:  float64(x) * size,
		OffY:  float64(y) * size,
		Clip: orb.Bound{
			Min: orb.Point{-margin, -margin},
			Max: orb.Point{size + margin, size + margin},
		},
	}
}

// Pixel maps one world point to the frame.
func (f Frame) Pixel(p orb.Point) orb.Point {
	return orb.Point{p[0]*f.Scale - f.OffX, p[1]*f.Scale - f.OffY}
}

// PixelBound maps a world bound to the frame.
func (f Frame) PixelBound(b orb.Bound) orb.Bound {
	return orb.Bound{Min: f.Pixel(b.Min), Max: f.Pixel(b.Max)}
}

// Clipped returns w in the frame's pixels (floating point), clipped to the
// frame's box, or nil when nothing is left. The result is a fresh copy.
func (f Frame) Clipped(w *Geometry) orb.Geometry {
	if w.G == nil || !f.PixelBound(w.Bound).Intersects(f.Clip) {
		return nil
	}
	inside := f.Clip.Contains(f.PixelBound(w.Bound).Min) && f.Clip.Contains(f.PixelBound(w.Bound).Max)
	switch g := w.G.(type) {
	case orb.Point:
		p := f.Pixel(g)
		if !f.Clip.Contains(p) {
			return nil
		}
		return p
	case orb.MultiPoint:
		var out orb.MultiPoint
		for _, p := range g {
			if q := f.Pixel(p); f.Clip.Contains(q) {
				out = append(out, q)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case orb.LineString:
		return f.lines(orb.MultiLineString{g}, inside)
	case orb.MultiLineString:
		return f.lines(g, inside)
	case orb.Ring:
		if p := f.polygon(orb.Polygon{g}, inside); p != nil {
			return p
		}
		return nil
	case orb.Polygon:
		if p := f.polygon(g, inside); p != nil {
			return p
		}
		return nil
	case orb.MultiPolygon:
		var out orb.MultiPolygon
		for i, p := range g {
			if w.Parts != nil {
				pb := f.PixelBound(w.Parts[i])
				if !pb.Intersects(f.Clip) {
					continue
				}
			}
			if q := f.polygon(p, inside); q != nil {
				out = append(out, q)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case orb.Collection:
		var out orb.Collection
		for _, m := range w.Members {
			if q := f.Clipped(m); q != nil {
				out = append(out, q)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	}
	return nil
}

func (f Frame) pixels(ps []orb.Point) []orb.Point {
	out := make([]orb.Point, len(ps))
	for i, p := range ps {
		out[i] = orb.Point{p[0]*f.Scale - f.OffX, p[1]*f.Scale - f.OffY}
	}
	return out
}

func (f Frame) lines(mls orb.MultiLineString, inside bool) orb.Geometry {
	var out orb.MultiLineString
	for _, ls := range mls {
		px := orb.LineString(f.pixels(ls))
		if inside {
			out = append(out, px)
			continue
		}
		out = append(out, clip.LineString(f.Clip, px)...)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// polygon clips each ring on its own (Sutherland–Hodgman, as orb/clip does):
// a ring that surrounds the box becomes the box, one outside it goes away.
func (f Frame) polygon(p orb.Polygon, inside bool) orb.Polygon {
	var out orb.Polygon
	for i, r := range p {
		px := orb.Ring(f.pixels(r))
		if !inside {
			px = clip.Ring(f.Clip, px)
		}
		if len(px) == 0 {
			if i == 0 {
				return nil
			}
			continue
		}
		out = append(out, px)
	}
	return out
}
