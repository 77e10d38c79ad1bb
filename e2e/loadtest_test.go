package e2e

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestLoad is `make loadtest`: the real binary on loopback under a mix of
// tile, items, look-up and search reads from several workers while other
// workers create, replace and delete features (each created feature is
// deleted again, so the data does not grow) and one client follows the
// change stream. It runs LOADTEST_DURATION (60s by default): a read-only
// sixth first (warming the tile cache), then reads with writes. It asserts
// zero errors, flat memory and a database file that stays within twice
// its size at start plus 1 MB (compaction keeps it there), and reports
// requests per second, read latency during writes, write-to-event latency,
// the server's memory and the file's size.
func TestLoad(t *testing.T) {
	if os.Getenv("KZMAP_LOADTEST") != "1" {
		t.Skip("set KZMAP_LOADTEST=1 (make loadtest) to run the load test")
	}
	total := 60 * time.Second
	if v := os.Getenv("LOADTEST_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		require.NoError(t, err, "LOADTEST_DURATION")
		require.True(t, d >= 10*time.Second && d <= 2*time.Hour, "LOADTEST_DURATION %v: want 10s..2h", d)
		total = d
	}
	const token = "loadtest-token"
	dbPath := filepath.Join(t.TempDir(), "load.db")
	srv := startServer(t, []string{"KZMAP_TOKEN=" + token}, "--db", dbPath, "--log-level", "warn")
	pid := srv.cmd.Process.Pid
	requireCapabilities(t, srv.URL)
	w := newWorkload(t)
	t.Logf("workload: %d tiles, %d boxes, %d points", len(w.tiles), len(w.boxes), len(w.points))

	client := &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 64, MaxConnsPerHost: 64, DisableCompression: true},
	}
	defer client.CloseIdleConnections()
	lt := &loadRun{t: t, base: srv.URL, client: client, token: token, w: w}

	// Memory and the database file's size, sampled every second over the
	// whole run.
	var rss, fileSize []rssSample
	var rssMu sync.Mutex
	ctx, cancel := context.WithTimeout(context.Background(), total)
	defer cancel()
	start := time.Now()
	var bg sync.WaitGroup
	bg.Add(1)
	go func() {
		defer bg.Done()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			if kb, err := vmRSS(pid); err == nil {
				rssMu.Lock()
				rss = append(rss, rssSample{time.Since(start), kb})
				rssMu.Unlock()
			}
			if fi, err := os.Stat(dbPath); err == nil {
				rssMu.Lock()
				fileSize = append(fileSize, rssSample{time.Since(start), fi.Size() >> 10})
				rssMu.Unlock()
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()

	const readers, writers = 6, 2
	warm := total / 6
	// Phase 1: reads only.
	warmCtx, warmCancel := context.WithTimeout(ctx, warm)
	base := lt.run(warmCtx, readers, 0)
	warmCancel()
	// Phase 2: reads with writes and a change-stream follower.
	// The follower outlives the writers by a moment, for the last events.
	followCtx, stopFollow := context.WithCancel(context.Background())
	defer stopFollow()
	events := lt.follow(followCtx, &bg)
	mixed := lt.run(ctx, readers, writers)
	cancel()
	time.Sleep(2 * time.Second)
	stopFollow()
	bg.Wait()

	// Figures.
	var out strings.Builder
	fmt.Fprintf(&out, "kzmap load test: %v on loopback (%d readers, %d writers, 1 change-stream follower), GOMAXPROCS of the machine shared with the client\n", total, readers, writers)
	fmt.Fprintf(&out, "reads only (%v): %.0f req/s, p50 %v, p99 %v\n", base.elapsed.Round(time.Second), base.rps(), base.readPct(50), base.readPct(99))
	fmt.Fprintf(&out, "reads with writes (%v): %.0f req/s (%.0f reads/s, %.1f writes/s), read p50 %v, read p99 %v, write p99 %v\n",
		mixed.elapsed.Round(time.Second), mixed.rps(), float64(len(mixed.reads))/mixed.elapsed.Seconds(),
		float64(len(mixed.writes))/mixed.elapsed.Seconds(), mixed.readPct(50), mixed.readPct(99), pct(mixed.writeLat(), 99))
	for _, k := range slices.Sorted(mapsKeys(mixed.byKind)) {
		fmt.Fprintf(&out, "  %-7s %7d requests\n", k, mixed.byKind[k])
	}
	lat, missing := events.latencies(mixed.writes)
	fmt.Fprintf(&out, "write to SSE event (from the write's request start): p50 %v, p99 %v, max %v over %d writes; %d events missing\n",
		pct(lat, 50), pct(lat, 99), pct(lat, 100), len(lat), missing)
	rssMu.Lock()
	samples, files := slices.Clone(rss), slices.Clone(fileSize)
	rssMu.Unlock()
	first, last, peak, flat := memoryTrend(samples, warm)
	fmt.Fprintf(&out, "server RSS: %.0f MB after start, %.0f MB early in the mixed phase, %.0f MB at the end (avg of last third), peak %.0f MB, end RSS %.0f MB\n",
		mb(samples[0].kb), mb(first), mb(last), mb(peak), mb(samples[len(samples)-1].kb))
	fmt.Fprintf(&out, "RSS over time:")
	for i := 0; i < len(samples); i += max(1, len(samples)/12) {
		fmt.Fprintf(&out, " %v %.0f MB;", samples[i].at.Round(time.Second), mb(samples[i].kb))
	}
	fmt.Fprintln(&out)
	fileStart, filePeak := files[0].kb, slices.MaxFunc(files, func(a, b rssSample) int { return cmp.Compare(a.kb, b.kb) }).kb
	fmt.Fprintf(&out, "database file: %.1f MB after start, peak %.1f MB, %.1f MB at the end\n",
		mb(fileStart), mb(filePeak), mb(files[len(files)-1].kb))
	fmt.Fprintf(&out, "errors: %d (reads only) + %d (mixed)\n", base.errors.Load(), mixed.errors.Load())
	fmt.Fprintf(&out, "server metrics: %s\n", scrapeSummary(client, srv.URL))
	t.Log("\n" + out.String())
	writeFigures(t, out.String())

	for _, e := range append(base.firstErrors(), mixed.firstErrors()...) {
		t.Errorf("error: %s", e)
	}
	require.Zero(t, base.errors.Load()+mixed.errors.Load(), "requests that failed")
	require.Zero(t, missing, "writes whose change event never came")
	require.NoError(t, events.err, "change stream")
	require.NotZero(t, len(mixed.reads))
	require.NotZero(t, len(mixed.writes))
	require.True(t, flat, "memory grew: %.0f MB early in the mixed phase, %.0f MB at its end", mb(first), mb(last))
	require.LessOrEqual(t, filePeak, 2*fileStart+1024, "the database file grew past twice its size at start plus 1 MB")
	_ = syscallAlive(t, pid)
}

type rssSample struct {
	at time.Duration
	kb int64
}

// memoryTrend compares the server's RSS early in the mixed phase (its first
// third, after the first fifth has settled) with its last third. Flat means
// the end is within 25% + 16 MB of the start: a cache filling is allowed,
// steady growth is not.
func memoryTrend(s []rssSample, warm time.Duration) (first, last, peak int64, flat bool) {
	var mixed []int64
	for _, x := range s {
		peak = max(peak, x.kb)
		if x.at >= warm {
			mixed = append(mixed, x.kb)
		}
	}
	mixed = mixed[len(mixed)/5:]
	if len(mixed) < 3 {
		return 0, 0, peak, true
	}
	avg := func(v []int64) int64 {
		var sum int64
		for _, x := range v {
			sum += x
		}
		return sum / int64(len(v))
	}
	n := len(mixed) / 3
	first, last = avg(mixed[:n]), avg(mixed[len(mixed)-n:])
	return first, last, peak, float64(last) <= 1.25*float64(first)+16*1024
}

func mb(kb int64) float64 { return float64(kb) / 1024 }

// vmRSS reads a process's resident memory in kB from /proc.
func vmRSS(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("no VmRSS for %d", pid)
}

func syscallAlive(t *testing.T, pid int) bool {
	t.Helper()
	_, err := vmRSS(pid)
	require.NoError(t, err, "server process gone after the load")
	return true
}

// workload are the tiles, boxes and points requested: the shared benchmark
// workload when it is there (so that figures compare with PostGIS's),
// otherwise a fixed pseudo-random set over Kazakhstan.
type workload struct {
	tiles  []string // z/x/y
	boxes  []string // minLon,minLat,maxLon,maxLat
	points [][2]string
}

func newWorkload(t *testing.T) *workload {
	dir := os.Getenv("KZMAP_WORKLOAD")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "kzmap-bench", "workload")
	}
	w := &workload{}
	if b, err := os.ReadFile(filepath.Join(dir, "tiles.txt")); err == nil {
		for _, l := range strings.Fields(string(b)) {
			if strings.Count(l, "/") == 2 {
				w.tiles = append(w.tiles, l)
			}
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "bboxes.csv")); err == nil {
		for _, l := range strings.Fields(string(b)) {
			if strings.Count(l, ",") == 3 {
				w.boxes = append(w.boxes, l)
			}
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "points.csv")); err == nil {
		for _, l := range strings.Fields(string(b)) {
			if lon, lat, ok := strings.Cut(l, ","); ok {
				w.points = append(w.points, [2]string{lon, lat})
			}
		}
	}
	r := rand.New(rand.NewPCG(2022, 1))
	const west, south, east, north = 46.5, 40.6, 87.3, 55.4
	if len(w.tiles) == 0 {
		for z := 0; z <= 10; z++ {
			x0, y0 := lonLatTile(west, north, z)
			x1, y1 := lonLatTile(east, south, z)
			for x := x0; x <= x1; x++ {
				for y := y0; y <= y1; y++ {
					if z < 8 || r.IntN(1<<(z-7)) == 0 { // all of the low zooms, a sample of the high
						w.tiles = append(w.tiles, fmt.Sprintf("%d/%d/%d", z, x, y))
					}
				}
			}
		}
	}
	if len(w.boxes) == 0 {
		for range 500 {
			lon, lat := west+r.Float64()*(east-west-3), south+r.Float64()*(north-south-3)
			size := 0.1 + r.Float64()*2.9
			w.boxes = append(w.boxes, fmt.Sprintf("%.5f,%.5f,%.5f,%.5f", lon, lat, lon+size, lat+size))
		}
	}
	if len(w.points) == 0 {
		for range 500 {
			w.points = append(w.points, [2]string{fmt.Sprintf("%.5f", west+r.Float64()*(east-west)), fmt.Sprintf("%.5f", south+r.Float64()*(north-south))})
		}
	}
	require.NotEmpty(t, w.tiles)
	return w
}

