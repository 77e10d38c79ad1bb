package reader

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"kzmap/geo"
)

// geometryTypes are the RFC 7946 geometry types.
var geometryTypes = map[string]bool{
	"Point": true, "MultiPoint": true, "LineString": true, "MultiLineString": true,
	"Polygon": true, "MultiPolygon": true, "GeometryCollection": true,
}

// geometry reads an RFC 7946 geometry; depth is 1 inside a
// GeometryCollection, which may not nest another (RFC 7946 3.1.8 advises
// against it, and nothing kzmap serves needs it). It returns nil, nil for
// an empty one when the options allow null geometries.
func (d *decoder) geometry(b []byte, index int, path string, depth int, vertices *int) (orb.Geometry, error) {
	m, err := d.object(b, index, path)
	if err != nil {
		return nil, err
	}
	typ, err := d.typeOf(m, index, path)
	if err != nil {
		return nil, err
	}
	if !geometryTypes[typ] {
		return nil, d.fail(index, join(path, "type"), "%q is not an RFC 7946 geometry type", clip(typ))
	}
	if typ == "GeometryCollection" {
		return d.geometryCollection(m, index, path, depth, vertices)
	}
	raw, ok := m["coordinates"]
	if !ok || isNull(raw) {
		return nil, d.fail(index, join(path, "coordinates"), "missing")
	}
	c := coordinates{d: d, b: raw, index: index, base: join(path, "coordinates"), vertices: vertices, max: d.opt.MaxVertices}
	if typ != "Point" && d.opt.AllowNullGeometry && c.emptyArray() {
		return nil, nil // RFC 7946 3.1: an empty geometry
	}
	switch typ {
	case "Point":
		return c.position(0)
	case "MultiPoint":
		pts, err := c.positions(0, 1, "a MultiPoint needs at least 1 position")
		return orb.MultiPoint(pts), err
	case "LineString":
		pts, err := c.positions(0, 2, "a LineString needs at least 2 positions")
		return orb.LineString(pts), err
	case "MultiLineString":
		var out orb.MultiLineString
		err := c.nonEmpty(0, func() error {
			pts, err := c.positions(1, 2, "a LineString needs at least 2 positions")
			out = append(out, pts)
			return err
		})
		return out, err
	case "Polygon":
		return c.polygon(0)
	default: // MultiPolygon
		var out orb.MultiPolygon
		err := c.nonEmpty(0, func() error {
			pg, err := c.polygon(1)
			out = append(out, pg)
			return err
		})
		return out, err
	}
}

