package store

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"kzmap/geo"
	"kzmap/geo/internal/bench"
)

// readResults reads a PostGIS result file of /work/shared/bench/postgis.sh:
// a header, then rows whose first column is the workload line and whose
// last column holds the P-codes (sep-separated, empty for none).
func readResults(t *testing.T, name, sep string) [][]string {
	t.Helper()
	results, _ := bench.Dirs()
	f, err := os.Open(filepath.Join(results, name))
	if err != nil {
		t.Skipf("PostGIS results absent (run shared/bench/postgis.sh): %v", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	out := make([][]string, len(rows)-1)
	for _, row := range rows[1:] {
		i, err := strconv.Atoi(row[0])
		if err != nil || i < 0 || i >= len(out) {
			t.Fatalf("%s: bad row %v", name, row)
		}
		if last := row[len(row)-1]; last != "" {
			out[i] = strings.Split(last, sep)
		} else {
			out[i] = []string{}
		}
	}
	return out
}

// TestLookupMatchesPostGIS: for each of the 100,000 workload points the
// districts found are exactly PostGIS's ST_Intersects answer.
func TestLookupMatchesPostGIS(t *testing.T) {
	want := readResults(t, "pip_adm2.csv", ";")
	_, workload := bench.Dirs()
	pts := readCSVFloats(t, filepath.Join(workload, "points.csv"))
	if len(pts) != len(want) {
		t.Fatalf("%d points, %d answers", len(pts), len(want))
	}
	s := openMem(t)
	importDistricts(t, s)
	matched := 0
	for i, p := range pts {
		got, err := s.Lookup("districts", orb.Point{p[0], p[1]})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(got), want[i]) {
			t.Errorf("point %d %v: got %v, PostGIS %v", i, p, ids(got), want[i])
		}
		matched += len(got)
	}
	if matched == 0 {
		t.Fatal("no point matched")
	}
}

// TestBBoxMatchesPostGIS: for each of the 1000 workload boxes the districts
// are exactly PostGIS's ST_Intersects(geom, ST_MakeEnvelope(...)).
func TestBBoxMatchesPostGIS(t *testing.T) {
	want := readResults(t, "bbox_adm2.csv", " ")
	_, workload := bench.Dirs()
	boxes := readCSVFloats(t, filepath.Join(workload, "bboxes.csv"))
	if len(boxes) != len(want) {
		t.Fatalf("%d boxes, %d answers", len(boxes), len(want))
	}
	s := openMem(t)
	importDistricts(t, s)
	for i, b := range boxes {
		box := orb.Bound{Min: orb.Point{b[0], b[1]}, Max: orb.Point{b[2], b[3]}}
		p, err := s.Items("districts", geo.Query{Boxes: []orb.Bound{box}})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(p.Features), want[i]) {
			t.Errorf("box %d %v: got %v, PostGIS %v", i, box, ids(p.Features), want[i])
		}
	}
}
