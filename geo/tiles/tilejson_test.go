package tiles

import (
	"encoding/json"
	"testing"

	"github.com/paulmach/orb"

	"kzmap/geo"
)

func TestTileJSON(t *testing.T) {
	regions := geo.Collection{
		ID: "regions", Title: "Regions", Description: "Regions as of January 2022",
		Attribution: "Boundaries: geokz", GeometryType: "MultiPolygon", Count: 17,
		Bound:  orb.Bound{Min: orb.Point{46.5, 40.6}, Max: orb.Point{87.3, 55.4}},
		Fields: []geo.Field{{Name: "name_en", Type: "string"}, {Name: "events", Type: "integer"}, {Name: "city", Type: "boolean"}},
	}
	events := geo.Collection{
		ID: "events", Title: "Events", Attribution: "RFE/RL", GeometryType: "Point", Count: 3,
		Bound: orb.Bound{Min: orb.Point{51, 43}, Max: orb.Point{77, 50}},
	}
	doc := TileJSON("http://127.0.0.1:8080", []geo.Collection{regions, events}, 0, 14)
	// Round-trip through JSON, as clients see it.
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		TileJSON     string    `json:"tilejson"`
		Tiles        []string  `json:"tiles"`
		MinZoom      int       `json:"minzoom"`
		MaxZoom      int       `json:"maxzoom"`
		Bounds       []float64 `json:"bounds"`
		Center       []float64 `json:"center"`
		Attribution  string    `json:"attribution"`
		VectorLayers []struct {
			ID          string            `json:"id"`
			Description string            `json:"description"`
			Fields      map[string]string `json:"fields"`
			MinZoom     int               `json:"minzoom"`
			MaxZoom     int               `json:"maxzoom"`
		} `json:"vector_layers"`
	}
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got.TileJSON != "3.0.0" || got.MinZoom != 0 || got.MaxZoom != 14 {
		t.Errorf("header %s %d %d", got.TileJSON, got.MinZoom, got.MaxZoom)
	}
	if len(got.Tiles) != 1 || got.Tiles[0] != "http://127.0.0.1:8080/tiles/regions,events/{z}/{x}/{y}.mvt" {
		t.Errorf("tiles %v", got.Tiles)
	}
	if want := []float64{46.5, 40.6, 87.3, 55.4}; len(got.Bounds) != 4 || got.Bounds[0] != want[0] || got.Bounds[1] != want[1] || got.Bounds[2] != want[2] || got.Bounds[3] != want[3] {
		t.Errorf("bounds %v, want %v", got.Bounds, want)
	}
	if len(got.Center) != 3 || got.Center[0] != 66.9 || got.Center[1] != 48 || got.Center[2] != 3 {
		t.Errorf("center %v", got.Center)
	}
	if got.Attribution != "Boundaries: geokz; RFE/RL" {
		t.Errorf("attribution %q", got.Attribution)
	}
	if len(got.VectorLayers) != 2 || got.VectorLayers[0].ID != "regions" || got.VectorLayers[1].ID != "events" {
		t.Fatalf("vector_layers %+v", got.VectorLayers)
	}
	r := got.VectorLayers[0]
	if r.Description != "Regions as of January 2022" || r.MaxZoom != 14 ||
		r.Fields["id"] != "String" || r.Fields["name_en"] != "String" || r.Fields["events"] != "Number" || r.Fields["city"] != "Boolean" {
		t.Errorf("regions layer %+v", r)
	}
	if got.VectorLayers[1].Description != "Events" {
		t.Errorf("events layer falls back to its title: %+v", got.VectorLayers[1])
	}
}
