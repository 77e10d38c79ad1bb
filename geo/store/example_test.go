package store_test

import (
	"errors"
	"fmt"

	"github.com/paulmach/orb"

	"kzmap/geo"
	"kzmap/geo/store"
)

// square is the closed ring of the lon/lat square [x, x+1]×[y, y+1].
func square(x, y float64) orb.Polygon {
	return orb.Polygon{{{x, y}, {x + 1, y}, {x + 1, y + 1}, {x, y + 1}, {x, y}}}
}

// A store in memory: import a collection, query it by box, and find the
// feature under a point.
func Example() {
	s, err := store.Open(":memory:", nil) // a file path keeps it on disk
	if err != nil {
		fmt.Println(err)
		return
	}
	defer s.Close()

	err = s.Import(geo.Collection{ID: "cells", Title: "Cells"}, []*geo.Feature{
		geo.NewFeature("a", square(70, 45), map[string]any{"name": "A"}),
		geo.NewFeature("b", square(71, 45), map[string]any{"name": "B"}),
		geo.NewFeature("c", square(75, 50), map[string]any{"name": "C"}),
	}, true)
	if err != nil {
		fmt.Println(err)
		return
	}
	c, _ := s.Collection("cells")
	fmt.Println(c.Count, c.GeometryType, c.Bound)

	page, _ := s.Items("cells", geo.Query{Boxes: []orb.Bound{{Min: orb.Point{70.5, 45.5}, Max: orb.Point{71.5, 46.5}}}})
	for _, f := range page.Features {
		fmt.Println("in the box:", f.ID, f.Properties["name"])
	}

	fs, _ := s.Lookup("cells", orb.Point{75.5, 50.5})
	for _, f := range fs {
		fmt.Println("under the point:", f.ID)
	}
	// A shared edge belongs to both features.
	fs, _ = s.Lookup("cells", orb.Point{71, 45.5})
	fmt.Println("on the edge:", len(fs))

	f, _ := s.Feature("cells", "b")
	fmt.Println("by id:", f.ID, f.Geometry.Bound())
	_, err = s.Feature("cells", "z")
	fmt.Println("no such id:", errors.Is(err, geo.ErrNoFeature))
	// Output:
	// 3 Polygon {[70 45] [76 51]}
	// in the box: a A
	// in the box: b B
	// under the point: c
	// on the edge: 2
	// by id: b {[71 45] [72 46]}
	// no such id: true
}
