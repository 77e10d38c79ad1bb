package tiles

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"kzmap/geo"
)

var testCollection = geo.Collection{
	ID: "districts", Title: "Districts", Description: "Second-level units", Attribution: "geoBoundaries",
	GeometryType: "MultiPolygon", Count: 2,
	Bound:  orb.Bound{Min: orb.Point{50, 40}, Max: orb.Point{60, 50}},
	Fields: []geo.Field{{Name: "name_en", Type: "string"}, {Name: "population", Type: "integer"}, {Name: "note"}},
}

func link(links []Link, rel string) (Link, bool) {
	for _, l := range links {
		if l.Rel == rel {
			return l, true
		}
	}
	return Link{}, false
}

func TestTileSetList(t *testing.T) {
	list := TileSetList("https://maps.example", testCollection)
	if self, _ := link(list.Links, "self"); self.Href != "https://maps.example/collections/districts/tiles" {
		t.Errorf("self link %+v", self)
	}
	if c, _ := link(list.Links, "collection"); c.Href != "https://maps.example/collections/districts" {
		t.Errorf("collection link %+v", c)
	}
	if len(list.TileSets) != 1 {
		t.Fatalf("%d tilesets", len(list.TileSets))
	}
	// The list has the short form: no layers, limits or box.
	ts := list.TileSets[0]
	if ts.Layers != nil || ts.Limits != nil || ts.BoundingBox != nil || ts.Title != "Districts" || ts.TileMatrixSetURI != TileMatrixSetURI {
		t.Errorf("short tileset %+v", ts)
	}
}

func TestTileSetOf(t *testing.T) {
	ts := TileSetOf("https://maps.example", testCollection)
	tests := []struct {
		name, rel, href, typ string
		templated            bool
	}{
		{"self", "self", "https://maps.example/collections/districts/tiles/WebMercatorQuad", "application/json", false},
		{"tiles", "item", "https://maps.example/collections/districts/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}", ContentTypeMVT, true},
		{"tilejson", "describedby", "https://maps.example/tiles/districts/tilejson.json", "application/json", false},
		{"tiling scheme", RelTilingScheme, tmsDefinition, "application/json", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, ok := link(ts.Links, tt.rel)
			if !ok || l.Href != tt.href || l.Type != tt.typ || l.Templated != tt.templated {
				t.Errorf("link %+v", l)
			}
		})
	}
	if ts.Description != testCollection.Description || ts.Attribution != testCollection.Attribution || ts.CRS != crs3857 || ts.DataType != "vector" {
		t.Errorf("tileset %+v", ts)
	}
	if len(ts.Layers) != 1 || ts.Layers[0].ID != "districts" || ts.Layers[0].GeometryType != "polygons" || ts.Layers[0].MaxTileMatrix != "14" {
		t.Fatalf("layers %+v", ts.Layers)
	}
	props := ts.Layers[0].PropertiesSchema["properties"].(map[string]any)
	for name, typ := range map[string]string{"id": "string", "name_en": "string", "population": "integer", "note": "string"} {
		if p, _ := props[name].(map[string]any); p["type"] != typ {
			t.Errorf("property %s: %v, want type %s", name, props[name], typ)
		}
	}
	if b := ts.BoundingBox; b == nil || b.LowerLeft != [2]float64{50, 40} || b.UpperRight != [2]float64{60, 50} || b.CRS != crs84 {
		t.Errorf("bounding box %+v", ts.BoundingBox)
	}
	if len(ts.Limits) != DefaultMaxZoom+1 {
		t.Fatalf("%d limits", len(ts.Limits))
	}
	// At zoom 6 lon 50–60, lat 40–50 is columns 40–42, rows 21–24.
	if l := ts.Limits[6]; l.TileMatrix != "6" || l.MinTileCol != 40 || l.MaxTileCol != 42 || l.MinTileRow != 21 || l.MaxTileRow != 24 {
		t.Errorf("limits at 6: %+v", l)
	}
	// An empty collection has no box and no limits.
	empty := testCollection
	empty.Count = 0
	if ts := TileSetOf("", empty); ts.BoundingBox != nil || ts.Limits != nil {
		t.Errorf("empty collection: box %+v, %d limits", ts.BoundingBox, len(ts.Limits))
	}
	// Ids are escaped as path segments.
	odd := testCollection
	odd.ID = "a b/c"
	if self, _ := link(TileSetOf("", odd).Links, "self"); self.Href != "/collections/a%20b%2Fc/tiles/WebMercatorQuad" {
		t.Errorf("escaped self link %q", self.Href)
	}
	if _, err := json.Marshal(ts); err != nil {
		t.Error(err)
	}
}

// TileJSON's tiles URL escapes each id as a path segment and keeps the
// commas between them.
func TestTileJSONEscapesIDs(t *testing.T) {
	a, b := testCollection, testCollection
	b.ID = "a b,c"
	doc := TileJSON("https://maps.example", []geo.Collection{a, b}, 0, DefaultMaxZoom)
	got := doc["tiles"].([]string)[0]
	if want := "https://maps.example/tiles/districts,a%20b%2Cc/{z}/{x}/{y}.mvt"; got != want {
		t.Errorf("tiles %q, want %q", got, want)
	}
	if !strings.Contains(doc["name"].(string), "Districts") {
		t.Errorf("name %q", doc["name"])
	}
}
