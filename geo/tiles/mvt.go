package tiles

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"strconv"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/simplify"

	"kzmap/geo"
	"kzmap/geo/tiles/internal/world"
)

// Source gives the features of a collection that meet a lon/lat bound
// (geo.Store satisfies it through Items with Boxes).
type Source interface {
	Items(collection string, q geo.Query) (geo.Page, error)
}

// Tolerance is the simplification tolerance for zoom z, in units of the
// 4096 grid, applied before snapping to the grid. PostGIS's ST_AsMVTGeom
// (what Martin and pg_tileserv serve) only snaps to the grid, drops repeated
// points and makes the result valid; a tenth of a unit removes little more
// than that (mostly points that snapping makes collinear), which keeps the
// tiles of the benchmark workload within a few per cent of PostGIS's at
// every zoom, their geometry about 6% smaller in total (a quarter of a unit
// had it 14% smaller, short of issue 3's ±10%). At zooms 0–1, where the
// whole country is a few hundred cells across, a fifth of a unit sheds
// more of the vertices that crowd into the same cells and still keeps
// those tiles within 3% of PostGIS's (half a unit had them 20–30% smaller).
// Whatever the tolerance, a ring that simplification makes cross itself is
// made again with a smaller one (see polygonBuilder.simpleRing).
func Tolerance(z maptile.Zoom) float64 {
	if z <= 1 {
		return 0.2
	}
	return 0.1
}

// MVT returns the Mapbox Vector Tile 2.1 (uncompressed) of tile t with one
// layer per collection, named by the collection id. It returns nil when no
// feature reaches the tile. Each feature carries its id as the property "id"
// and as the MVT id (see FeatureID).
func MVT(src Source, layers []string, t maptile.Tile) ([]byte, error) {
	if t.Z > MaxZoom || !t.Valid() {
		return nil, fmt.Errorf("%w: %d/%d/%d", ErrBadTile, t.Z, t.X, t.Y)
	}
	// The rings live only until they are encoded: they can come from the
	// builders' arenas, reused from tile to tile.
	bs := newBuilderSet(world.NewFrame(uint32(t.Z), t.X, t.Y, Extent, Buffer), Tolerance(t.Z), true)
	defer bs.release()
	ls, err := build(src, layers, t, bs)
	if err != nil || len(ls) == 0 {
		return nil, err
	}
	e := encoders.Get().(*encoder)
	defer encoders.Put(e)
	return e.encode(ls), nil
}

// Layers returns the tile's layers in tile coordinates before encoding,
// leaving out layers without features.
func Layers(src Source, layers []string, t maptile.Tile) (mvt.Layers, error) {
	if t.Z > MaxZoom || !t.Valid() {
		return nil, fmt.Errorf("%w: %d/%d/%d", ErrBadTile, t.Z, t.X, t.Y)
	}
	bs := newBuilderSet(world.NewFrame(uint32(t.Z), t.X, t.Y, Extent, Buffer), Tolerance(t.Z), false)
	defer bs.release()
	ls, err := build(src, layers, t, bs)
	if err != nil {
		return nil, err
	}
	out := make(mvt.Layers, 0, len(ls))
	for _, l := range ls {
		ml := &mvt.Layer{Name: l.name, Version: 2, Extent: Extent}
		for _, tf := range l.feats {
			ml.Features = append(ml.Features, &geojson.Feature{
				ID:         FeatureID(tf.f.ID),
				Geometry:   tf.g,
				Properties: Properties(tf.f),
			})
		}
		out = append(out, ml)
	}
	return out, nil
}

// build makes the tile's layers in tile coordinates, leaving out layers
// without features.
func build(src Source, layers []string, t maptile.Tile, bs *builderSet) ([]tileLayer, error) {
	q := geo.Query{Boxes: []orb.Bound{Bound(t)}}
	frame, tol := bs.frame, bs.tol
	dp := simplify.DouglasPeucker(tol)
	var out []tileLayer
	var jobs []featureJob
	seen := make(map[string]bool, len(layers))
	for _, name := range layers {
		if seen[name] {
			continue
		}
		seen[name] = true
		page, err := src.Items(name, q)
		if err != nil {
			return nil, fmt.Errorf("tiles: layer %s: %w", name, err)
		}
		// Polygons first, all together (see builderSet.build); then the
		// layer in the source's order.
		jobs = jobs[:0]
		for _, f := range page.Features {
			if w := world.Of(f); frame.PixelBound(w.Bound).Intersects(frame.Clip) {
				jobs = append(jobs, featureJob{f: f, w: w})
			}
		}
		bs.build(jobs)
		l := tileLayer{name: name}
		for _, j := range jobs {
			if j.w.Polygonal() {
				if j.g != nil {
					l.feats = append(l.feats, tileFeature{j.f, j.g})
				}
				continue
			}
			// An MVT feature has one geometry type: a collection's
			// members become features of their own, its polygons made
			// as any polygon is.
			for _, m := range members(j.w) {
				var g orb.Geometry
				if m.Polygonal() {
					g = bs.get(0).geometry(m)
				} else if g = frame.Clipped(m); g != nil {
					g = snap(g, dp)
				}
				if g != nil {
					l.feats = append(l.feats, tileFeature{j.f, g})
				}
			}
		}
		if len(l.feats) > 0 {
			out = append(out, l)
		}
	}
	return out, nil
}

