package reader

import (
	"bytes"
	"fmt"
	"testing"
)

// pointsGeoJSON is a FeatureCollection of n point features with a few
// properties each, the shape of a large import file.
func pointsGeoJSON(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"type":"Feature","id":%d,"properties":{"name":"Пункт %d","kind":"village","pop":%d},"geometry":{"type":"Point","coordinates":[%.6f,%.6f]}}`,
			i+1, i, i*7%5000, 50+float64(i%3000)/100, 40+float64(i%1500)/100)
	}
	b.WriteString("]}")
	return b.Bytes()
}

// BenchmarkReadGeoJSONPoints reads 100,000 point features.
func BenchmarkReadGeoJSONPoints(b *testing.B) {
	data := pointsGeoJSON(100_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		fs, err := ReadGeoJSON(bytes.NewReader(data), "points.geojson")
		if err != nil || len(fs) != 100_000 {
			b.Fatalf("%d features, %v", len(fs), err)
		}
	}
}
