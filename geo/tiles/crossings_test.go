package tiles

import (
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"kzmap/geo"
	"kzmap/geo/internal/plane"
	"kzmap/geo/internal/topo"
	"kzmap/geo/tiles/internal/tiletest"
)

// TestIndexAgrees compares topo's bucket index, as the tiles use it, with
// the plain all-pairs checker of the validity test on random rings of a
// small grid, where rings touch and cross themselves often.
func TestIndexAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	x := topo.Index{Grid: true}
	var bad, good int
	for range 20000 {
		r := randomRing(rng, 3+rng.IntN(8), 0, 0, 7)
		if r == nil {
			continue
		}
		polys := []orb.Polygon{{r}}
		want := invalid(polys) != ""
		if got := x.Check(polys, false) != nil; got != want {
			t.Fatalf("%v: index says bad %v, all-pairs %v (%s)", r, got, want, invalid(polys))
		}
		if want {
			bad++
		} else {
			good++
		}
	}
	if bad < 100 || good < 100 {
		t.Errorf("too few cases: %d bad, %d good", bad, good)
	}
}

// TestMVTRepairsRings feeds broken and nearly broken polygons through the
// tile engine: what comes out must be valid.
func TestMVTRepairsRings(t *testing.T) {
	tile := maptile.New(11, 5, 4) // over Kazakhstan
	b := tile.Bound()
	at := func(fx, fy float64) orb.Point {
		return orb.Point{b.Min[0] + fx*(b.Max[0]-b.Min[0]), b.Min[1] + fy*(b.Max[1]-b.Min[1])}
	}
	ring := func(ps ...[2]float64) orb.Ring {
		var r orb.Ring
		for _, p := range ps {
			r = append(r, at(p[0], p[1]))
		}
		return append(r, r[0])
	}
	tests := []struct {
		name string
		g    orb.Geometry
	}{
		{name: "bowtie", g: orb.Polygon{ring([2]float64{0.1, 0.1}, [2]float64{0.9, 0.9}, [2]float64{0.9, 0.1}, [2]float64{0.1, 0.9})}},
		{name: "hole a hair from the shell", g: orb.Polygon{
			ring([2]float64{0.1, 0.1}, [2]float64{0.9, 0.1}, [2]float64{0.9, 0.9}, [2]float64{0.1, 0.9}),
			ring([2]float64{0.10001, 0.3}, [2]float64{0.5, 0.3}, [2]float64{0.5, 0.6}, [2]float64{0.10001, 0.6}),
		}},
		{name: "parts a hair apart", g: orb.MultiPolygon{
			{ring([2]float64{0.1, 0.1}, [2]float64{0.5, 0.1}, [2]float64{0.5, 0.5}, [2]float64{0.1, 0.5})},
			{ring([2]float64{0.50001, 0.2}, [2]float64{0.9, 0.2}, [2]float64{0.9, 0.4}, [2]float64{0.50001, 0.4})},
		}},
		{name: "pinched waist", g: orb.Polygon{ring([2]float64{0.1, 0.1}, [2]float64{0.9, 0.1}, [2]float64{0.5, 0.50001},
			[2]float64{0.9, 0.9}, [2]float64{0.1, 0.9}, [2]float64{0.5, 0.49999})}},
		{name: "hole running out of the tile", g: orb.Polygon{
			ring([2]float64{-0.5, 0.1}, [2]float64{0.9, 0.1}, [2]float64{0.9, 0.9}, [2]float64{-0.5, 0.9}),
			ring([2]float64{-0.3, 0.3}, [2]float64{0.5, 0.3}, [2]float64{0.5, 0.6}, [2]float64{-0.3, 0.6}),
		}},
	}
	// Each case also as a member of a GeometryCollection (which writes
	// accept) beside a point: its polygons must be made as any polygon is.
	for _, tt := range tests {
		for _, inCollection := range []bool{false, true} {
			g, name, want := tt.g, tt.name, 1
			if inCollection {
				g, name, want = orb.Collection{tt.g, at(0.5, 0.05)}, tt.name+" in a collection", 2
			}
			t.Run(name, func(t *testing.T) {
				src := &tiletest.Source{Collections: map[string][]*geo.Feature{"c": {geo.NewFeature("f", g, nil)}}}
				data, err := MVT(src, []string{"c"}, tile)
				if err != nil {
					t.Fatal(err)
				}
				ls, err := mvt.Unmarshal(data)
				if err != nil || len(ls) != 1 || len(ls[0].Features) != want {
					t.Fatalf("layers %v, %v", ls, err)
				}
				var ps []orb.Polygon
				switch g := ls[0].Features[0].Geometry.(type) {
				case orb.Polygon:
					ps = []orb.Polygon{g}
				case orb.MultiPolygon:
					ps = g
				}
				if why := invalid(ps); why != "" || len(ps) == 0 {
					t.Errorf("%s: %v", why, ps)
				}
			})
		}
	}
}

// TestCheckBetweenAgrees gives CheckBetween and Check random features of
// simple rings on a small grid, as shells with holes and as separate
// polygons, where rings touch, share edges and cross each other often:
// skipping segments far from other rings must not change the answer.
func TestCheckBetweenAgrees(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	x := topo.Index{Grid: true}
	simple := func(outer bool) orb.Ring {
		for {
			r := randomRing(rng, 3+rng.IntN(6), rng.IntN(8), rng.IntN(8), 6)
			if r == nil || x.Check([]orb.Polygon{{r}}, false) != nil {
				continue
			}
			if !outer {
				r.Reverse()
			}
			return r
		}
	}
	var bad, good int
	for range 20000 {
		var polys []orb.Polygon
		if rng.IntN(2) == 0 {
			p := orb.Polygon{simple(true)}
			for range 1 + rng.IntN(2) {
				p = append(p, simple(false))
			}
			polys = []orb.Polygon{p}
		} else {
			for range 2 + rng.IntN(2) {
				polys = append(polys, orb.Polygon{simple(true)})
			}
		}
		want := x.Check(polys, false) != nil
		if got := x.CheckBetween(polys) != nil; got != want {
			t.Fatalf("%v: CheckBetween says bad %v, Check %v", polys, got, want)
		}
		if want {
			bad++
		} else {
			good++
		}
	}
	if bad < 100 || good < 100 {
		t.Errorf("too few cases: %d bad, %d good", bad, good)
	}
}

// randomRing returns a closed ring of up to n points of the span×span grid
// cell block at ox, oy, wound positive, or nil when the points drawn make
// no ring with an area.
func randomRing(rng *rand.Rand, n, ox, oy, span int) orb.Ring {
	r := make(orb.Ring, 0, n+1)
	for range n {
		p := orb.Point{float64(ox + rng.IntN(span)), float64(oy + rng.IntN(span))}
		if len(r) > 0 && r[len(r)-1] == p {
			continue
		}
		r = append(r, p)
	}
	if len(r) < 3 || r[0] == r[len(r)-1] {
		return nil
	}
	r = append(r, r[0])
	a := plane.Area2(r)
	if a == 0 {
		return nil
	}
	if a < 0 {
		r.Reverse()
	}
	return r
}
