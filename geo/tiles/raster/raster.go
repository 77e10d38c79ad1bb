// Package raster draws map tiles as PNG images on the server, for clients
// that cannot render vector tiles: polygon fills coloured by a count
// property, darker outlines, and circle markers for points.
package raster

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"math"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"golang.org/x/image/vector"

	"kzmap/geo"
	"kzmap/geo/internal/plane"
	"kzmap/geo/tiles"
	"kzmap/geo/tiles/internal/world"
)

// TileSize is the side of a tile at scale 1, in pixels.
const TileSize = 256

// ErrBadScale is returned for scales other than 1 and 2.
var ErrBadScale = errors.New("raster: scale must be 1 or 2")

// ColorBy names the numeric property that picks a polygon's fill: kzmap's
// regions carry how many events lie inside them.
const ColorBy = "events"

// palette is the sequential fill ramp (YlOrRd) for ColorBy, by lower bound
// of each class; a polygon without the property, or with 0, gets neutralFill.
var (
	neutralFill = color.NRGBA{0xd9, 0xd0, 0xc1, 0xff} // light grey-beige
	palette     = []struct {
		Min   float64
		Color color.NRGBA
	}{
		{1, color.NRGBA{0xfe, 0xd9, 0x76, 0xff}},
		{2, color.NRGBA{0xfe, 0xb2, 0x4c, 0xff}},
		{4, color.NRGBA{0xfd, 0x8d, 0x3c, 0xff}},
		{7, color.NRGBA{0xf0, 0x3b, 0x20, 0xff}},
		{11, color.NRGBA{0xbd, 0x00, 0x26, 0xff}},
	}
	outlineColor    = color.NRGBA{0x5c, 0x4d, 0x3c, 0xff}
	markerColor     = color.NRGBA{0xd7, 0x19, 0x1c, 0xff}
	markerEdgeColor = color.NRGBA{0xff, 0xff, 0xff, 0xff}
	fillAlpha       = 0.6
	strokeAlpha     = 0.85
)

// FillColor returns the fill for a polygon with the given properties,
// before transparency.
func FillColor(props map[string]any) color.NRGBA {
	v, ok := props[ColorBy].(float64)
	if !ok {
		if i, isInt := props[ColorBy].(int); isInt {
			v, ok = float64(i), true
		}
	}
	c := neutralFill
	if ok {
		for _, p := range palette {
			if v >= p.Min {
				c = p.Color
			}
		}
	}
	return c
}

// margin is how far, in tile pixels at scale 1, geometry is kept beyond
// the tile: enough for the widest stroke and marker to join up with the
// neighbouring tile, while clipped-off polygon edges stay out of sight.
const margin = 16

// PNG renders tile t of the given layers, drawn in order, as a
// (256·scale)-pixel square PNG with a transparent background. It returns
// nil when no feature reaches the tile.
func PNG(src tiles.Source, layers []string, t maptile.Tile, scale int) ([]byte, error) {
	img, err := Render(src, layers, t, scale)
	if err != nil || img == nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: pool}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("raster: encoding %d/%d/%d: %w", t.Z, t.X, t.Y, err)
	}
	return buf.Bytes(), nil
}

var pool = &bufferPool{}

type bufferPool struct{ p sync.Pool }

func (b *bufferPool) Get() *png.EncoderBuffer {
	v, _ := b.p.Get().(*png.EncoderBuffer)
	return v
}
func (b *bufferPool) Put(e *png.EncoderBuffer) { b.p.Put(e) }

// Render draws tile t as an image; nil when no feature reaches the tile.
func Render(src tiles.Source, layers []string, t maptile.Tile, scale int) (*image.RGBA, error) {
	if scale != 1 && scale != 2 {
		return nil, ErrBadScale
	}
	if t.Z > tiles.MaxZoom || !t.Valid() {
		return nil, fmt.Errorf("%w: %d/%d/%d", tiles.ErrBadTile, t.Z, t.X, t.Y)
	}
	size := TileSize * scale
	s := float64(scale)
	frame := world.NewFrame(uint32(t.Z), t.X, t.Y, float64(size), margin*s)
	q := geo.Query{Boxes: []orb.Bound{t.Bound(float64(margin) / TileSize)}}
	c := &canvas{
		img:    image.NewRGBA(image.Rect(0, 0, size, size)),
		r:      vector.NewRasterizer(size, size),
		stroke: s * strokeWidth(t.Z),
		radius: s * markerRadius(t.Z),
		edge:   s * 1.5,
	}
	var points []orb.Point
	for _, name := range layers {
		page, err := src.Items(name, q)
		if err != nil {
			return nil, fmt.Errorf("raster: layer %s: %w", name, err)
		}
		// One pass per fill colour, then one for every outline of the layer:
		// passes, not features, are what cost (each covers the whole tile).
		fills := map[color.NRGBA][]orb.Polygon{}
		var order []color.NRGBA
		var outlines []orb.Polygon
		var lines []orb.LineString
		for _, f := range page.Features {
			g := frame.Clipped(world.Of(f))
			if g == nil {
				continue
			}
			polys, ls, ps := parts(g)
			if len(polys) > 0 {
				fc := FillColor(f.Properties)
				if _, ok := fills[fc]; !ok {
					order = append(order, fc)
				}
				fills[fc] = append(fills[fc], polys...)
				outlines = append(outlines, polys...)
			}
			lines = append(lines, ls...)
			points = append(points, ps...)
		}
		for _, fc := range order {
			c.fill(fills[fc], fc, fillAlpha)
		}
		c.outline(outlines, lines, outlineColor, strokeAlpha)
	}
	c.markers(points)
	if !c.drawn {
		return nil, nil
	}
	return c.img, nil
}

