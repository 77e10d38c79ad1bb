package tiles

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"kzmap/geo"
	"kzmap/geo/tiles/internal/tiletest"
)

// TestEncodeMatchesOrb pins the direct encoder to orb's mvt.Marshal: the
// same layers give the same bytes.
func TestEncodeMatchesOrb(t *testing.T) {
	square := orb.Polygon{
		{{60, 40}, {70, 40}, {70, 50}, {60, 50}, {60, 40}},
		{{63, 43}, {63, 47}, {67, 47}, {67, 43}, {63, 43}},
	}
	props := map[string]any{
		"s": "строка", "i": float64(-3), "big": float64(1 << 40), "x": 1.5,
		"t": true, "f": false, "n": nil, "u": uint64(7), "j": json.Number("12"),
		"obj": map[string]any{"a": []any{1.0, "b"}}, "same": "строка",
	}
	fixtures := &tiletest.Source{Collections: map[string][]*geo.Feature{
		"c": {
			geo.NewFeature("square", square, props),
			geo.NewFeature("42", orb.Point{65, 45}, props),
			geo.NewFeature("mp", orb.MultiPoint{{65, 45}, {66, 46}}, map[string]any{"s": "other"}),
			geo.NewFeature("line", orb.LineString{{61, 41}, {69, 49}, {62, 48}}, nil),
			geo.NewFeature("mls", orb.MultiLineString{{{61, 41}, {69, 49}}, {{62, 42}, {68, 44}}}, map[string]any{"i": -3}),
			geo.NewFeature("coll", orb.Collection{orb.Point{64, 44}, orb.LineString{{61, 41}, {69, 49}}}, nil),
		},
		"d": {geo.NewFeature("other", orb.Point{65, 45}, map[string]any{"s": "строка"})},
	}}
	t.Run("fixtures", func(t *testing.T) {
		sameAsOrb(t, fixtures, []string{"c", "d", "c"}, []maptile.Tile{maptile.New(0, 0, 0), maptile.At(orb.Point{65, 45}, 5)})
	})
	t.Run("districts", func(t *testing.T) {
		src := tiletest.Districts(t)
		sameAsOrb(t, src, []string{"districts"}, coverTiles(sourceBound(src.Collections["districts"]), 0, 4))
	})
}

func sameAsOrb(t *testing.T, src Source, layers []string, tiles []maptile.Tile) {
	t.Helper()
	n := 0
	for _, tile := range tiles {
		got, err := MVT(src, layers, tile)
		if err != nil {
			t.Fatal(err)
		}
		ls, err := Layers(src, layers, tile)
		if err != nil {
			t.Fatal(err)
		}
		var want []byte
		if len(ls) > 0 {
			if want, err = mvt.Marshal(ls); err != nil {
				t.Fatal(err)
			}
			n++
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("%v: %d bytes, orb's mvt.Marshal %d bytes, not the same", tile, len(got), len(want))
		}
	}
	if n == 0 {
		t.Fatal("no tile had features")
	}
}
