package store

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"kzmap/geo"
	"kzmap/geo/internal/geokz"
	"kzmap/geo/valid"
)

var districtsMeta = geo.Collection{ID: "districts", Title: "Districts", Attribution: "geokz"}

func openMem(tb testing.TB) *Store {
	tb.Helper()
	s, err := Open(":memory:", nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func importDistricts(tb testing.TB, s *Store) []*geo.Feature {
	tb.Helper()
	fs := geokz.Districts(tb)
	if err := s.Import(districtsMeta, fs, true); err != nil {
		tb.Fatal(err)
	}
	return fs
}

// repaired returns each district's geometry as the store should keep it.
func repaired(tb testing.TB, fs []*geo.Feature) map[string]orb.Geometry {
	out := map[string]orb.Geometry{}
	for _, f := range fs {
		g, _, _, err := valid.Repair(f)
		if err != nil {
			tb.Fatal(err)
		}
		out[f.ID] = g
	}
	return out
}

// readCSVFloats reads lines of comma-separated numbers, skipping the test
// when the file is absent.
func readCSVFloats(tb testing.TB, path string) [][]float64 {
	tb.Helper()
	if _, err := os.Stat(path); err != nil {
		tb.Skipf("workload absent: %v", err)
	}
	out, err := parseCSVFloats(path)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// parseCSVFloats reads lines of comma-separated numbers; rows of other
// lengths than the first are an error.
func parseCSVFloats(path string) ([][]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out [][]float64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var row []float64
		for _, s := range strings.Split(sc.Text(), ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			row = append(row, v)
		}
		if len(out) > 0 && len(row) != len(out[0]) {
			return nil, fmt.Errorf("%s: row %d has %d numbers", path, len(out), len(row))
		}
		out = append(out, row)
	}
	return out, sc.Err()
}

func ids(fs []*geo.Feature) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.ID
	}
	return out
}
