package reader

import (
	"bytes"
	"fmt"
	"math"
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

// writeBody is a write of a polygon of 50,000 positions and 1,000 points.
func writeBody() []byte {
	var b bytes.Buffer
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	b.WriteString(`{"type":"Feature","id":"big","properties":{"name":"ring"},"geometry":{"type":"Polygon","coordinates":[[`)
	const n = 50_000
	for i := range n {
		a := 2 * math.Pi * float64(i) / n
		fmt.Fprintf(&b, "[%.6f,%.6f],", 70+5*math.Cos(a), 45+3*math.Sin(a))
	}
	b.WriteString(`[75.000000,45.000000]]]}}`)
	for i := range 1000 {
		fmt.Fprintf(&b, `,{"type":"Feature","id":"p%d","properties":{"title":"Пункт %d","kind":"protest","n":%d},"geometry":{"type":"Point","coordinates":[%.5f,%.5f]}}`,
			i, i, i, 50+float64(i)/100, 45.5)
	}
	b.WriteString("]}")
	return b.Bytes()
}

// BenchmarkDecodeGeoJSONWrite reads a write body with the strict options.
func BenchmarkDecodeGeoJSONWrite(b *testing.B) {
	data := writeBody()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		doc, err := DecodeGeoJSON(data, GeoJSONOptions{MaxVertices: 100_000})
		if err != nil || len(doc.Features) != 1001 {
			b.Fatalf("%d features, %v", len(doc.Features), err)
		}
	}
}