func lonLatTile(lon, lat float64, z int) (int, int) {
	n := float64(int(1) << z)
	x := int((lon + 180) / 360 * n)
	r := lat * math.Pi / 180
	y := int((1 - math.Log(math.Tan(r)+1/math.Cos(r))/math.Pi) / 2 * n)
	return x, y
}

type loadRun struct {
	t      *testing.T
	base   string
	client *http.Client
	token  string
	w      *workload
	seq    atomic.Int64
}

// phase is what one phase measured.
type phase struct {
	elapsed time.Duration
	reads   []time.Duration
	writes  []writeRecord
	byKind  map[string]int
	errors  atomic.Int64
	errMu   sync.Mutex
	errs    []string
}

type writeRecord struct {
	op, id string
	start  time.Time
	took   time.Duration
}

func (p *phase) fail(format string, args ...any) {
	p.errors.Add(1)
	p.errMu.Lock()
	defer p.errMu.Unlock()
	if len(p.errs) < 10 {
		p.errs = append(p.errs, fmt.Sprintf(format, args...))
	}
}

func (p *phase) firstErrors() []string {
	p.errMu.Lock()
	defer p.errMu.Unlock()
	return slices.Clone(p.errs)
}

func (p *phase) rps() float64 {
	return float64(len(p.reads)+len(p.writes)) / p.elapsed.Seconds()
}

