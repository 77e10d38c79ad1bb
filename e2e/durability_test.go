package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"kzmap/geo"
	"kzmap/geo/dataset"
	"kzmap/geo/store"
)

const durabilityToken = "durability-token"

// opResult is what a feature should look like after its writes: absent,
// or present with the title of the last write.
type opResult struct {
	present bool
	title   string
}

// featureLog is what one worker did to one feature id, in order.
type featureLog struct {
	acked   opResult // state after the last acknowledged write
	hasAck  bool
	pending *opResult // a write sent but not acknowledged (killed meanwhile)
}

func writeReq(ctx context.Context, method, url, body string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+durabilityToken)
	req.Header.Set("Content-Type", "application/geo+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, nil
}

func eventBody(id, title string, r *rand.Rand) string {
	// Points inside Kazakhstan, so region counts are recomputed too.
	lon, lat := 60+r.Float64()*15, 44+r.Float64()*6
	return fmt.Sprintf(`{"type":"Feature","id":%q,"geometry":{"type":"Point","coordinates":[%.5f,%.5f]},"properties":{"title":%q,"date":"2022-01-05","kind":"test"}}`,
		id, lon, lat, title)
}

// killHard sends SIGKILL and reaps the process: no shutdown code runs.
func (s *server) killHard(t *testing.T) {
	t.Helper()
	require.NoError(t, s.cmd.Process.Signal(syscall.SIGKILL))
	_ = s.cmd.Wait()
}

// TestDurability: every write that answered 2xx survives kill -9 of the
// server the moment after, with writes still in flight and the database
// file being compacted meanwhile (a low --compact-ratio makes it compact
// every ten writes or so); a torn last record is recovered; a corrupt file
// stops start-up with a clear message.
func TestDurability(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the server three times")
	}
	db := filepath.Join(t.TempDir(), "kzmap.db")
	env := []string{"KZMAP_TOKEN=" + durabilityToken}
	srv := startServer(t, env, "--db", db, "--compact-ratio", "1.01", "--compact-min", "0")

	const workers, perWorker, killAfter = 8, 40, 150
	var acked atomic.Int64
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := make([]map[string]*featureLog, workers)
	var wg sync.WaitGroup
	killed := make(chan time.Duration, 1)
	for w := 0; w < workers; w++ {
		logs[w] = map[string]*featureLog{}
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), 7))
			for i := 0; i < perWorker; i++ {
				id := fmt.Sprintf("dur-%d-%d", w, i/3) // each id gets up to 3 writes
				fl := logs[w][id]
				if fl == nil {
					fl = &featureLog{}
					logs[w][id] = fl
				}
				var method, url, body string
				var want opResult
				switch {
				case !fl.acked.present || !fl.hasAck:
					method, url = http.MethodPost, srv.URL+"/collections/events/items"
					want = opResult{true, fmt.Sprintf("v%d", i)}
					body = eventBody(id, want.title, r)
				case i%3 == 1:
					method, url = http.MethodPut, srv.URL+"/collections/events/items/"+id
					want = opResult{true, fmt.Sprintf("v%d", i)}
					body = eventBody(id, want.title, r)
				default:
					method, url = http.MethodDelete, srv.URL+"/collections/events/items/"+id
				}
				fl.pending = &want
				code, err := writeReq(ctx, method, url, body)
				if err != nil {
					return // the server is gone; this write stays pending
				}
				if code/100 != 2 {
					t.Errorf("%s %s: %d", method, url, code)
					return
				}
				fl.acked, fl.hasAck, fl.pending = want, true, nil
				if acked.Add(1) == killAfter {
					// At once, with the other workers' writes in flight.
					start := time.Now()
					if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
						t.Error(err)
					}
					_ = srv.cmd.Wait()
					killed <- time.Since(start)
				}
			}
		}(w)
	}
	wg.Wait()
	require.GreaterOrEqual(t, acked.Load(), int64(killAfter), "too few writes were acknowledged")
	srv.mu.Lock()
	compactions := strings.Count(srv.logs.String(), `"msg":"compacted the database file"`)
	srv.mu.Unlock()
	require.Positive(t, compactions, "the file was never compacted while it took writes")
	t.Logf("%d compactions while taking writes", compactions)
	t.Logf("kill -9 after %d acknowledged writes (%d total sent by %d workers); kill took %s", killAfter, acked.Load(), workers, <-killed)

	// Restart on the same file: every acknowledged write is there. (A short
	// write timeout: the change feed must outlive it.)
	srv = startServer(t, env, "--db", db, "--write-timeout", "1s")
	checkWrites(t, srv.URL, logs)
	checkCounts(t, srv.URL)
	measureFeed(t, srv.URL)

	// A torn last record (a write cut mid-way) is dropped at start-up.
	srv.killHard(t)
	f, err := os.OpenFile(db, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString("*3\r\n$3\r\nset\r\n$17\r\nf:events:torn-one\r\n$200\r\n\x01\x02")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	srv = startServer(t, env, "--db", db)
	checkWrites(t, srv.URL, logs)
	if code := status(t, srv.URL+"/collections/events/items/torn-one"); code != 404 {
		t.Errorf("torn record's feature: %d, want 404", code)
	}
	srv.killHard(t)

	whole, err := os.ReadFile(db)
	require.NoError(t, err)
	// Garbage after the last record, and a corrupt record in the middle:
	// start-up fails with one clear line and a non-zero exit.
	mid := bytes.Index(whole[len(whole)/2:], []byte("\r\n$")) + len(whole)/2 + 2
	corruptMiddle := append([]byte{}, whole...)
	corruptMiddle[mid] = 'X'
	for name, content := range map[string][]byte{
		"garbage appended":      append(append([]byte{}, whole...), "this is not a record\r\n"...),
		"corrupt in the middle": corruptMiddle,
	} {
		t.Run(name, func(t *testing.T) {
			bad := filepath.Join(t.TempDir(), "bad.db")
			require.NoError(t, os.WriteFile(bad, content, 0o644))
			code, stdout, stderr := runKzmap(t, "serve", "--addr", "127.0.0.1:0", "--data", repoData(t), "--db", bad)
			if code == 0 || strings.Contains(stdout, "serving") {
				t.Fatalf("exit %d, stdout %q: a corrupt database was served", code, stdout)
			}
			lines := strings.Split(strings.TrimSpace(stderr), "\n")
			last := lines[len(lines)-1]
			if !strings.Contains(last, "corrupt") || !strings.Contains(last, bad) {
				t.Errorf("message %q does not say the file is corrupt", last)
			}
			after, _ := os.ReadFile(bad)
			if !bytes.Equal(after, content) {
				t.Error("the corrupt file was modified")
			}
		})
	}
}

