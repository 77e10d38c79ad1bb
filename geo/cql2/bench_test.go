package cql2

import (
	"math/rand"
	"testing"

	"github.com/paulmach/orb"

	"kzmap/geo"
)

// BenchmarkFilterPoints evaluates the speed query on 1,000,000
// points in memory: b.N counts features, so ns/op is ns per feature.
func BenchmarkFilterPoints(b *testing.B) {
	const n = 1_000_000
	rng := rand.New(rand.NewSource(1))
	feats := make([]*geo.Feature, n)
	for i := range feats {
		feats[i] = geo.NewFeature("", orb.Point{46 + rng.Float64()*41, 40 + rng.Float64()*15},
			map[string]any{"v": float64(rng.Intn(1000))})
	}
	e, err := ParseText("v > 500 AND S_INTERSECTS(geometry, BBOX(60, 45, 70, 50))")
	if err != nil {
		b.Fatal(err)
	}
	f, err := Compile(e, Queryables{"v": TypeNumber, "geometry": TypeGeometry}, TimeProps{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	hits := 0
	for i := 0; i < b.N; i++ {
		if f.Match(feats[i%n]) {
			hits++
		}
	}
	if b.N >= n && hits == 0 {
		b.Fatal("no hits")
	}
}