func (p *phase) readPct(q float64) time.Duration { return pct(p.reads, q) }

func (p *phase) writeLat() []time.Duration {
	out := make([]time.Duration, len(p.writes))
	for i, w := range p.writes {
		out[i] = w.took
	}
	return out
}

func pct(v []time.Duration, q float64) time.Duration {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	i := int(math.Ceil(q/100*float64(len(s)))) - 1
	return s[max(0, min(i, len(s)-1))].Round(10 * time.Microsecond)
}

func mapsKeys(m map[string]int) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// run runs readers and writers until ctx ends.
func (lt *loadRun) run(ctx context.Context, readers, writers int) *phase {
	p := &phase{byKind: map[string]int{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for i := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(i), 7))
			var lat []time.Duration
			kinds := map[string]int{}
			for ctx.Err() == nil {
				kind, path := lt.readTarget(r)
				t0 := time.Now()
				code, err := lt.do(ctx, http.MethodGet, path, nil)
				if ctx.Err() != nil {
					break // cut off by the end of the phase, not a server error
				}
				if err != nil || (code != 200 && code != 204 && code != 304) {
					p.fail("GET %s: %d %v", path, code, err)
					continue
				}
				lat = append(lat, time.Since(t0))
				kinds[kind]++
			}
			mu.Lock()
			p.reads = append(p.reads, lat...)
			for k, n := range kinds {
				p.byKind[k] += n
			}
			mu.Unlock()
		}()
	}
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(100+i), 9))
			var recs []writeRecord
			for ctx.Err() == nil {
				recs = lt.writeCycle(ctx, r, p, recs)
			}
			mu.Lock()
			p.writes = append(p.writes, recs...)
			p.byKind["write"] += len(recs)
			mu.Unlock()
		}()
	}
	wg.Wait()
	p.elapsed = time.Since(start)
	return p
}

