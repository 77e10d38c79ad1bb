package tiles

import (
	"errors"
	"math"
	"sort"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/planar"

	"kzmap/geo"
	"kzmap/geo/internal/plane"
	"kzmap/geo/tiles/internal/tiletest"
	"kzmap/geo/tiles/internal/world"
)

// kazakhstanTiles lists every tile of zooms minz..maxz that meets b.
func coverTiles(b orb.Bound, minz, maxz int) []maptile.Tile {
	var out []maptile.Tile
	for z := minz; z <= maxz; z++ {
		lo := maptile.At(orb.Point{b.Min[0], b.Max[1]}, maptile.Zoom(z))
		hi := maptile.At(orb.Point{b.Max[0], b.Min[1]}, maptile.Zoom(z))
		for x := lo.X; x <= hi.X; x++ {
			for y := lo.Y; y <= hi.Y; y++ {
				out = append(out, maptile.New(x, y, maptile.Zoom(z)))
			}
		}
	}
	return out
}

func sourceBound(fs []*geo.Feature) orb.Bound {
	b := fs[0].Geometry.Bound()
	for _, f := range fs[1:] {
		b = b.Union(f.Geometry.Bound())
	}
	return b
}

// TestMVTDistricts checks, for every tile of z0–6 over Kazakhstan, that the
// tile holds exactly the districts it should and that its geometry is valid.
func TestMVTDistricts(t *testing.T) {
	src := tiletest.Districts(t)
	fs := src.Collections["districts"]
	tiles := coverTiles(sourceBound(fs), 0, 6)
	var nonEmpty, features, dropped int
	for _, tile := range tiles {
		b, err := MVT(src, []string{"districts"}, tile)
		if err != nil {
			t.Fatalf("%v: %v", tile, err)
		}
		got := map[string]bool{}
		if b != nil {
			nonEmpty++
			ls, err := mvt.Unmarshal(b)
			if err != nil {
				t.Fatalf("%v: decoding: %v", tile, err)
			}
			if len(ls) != 1 || ls[0].Name != "districts" || ls[0].Extent != Extent || ls[0].Version != 2 {
				t.Fatalf("%v: layers %+v", tile, ls)
			}
			for _, f := range ls[0].Features {
				id, _ := f.Properties["id"].(string)
				if id == "" {
					t.Fatalf("%v: feature without id property: %v", tile, f.Properties)
				}
				if f.ID != float64(FeatureID(id)) {
					t.Errorf("%v: %s has MVT id %v, want %d", tile, id, f.ID, FeatureID(id))
				}
				if got[id] {
					t.Errorf("%v: %s appears twice", tile, id)
				}
				got[id] = true
				features++
				checkGeometry(t, tile, id, f.Geometry)
			}
		}
		for _, f := range fs {
			in := got[f.ID]
			if in && !tiletest.Intersects(f.Geometry, Bound(tile)) {
				t.Errorf("%v: %s is in the tile but does not meet its buffered bound", tile, f.ID)
			}
			if !in && tiletest.Intersects(f.Geometry, tile.Bound()) {
				// Only what the grid cannot show may be left out: PostGIS
				// drops such collapsed polygons too.
				if a := gridArea(f, tile); a >= 16 {
					t.Errorf("%v: %s meets the tile over %.1f grid cells but is missing", tile, f.ID, a)
				}
				dropped++
			}
		}
	}
	if nonEmpty == 0 || features < len(fs) {
		t.Fatalf("%d tiles, %d non-empty, %d features: too few", len(tiles), nonEmpty, features)
	}
	if dropped > 10 {
		t.Errorf("%d features left out as too small", dropped)
	}
	t.Logf("%d tiles (%d non-empty), %d features, %d too small to show", len(tiles), nonEmpty, features, dropped)
}

// gridArea is the area, in grid cells, of f's part within the tile.
func gridArea(f *geo.Feature, tile maptile.Tile) float64 {
	frame := world.NewFrame(uint32(tile.Z), tile.X, tile.Y, Extent, 0)
	g := frame.Clipped(world.Of(f))
	if g == nil {
		return 0
	}
	return planar.Area(g)
}