// strokeWidth grows outlines a little with the zoom: hairlines over the
// whole country at zoom 3, firmer lines when a district fills the screen.
func strokeWidth(z maptile.Zoom) float64 {
	return clamp(0.6+0.15*float64(int(z)-3), 0.6, 2)
}

func markerRadius(z maptile.Zoom) float64 {
	return clamp(3+0.4*float64(int(z)-3), 3, 7)
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }

// parts splits a clipped geometry into polygons, lines and points.
func parts(g orb.Geometry) (polys []orb.Polygon, lines []orb.LineString, points []orb.Point) {
	switch g := g.(type) {
	case orb.Point:
		points = append(points, g)
	case orb.MultiPoint:
		points = append(points, g...)
	case orb.LineString:
		lines = append(lines, g)
	case orb.MultiLineString:
		lines = append(lines, g...)
	case orb.Polygon:
		polys = append(polys, g)
	case orb.MultiPolygon:
		polys = append(polys, g...)
	case orb.Collection:
		for _, m := range g {
			p, l, q := parts(m)
			polys, lines, points = append(polys, p...), append(lines, l...), append(points, q...)
		}
	}
	return
}

type canvas struct {
	img                  *image.RGBA
	r                    *vector.Rasterizer
	stroke, radius, edge float64
	drawn                bool
}

func (c *canvas) paint(col color.NRGBA, alpha float64) {
	col.A = uint8(math.Round(float64(col.A) * alpha))
	c.r.DrawOp = draw.Over
	c.r.Draw(c.img, c.img.Bounds(), image.NewUniform(col), image.Point{})
	b := c.img.Bounds()
	c.r.Reset(b.Dx(), b.Dy())
	c.drawn = true
}

// fill paints polygons. The rasterizer sums signed coverage, so rings are
// wound one way for exteriors and the other for holes, whatever the source
// did; overlapping exteriors then saturate instead of cancelling.
func (c *canvas) fill(polys []orb.Polygon, col color.NRGBA, alpha float64) {
	if len(polys) == 0 {
		return
	}
	for _, p := range polys {
		for i, r := range p {
			if len(r) < 3 {
				continue
			}
			forward := (plane.Area2(r) > 0) == (i == 0)
			c.path(r, forward)
		}
	}
	c.paint(col, alpha)
}

func (c *canvas) path(r orb.Ring, forward bool) {
	n := len(r)
	at := func(i int) orb.Point {
		if forward {
			return r[i]
		}
		return r[n-1-i]
	}
	p := at(0)
	c.r.MoveTo(float32(p[0]), float32(p[1]))
	for i := 1; i < n; i++ {
		p = at(i)
		c.r.LineTo(float32(p[0]), float32(p[1]))
	}
	c.r.ClosePath()
}

// outline strokes rings and lines: a quad per segment and a small disc per
// vertex, all wound the same way so that overlaps saturate.
func (c *canvas) outline(polys []orb.Polygon, lines []orb.LineString, col color.NRGBA, alpha float64) {
	if len(polys) == 0 && len(lines) == 0 {
		return
	}
	h := c.stroke / 2
	for _, p := range polys {
		for _, r := range p {
			c.polyline(r, h)
		}
	}
	for _, l := range lines {
		c.polyline(l, h)
	}
	c.paint(col, alpha)
}

func (c *canvas) polyline(ps []orb.Point, h float64) {
	for i := 1; i < len(ps); i++ {
		a, b := ps[i-1], ps[i]
		dx, dy := b[0]-a[0], b[1]-a[1]
		l := math.Hypot(dx, dy)
		if l == 0 {
			continue
		}
		nx, ny := -dy/l*h, dx/l*h
		c.r.MoveTo(float32(a[0]+nx), float32(a[1]+ny))
		c.r.LineTo(float32(b[0]+nx), float32(b[1]+ny))
		c.r.LineTo(float32(b[0]-nx), float32(b[1]-ny))
		c.r.LineTo(float32(a[0]-nx), float32(a[1]-ny))
		c.r.ClosePath()
		if h > 0.5 {
			c.disc(b, h, 8)
		}
	}
}

// disc adds a circle as an n-gon, wound like the stroke quads.
func (c *canvas) disc(p orb.Point, r float64, n int) {
	for i := 0; i < n; i++ {
		a := -2 * math.Pi * float64(i) / float64(n)
		x, y := float32(p[0]+r*math.Cos(a)), float32(p[1]+r*math.Sin(a))
		if i == 0 {
			c.r.MoveTo(x, y)
		} else {
			c.r.LineTo(x, y)
		}
	}
	c.r.ClosePath()
}

// markers draws each point as a red disc with a white rim.
func (c *canvas) markers(ps []orb.Point) {
	if len(ps) == 0 {
		return
	}
	for _, p := range ps {
		c.disc(p, c.radius+c.edge, 32)
	}
	c.paint(markerEdgeColor, 1)
	for _, p := range ps {
		c.disc(p, c.radius, 32)
	}
	c.paint(markerColor, 1)
}