// members flattens w: a collection's members, nested ones included, or w
// itself.
func members(w *world.Geometry) []*world.Geometry {
	if w.Members == nil {
		return []*world.Geometry{w}
	}
	var out []*world.Geometry
	for _, m := range w.Members {
		out = append(out, members(m)...)
	}
	return out
}

// maxSafeID keeps ids exact in JavaScript (MapLibre's feature state) and in
// decoders that read ids as doubles, orb's included.
const maxSafeID = 1<<53 - 1

// FeatureID is the MVT id of a feature id: the number itself when id is a
// decimal number below 2^53, otherwise its FNV-1a hash cut to 53 bits.
// Either way it is the same in every tile.
func FeatureID(id string) uint64 {
	if id != "" && id[0] >= '0' && id[0] <= '9' {
		if n, err := strconv.ParseUint(id, 10, 64); err == nil && n <= maxSafeID {
			return n
		}
	}
	h := fnv.New64a()
	h.Write([]byte(id))
	return h.Sum64() & maxSafeID
}

// Properties returns f's properties as MVT values: strings, integers
// (integral numbers become sint values, as PostGIS writes integer columns),
// doubles and bools; objects and arrays become their JSON text; null is left
// out. The feature id is added as "id". Tiles keep them encoded, once per
// feature (see tags).
func Properties(f *geo.Feature) geojson.Properties {
	p := make(geojson.Properties, len(f.Properties)+1)
	for k, v := range f.Properties {
		if v, ok := value(v); ok {
			p[k] = v
		}
	}
	p["id"] = f.ID
	return p
}

func value(v any) (any, bool) {
	switch v := v.(type) {
	case nil:
		return nil, false
	case string, bool, int64, uint64:
		return v, true
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return int64(v), true
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, false
		}
		return v, true
	case float32:
		return value(float64(v))
	case int:
		return int64(v), true
	case int32:
		return int64(v), true
	case uint32:
		return uint64(v), true
	case json.Number:
		if n, err := v.Int64(); err == nil {
			return n, true
		}
		if x, err := v.Float64(); err == nil {
			return value(x)
		}
		return v.String(), true
	case time.Time:
		return v.Format(time.RFC3339), true
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v), true
	}
	return string(b), true
}

// snap simplifies g (pixel coordinates, floating point), moves it onto the
// integer grid, drops what collapses there and orients rings the MVT way:
// exterior rings with positive area in tile coordinates (y down), holes
// negative. It returns nil when nothing is left.
func snap(g orb.Geometry, dp *simplify.DouglasPeuckerSimplifier) orb.Geometry {
	switch g := g.(type) {
	case orb.Point:
		return round(g)
	case orb.MultiPoint:
		for i := range g {
			g[i] = round(g[i])
		}
		return g
	case orb.LineString:
		return snapLine(g, dp)
	case orb.MultiLineString:
		out := g[:0]
		for _, ls := range g {
			if ls = snapLine(ls, dp); ls != nil {
				out = append(out, ls)
			}
		}
		if len(out) == 0 {
			return nil
		}
		if len(out) == 1 {
			return out[0]
		}
		return out
	}
	return nil
}

func round(p orb.Point) orb.Point {
	return orb.Point{math.Round(p[0]), math.Round(p[1])}
}

func snapLine(ls orb.LineString, dp *simplify.DouglasPeuckerSimplifier) orb.LineString {
	ls = dp.LineString(ls)
	ls = dedupe(ls)
	if len(ls) < 2 {
		return nil
	}
	return ls
}

// radial drops points closer than tol to the last point kept: a cheap pass
// that leaves the simplifier little to do at low zooms, where thousands of
// vertices share one grid cell. It keeps the first and last points.
func radial(ps []orb.Point, tol float64) []orb.Point {
	if len(ps) < 3 {
		return ps
	}
	t2 := tol * tol
	out := ps[:1]
	last := ps[0]
	for _, p := range ps[1 : len(ps)-1] {
		dx, dy := p[0]-last[0], p[1]-last[1]
		if dx*dx+dy*dy >= t2 {
			out = append(out, p)
			last = p
		}
	}
	return append(out, ps[len(ps)-1])
}

// dedupe rounds ps to the grid and drops consecutive repeats, in place.
func dedupe(ps []orb.Point) []orb.Point {
	out := ps[:0]
	for _, p := range ps {
		p = round(p)
		if len(out) > 0 && out[len(out)-1] == p {
			continue
		}
		out = append(out, p)
	}
	return out
}