// checkGeometry asserts what the MVT spec asks of a polygon: closed rings of
// four or more points, exterior rings with positive area in tile coordinates
// (the decoder starts a new polygon at each one), holes negative, all within
// the buffered tile.
func checkGeometry(t *testing.T, tile maptile.Tile, id string, g orb.Geometry) {
	t.Helper()
	var polys []orb.Polygon
	switch g := g.(type) {
	case orb.Polygon:
		polys = []orb.Polygon{g}
	case orb.MultiPolygon:
		polys = g
	default:
		t.Errorf("%v: %s: geometry %T, want polygons", tile, id, g)
		return
	}
	for _, p := range polys {
		for i, r := range p {
			if len(r) < 4 || r[0] != r[len(r)-1] {
				t.Errorf("%v: %s: ring %d has %d points or is open", tile, id, i, len(r))
			}
			a := plane.Area2(r)
			if a == 0 || (i == 0) != (a > 0) {
				t.Errorf("%v: %s: ring %d has doubled area %v", tile, id, i, a)
			}
			for _, pt := range r {
				if pt[0] < -Buffer || pt[0] > Extent+Buffer || pt[1] < -Buffer || pt[1] > Extent+Buffer {
					t.Errorf("%v: %s: point %v outside the buffered tile", tile, id, pt)
					break
				}
			}
		}
	}
}

func TestMVTProperties(t *testing.T) {
	props := map[string]any{
		"name":     "Zhanaozen",
		"count":    float64(12),
		"share":    0.25,
		"big":      float64(1 << 60),
		"official": true,
		"missing":  nil,
		"source":   map[string]any{"title": "RFE/RL", "url": "https://www.rferl.org/"},
		"tags":     []any{"protest", "strike"},
	}
	src := &tiletest.Source{Collections: map[string][]*geo.Feature{
		"events": {geo.NewFeature("ev-1", orb.Point{52.85, 43.34}, props)},
		"numbered": {
			geo.NewFeature("42", orb.Point{52.85, 43.34}, nil),
		},
	}}
	tile := maptile.At(orb.Point{52.85, 43.34}, 8)
	b, err := MVT(src, []string{"events", "numbered", "events"}, tile)
	if err != nil {
		t.Fatal(err)
	}
	ls, err := mvt.Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 2 || ls[0].Name != "events" || ls[1].Name != "numbered" {
		t.Fatalf("layers %v", ls)
	}
	f := ls[0].Features[0]
	want := geojson.Properties{
		"id":       "ev-1",
		"name":     "Zhanaozen",
		"count":    float64(12),
		"share":    0.25,
		"big":      float64(1 << 60),
		"official": true,
		"source":   `{"title":"RFE/RL","url":"https://www.rferl.org/"}`,
		"tags":     `["protest","strike"]`,
	}
	if len(f.Properties) != len(want) {
		t.Errorf("properties %v, want %v", f.Properties, want)
	}
	for k, v := range want {
		if f.Properties[k] != v {
			t.Errorf("property %s = %#v, want %#v", k, f.Properties[k], v)
		}
	}
	if f.ID != float64(FeatureID("ev-1")) {
		t.Errorf("id %v, want hash %d", f.ID, FeatureID("ev-1"))
	}
	if id := ls[1].Features[0].ID; id != float64(42) {
		t.Errorf("numeric id encoded as %v, want 42", id)
	}
	p, ok := f.Geometry.(orb.Point)
	if !ok || p[0] < 0 || p[0] > Extent || p[1] < 0 || p[1] > Extent || p != (orb.Point{math.Round(p[0]), math.Round(p[1])}) {
		t.Errorf("point geometry %v", f.Geometry)
	}
}