func status(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	resp.Body.Close()
	return resp.StatusCode
}

func checkWrites(t *testing.T, base string, logs []map[string]*featureLog) {
	t.Helper()
	checked := 0
	for _, m := range logs {
		for id, fl := range m {
			if !fl.hasAck {
				continue
			}
			resp, err := http.Get(base + "/collections/events/items/" + id)
			require.NoError(t, err)
			var f struct {
				Properties struct {
					Title string `json:"title"`
				} `json:"properties"`
			}
			json.NewDecoder(resp.Body).Decode(&f)
			resp.Body.Close()
			got := opResult{present: resp.StatusCode == 200, title: f.Properties.Title}
			if got == fl.acked || (fl.pending != nil && got == *fl.pending) {
				checked++
				continue
			}
			t.Errorf("%s: found %+v, acknowledged %+v (pending %v)", id, got, fl.acked, fl.pending)
		}
	}
	t.Logf("%d features checked against their acknowledged writes", checked)
}

// checkCounts: each region's events count agrees with the events inside
// it, found by point look-up (derived data survived the crash too, or was
// recomputed at start-up).
func checkCounts(t *testing.T, base string) {
	t.Helper()
	type feature struct {
		ID         string                                `json:"id"`
		Geometry   struct{ Coordinates json.RawMessage } `json:"geometry"`
		Properties map[string]any                        `json:"properties"`
	}
	var events, regions struct{ Features []feature }
	getJSON(t, base+"/collections/events/items?limit=10000", &events)
	getJSON(t, base+"/collections/regions/items?limit=100", &regions)
	want := map[string]int{}
	for _, e := range events.Features {
		var pt []float64
		if e.Properties["precision"] == "country" || json.Unmarshal(e.Geometry.Coordinates, &pt) != nil || len(pt) != 2 {
			continue
		}
		var hits struct{ Features []feature }
		getJSON(t, fmt.Sprintf("%s/collections/regions/lookup?lon=%v&lat=%v", base, pt[0], pt[1]), &hits)
		for _, r := range hits.Features {
			want[r.ID]++
		}
	}
	for _, r := range regions.Features {
		if got, _ := r.Properties["events"].(float64); int(got) != want[r.ID] {
			t.Errorf("region %s: events %v, want %d", r.ID, r.Properties["events"], want[r.ID])
		}
	}
	t.Logf("event counts of %d regions checked against %d events", len(regions.Features), len(events.Features))
}

