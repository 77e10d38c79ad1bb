package valid

import (
	"errors"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"kzmap/geo"
)

func TestRepairPlanar(t *testing.T) {
	square := orb.Polygon{{{100, 100}, {4000, 100}, {4000, 4000}, {100, 4000}, {100, 100}}}
	tests := []struct {
		name     string
		in       orb.Geometry
		polygons int     // polygons in the result
		area     float64 // absolute planar area of the result
		same     bool    // returned as it came
		err      bool
	}{
		{name: "valid square on the tile grid", in: square, polygons: 1, area: 3900 * 3900, same: true},
		{name: "bowtie far outside lon/lat", in: orb.Polygon{{{0, 0}, {4096, 4096}, {4096, 0}, {0, 4096}, {0, 0}}},
			polygons: 2, area: 2 * 4096 * 2048 / 2},
		{name: "spike on the grid", in: orb.Polygon{{{0, 0}, {10, 0}, {20, 0}, {10, 0}, {10, 10}, {0, 0}}},
			polygons: 1, area: 50},
		{name: "projected metres", in: orb.Polygon{{{-2e7, -2e7}, {2e7, 2e7}, {2e7, -2e7}, {-2e7, 2e7}, {-2e7, -2e7}}},
			polygons: 2, area: 2 * 4e7 * 2e7 / 2},
		{name: "non-finite", in: orb.Polygon{{{0, 0}, {math.Inf(1), 0}, {1, 1}, {0, 0}}}, err: true},
		{name: "unclosed", in: orb.Polygon{{{0, 0}, {500, 0}, {500, 500}, {0, 500}}}, err: true},
		{name: "nil", in: nil, err: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := RepairPlanar(tt.in)
			if tt.err {
				if !errors.Is(err, geo.ErrInvalid) {
					t.Fatalf("err %v, want geo.ErrInvalid", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			n := 1
			if mp, ok := got.(orb.MultiPolygon); ok {
				n = len(mp)
			}
			if n != tt.polygons {
				t.Errorf("%d polygons, want %d: %v", n, tt.polygons, got)
			}
			if a := math.Abs(planar.Area(got)); math.Abs(a-tt.area) > 1e-9*tt.area {
				t.Errorf("area %v, want %v", a, tt.area)
			}
			if tt.same {
				if p, ok := got.(orb.Polygon); !ok || !p.Equal(tt.in.(orb.Polygon)) {
					t.Errorf("valid input changed to %v", got)
				}
			}
		})
	}
	// Repair itself keeps rejecting what is not lon/lat.
	if _, _, _, err := Repair(geo.NewFeature("a", square, nil)); !errors.Is(err, geo.ErrInvalid) {
		t.Errorf("Repair of tile coordinates: %v, want ErrInvalid", err)
	}
}
