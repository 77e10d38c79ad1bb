package e2e

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/stretchr/testify/require"

	"kzmap/data"
	"kzmap/geo/dataset"
	"kzmap/geo/store"
	"kzmap/geo/writes"
)

// TestBench is the HTTP half of `make bench`: kzmap beside PostGIS and nginx
// on the fixed workloads of ../shared/bench, as ratios measured in one run.
// The Makefile runs the peers' scripts first; their figures are read from
// BENCH_OUT. Figures are logged and written to BENCH_OUT/kzmap.txt.
func TestBench(t *testing.T) {
	if os.Getenv("KZMAP_BENCH") == "" {
		t.Skip("set KZMAP_BENCH=1 (make bench)")
	}
	wl, out := benchPaths()
	peer := readFigures(t, filepath.Join(out, "summary.txt"))
	nginx := readFigures(t, filepath.Join(out, "nginx-static.txt"))
	points := readPairs(t, filepath.Join(wl, "points.csv"))
	boxes := readLines(t, filepath.Join(wl, "bboxes.csv"))
	fig := &figures{}

	// In-process point look-up, one core, every workload point.
	st, err := store.Open(":memory:", nil)
	require.NoError(t, err)
	defer st.Close()
	_, err = dataset.Ensure(writes.New(st, nil), filepath.Join(repoData(t), "sources"), data.EventsGeoJSON, nil)
	require.NoError(t, err)
	prev := runtime.GOMAXPROCS(1)
	start := time.Now()
	for _, p := range points {
		if _, err := st.Lookup("districts", orb.Point(p)); err != nil {
			t.Fatal(err)
		}
	}
	pipRate := float64(len(points)) / time.Since(start).Seconds()
	runtime.GOMAXPROCS(prev)
	fig.add("pip.points_per_s", pipRate)
	fig.ratio("pip.vs_postgis", pipRate, peer["pip.batch_points_per_s.adm2"], 10)

	// Start-up on a database that already holds the default dataset.
	db := filepath.Join(t.TempDir(), "bench.db")
	first := startServer(t, nil, "--db", db, "--log-level", "warn")
	stopServer(t, first)
	began := time.Now()
	// No access log, as nginx runs with access_log off.
	srv := startServer(t, nil, "--db", db, "--log-level", "warn")
	fig.add("startup_s", time.Since(began).Seconds())
	fig.limit("startup_s", time.Since(began).Seconds(), 1)

	// Answers over HTTP equal PostGIS's: every box, and 5,000 points.
	wantBoxes := readResultCodes(t, filepath.Join(out, "bbox_adm2.csv"), " ")
	for i, b := range boxes {
		var fc struct {
			Features []struct {
				ID string `json:"id"`
			} `json:"features"`
		}
		getJSON(t, srv.URL+"/collections/districts/items?limit=10000&bbox="+b, &fc)
		var got []string
		for _, f := range fc.Features {
			got = append(got, f.ID)
		}
		slices.Sort(got)
		require.Equal(t, wantBoxes[i], got, "box %d (%s)", i, b)
	}
	wantPoints := readResultCodes(t, filepath.Join(out, "pip_adm2.csv"), " ")
	for i := 0; i < len(points) && i < 5000; i++ {
		var fc struct {
			Features []struct {
				ID string `json:"id"`
			} `json:"features"`
		}
		getJSON(t, fmt.Sprintf("%s/collections/districts/lookup?lon=%g&lat=%g", srv.URL, points[i][0], points[i][1]), &fc)
		var got []string
		for _, f := range fc.Features {
			got = append(got, f.ID)
		}
		require.Equal(t, wantPoints[i], got, "point %d %v", i, points[i])
	}
	fig.add("answers_checked.boxes", float64(len(boxes)))
	fig.add("answers_checked.points", 5000)

	// Load runs, wrk on loopback with the peers' settings.
	var lookups, items []string
	for _, p := range points[:10000] {
		lookups = append(lookups, fmt.Sprintf("/collections/districts/lookup?lon=%g&lat=%g", p[0], p[1]))
	}
	for _, b := range boxes {
		items = append(items, "/collections/districts/items?limit=10000&bbox="+b)
	}
	lk := runWrk(t, srv.URL, lookups)
	fig.add("http.lookup.rps", lk["rps"])
	fig.add("http.lookup.p99_ms", lk["p99_ms"])
	fig.ratio("http.lookup.vs_nginx_small", lk["rps"], nginx["http.nginx_small.rps"], 0.4)
	bx := runWrk(t, srv.URL, items)
	fig.add("http.bbox.rps", bx["rps"])
	fig.add("http.bbox.p99_ms", bx["p99_ms"])
	pgRate := float64(len(boxes)) / peer["bbox.total_s.adm2"]
	fig.add("postgis.bbox.per_s", pgRate)
	fig.ratio("http.bbox.vs_postgis", bx["rps"], pgRate, 2)

	rss := rssMB(t, srv.cmd.Process.Pid)
	fig.add("rss_mb_after_load", rss)
	fig.limit("rss_mb_after_load", rss, 150)

	fig.write(t, filepath.Join(out, "kzmap.txt"))
}

// benchPaths are the workload and results folders of ../shared/bench.
func benchPaths() (workload, results string) {
	root := filepath.Join(os.TempDir(), "kzmap-bench")
	workload, results = os.Getenv("WORKLOAD"), os.Getenv("BENCH_OUT")
	if workload == "" {
		workload = filepath.Join(root, "workload")
	}
	if results == "" {
		results = filepath.Join(root, "results")
	}
	return workload, results
}