// readTarget picks a read: tiles 40%, items in a box 30%, look-ups 20%,
// search 10%.
func (lt *loadRun) readTarget(r *rand.Rand) (kind, path string) {
	n := r.IntN(10)
	switch {
	case n < 4:
		return "tile", "/tiles/districts/" + lt.w.tiles[r.IntN(len(lt.w.tiles))] + ".mvt"
	case n < 7:
		col := []string{"districts", "regions", "events"}[r.IntN(3)]
		return "items", "/collections/" + col + "/items?limit=50&bbox=" + lt.w.boxes[r.IntN(len(lt.w.boxes))]
	case n < 9:
		pt := lt.w.points[r.IntN(len(lt.w.points))]
		if r.IntN(2) == 0 {
			return "lookup", "/lookup?lon=" + pt[0] + "&lat=" + pt[1]
		}
		return "lookup", "/collections/districts/lookup?lon=" + pt[0] + "&lat=" + pt[1]
	default:
		q := []string{"Almaty", "Mangystau", "Zhanaozen", "Алматы", "Nur-Sultan", "Taldykorgan", "Aktobe", "Shymkent"}[r.IntN(8)]
		return "search", "/search?limit=5&q=" + q
	}
}

// writeCycle creates a feature in events, replaces it and deletes it.
func (lt *loadRun) writeCycle(ctx context.Context, r *rand.Rand, p *phase, recs []writeRecord) []writeRecord {
	n := lt.seq.Add(1)
	lon, lat := 50+r.Float64()*30, 42+r.Float64()*10
	feature := func(title string) []byte {
		return fmt.Appendf(nil, `{"type":"Feature","geometry":{"type":"Point","coordinates":[%.5f,%.5f]},"properties":{"title":%q,"date":"2022-01-05","kind":"load test"}}`, lon, lat, title)
	}
	t0 := time.Now()
	code, loc, err := lt.doWrite(ctx, http.MethodPost, "/collections/events/items", feature(fmt.Sprintf("load %d", n)))
	if ctx.Err() != nil {
		return recs
	}
	if err != nil || code != http.StatusCreated || loc == "" {
		p.fail("POST: %d %v (Location %q)", code, err, loc)
		return recs
	}
	id := loc[strings.LastIndex(loc, "/")+1:]
	recs = append(recs, writeRecord{"create", id, t0, time.Since(t0)})
	path := "/collections/events/items/" + id
	for _, op := range []struct{ method, name string }{{http.MethodPut, "replace"}, {http.MethodDelete, "delete"}} {
		var body []byte
		if op.method == http.MethodPut {
			body = feature(fmt.Sprintf("load %d, replaced", n))
		}
		t0 := time.Now()
		code, _, err := lt.doWrite(context.WithoutCancel(ctx), op.method, path, body) // finish the cycle: leave nothing behind
		if err != nil || (code != 200 && code != 204) {
			p.fail("%s %s: %d %v", op.method, path, code, err)
			return recs
		}
		recs = append(recs, writeRecord{op.name, id, t0, time.Since(t0)})
	}
	return recs
}

