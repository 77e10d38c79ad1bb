package e2e

import (
	"math/rand"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOgrinfo talks to the running server with GDAL's OGC API – Features
// driver, the client GIS users have, and checks what it sees against GDAL's
// own reading of the source shapefile.
func TestOgrinfo(t *testing.T) {
	ogrinfo := needOgrinfo(t)
	srv := startServer(t, nil, "--db", ":memory:")
	oapif := "OAPIF:" + srv.URL

	out, err := exec.Command(ogrinfo, "-ro", "-so", oapif).CombinedOutput()
	require.NoError(t, err, "%s", out)
	for _, id := range []string{"regions", "regions-2024", "districts", "districts-2024", "centres", "events"} {
		assert.Contains(t, string(out), ": "+id+" (", "ogrinfo lists %s:\n%s", id, out)
	}

	var events struct {
		NumberMatched int `json:"numberMatched"`
	}
	getJSON(t, srv.URL+"/collections/events/items?limit=1", &events)
	require.Positive(t, events.NumberMatched)

	counts := map[string]int{"regions": 17, "regions-2024": 20, "districts": 216, "districts-2024": 224, "centres": 21, "events": events.NumberMatched}
	for id, want := range counts {
		out, err := exec.Command(ogrinfo, "-ro", "-so", oapif, id).CombinedOutput()
		require.NoError(t, err, "%s", out)
		assert.Contains(t, string(out), "Feature Count: "+strconv.Itoa(want), "%s:\n%s", id, out)
	}

	// A full read of districts through paging (limit 10 by default on the
	// server; GDAL follows next links) sees every feature once.
	out, err = exec.Command(ogrinfo, "-ro", "-q", "-geom=NO", oapif, "districts").CombinedOutput()
	require.NoError(t, err, "%s", out)
	all := codes(out)
	assert.Len(t, all, 216)
	seen := map[string]bool{}
	for _, c := range all {
		assert.False(t, seen[c], "district %s seen twice", c)
		seen[c] = true
	}

	shp := filepath.Join(repoData(t), "sources", "kaz_admbnda_adm2_2018.shp")
	rnd := rand.New(rand.NewSource(7))
	for i := 0; i < 24; i++ {
		w, h := 0.1+rnd.Float64()*4, 0.1+rnd.Float64()*3
		x0 := 46.5 + rnd.Float64()*(87.3-46.5-w)
		y0 := 40.6 + rnd.Float64()*(55.4-40.6-h)
		box := []string{f6(x0), f6(y0), f6(x0 + w), f6(y0 + h)}
		t.Run(strings.Join(box, ","), func(t *testing.T) {
			args := append([]string{"-ro", "-q", "-geom=NO", "-spat"}, box...)
			want, err := exec.Command(ogrinfo, append(args, shp, "kaz_admbnda_adm2_2018")...).CombinedOutput()
			require.NoError(t, err, "%s", want)
			got, err := exec.Command(ogrinfo, append(args, oapif, "districts")...).CombinedOutput()
			require.NoError(t, err, "%s", got)
			wc, gc := codes(want), codes(got)
			sort.Strings(wc)
			sort.Strings(gc)
			assert.Equal(t, wc, gc)
		})
	}
}

func f6(v float64) string { return strconv.FormatFloat(v, 'f', 6, 64) }
