package benchdata

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"kzmap/geo/valid"
)

// TestFixtureIsGenerated checks that testdata holds what gen_test.go makes
// (with -update it writes it).
func TestFixtureIsGenerated(t *testing.T) {
	if *update {
		if err := writeFixture(); err != nil {
			t.Fatal(err)
		}
	}
	total := 0
	for name, want := range fixtureFiles() {
		got, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("testdata/%s differs from what gen_test.go makes (go test ./geo/internal/benchdata -update)", name)
		}
		total += len(got)
	}
	if total > 1<<20 {
		t.Errorf("fixture is %d bytes; keep it under 1 MB", total)
	}
}

// TestFixtureDistricts checks that the fixture's districts are valid
// polygons that cover the grid's area once: cells sharing edges exactly,
// cities filling their holes.
func TestFixtureDistricts(t *testing.T) {
	t.Setenv("KZMAP_NO_SHARED", "1")
	fs := Districts(t)
	if len(fs) != FixtureDistricts {
		t.Fatalf("%d districts, want %d", len(fs), FixtureDistricts)
	}
	var vertices int
	var sum float64
	var bound orb.Bound
	for i, f := range fs {
		g, changed, why, err := valid.Repair(f)
		if err != nil || changed {
			t.Errorf("%s: not valid: %s %v", f.ID, why, err)
		}
		p, ok := g.(orb.Polygon)
		if !ok {
			t.Fatalf("%s: %T", f.ID, g)
		}
		for _, r := range p {
			vertices += len(r)
		}
		sum += planar.Area(p)
		if i == 0 {
			bound = p.Bound()
		}
		bound = bound.Union(p.Bound())
	}
	// The outer edges wiggle in and out of the rectangle; their areas
	// nearly cancel.
	rect := (east - west) * (north - south)
	if d := sum/rect - 1; d < -0.01 || d > 0.01 {
		t.Errorf("districts cover %.2f square degrees, the grid %.2f", sum, rect)
	}
	t.Logf("%d districts, %d vertices, bound %v", len(fs), vertices, bound)
	// A point inside a city is in the city and in no district.
	city := fs[len(fs)-1]
	c, _ := planar.CentroidArea(city.Geometry)
	n := 0
	for _, f := range fs {
		if planar.PolygonContains(f.Geometry.(orb.Polygon), c) {
			n++
			if f.ID != city.ID {
				t.Errorf("city %s's centre is also in %s", city.ID, f.ID)
			}
		}
	}
	if n != 1 {
		t.Errorf("city %s's centre is in %d features", city.ID, n)
	}
}

// TestWorkload checks the fixture's workload files parse, and that
// KZMAP_NO_SHARED gives the fixture's.
func TestWorkload(t *testing.T) {
	t.Setenv("KZMAP_NO_SHARED", "1")
	for _, c := range []struct {
		name string
		n    int
	}{
		{"points", len(Points(t))},
		{"boxes", len(Boxes(t))},
		{"tiles", len(Tiles(t))},
	} {
		want := map[string]int{"points": 2000, "boxes": 1000, "tiles": 732}[c.name]
		if c.n != want {
			t.Fatalf("%s: %d, want %d", c.name, c.n, want)
		}
	}
	if b := Boxes(t)[0]; b.Min[0] >= b.Max[0] || b.Min[1] >= b.Max[1] {
		t.Errorf("box %v is inverted", b)
	}
}