// TestMVTEncoding pins how integral numbers are written: as sint values, the
// way PostGIS writes integer columns, and doubles otherwise.
func TestMVTEncoding(t *testing.T) {
	f := geo.NewFeature("a", orb.Point{0, 0}, map[string]any{"n": float64(-3), "x": 1.5})
	ls, err := Layers(&tiletest.Source{Collections: map[string][]*geo.Feature{"c": {f}}}, []string{"c"}, maptile.New(0, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	vt, err := mvt.MarshalToVectorTile(ls)
	if err != nil {
		t.Fatal(err)
	}
	var sints, doubles int
	for _, v := range vt.Layers[0].Values {
		if v.SintValue != nil {
			sints++
		}
		if v.DoubleValue != nil {
			doubles++
		}
	}
	if sints != 1 || doubles != 1 {
		t.Errorf("values %v: want one sint and one double", vt.Layers[0].Values)
	}
}

func TestMVTPolygonRules(t *testing.T) {
	// A square with a hole, both wound the "wrong" way for MVT after the
	// y flip, and a sliver that collapses on the grid at zoom 0.
	square := orb.Polygon{
		{{60, 40}, {70, 40}, {70, 50}, {60, 50}, {60, 40}},
		{{63, 43}, {63, 47}, {67, 47}, {67, 43}, {63, 43}},
	}
	sliver := orb.Polygon{{{80, 40}, {80.001, 40}, {80.001, 40.001}, {80, 40}}}
	src := &tiletest.Source{Collections: map[string][]*geo.Feature{
		"c": {geo.NewFeature("square", square, nil), geo.NewFeature("sliver", sliver, nil)},
	}}
	tests := []struct {
		name  string
		tile  maptile.Tile
		ids   []string
		holes int
	}{
		{name: "z0 keeps the square and its hole, drops the sliver", tile: maptile.New(0, 0, 0), ids: []string{"square"}, holes: 1},
		{name: "z12 keeps the sliver", tile: maptile.At(orb.Point{80.0005, 40.0005}, 12), ids: []string{"sliver"}},
		{name: "z4 inside the hole's tile", tile: maptile.At(orb.Point{65, 45}, 4), ids: []string{"square"}, holes: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := MVT(src, []string{"c"}, tt.tile)
			if err != nil {
				t.Fatal(err)
			}
			ls, err := mvt.Unmarshal(b)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			holes := 0
			for _, f := range ls[0].Features {
				ids = append(ids, f.Properties["id"].(string))
				checkGeometry(t, tt.tile, ids[len(ids)-1], f.Geometry)
				if p, ok := f.Geometry.(orb.Polygon); ok {
					holes += len(p) - 1
				}
			}
			sort.Strings(ids)
			if len(ids) != len(tt.ids) || ids[0] != tt.ids[0] || holes != tt.holes {
				t.Errorf("ids %v holes %d, want %v holes %d", ids, holes, tt.ids, tt.holes)
			}
		})
	}
}

func TestMVTEmptyAndErrors(t *testing.T) {
	src := &tiletest.Source{Collections: map[string][]*geo.Feature{
		"c": {geo.NewFeature("a", orb.Point{66, 48}, nil)},
	}}
	if b, err := MVT(src, []string{"c"}, maptile.New(0, 0, 5)); err != nil || b != nil {
		t.Errorf("empty tile: %d bytes, %v; want nil, nil", len(b), err)
	}
	if _, err := MVT(src, []string{"nope"}, maptile.New(0, 0, 0)); !errors.Is(err, geo.ErrNoCollection) {
		t.Errorf("unknown layer: %v, want ErrNoCollection", err)
	}
	if _, err := MVT(src, []string{"c"}, maptile.New(4, 0, 2)); !errors.Is(err, ErrBadTile) {
		t.Errorf("x outside zoom: %v, want ErrBadTile", err)
	}
	if _, err := MVT(src, []string{"c"}, maptile.New(0, 0, 25)); !errors.Is(err, ErrBadTile) {
		t.Errorf("zoom 25: %v, want ErrBadTile", err)
	}
}

func TestMVTLinesAndCollections(t *testing.T) {
	tile := maptile.At(orb.Point{66, 48}, 6)
	tb := tile.Bound()
	// A line across the whole tile and beyond, and a collection of a point
	// and a polygon: one MVT feature per member, both with the same id.
	line := orb.LineString{{tb.Min[0] - 5, tb.Center()[1]}, {tb.Max[0] + 5, tb.Center()[1] + 0.01}}
	coll := orb.Collection{
		tb.Center(),
		orb.Polygon{{{66, 47}, {66.5, 47}, {66.5, 47.5}, {66, 47.5}, {66, 47}}},
	}
	src := &tiletest.Source{Collections: map[string][]*geo.Feature{
		"c": {geo.NewFeature("line", line, nil), geo.NewFeature("coll", coll, nil)},
	}}
	b, err := MVT(src, []string{"c"}, tile)
	if err != nil {
		t.Fatal(err)
	}
	ls, err := mvt.Unmarshal(b)
	if err != nil {
		t.Fatal(err)
	}
	types := map[string][]string{}
	for _, f := range ls[0].Features {
		id := f.Properties["id"].(string)
		types[id] = append(types[id], f.Geometry.GeoJSONType())
		if ls, ok := f.Geometry.(orb.LineString); ok {
			for _, p := range ls {
				if p[0] < -Buffer || p[0] > Extent+Buffer {
					t.Errorf("line point %v outside the buffered tile", p)
				}
			}
			if len(ls) != 2 || ls[0][0] != -Buffer || ls[1][0] != Extent+Buffer {
				t.Errorf("line clipped to %v, want the buffer's two edges", ls)
			}
		}
	}
	sort.Strings(types["coll"])
	if len(types["line"]) != 1 || types["line"][0] != "LineString" ||
		len(types["coll"]) != 2 || types["coll"][0] != "Point" || types["coll"][1] != "Polygon" {
		t.Errorf("feature types %v", types)
	}
}
