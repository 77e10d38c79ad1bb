package tiles_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"kzmap/geo"
	"kzmap/geo/tiles"
)

// source is the smallest tiles.Source: one collection answered by bound
// tests. A geo.Store (package store) is the usual source.
type source map[string][]*geo.Feature

func (s source) Items(collection string, q geo.Query) (geo.Page, error) {
	var out []*geo.Feature
	for _, f := range s[collection] {
		for _, b := range q.Boxes {
			if f.Geometry.Bound().Intersects(b) {
				out = append(out, f)
				break
			}
		}
	}
	return geo.Page{Features: out, Matched: len(out)}, nil
}

// A vector tile of two features, decoded again to show what it holds.
func ExampleMVT() {
	src := source{"places": {
		geo.NewFeature("almaty", orb.Point{76.95, 43.24}, map[string]any{"name": "Almaty"}),
		geo.NewFeature("square", orb.Polygon{{{76.9, 43.2}, {77.0, 43.2}, {77.0, 43.3}, {76.9, 43.3}, {76.9, 43.2}}}, nil),
	}}
	t := maptile.At(orb.Point{76.95, 43.24}, 8)
	b, err := tiles.MVT(src, []string{"places"}, t)
	if err != nil {
		fmt.Println(err)
		return
	}
	layers, err := mvt.Unmarshal(b)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("tile %d/%d/%d\n", t.Z, t.X, t.Y)
	for _, l := range layers {
		fmt.Printf("layer %s, extent %d, %d features\n", l.Name, l.Extent, len(l.Features))
		for _, f := range l.Features {
			fmt.Println(f.Properties["id"], f.Geometry.GeoJSONType())
		}
	}
	// An empty tile is nil.
	empty, _ := tiles.MVT(src, []string{"places"}, maptile.New(0, 0, 8))
	fmt.Println("far away:", empty == nil)
	// Output:
	// tile 8/182/93
	// layer places, extent 4096, 2 features
	// almaty Point
	// square Polygon
	// far away: true
}

// TileJSON for a map client, with absolute tile addresses.
func ExampleTileJSON() {
	doc := tiles.TileJSON("http://127.0.0.1:8080", []geo.Collection{{ID: "regions", Title: "Regions"}}, 0, 14)
	fmt.Println(doc["tilejson"], doc["tiles"])
	b, _ := json.Marshal(doc["vector_layers"])
	var layers []struct {
		ID      string `json:"id"`
		MinZoom int    `json:"minzoom"`
		MaxZoom int    `json:"maxzoom"`
	}
	json.Unmarshal(b, &layers)
	fmt.Printf("%+v\n", layers)
	// Output:
	// 3.0.0 [http://127.0.0.1:8080/tiles/regions/{z}/{x}/{y}.mvt]
	// [{ID:regions MinZoom:0 MaxZoom:14}]
}

// The tile address of a request, checked.
func ExampleParseTile() {
	t, err := tiles.ParseTile("5", "22", "11")
	fmt.Println(t.Z, t.X, t.Y, err)
	_, err = tiles.ParseTile("5", "32", "11") // x is 0..31 at zoom 5
	fmt.Println(errors.Is(err, tiles.ErrBadTile))
	// Output:
	// 5 22 11 <nil>
	// true
}
