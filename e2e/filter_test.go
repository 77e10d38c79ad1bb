package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// localFilter is the regions with events > 0, read as plain JSON and
// filtered here: what a pushed-down filter must equal.
func localFilter(t *testing.T, srvURL string) []string {
	var all struct {
		Features []struct {
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	getJSON(t, srvURL+"/collections/regions/items?limit=1000", &all)
	var want []string
	for _, f := range all.Features {
		if n, ok := f.Properties["events"].(float64); ok && n > 0 {
			want = append(want, f.Properties["code"].(string))
		}
	}
	require.NotEmpty(t, want, "no region has events; the test would prove nothing")
	require.Less(t, len(want), len(all.Features), "every region has events; the test would prove nothing")
	sort.Strings(want)
	return want
}

// TestFilterOgrinfo: GDAL's OAPIF driver pushes -where down as filter=
// (it finds filter in the OpenAPI items operation and the property among
// the queryables) and gets what the local filter gives.
func TestFilterOgrinfo(t *testing.T) {
	ogrinfo := needOgrinfo(t)
	srv := startServer(t, nil, "--db", ":memory:")
	want := localFilter(t, srv.URL)

	cmd := exec.Command(ogrinfo, "-ro", "-q", "-geom=NO", "OAPIF:"+srv.URL, "regions", "-where", "events > 0")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	got := codes(out)
	sort.Strings(got)
	assert.Equal(t, want, got)

	// The access log is written after the answer, so wait for it a little.
	pushed, logs := false, ""
	for deadline := time.Now().Add(5 * time.Second); !pushed && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		srv.mu.Lock()
		logs = srv.logs.String()
		srv.mu.Unlock()
		for _, line := range strings.Split(logs, "\n") {
			if strings.Contains(line, `"path":"/collections/regions/items"`) && strings.Contains(line, "filter=") {
				pushed = true
			}
		}
	}
	assert.True(t, pushed, "no items request with filter= in the server's log:\n%s", logs)
}

// TestFilterOWSLib: OWSLib's Features client passes filter and sortby
// through; the answer is the local filter, most events first.
func TestFilterOWSLib(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	if exec.Command(py, "-c", "import owslib.ogcapi.features").Run() != nil {
		t.Skip("python3-owslib not installed")
	}
	srv := startServer(t, nil, "--db", ":memory:")
	want := localFilter(t, srv.URL)

	script := filepath.Join(t.TempDir(), "owslib_filter.py")
	require.NoError(t, os.WriteFile(script, []byte(`import sys
from owslib.ogcapi.features import Features
fc = Features(sys.argv[1]).collection_items('regions', filter=sys.argv[2], sortby='-events', limit=1000)
for f in fc['features']:
    print(f['properties']['code'], f['properties']['events'])
`), 0o644))
	out, err := exec.Command(py, script, srv.URL, "events > 0").CombinedOutput()
	require.NoError(t, err, "%s", out)
	var got []string
	last := -1.0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		code, n, _ := strings.Cut(line, " ")
		v, err := strconv.ParseFloat(n, 64)
		require.NoError(t, err, "%s", out)
		assert.True(t, last < 0 || v <= last, "not sorted by -events:\n%s", out)
		last = v
		got = append(got, code)
	}
	sort.Strings(got)
	assert.Equal(t, want, got)
}
