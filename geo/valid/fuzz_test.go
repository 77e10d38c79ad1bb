package valid

import (
	"errors"
	"math"
	"testing"

	"github.com/paulmach/orb"

	"kzmap/geo"
)

// FuzzRepair feeds rings built from arbitrary bytes (small integer grids, so
// that crossings, touches and collinear overlaps are frequent). Repair must
// never panic or hang, must fail only with geo.ErrInvalid, and a changed
// polygon must come out without self-intersections.
func FuzzRepair(f *testing.F) {
	f.Add([]byte{0, 0, 2, 2, 2, 0, 0, 2})
	f.Add([]byte{0, 0, 1, 0, 1, 1, 1, 3, 1, 1, 0, 1})
	f.Add([]byte{0, 0, 6, 2, 6, 0, 0, 2, 3, 1, 3, 1})
	f.Add([]byte{0, 0, 4, 0, 4, 4, 0, 4, 255, 1, 1, 2, 1, 2, 2, 1, 2})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 400 {
			return
		}
		var rings []orb.Ring
		var cur orb.Ring
		for i := 0; i+1 < len(data); i += 2 {
			if data[i] == 255 { // ring separator
				rings = append(rings, cur)
				cur = nil
				i--
				continue
			}
			cur = append(cur, orb.Point{float64(data[i] % 16), float64(data[i+1] % 16)})
		}
		rings = append(rings, cur)
		for i := range rings {
			if len(rings[i]) > 0 {
				rings[i] = append(rings[i], rings[i][0])
			}
		}
		g, changed, _, err := Repair(geo.NewFeature("f", orb.Polygon(rings), nil))
		if err != nil {
			if !errors.Is(err, geo.ErrInvalid) {
				t.Fatalf("error %v does not wrap geo.ErrInvalid", err)
			}
			return
		}
		if !changed {
			return
		}
		var polys []orb.Polygon
		switch g := g.(type) {
		case orb.Polygon:
			polys = []orb.Polygon{g}
		case orb.MultiPolygon:
			polys = g
		default:
			t.Fatalf("got %T", g)
		}
		for _, pg := range polys {
			for _, r := range pg {
				if bad := selfIntersection(orb.Ring(dedupe(r))); bad != "" && integral(r) {
					t.Fatalf("ring %v: %s", r, bad)
				}
			}
		}
	})
}

// integral reports a ring of whole-number points: rings with computed
// crossing points may meet within rounding, which the exact checker flags.
func integral(r orb.Ring) bool {
	for _, p := range r {
		if p[0] != math.Trunc(p[0]) || p[1] != math.Trunc(p[1]) {
			return false
		}
	}
	return true
}