// figures collects name/value lines; ratios also say whether they meet
// their target, so a run that misses one says so in its report.
type figures struct {
	lines  []string
	missed []string
}

func (f *figures) add(name string, v float64) {
	f.lines = append(f.lines, fmt.Sprintf("%s %.4g", name, v))
}

// ratio records ours/theirs, which should be at least atLeast.
func (f *figures) ratio(name string, ours, theirs, atLeast float64) {
	f.check(name, ours, theirs, func(r float64) bool { return r >= atLeast }, fmt.Sprintf(">= %.3g", atLeast))
}

// ratioAtMost records ours/theirs, which should be at most atMost.
func (f *figures) ratioAtMost(name string, ours, theirs, atMost float64) {
	f.check(name, ours, theirs, func(r float64) bool { return r <= atMost }, fmt.Sprintf("<= %.3g", atMost))
}

// ratioWithin records ours/theirs, which should be within 1±tol.
func (f *figures) ratioWithin(name string, ours, theirs, tol float64) {
	f.check(name, ours, theirs, func(r float64) bool { return math.Abs(r-1) <= tol }, fmt.Sprintf("within 1±%g", tol))
}

func (f *figures) check(name string, ours, theirs float64, ok func(float64) bool, target string) {
	if theirs <= 0 {
		f.lines = append(f.lines, name+" n/a (peer figure missing)")
		f.missed = append(f.missed, name)
		return
	}
	r := ours / theirs
	verdict := "ok"
	if !ok(r) {
		verdict = "MISSED"
		f.missed = append(f.missed, name)
	}
	f.lines = append(f.lines, fmt.Sprintf("%s %.3f (target %s: %s)", name, r, target, verdict))
}

func (f *figures) limit(name string, v, atMost float64) {
	if v > atMost {
		f.missed = append(f.missed, name)
	}
}

func (f *figures) write(t *testing.T, path string) {
	t.Helper()
	text := fmt.Sprintf("# kzmap, %s, %d cpu\n%s\n", time.Now().UTC().Format(time.RFC3339), runtime.NumCPU(), strings.Join(f.lines, "\n"))
	t.Log("\n" + text)
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	if len(f.missed) > 0 {
		t.Errorf("targets missed: %s", strings.Join(f.missed, ", "))
	}
}

// runWrk loads base with wrk cycling through paths, with the settings the
// peers' scripts use, and returns its WRKSUMMARY figures.
func runWrk(t *testing.T, base string, paths []string) map[string]float64 {
	t.Helper()
	if _, err := exec.LookPath("wrk"); err != nil {
		t.Fatal("wrk not installed (apt-get install wrk)")
	}
	list := filepath.Join(t.TempDir(), "paths.txt")
	require.NoError(t, os.WriteFile(list, []byte(strings.Join(paths, "\n")+"\n"), 0o644))
	dur := os.Getenv("DURATION")
	if dur == "" {
		dur = "10s"
	}
	script, err := filepath.Abs("../../shared/bench/wrk-paths.lua")
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	outb, err := exec.CommandContext(ctx, "wrk", "-t2", "-c32", "-d"+dur, "--timeout", "10s",
		"-s", script, base, "--", list).CombinedOutput()
	require.NoError(t, err, "wrk: %s", outb)
	for _, line := range strings.Split(string(outb), "\n") {
		rest, ok := strings.CutPrefix(line, "WRKSUMMARY ")
		if !ok {
			continue
		}
		m := map[string]float64{}
		for _, kv := range strings.Fields(rest) {
			k, v, _ := strings.Cut(kv, "=")
			m[k], _ = strconv.ParseFloat(v, 64)
		}
		for _, bad := range []string{"non2xx", "connect_err", "read_err", "write_err", "timeout_err"} {
			require.Zero(t, m[bad], "wrk reported %s: %s", bad, line)
		}
		return m
	}
	t.Fatalf("no WRKSUMMARY in wrk output:\n%s", outb)
	return nil
}

// stopServer interrupts a server started by startServer and waits for it.
func stopServer(t *testing.T, s *server) {
	t.Helper()
	require.NoError(t, s.cmd.Process.Signal(os.Interrupt))
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("server did not stop on interrupt")
	}
}

// rssMB is a process's resident memory.
func rssMB(t *testing.T, pid int) float64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	require.NoError(t, err)
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			require.NoError(t, err)
			return kb / 1024
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

// readFigures reads "name value" lines (the peers' summary files).
func readFigures(t *testing.T, path string) map[string]float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%v: run ../shared/bench/postgis.sh and nginx.sh first (make bench does)", err)
	}
	defer f.Close()
	m := map[string]float64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), " ")
		if !ok || strings.HasPrefix(k, "#") {
			continue
		}
		if x, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
			m[k] = x
		}
	}
	return m
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func readPairs(t *testing.T, path string) [][2]float64 {
	t.Helper()
	var out [][2]float64
	for _, l := range readLines(t, path) {
		a, b, _ := strings.Cut(l, ",")
		x, err1 := strconv.ParseFloat(a, 64)
		y, err2 := strconv.ParseFloat(b, 64)
		require.NoError(t, err1)
		require.NoError(t, err2)
		out = append(out, [2]float64{x, y})
	}
	return out
}

// readResultCodes reads a PostGIS answer file: per workload line, the
// sorted P-codes of the last column (nil for none).
func readResultCodes(t *testing.T, path, sep string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	out := make([][]string, len(rows)-1)
	for _, row := range rows[1:] {
		i, err := strconv.Atoi(row[0])
		require.NoError(t, err)
		if last := row[len(row)-1]; last != "" {
			out[i] = strings.Split(last, sep)
			slices.Sort(out[i])
		}
	}
	return out
}
