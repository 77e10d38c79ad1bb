// Package geokz gives tests the geokz boundary files of the shared input
// data: ../shared beside the repository, or $KZMAP_SHARED. Tests that need
// them skip where they are absent, except in CI (CI set), where a missing
// file fails the test: there the checks against GDAL's conversion must run.
// KZMAP_NO_SHARED=1 makes them absent (see Hidden).
package geokz

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb/geojson"

	"kzmap/geo"
)

// Dir returns the geokz folder of the shared data (holding shp/ and
// geojson/).
func Dir(tb testing.TB) string {
	tb.Helper()
	dir, err := locate()
	if err != nil {
		absent(tb, "shared data absent (set KZMAP_SHARED): %v", err)
	}
	return dir
}

// Present reports whether the geokz folder is there, for tests that fall
// back to other data rather than skip.
func Present() bool {
	_, err := locate()
	return err == nil
}

// Hidden reports whether KZMAP_NO_SHARED is set: tests then behave as if
// the shared data were absent, to try what a bare clone does.
func Hidden() bool { return os.Getenv("KZMAP_NO_SHARED") != "" }

// locate finds the geokz folder: $KZMAP_SHARED/data/geokz, or ../shared
// beside the directory holding go.mod.
func locate() (string, error) {
	if Hidden() {
		return "", errors.New("KZMAP_NO_SHARED is set")
	}
	shared := os.Getenv("KZMAP_SHARED")
	if shared == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", err
		}
		for d := wd; ; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				shared = filepath.Join(d, "..", "shared")
				break
			}
			if filepath.Dir(d) == d {
				return "", errors.New("no go.mod above the test directory")
			}
		}
	}
	dir := filepath.Join(shared, "data", "geokz")
	if _, err := os.Stat(dir); err != nil {
		return "", err
	}
	return dir, nil
}

// ReadGeoJSON returns the bytes of geojson/NAME.geojson, GDAL's conversion
// of a layer (name like "kaz_admbnda_adm2_2018").
func ReadGeoJSON(tb testing.TB, name string) []byte {
	tb.Helper()
	path := filepath.Join(Dir(tb), "geojson", name+".geojson")
	b, err := os.ReadFile(path)
	if err != nil {
		absent(tb, "%v", err)
	}
	return b
}

// GeoJSON returns the layer as GeoJSON features.
func GeoJSON(tb testing.TB, name string) []*geojson.Feature {
	tb.Helper()
	fc, err := geojson.UnmarshalFeatureCollection(ReadGeoJSON(tb, name))
	if err != nil {
		tb.Fatalf("%s: %v", name, err)
	}
	return fc.Features
}

// Features returns the layer as features whose ids are the property
// idProp (every feature must have it).
func Features(tb testing.TB, name, idProp string) []*geo.Feature {
	tb.Helper()
	fs := GeoJSON(tb, name)
	out := make([]*geo.Feature, 0, len(fs))
	for i, f := range fs {
		id, _ := f.Properties[idProp].(string)
		if id == "" {
			tb.Fatalf("%s: feature %d without %s", name, i+1, idProp)
		}
		out = append(out, geo.NewFeature(id, f.Geometry, map[string]any(f.Properties)))
	}
	return out
}

// Districts is the 2018 districts layer with ADM2_PCODE ids.
func Districts(tb testing.TB) []*geo.Feature {
	return Features(tb, "kaz_admbnda_adm2_2018", "ADM2_PCODE")
}

func absent(tb testing.TB, format string, args ...any) {
	tb.Helper()
	if os.Getenv("CI") != "" {
		tb.Fatalf("geokz: "+format, args...)
	}
	tb.Skipf("geokz: "+format, args...)
}
