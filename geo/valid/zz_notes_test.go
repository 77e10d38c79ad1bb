package valid

import (
	"fmt"
	"testing"

	"kzmap/geo"
	"kzmap/geo/internal/geokz"
)

func TestZZNotes(t *testing.T) {
	for _, name := range []string{"kaz_admbnda_adm1_2024", "kaz_admbnda_adm2_2018", "kaz_admbnda_adm2_2024"} {
		for i, f := range geokz.GeoJSON(t, name) {
			_, ch, why, _ := Repair(geo.NewFeature(fmt.Sprint(i), f.Geometry, nil))
			if ch {
				t.Log(name, i, why)
			}
		}
	}
}

func BenchmarkZZRepair(b *testing.B) {
	var fs []*geo.Feature
	for _, name := range []string{"kaz_admbnda_adm1_2024", "kaz_admbnda_adm2_2018", "kaz_admbnda_adm2_2024"} {
		for i, f := range geokz.GeoJSON(b, name) {
			fs = append(fs, geo.NewFeature(fmt.Sprint(i), f.Geometry, nil))
		}
	}
	b.ResetTimer()
	for b.Loop() {
		for _, f := range fs {
			Repair(f)
		}
	}
}
