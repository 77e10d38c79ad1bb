package cql2

import (
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// wkt parses a WKT geometry starting at its type keyword. A Z dimension
// ("POINT Z (1 2 3)", or three numbers without the Z) is read and dropped.
func (p *textParser) wkt() (orb.Geometry, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	kind := strings.ToUpper(p.tok.text)
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.isKw("Z") {
		if err := p.advance(); err != nil {
			return nil, err
		}
	}
	switch kind {
	case "POINT":
		if err := p.expect("("); err != nil {
			return nil, err
		}
		pt, err := p.coord()
		if err != nil {
			return nil, err
		}
		return pt, p.expect(")")
	case "LINESTRING":
		at := p.loc()
		ls, err := p.coords()
		if err == nil && len(ls) < 2 {
			return nil, errAt(at, "a line string needs at least 2 positions")
		}
		return orb.LineString(ls), err
	case "POLYGON":
		return p.polygon()
	case "MULTIPOINT":
		var mp orb.MultiPoint
		err := p.each(func() error {
			if p.isPunct("(") {
				if err := p.advance(); err != nil {
					return err
				}
				pt, err := p.coord()
				if err != nil {
					return err
				}
				mp = append(mp, pt)
				return p.expect(")")
			}
			pt, err := p.coord()
			mp = append(mp, pt)
			return err
		})
		return mp, err
	case "MULTILINESTRING":
		var ml orb.MultiLineString
		err := p.each(func() error {
			at := p.loc()
			ls, err := p.coords()
			if err == nil && len(ls) < 2 {
				return errAt(at, "a line string needs at least 2 positions")
			}
			ml = append(ml, ls)
			return err
		})
		return ml, err
	case "MULTIPOLYGON":
		var mp orb.MultiPolygon
		err := p.each(func() error {
			pg, err := p.polygon()
			mp = append(mp, pg)
			return err
		})
		return mp, err
	default: // GEOMETRYCOLLECTION
		var c orb.Collection
		err := p.each(func() error {
			switch strings.ToUpper(p.tok.text) {
			case "POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION":
				if p.tok.kind == tIdent {
					g, err := p.wkt()
					c = append(c, g)
					return err
				}
			}
			return p.errf("expected a WKT geometry, found %s", p.describe())
		})
		return c, err
	}
}

// each parses '(' item {',' item} ')'.
func (p *textParser) each(item func() error) error {
	if err := p.expect("("); err != nil {
		return err
	}
	for {
		if err := item(); err != nil {
			return err
		}
		if p.isPunct(",") {
			if err := p.advance(); err != nil {
				return err
			}
			continue
		}
		return p.expect(")")
	}
}

func (p *textParser) polygon() (orb.Polygon, error) {
	var pg orb.Polygon
	err := p.each(func() error {
		at := p.loc()
		ls, err := p.coords()
		if err != nil {
			return err
		}
		if len(ls) < 4 || ls[0] != ls[len(ls)-1] {
			return errAt(at, "a polygon ring needs at least 4 positions, the last equal to the first")
		}
		pg = append(pg, orb.Ring(ls))
		return nil
	})
	return pg, err
}

func (p *textParser) coords() ([]orb.Point, error) {
	var ls []orb.Point
	err := p.each(func() error {
		pt, err := p.coord()
		ls = append(ls, pt)
		return err
	})
	return ls, err
}

// coord reads "x y" or "x y z".
func (p *textParser) coord() (orb.Point, error) {
	var v [3]float64
	n := 0
	for n < 3 {
		neg := false
		if p.isPunct("-") || p.isPunct("+") {
			neg = p.tok.text == "-"
			if err := p.advance(); err != nil {
				return orb.Point{}, err
			}
		}
		if p.tok.kind != tNumber {
			return orb.Point{}, p.errf("expected a coordinate, found %s", p.describe())
		}
		f, err := strconv.ParseFloat(p.tok.text, 64)
		if err != nil {
			return orb.Point{}, p.errf("bad number %s", clip(p.tok.text))
		}
		if neg {
			f = -f
		}
		v[n] = f
		n++
		if err := p.advance(); err != nil {
			return orb.Point{}, err
		}
		if n == 2 && p.tok.kind != tNumber && !p.isPunct("-") && !p.isPunct("+") {
			break
		}
	}
	return orb.Point{v[0], v[1]}, nil
}
