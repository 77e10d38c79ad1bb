package valid

import (
	"crypto/sha256"
	"encoding/binary"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"kzmap/geo"
	"kzmap/geo/internal/geokz"
)

var updateDigests = flag.Bool("update-digests", false, "rewrite testdata/repair-digests.txt")

// TestRepairDigests pins what Repair makes of every geokz layer, to the
// bit: a change to the repair engine that is meant to give the same
// geometries must leave the digests alone; one that changes them on
// purpose rewrites them with -update-digests.
func TestRepairDigests(t *testing.T) {
	layers := []string{
		"kaz_admbnda_adm0_2018", "kaz_admbnda_adm1_2018", "kaz_admbnda_adm1_2024",
		"kaz_admbnda_adm2_2018", "kaz_admbnda_adm2_2024", "kaz_admbnda_cnt1_2022",
	}
	var got []string
	for _, name := range layers {
		h := sha256.New()
		changed := 0
		for i, f := range geokz.GeoJSON(t, name) {
			g, ch, why, err := Repair(geo.NewFeature(fmt.Sprint(i), f.Geometry, nil))
			if ch {
				changed++
			}
			fmt.Fprintf(h, "%d %v %q %v\n", i, ch, why, err)
			hashGeometry(h.Write, g)
		}
		got = append(got, fmt.Sprintf("%s %d changed %x", name, changed, h.Sum(nil)))
	}
	path := filepath.Join("testdata", "repair-digests.txt")
	if *updateDigests {
		if err := os.WriteFile(path, []byte(strings.Join(got, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(got) != len(want) {
		t.Fatalf("%d digests, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("got %s\nwant %s", got[i], want[i])
		}
	}
}

// hashGeometry writes the structure and the exact coordinates of g.
func hashGeometry(write func([]byte) (int, error), g orb.Geometry) {
	var buf [8]byte
	num := func(v uint64) {
		binary.LittleEndian.PutUint64(buf[:], v)
		write(buf[:])
	}
	points := func(ps []orb.Point) {
		num(uint64(len(ps)))
		for _, p := range ps {
			num(math.Float64bits(p[0]))
			num(math.Float64bits(p[1]))
		}
	}
	switch g := g.(type) {
	case orb.Polygon:
		num(1)
		num(uint64(len(g)))
		for _, r := range g {
			points(r)
		}
	case orb.MultiPolygon:
		num(2)
		num(uint64(len(g)))
		for _, p := range g {
			hashGeometry(write, p)
		}
	default:
		write([]byte(fmt.Sprintf("%T %v", g, g)))
	}
}