// measureFeed follows the events change feed over real HTTP, writes, and
// reports how long after sending the write its event arrives. An id from
// before the restart gets a reset event first; the stream outlives the
// server's write timeout.
func measureFeed(t *testing.T, base string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/collections/events/changes", nil)
	req.Header.Set("Last-Event-ID", "oldrun-3")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	lines := make(chan string, 100)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	await := func(prefix string) time.Time {
		t.Helper()
		timeout := time.After(10 * time.Second)
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("stream ended before %q", prefix)
				}
				if strings.HasPrefix(l, prefix) {
					return time.Now()
				}
			case <-timeout:
				t.Fatalf("no %q within 10s", prefix)
			}
		}
	}
	await("event: reset")
	time.Sleep(1500 * time.Millisecond) // past the server's write timeout
	var lat []time.Duration
	for i := 0; i < 5; i++ {
		id := fmt.Sprintf("feed-%d", i)
		start := time.Now()
		code, err := writeReq(context.Background(), http.MethodPost, base+"/collections/events/items",
			eventBody(id, "feed", rand.New(rand.NewPCG(uint64(i), 1))))
		require.NoError(t, err)
		require.Equal(t, 201, code)
		await("id: ")
		lat = append(lat, time.Since(start))
		if l := <-lines; !strings.HasPrefix(l, "event: create") {
			t.Errorf("event line %q", l)
		}
		if l := <-lines; !strings.Contains(l, `"id":"`+id+`"`) {
			t.Errorf("data line %q", l)
		}
	}
	t.Logf("write sent → its SSE event received, over HTTP on the real binary: %v", lat)
}

// TestBackupWhileServing copies the database of a running server that is
// being written to, from its file and through /admin/snapshot; both
// copies open and hold every write acknowledged before the copy started.
func TestBackupWhileServing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the server")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "kzmap.db")
	srv := startServer(t, []string{"KZMAP_TOKEN=" + durabilityToken}, "--db", db)
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 5; i++ {
		code, err := writeReq(context.Background(), http.MethodPost, srv.URL+"/collections/events/items", eventBody(fmt.Sprintf("before-%d", i), "b", r))
		require.NoError(t, err)
		require.Equal(t, 201, code)
	}
	// Keep writing while the copies are made.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		r := rand.New(rand.NewPCG(3, 4))
		for i := 0; ctx.Err() == nil; i++ {
			writeReq(ctx, http.MethodPost, srv.URL+"/collections/events/items", eventBody(fmt.Sprintf("during-%d", i), "d", r))
		}
	}()
	fromFile, fromURL := filepath.Join(dir, "file.db"), filepath.Join(dir, "url.db")
	code, stdout, stderr := runKzmap(t, "backup", "--db", db, "--out", fromFile)
	require.Equal(t, 0, code, stderr)
	require.Contains(t, stdout, "kzmap backup: ")
	code, _, stderr = runKzmap(t, "backup", "--url", srv.URL, "--token", durabilityToken, "--out", fromURL)
	require.Equal(t, 0, code, stderr)
	code, _, stderr = runKzmap(t, "backup", "--url", srv.URL, "--token", "wrong", "--out", filepath.Join(dir, "no.db"))
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "401")
	cancel()
	<-done
	for _, p := range []string{fromFile, fromURL} {
		st, err := store.Open(p, nil)
		require.NoError(t, err, p)
		for i := 0; i < 5; i++ {
			_, err := st.Feature("events", fmt.Sprintf("before-%d", i))
			require.NoError(t, err, p)
		}
		c, err := st.Collection("events")
		require.NoError(t, err)
		page, err := st.Items("events", geo.Query{})
		require.NoError(t, err)
		require.Equal(t, c.Count, page.Matched, "%s: metadata agrees with the features", p)
		require.Len(t, st.Collections(), len(dataset.IDs()), p)
		st.Close()
	}
}
