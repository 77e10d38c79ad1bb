package store

import (
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"kzmap/geo"
	"kzmap/geo/internal/bench"
	"kzmap/geo/internal/geokz"
)

// workloadPoints returns the 100,000 benchmark points, or as many seeded
// random points in the districts' bound when the workload is absent.
func workloadPoints(b *testing.B, s *Store) []orb.Point {
	_, workload := bench.Dirs()
	var pts []orb.Point
	rows, _ := parseCSVFloats(filepath.Join(workload, "points.csv"))
	for _, p := range rows {
		pts = append(pts, orb.Point{p[0], p[1]})
	}
	if len(pts) > 0 {
		return pts
	}
	c, _ := s.Collection("districts")
	r := rand.New(rand.NewPCG(1, 1))
	for i := 0; i < 100000; i++ {
		pts = append(pts, orb.Point{c.Bound.Min[0] + r.Float64()*(c.Bound.Max[0]-c.Bound.Min[0]), c.Bound.Min[1] + r.Float64()*(c.Bound.Max[1]-c.Bound.Min[1])})
	}
	return pts
}

func BenchmarkLookupDistricts(b *testing.B) {
	s := openMem(b)
	importDistricts(b, s)
	pts := workloadPoints(b, s)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.Lookup("districts", pts[i%len(pts)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "points/s")
}

// BenchmarkLookupDistrictsBuntDB is the same look-up through a BuntDB
// read transaction and its spatial index (what Lookup would cost without
// the in-memory grid).
func BenchmarkLookupDistrictsBuntDB(b *testing.B) {
	s := openMem(b)
	importDistricts(b, s)
	pts := workloadPoints(b, s)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := s.lookupIndexed("districts", pts[i%len(pts)]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "points/s")
}

func BenchmarkItemsBBox(b *testing.B) {
	s := openMem(b)
	importDistricts(b, s)
	_, workload := bench.Dirs()
	var boxes []orb.Bound
	rows, _ := parseCSVFloats(filepath.Join(workload, "bboxes.csv"))
	for _, v := range rows {
		boxes = append(boxes, orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}})
	}
	if len(boxes) == 0 {
		c, _ := s.Collection("districts")
		r := rand.New(rand.NewPCG(2, 2))
		for i := 0; i < 1000; i++ {
			x := c.Bound.Min[0] + r.Float64()*(c.Bound.Max[0]-c.Bound.Min[0])
			y := c.Bound.Min[1] + r.Float64()*(c.Bound.Max[1]-c.Bound.Min[1])
			w, h := 0.1+4.9*r.Float64(), 0.1+4.9*r.Float64()
			boxes = append(boxes, orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + w, y + h}})
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for i := 0; i < b.N; i++ {
		p, err := s.Items("districts", geo.Query{Boxes: []orb.Bound{boxes[i%len(boxes)]}, Limit: 10000})
		if err != nil {
			b.Fatal(err)
		}
		n += len(p.Features)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "boxes/s")
	b.ReportMetric(float64(n)/float64(b.N), "features/box")
}

func BenchmarkImportDistricts(b *testing.B) {
	fs := geokz.Districts(b)
	s := openMem(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := s.Import(districtsMeta, fs, true); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpenDistricts(b *testing.B) {
	path := filepath.Join(b.TempDir(), "kz.db")
	s, err := Open(path, nil)
	if err != nil {
		b.Fatal(err)
	}
	importDistricts(b, s)
	s.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, err := Open(path, nil)
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}
