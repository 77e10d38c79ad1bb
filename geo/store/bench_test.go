package store

import (
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"

	"kzmap/geo"
	"kzmap/geo/internal/benchdata"
)

// importBench imports the benchmark districts: geokz's, or benchdata's
// synthetic fixture where the shared data is absent.
func importBench(b *testing.B, s *Store) {
	if err := s.Import(districtsMeta, benchdata.Districts(b), true); err != nil {
		b.Fatal(err)
	}
}

func BenchmarkLookupDistricts(b *testing.B) {
	s := openMem(b)
	importBench(b, s)
	pts := benchdata.Points(b)
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
	importBench(b, s)
	pts := benchdata.Points(b)
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
	importBench(b, s)
	boxes := benchdata.Boxes(b)
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
	fs := benchdata.Districts(b)
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
	importBench(b, s)
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