func (lt *loadRun) do(ctx context.Context, method, path string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, method, lt.base+path, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	resp, err := lt.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, err
}

func (lt *loadRun) doWrite(ctx context.Context, method, path string, body []byte) (int, string, error) {
	var rd io.Reader = http.NoBody
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, lt.base+path, rd)
	if err != nil {
		return 0, "", err
	}
	req.Header.Set("Authorization", "Bearer "+lt.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/geo+json")
	}
	resp, err := lt.client.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), err
}

// eventLog is what the change-stream follower saw: arrival times by op and
// feature id.
type eventLog struct {
	mu     sync.Mutex
	arrive map[string][]time.Time // "op id" → arrival times
	err    error
}

// follow reads /collections/events/changes until ctx ends.
func (lt *loadRun) follow(ctx context.Context, wg *sync.WaitGroup) *eventLog {
	ev := &eventLog{arrive: map[string][]time.Time{}}
	ready := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, lt.base+"/collections/events/changes", nil)
		if err != nil {
			ev.err = err
			close(ready)
			return
		}
		req.Header.Set("Accept", "text/event-stream")
		// Its own client: the stream must not count against the pool's timeout.
		resp, err := (&http.Client{}).Do(req)
		close(ready)
		if err != nil {
			ev.err = err
			return
		}
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		var data strings.Builder
		for sc.Scan() {
			line := sc.Text()
			if d, ok := strings.CutPrefix(line, "data:"); ok {
				data.WriteString(strings.TrimSpace(d))
				continue
			}
			if line != "" || data.Len() == 0 {
				continue
			}
			now := time.Now()
			var e struct{ Op, ID string }
			if json.Unmarshal([]byte(data.String()), &e) == nil && e.ID != "" {
				ev.mu.Lock()
				ev.arrive[e.Op+" "+e.ID] = append(ev.arrive[e.Op+" "+e.ID], now)
				ev.mu.Unlock()
			}
			data.Reset()
		}
	}()
	<-ready
	time.Sleep(100 * time.Millisecond) // let the subscription register before writes begin
	return ev
}

// latencies matches each write with the first event for it that arrived
// after the write began.
func (ev *eventLog) latencies(ws []writeRecord) (lat []time.Duration, missing int) {
	ev.mu.Lock()
	defer ev.mu.Unlock()
	for _, w := range ws {
		found := false
		for _, at := range ev.arrive[w.op+" "+w.id] {
			if !at.Before(w.start) {
				lat = append(lat, at.Sub(w.start))
				found = true
				break
			}
		}
		if !found {
			missing++
		}
	}
	return lat, missing
}

// scrapeSummary picks a few of the server's own figures from /metrics.
func scrapeSummary(c *http.Client, base string) string {
	resp, err := c.Get(base + "/metrics")
	if err != nil {
		return err.Error()
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	sums := map[string]float64{}
	for _, l := range strings.Split(string(b), "\n") {
		for _, name := range []string{"kzmap_writes_total", "kzmap_tile_cache_hits_total", "kzmap_tile_cache_misses_total",
			"kzmap_tile_cache_bytes", "go_memstats_heap_inuse_bytes", "go_goroutines"} {
			if strings.HasPrefix(l, name+" ") || strings.HasPrefix(l, name+"{") {
				f := strings.Fields(l)
				if v, err := strconv.ParseFloat(f[len(f)-1], 64); err == nil {
					sums[name] += v
				}
			}
		}
	}
	return fmt.Sprintf("writes %.0f, tile cache hits %.0f / misses %.0f (%.1f MB), heap in use %.1f MB, goroutines %.0f",
		sums["kzmap_writes_total"], sums["kzmap_tile_cache_hits_total"], sums["kzmap_tile_cache_misses_total"],
		sums["kzmap_tile_cache_bytes"]/(1<<20), sums["go_memstats_heap_inuse_bytes"]/(1<<20), sums["go_goroutines"])
}

// writeFigures keeps the figures beside the other benchmark results.
func writeFigures(t *testing.T, text string) {
	dir := os.Getenv("BENCH_OUT")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "kzmap-bench", "results")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Logf("figures not written: %v", err)
		return
	}
	p := filepath.Join(dir, "loadtest.txt")
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Logf("figures not written: %v", err)
		return
	}
	t.Logf("figures written to %s", p)
}
