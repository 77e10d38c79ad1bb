package valid

import (
	"fmt"
	"testing"

	"kzmap/geo"
	"kzmap/geo/internal/geokz"
)

// BenchmarkRepair runs Repair on every feature of the three geokz layers
// that hold rings needing repair (self-touching rings, spikes, polygons
// sharing an edge), one op being all of them: most of the time goes to
// the noding of rings that need nothing.
func BenchmarkRepair(b *testing.B) {
	var fs []*geo.Feature
	for _, name := range []string{"kaz_admbnda_adm1_2024", "kaz_admbnda_adm2_2018", "kaz_admbnda_adm2_2024"} {
		for i, f := range geokz.GeoJSON(b, name) {
			fs = append(fs, geo.NewFeature(fmt.Sprint(i), f.Geometry, nil))
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range fs {
			if _, _, _, err := Repair(f); err != nil {
				b.Fatal(err)
			}
		}
	}
}
