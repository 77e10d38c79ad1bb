package dataset

import (
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"kzmap/geo"
)

// Event precisions: how exactly the article locates an event.
const (
	PrecisionPlace   = "place"
	PrecisionCity    = "city"
	PrecisionRegion  = "region"
	PrecisionCountry = "country"
)

// placeEvents gives a point to the events the article locates only by region
// or country: an interior point of that area, so that the map shows them
// inside it and no more precisely; their `precision` says what the point means.
// The points are computed here, at import, because they derive from the
// boundary files, which the project does not redistribute.
func placeEvents(events, regions []*geo.Feature, country *geo.Feature) error {
	byCode := map[string]*geo.Feature{}
	for _, r := range regions {
		byCode[r.ID] = r
	}
	for i, e := range events {
		if e.Geometry != nil {
			continue
		}
		switch p := e.String("precision"); p {
		case PrecisionRegion:
			r, ok := byCode[e.String("region")]
			if !ok {
				return fmt.Errorf("%w: events.geojson: feature %d (%s): unknown region %q", ErrSources, i+1, e.ID, e.String("region"))
			}
			e.Geometry = InteriorPoint(r.Geometry)
		case PrecisionCountry:
			e.Geometry = InteriorPoint(country.Geometry)
		default:
			return fmt.Errorf("%w: events.geojson: feature %d (%s): no geometry and precision %q (want region or country)", ErrSources, i+1, e.ID, p)
		}
	}
	return nil
}

// countEvents sets each region's `events` to the number of events inside it.
// Country-wide events sit at an interior point of the whole country only to
// be drawn; they happened in no one region, so no region counts them.
func countEvents(regions, events []*geo.Feature) {
	for _, r := range regions {
		r.Properties["events"] = CountEvents(r, events)
	}
}

// InteriorPoint returns a point inside a polygonal geometry, rounded to four
// decimals where that keeps it inside: the centroid of the largest polygon
// when it lies inside, otherwise the middle of the widest interior stretch of
// a horizontal line through that centroid (the approach of GEOS's
// InteriorPointArea). Other geometries yield their bound's centre.
func InteriorPoint(g orb.Geometry) orb.Point {
	var poly orb.Polygon
	switch g := g.(type) {
	case orb.Polygon:
		poly = g
	case orb.MultiPolygon:
		best := -1.0
		for _, p := range g {
			if a := math.Abs(planar.Area(p)); a > best {
				best, poly = a, p
			}
		}
	default:
		if g == nil {
			return orb.Point{}
		}
		return g.Bound().Center()
	}
	if len(poly) == 0 {
		return orb.Point{}
	}
	c, _ := planar.CentroidArea(poly)
	pt := c
	if !planar.PolygonContains(poly, c) {
		pt = widestStretch(poly, c[1])
	}
	r := orb.Point{math.Round(pt[0]*1e4) / 1e4, math.Round(pt[1]*1e4) / 1e4}
	if planar.PolygonContains(poly, r) {
		return r
	}
	return pt
}

func widestStretch(poly orb.Polygon, y float64) orb.Point {
	var xs []float64
	for _, ring := range poly {
		for i := 0; i+1 < len(ring); i++ {
			a, b := ring[i], ring[i+1]
			// half-open rule so that a vertex on the line counts once
			if (a[1] > y) != (b[1] > y) {
				xs = append(xs, a[0]+(y-a[1])*(b[0]-a[0])/(b[1]-a[1]))
			}
		}
	}
	sort.Float64s(xs)
	best, width := poly.Bound().Center(), -1.0
	for i := 0; i+1 < len(xs); i += 2 {
		if w := xs[i+1] - xs[i]; w > width {
			width, best = w, orb.Point{(xs[i] + xs[i+1]) / 2, y}
		}
	}
	return best
}
