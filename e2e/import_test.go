package e2e

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"kzmap/geo"
	"kzmap/geo/store"
)

const goodGeoJSON = `{"type":"FeatureCollection","features":[
{"type":"Feature","id":"a","properties":{"name":"A"},"geometry":{"type":"Polygon","coordinates":[[[70,45],[71,45],[71,46],[70,45]]]}},
{"type":"Feature","id":"b","properties":{"name":"B"},"geometry":{"type":"Point","coordinates":[70.5,45.2]}}]}`

// runKzmap runs the binary and returns its exit code, stdout and stderr.
func runKzmap(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(kzmapBinary(t), args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode(), out.String(), errb.String()
	}
	require.NoError(t, err)
	return 0, out.String(), errb.String()
}

// A bad file ends `kzmap import` with one line naming file, feature and
// reason, exit status 1, and the database as it was.
func TestImportAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
		return p
	}
	good := write("good.geojson", goodGeoJSON)
	db := filepath.Join(dir, "t.db")
	code, out, stderr := runKzmap(t, "import", "--collection", "pts", "--db", db, good)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "imported 2 features into pts")

	shp, err := os.ReadFile(filepath.Join(repoData(t), "sources", "kaz_admbnda_adm1_2018.shp"))
	require.NoError(t, err)
	for _, ext := range []string{".shx", ".dbf", ".prj", ".cpg"} {
		b, err := os.ReadFile(filepath.Join(repoData(t), "sources", "kaz_admbnda_adm1_2018"+ext))
		require.NoError(t, err)
		write("cut"+ext, string(b))
	}
	cases := []struct {
		name string
		file string
		want []string // in the one error line
	}{
		{"ring not closed", write("open.geojson", `{"type":"FeatureCollection","features":[
			{"type":"Feature","id":"c","properties":{},"geometry":{"type":"Point","coordinates":[70.5,45.2]}},
			{"type":"Feature","id":"d","properties":{},"geometry":{"type":"Polygon","coordinates":[[[70,45],[71,45],[71,46]]]}}]}`),
			[]string{"open.geojson", "feature 2", "ring"}},
		{"longitude out of range", write("far.geojson", `{"type":"FeatureCollection","features":[
			{"type":"Feature","id":"e","properties":{},"geometry":{"type":"Point","coordinates":[270.5,45.2]}}]}`),
			[]string{"far.geojson", "feature 1", "longitude"}},
		{"zero-area polygon", write("flat.geojson", `{"type":"FeatureCollection","features":[
			{"type":"Feature","id":"f","properties":{},"geometry":{"type":"Polygon","coordinates":[[[70,45],[71,45],[72,45],[70,45]]]}}]}`),
			[]string{"flat.geojson", "feature 1"}},
		{"title not UTF-8", write("utf8.geojson", `{"type":"FeatureCollection","features":[
			{"type":"Feature","id":"g","properties":{},"geometry":{"type":"Point","coordinates":[70.5,45.2]}},
			{"type":"Feature","id":"h","properties":{"title":"`+"\xff\xfe"+`"},"geometry":{"type":"Point","coordinates":[70.5,45.2]}}]}`),
			[]string{"utf8.geojson", "feature 2: properties.title: invalid UTF-8"}},
		{"not JSON", write("junk.geojson", `{"type":"FeatureCollection","features":[`), []string{"junk.geojson"}},
		{"truncated shapefile", write("cut.shp", string(shp[:len(shp)/2])), []string{"cut.shp"}},
		{"missing file", filepath.Join(dir, "nope.geojson"), []string{"nope.geojson"}},
		{"unknown extension", write("x.kml", "<kml/>"), []string{"x.kml"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// The good file first: it must not land either.
			code, _, stderr := runKzmap(t, "import", "--collection", "pts", "--replace", "--db", db, good, tc.file)
			require.Equal(t, 1, code, stderr)
			line := strings.TrimRight(stderr, "\n")
			require.NotContains(t, line, "\n", "one line")
			require.True(t, strings.HasPrefix(line, "kzmap import: "), line)
			for _, w := range tc.want {
				require.Contains(t, line, w)
			}
		})
	}
	st, err := store.Open(db, nil)
	require.NoError(t, err)
	defer st.Close()
	c, err := st.Collection("pts")
	require.NoError(t, err)
	require.Equal(t, 2, c.Count, "the database is as the good import left it")
	_, err = st.Feature("pts", "b")
	require.NoError(t, err)

	for _, args := range [][]string{
		{"import", "--db", db, good},
		{"import", "--collection", "bad id!", "--db", db, good},
		{"import", "--collection", "pts", "--db", db},
		{"import", "--collection", "pts", "--no-such-flag", good},
	} {
		code, _, stderr := runKzmap(t, args...)
		require.NotEqual(t, 0, code, "%v", args)
		require.NotEmpty(t, stderr, "%v", args)
	}
}

// The shapefile of districts imports whole, and --id-property names them.
func TestImportShapefile(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	shp := filepath.Join(repoData(t), "sources", "kaz_admbnda_adm2_2018.shp")
	code, out, stderr := runKzmap(t, "import", "--collection", "d", "--id-property", "ADM2_PCODE", "--db", db, shp)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, out, "imported 216 features into d")
	st, err := store.Open(db, nil)
	require.NoError(t, err)
	defer st.Close()
	f, err := st.Feature("d", "KZ471800")
	require.NoError(t, err)
	require.Equal(t, "Zhanaozen", f.Properties["ADM2_EN"])
}

// Features without ids are numbered; a second import into the same
// collection numbers after the first instead of replacing its features,
// unless --replace.
func TestImportNumbersAfterExisting(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	file := filepath.Join(dir, "pts.geojson")
	require.NoError(t, os.WriteFile(file, []byte(`{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"P"},"geometry":{"type":"Point","coordinates":[70,45]}},
{"type":"Feature","properties":{"name":"Q"},"geometry":{"type":"Point","coordinates":[71,45]}}]}`), 0o644))
	ids := func() []string {
		st, err := store.Open(db, nil)
		require.NoError(t, err)
		defer st.Close()
		page, err := st.Items("pts", geo.Query{})
		require.NoError(t, err)
		var out []string
		for _, f := range page.Features {
			out = append(out, f.ID)
		}
		return out
	}
	for range 2 {
		code, _, stderr := runKzmap(t, "import", "--collection", "pts", "--db", db, file)
		require.Equal(t, 0, code, stderr)
	}
	require.ElementsMatch(t, []string{"1", "2", "3", "4"}, ids())
	code, _, stderr := runKzmap(t, "import", "--collection", "pts", "--replace", "--db", db, file)
	require.Equal(t, 0, code, stderr)
	require.ElementsMatch(t, []string{"1", "2"}, ids())
}