func (d *decoder) geometryCollection(m members, index int, path string, depth int, vertices *int) (orb.Geometry, error) {
	if depth > 0 {
		return nil, d.fail(index, path, "nested GeometryCollection")
	}
	raw, ok := m["geometries"]
	if !ok || raw[0] != '[' {
		return nil, d.fail(index, join(path, "geometries"), "missing or not an array")
	}
	out := orb.Collection{}
	err := eachElement(raw, func(i int, el []byte) error {
		g, err := d.geometry(el, index, fmt.Sprintf("%s[%d]", join(path, "geometries"), i), depth+1, vertices)
		if g != nil { // an empty member carries nothing; a nil one would not encode
			out = append(out, g)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		if d.opt.AllowNullGeometry {
			return nil, nil // RFC 7946 3.1: an empty geometry
		}
		return nil, d.fail(index, join(path, "geometries"), "empty")
	}
	return out, nil
}

// coordinates reads a coordinates member, checking every position where
// it stands: errors give its path, e.g. "geometry.coordinates[0][4]".
// Numbers are parsed straight from the JSON text: decoding into float
// slices would read null as 0, and into []any costs an allocation per
// number.
type coordinates struct {
	d        *decoder
	b        []byte
	i        int
	idx      [4]int // the index within each array entered
	index    int    // of the feature
	base     string // path of the member
	vertices *int
	max      int
}

// path names the value at array depth n: base plus n indices.
func (c *coordinates) path(n int) string {
	var b strings.Builder
	b.WriteString(c.base)
	for _, i := range c.idx[:n] {
		fmt.Fprintf(&b, "[%d]", i)
	}
	return b.String()
}

func (c *coordinates) fail(n int, format string, args ...any) error {
	return c.d.fail(c.index, c.path(n), format, args...)
}

func (c *coordinates) skipSpace() { c.i = skipSpace(c.b, c.i) }

// emptyArray reports whether the member is [].
func (c *coordinates) emptyArray() bool {
	return c.b[0] == '[' && c.b[skipSpace(c.b, 1)] == ']'
}

// array reads the array at depth n, calling elem for each element with
// c.idx[n] set to its index, and returns the number of elements.
func (c *coordinates) array(n int, notArray string, elem func() error) (int, error) {
	c.skipSpace()
	if c.b[c.i] != '[' {
		return 0, c.fail(n, "%s", notArray)
	}
	c.i = skipSpace(c.b, c.i+1)
	if c.b[c.i] == ']' {
		c.i++
		return 0, nil
	}
	for k := 0; ; k++ {
		c.idx[n] = k
		if err := elem(); err != nil {
			return 0, err
		}
		c.skipSpace()
		if c.b[c.i] == ']' {
			c.i++
			return k + 1, nil
		}
		c.i++ // ','
	}
}

// nonEmpty is array for arrays that may not be empty.
func (c *coordinates) nonEmpty(n int, elem func() error) error {
	k, err := c.array(n, "not an array", elem)
	if err == nil && k == 0 {
		return c.fail(n, "empty")
	}
	return err
}

const notPosition = "a position is an array of 2 or 3 numbers (longitude, latitude[, height])"

// position reads the position at depth n.
func (c *coordinates) position(n int) (orb.Point, error) {
	var xyz [3]float64
	k, err := c.array(n, notPosition, func() error {
		k := c.idx[n]
		if k == 3 {
			return c.fail(n, notPosition)
		}
		c.skipSpace()
		start := c.i
		if ch := c.b[start]; ch != '-' && (ch < '0' || ch > '9') {
			return c.fail(n+1, "not a number")
		}
		for c.i < len(c.b) && !isDelimiter(c.b[c.i]) {
			c.i++
		}
		f, err := strconv.ParseFloat(string(c.b[start:c.i]), 64)
		if err != nil { // valid JSON: only a number beyond float64
			return c.fail(n+1, "%s is out of range", clip(string(c.b[start:c.i])))
		}
		xyz[k] = f
		return nil
	})
	if err != nil {
		return orb.Point{}, err
	}
	if k < 2 {
		return orb.Point{}, c.fail(n, notPosition)
	}
	p := orb.Point{xyz[0], xyz[1]}
	if err := geo.CheckLonLat(p); err != nil {
		return orb.Point{}, c.fail(n, "%v", err)
	}
	if *c.vertices++; c.max > 0 && *c.vertices > c.max {
		return orb.Point{}, c.fail(n, "more than %d positions in one feature (the limit)", c.max)
	}
	return p, nil
}

// positions reads the array of at least min positions at depth n.
func (c *coordinates) positions(n, min int, why string) ([]orb.Point, error) {
	var out []orb.Point
	k, err := c.array(n, "not an array of positions", func() error {
		p, err := c.position(n + 1)
		out = append(out, p)
		return err
	})
	if err != nil {
		return nil, err
	}
	if k < min {
		return nil, c.fail(n, "%s, got %d", why, k)
	}
	return out, nil
}

// polygon reads the non-empty array of linear rings at depth n.
func (c *coordinates) polygon(n int) (orb.Polygon, error) {
	var out orb.Polygon
	err := c.nonEmpty(n, func() error {
		pts, err := c.positions(n+1, 4, "a linear ring needs at least 4 positions")
		if err != nil {
			return err
		}
		if first, last := pts[0], pts[len(pts)-1]; first != last {
			return c.fail(n+1, "linear ring is not closed: first position %v differs from last %v", first, last)
		}
		out = append(out, orb.Ring(pts))
		return nil
	})
	return out, err
}
