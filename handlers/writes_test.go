package handlers

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"kzmap/geo"
	"kzmap/geo/changes"
	"kzmap/geo/names"
	"kzmap/geo/store"
)

const testToken = "s3cret-token"

// newWriteServer is the fixture server with writes enabled (token "" for
// a read-only one) and a real name index.
func newWriteServer(t testing.TB, token string, mod ...func(*Config)) (*echo.Echo, geo.Store, *Config) {
	t.Helper()
	st := newTestStore(t)
	ix := names.NewIndex(nil)
	for _, c := range st.Collections() {
		page, _ := st.Items(c.ID, geo.Query{})
		for _, f := range page.Features {
			ix.Add(c.ID, c.Rank, f.ID, f.String("name_en"))
		}
	}
	cfg := Config{Store: st, Names: ix, Version: "test", Token: token,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, m := range mod {
		m(&cfg)
	}
	return New(cfg), st, &cfg
}

func write(e *echo.Echo, method, target, body string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/geo+json")
	req.Header.Set("Authorization", "Bearer "+testToken)
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			req.Header.Del(header[i])
		} else {
			req.Header.Set(header[i], header[i+1])
		}
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec
}

func point(id string, lon, lat float64, props string) string {
	idm := ""
	if id != "" {
		idm = fmt.Sprintf(`"id":%q,`, id)
	}
	if props == "" {
		props = "{}"
	}
	return fmt.Sprintf(`{"type":"Feature",%s"geometry":{"type":"Point","coordinates":[%v,%v]},"properties":%s}`, idm, lon, lat, props)
}

func problemDetail(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != ContentTypeProblem {
		t.Fatalf("status %d Content-Type %q, want problem+json; body %s", rec.Code, ct, rec.Body)
	}
	var p Problem
	mustJSON(t, rec.Body.Bytes(), &p)
	if p.Status != rec.Code {
		t.Errorf("problem status %d != %d", p.Status, rec.Code)
	}
	return p.Detail
}

func TestWritesRefused(t *testing.T) {
	ro, _, _ := newWriteServer(t, "")
	rw, _, _ := newWriteServer(t, testToken, func(c *Config) { c.MaxBody = 2000 })
	big := `{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"x":"` + strings.Repeat("a", 3000) + `"}}`
	cases := []struct {
		name           string
		e              *echo.Echo
		method, target string
		body           string
		header         []string
		status         int
		detail         string // substring of the problem detail
	}{
		{"no token configured: POST", ro, "POST", "/collections/events/items", point("", 50, 45, ""), nil, 405, "takes no writes"},
		{"no token configured: PUT", ro, "PUT", "/collections/events/items/E01", point("", 50, 45, ""), nil, 405, "takes no writes"},
		{"no token configured: DELETE", ro, "DELETE", "/collections/events/items/E01", "", nil, 405, "takes no writes"},
		{"no token configured: snapshot", ro, "GET", "/admin/snapshot", "", nil, 405, "takes no writes"},
		{"missing token", rw, "POST", "/collections/events/items", point("", 50, 45, ""), []string{"Authorization", ""}, 401, "Bearer"},
		{"wrong token", rw, "DELETE", "/collections/events/items/E01", "", []string{"Authorization", "Bearer nope"}, 401, "Bearer"},
		{"token as prefix", rw, "DELETE", "/collections/events/items/E01", "", []string{"Authorization", "Bearer " + testToken + "x"}, 401, "Bearer"},
		{"basic scheme", rw, "DELETE", "/collections/events/items/E01", "", []string{"Authorization", "Basic " + testToken}, 401, "Bearer"},
		{"snapshot wrong token", rw, "GET", "/admin/snapshot", "", []string{"Authorization", "Bearer x"}, 401, "Bearer"},
		{"text/plain", rw, "POST", "/collections/events/items", point("", 50, 45, ""), []string{"Content-Type", "text/plain"}, 415, "application/geo+json"},
		{"no content type", rw, "POST", "/collections/events/items", point("", 50, 45, ""), []string{"Content-Type", ""}, 415, "Content-Type"},
		{"too large", rw, "POST", "/collections/events/items", big, nil, 413, "larger"},
		{"unknown collection", rw, "POST", "/collections/nope/items", point("", 50, 45, ""), nil, 404, "nope"},
		{"delete unknown feature", rw, "DELETE", "/collections/events/items/nope", "", nil, 404, "nope"},
		{"malformed JSON", rw, "POST", "/collections/events/items", `{"type":"Feature",`, nil, 400, "malformed JSON"},
		{"not an object", rw, "POST", "/collections/events/items", `[1,2]`, nil, 400, "not a JSON object"},
		{"wrong type", rw, "POST", "/collections/events/items", `{"type":"Point","coordinates":[1,2]}`, nil, 400, `"Point" is not a Feature or FeatureCollection`},
		{"latitude", rw, "POST", "/collections/events/items", point("", 50, 91, ""), nil, 400, "latitude 91 is outside -90..90"},
		{"longitude", rw, "POST", "/collections/events/items", point("", -180.5, 0, ""), nil, 400, "longitude -180.5 is outside"},
		{"huge number", rw, "POST", "/collections/events/items", `{"type":"Feature","geometry":{"type":"Point","coordinates":[1e999,2]},"properties":{}}`, nil, 400, "coordinates"},
		{"string coordinate", rw, "POST", "/collections/events/items", `{"type":"Feature","geometry":{"type":"Point","coordinates":["1",2]},"properties":{}}`, nil, 400, "coordinates[0]: not a number"},
		{"short ring", rw, "POST", "/collections/regions/items",
			`{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]},"properties":{}}`, nil, 400, "at least 4 positions, got 3"},
		{"open ring", rw, "POST", "/collections/regions/items",
			`{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0.5]]]},"properties":{}}`, nil, 400, "not closed"},
		{"null geometry", rw, "POST", "/collections/events/items", `{"type":"Feature","geometry":null,"properties":{}}`, nil, 400, "geometry: null"},
		{"feature index in collection", rw, "POST", "/collections/events/items",
			`{"type":"FeatureCollection","features":[` + point("", 50, 45, "") + `,` + point("", 50, 95, "") + `]}`, nil, 400, "feature 1: geometry.coordinates: latitude 95"},
		{"properties not object", rw, "POST", "/collections/events/items",
			`{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":[1]}`, nil, 400, "properties: not a JSON object"},
		{"existing id", rw, "POST", "/collections/events/items", point("E01", 50, 45, ""), nil, 409, "already exists"},
		{"PUT id mismatch", rw, "PUT", "/collections/events/items/E01", point("E02", 50, 45, ""), nil, 400, "differs"},
		{"PUT a collection", rw, "PUT", "/collections/events/items/E01", `{"type":"FeatureCollection","features":[` + point("", 50, 45, "") + `]}`, nil, 400, "one Feature"},
		{"repeated ids", rw, "POST", "/collections/events/items",
			`{"type":"FeatureCollection","features":[` + point("X", 50, 45, "") + `,` + point("X", 51, 45, "") + `]}`, nil, 400, "feature 1: id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := write(tc.e, tc.method, tc.target, tc.body, tc.header...)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if d := problemDetail(t, rec); !strings.Contains(d, tc.detail) {
				t.Errorf("detail %q does not contain %q", d, tc.detail)
			}
			switch tc.status {
			case 405:
				if a := rec.Header().Get("Allow"); tc.method != "GET" && (a == "" || strings.Contains(a, tc.method)) {
					t.Errorf("Allow %q on a 405 for %s", a, tc.method)
				}
			case 401:
				if rec.Header().Get("WWW-Authenticate") == "" {
					t.Error("no WWW-Authenticate on 401")
				}
			}
		})
	}
	// Nothing refused was stored.
	_, st, _ := newWriteServer(t, testToken)
	if c, _ := st.Collection("events"); c.Count != 12 {
		t.Errorf("events count %d after refused writes", c.Count)
	}
}

// A title holding the bytes FF FE is refused naming the member, not stored
// with U+FFFD in their place (encoding/json's reading).
func TestWriteInvalidUTF8(t *testing.T) {
	e, st, _ := newWriteServer(t, testToken)
	bad := point("", 71.4, 51.1, `{"title":"`+"\xff\xfe"+`"}`)
	for _, tc := range []struct{ name, method, target, body, detail string }{
		{"POST a Feature", "POST", "/collections/events/items", bad, "properties.title: invalid UTF-8"},
		{"POST a FeatureCollection", "POST", "/collections/events/items", `{"type":"FeatureCollection","features":[` + point("", 71, 51, "") + `,` + bad + `]}`, "feature 1: properties.title: invalid UTF-8"},
		{"PUT", "PUT", "/collections/events/items/E01", bad, "properties.title: invalid UTF-8"},
		{"escaped lone surrogate", "POST", "/collections/events/items", point("", 71, 51, `{"title":"\udcff"}`), "properties.title: invalid UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := write(e, tc.method, tc.target, tc.body)
			if rec.Code != 400 {
				t.Fatalf("status %d, want 400: %s", rec.Code, rec.Body)
			}
			if d := problemDetail(t, rec); !strings.Contains(d, tc.detail) {
				t.Errorf("detail %q does not contain %q", d, tc.detail)
			}
		})
	}
	if c, _ := st.Collection("events"); c.Count != 12 {
		t.Errorf("events count %d after refused writes", c.Count)
	}
	if f, err := st.Feature("events", "E01"); err != nil || strings.ContainsRune(fmt.Sprint(f.Properties), '\uFFFD') {
		t.Errorf("E01 changed: %v %v", f, err)
	}
}

func TestVertexLimit(t *testing.T) {
	e, _, _ := newWriteServer(t, testToken, func(c *Config) { c.MaxVertices = 4 })
	ring := `[[0,0],[1,0],[1,1],[0,1],[0,0]]`
	rec := write(e, "POST", "/collections/regions/items", `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[`+ring+`]},"properties":{}}`)
	if rec.Code != 400 || !strings.Contains(problemDetail(t, rec), "more than 4 positions") {
		t.Errorf("5 positions with limit 4: %d %s", rec.Code, rec.Body)
	}
	rec = write(e, "POST", "/collections/events/items", point("", 1, 2, ""))
	if rec.Code != 201 {
		t.Errorf("1 position: %d %s", rec.Code, rec.Body)
	}
}

var uuid7 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestWriteCycle(t *testing.T) {
	e, st, _ := newWriteServer(t, testToken)

	// OPTIONS lists the write methods once a token is configured, without a token in the request.
	if a := do(e, http.MethodOptions, "/collections/events/items").Header().Get("Allow"); !strings.Contains(a, "POST") {
		t.Errorf("OPTIONS items Allow %q", a)
	}
	if a := do(e, http.MethodOptions, "/collections/events/items/E01").Header().Get("Allow"); !strings.Contains(a, "PUT") || !strings.Contains(a, "DELETE") {
		t.Errorf("OPTIONS item Allow %q", a)
	}
	var conf Conformance
	mustJSON(t, get(e, "/conformance?f=json").Body.Bytes(), &conf)
	if !strings.Contains(strings.Join(conf.ConformsTo, " "), "ogcapi-features-4/1.0/conf/create-replace-delete") {
		t.Errorf("conformance lacks Part 4: %v", conf.ConformsTo)
	}

	// POST without id: 201, generated UUIDv7 in Location, the stored feature back.
	rec := write(e, "POST", "/collections/events/items", point("", 65, 45, `{"date":"2022-01-06","kind":"protest","title":"New"}`))
	if rec.Code != 201 {
		t.Fatalf("POST: %d %s", rec.Code, rec.Body)
	}
	loc := rec.Header().Get("Location")
	id := loc[strings.LastIndex(loc, "/")+1:]
	if !strings.HasPrefix(loc, "http://example.com/collections/events/items/") || !uuid7.MatchString(id) {
		t.Fatalf("Location %q", loc)
	}
	var f struct {
		ID         string         `json:"id"`
		Properties map[string]any `json:"properties"`
	}
	mustJSON(t, rec.Body.Bytes(), &f)
	if f.ID != id || f.Properties["title"] != "New" {
		t.Errorf("POST answer %s", rec.Body)
	}
	if got := get(e, "/collections/events/items/"+id); got.Code != 200 {
		t.Errorf("GET created: %d", got.Code)
	}
	// Derived: the region containing the event counts it.
	if r, _ := st.Feature("regions", "KZ02"); r.Properties["events"] != float64(1) {
		t.Errorf("KZ02 events = %v after POST", r.Properties["events"])
	}
	if r, _ := st.Feature("regions", "KZ01"); r.Properties["events"] != nil {
		t.Errorf("KZ01 recounted though untouched: %v", r.Properties["events"])
	}

	// PUT moves it into KZ01: 200, both counts follow.
	rec = write(e, "PUT", "/collections/events/items/"+id, point(id, 55, 45, `{"date":"2022-01-06","kind":"protest","title":"Moved"}`))
	if rec.Code != 200 {
		t.Fatalf("PUT replace: %d %s", rec.Code, rec.Body)
	}
	if r, _ := st.Feature("regions", "KZ02"); r.Properties["events"] != float64(0) {
		t.Errorf("KZ02 events = %v after move", r.Properties["events"])
	}
	if r, _ := st.Feature("regions", "KZ01"); r.Properties["events"] != float64(13) {
		t.Errorf("KZ01 events = %v after move, want 12+1", r.Properties["events"])
	}

	// PUT on a new id creates: 201 with Location.
	rec = write(e, "PUT", "/collections/events/items/NEW-1", point("", 66, 45, ""))
	if rec.Code != 201 || rec.Header().Get("Location") != "http://example.com/collections/events/items/NEW-1" {
		t.Fatalf("PUT create: %d %q %s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}

	// DELETE: 204, then 404.
	if rec = write(e, "DELETE", "/collections/events/items/"+id, ""); rec.Code != 204 {
		t.Fatalf("DELETE: %d %s", rec.Code, rec.Body)
	}
	if rec = get(e, "/collections/events/items/"+id); rec.Code != 404 {
		t.Errorf("GET deleted: %d", rec.Code)
	}
	if rec = write(e, "DELETE", "/collections/events/items/"+id, ""); rec.Code != 404 {
		t.Errorf("DELETE again: %d", rec.Code)
	}
	if r, _ := st.Feature("regions", "KZ01"); r.Properties["events"] != float64(12) {
		t.Errorf("KZ01 events = %v after delete", r.Properties["events"])
	}

	// A region written by a client gets its count from the events, not from the body.
	rec = write(e, "PUT", "/collections/regions/items/KZ09",
		`{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[65,44],[67,44],[67,46],[65,46],[65,44]]]},"properties":{"name_en":"Zetaland","events":99}}`)
	if rec.Code != 201 {
		t.Fatalf("PUT region: %d %s", rec.Code, rec.Body)
	}
	if r, _ := st.Feature("regions", "KZ09"); r.Properties["events"] != float64(1) { // NEW-1 at (66,45)
		t.Errorf("KZ09 events = %v, want 1 (derived)", r.Properties["events"])
	}
	// The search index follows.
	var found fc
	mustJSON(t, get(e, "/search?q=Zetaland").Body.Bytes(), &found)
	if len(found.Features) != 1 || found.Features[0].ID != "KZ09" {
		t.Errorf("search after PUT: %v", found.ids())
	}
	write(e, "DELETE", "/collections/regions/items/KZ09", "")
	mustJSON(t, get(e, "/search?q=Zetaland").Body.Bytes(), &found)
	if len(found.Features) != 0 {
		t.Errorf("search after DELETE: %v", found.ids())
	}
}

func TestPostCollectionAllOrNone(t *testing.T) {
	e, st, _ := newWriteServer(t, testToken)
	// The second feature crosses itself beyond repair? No: valid repairs
	// bowties. A ring of 4 identical points has no area and cannot be stored.
	bad := `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[1,1],[1,1],[1,1],[1,1]]]},"properties":{}}`
	body := `{"type":"FeatureCollection","features":[` + point("A1", 51, 41, "") + `,` + bad + `]}`
	rec := write(e, "POST", "/collections/edge/items", body)
	if rec.Code != 400 {
		t.Fatalf("batch with an unstorable feature: %d %s", rec.Code, rec.Body)
	}
	if _, err := st.Feature("edge", "A1"); err == nil {
		t.Error("A1 stored although its batch failed")
	}
	body = `{"type":"FeatureCollection","features":[` + point("A1", 51, 41, "") + `,` + point("", 52, 42, "") + `,` + point("A3", 53, 43, "") + `]}`
	rec = write(e, "POST", "/collections/edge/items", body)
	if rec.Code != 201 {
		t.Fatalf("batch: %d %s", rec.Code, rec.Body)
	}
	var got fc
	mustJSON(t, rec.Body.Bytes(), &got)
	if len(got.Features) != 3 || got.Features[0].ID != "A1" || !uuid7.MatchString(got.Features[1].ID) {
		t.Errorf("batch answer ids %v", got.ids())
	}
	if rec.Header().Get("Location") != "http://example.com/collections/edge/items/A1" {
		t.Errorf("Location %q", rec.Header().Get("Location"))
	}
	if c, _ := st.Collection("edge"); c.Count != 6 {
		t.Errorf("edge count %d, want 3+3", c.Count)
	}
}

func TestImportCollection(t *testing.T) {
	e, st, _ := newWriteServer(t, testToken)
	body := `{"type":"FeatureCollection","features":[` + point("p1", 70, 45, `{"name":"one"}`) + `,` + point("p2", 71, 46, "") + `]}`
	rec := write(e, "PUT", "/collections/poi?title=Points+of+interest", body)
	if rec.Code != 201 || rec.Header().Get("Location") != "http://example.com/collections/poi" {
		t.Fatalf("create collection: %d %q %s", rec.Code, rec.Header().Get("Location"), rec.Body)
	}
	c, err := st.Collection("poi")
	if err != nil || c.Count != 2 || c.Title != "Points of interest" || c.GeometryType != "Point" {
		t.Fatalf("poi = %+v, %v", c, err)
	}
	rec = write(e, "PUT", "/collections/poi", `{"type":"FeatureCollection","features":[`+point("p3", 72, 47, "")+`]}`)
	if rec.Code != 200 {
		t.Fatalf("replace collection: %d %s", rec.Code, rec.Body)
	}
	if c, _ := st.Collection("poi"); c.Count != 1 || c.Title != "Points of interest" {
		t.Errorf("after replace %+v", c)
	}
	if rec := write(e, "PUT", "/collections/bad%20id", body); rec.Code != 400 {
		t.Errorf("bad collection id: %d %s", rec.Code, rec.Body)
	}
}

func TestSnapshot(t *testing.T) {
	e, _, _ := newWriteServer(t, testToken)
	write(e, "POST", "/collections/events/items", point("SNAP", 52, 44, ""))
	rec := write(e, "GET", "/admin/snapshot", "")
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/octet-stream" {
		t.Fatalf("snapshot: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	path := t.TempDir() + "/copy.db"
	if err := os.WriteFile(path, rec.Body.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(path, nil)
	if err != nil {
		t.Fatalf("snapshot does not open: %v", err)
	}
	defer st.Close()
	if _, err := st.Feature("events", "SNAP"); err != nil {
		t.Errorf("snapshot lacks the last write: %v", err)
	}
	if len(st.Collections()) != 4 {
		t.Errorf("snapshot has %d collections", len(st.Collections()))
	}
}

// sseEvent is one parsed Server-Sent Event.
type sseEvent struct {
	id, event string
	data      map[string]any
}

// readEvents parses an event stream, sending events (not comments) on ch.
func readEvents(r io.Reader, ch chan<- sseEvent) {
	defer close(ch)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var ev sseEvent
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if ev.event != "" {
				ch <- ev
			}
			ev = sseEvent{}
		case strings.HasPrefix(line, "id: "):
			ev.id = line[4:]
		case strings.HasPrefix(line, "event: "):
			ev.event = line[7:]
		case strings.HasPrefix(line, "data: "):
			json.Unmarshal([]byte(line[6:]), &ev.data)
		}
	}
}

func follow(t *testing.T, url, lastID string) (<-chan sseEvent, func()) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if lastID != "" {
		req.Header.Set("Last-Event-ID", lastID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != ContentTypeEventStream {
		t.Fatalf("changes: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	ch := make(chan sseEvent, 64)
	go readEvents(resp.Body, ch)
	return ch, func() { resp.Body.Close() }
}

func next(t *testing.T, ch <-chan sseEvent) sseEvent {
	t.Helper()
	select {
	case ev, ok := <-ch:
		if !ok {
			t.Fatal("stream ended")
		}
		return ev
	case <-time.After(5 * time.Second):
		t.Fatal("no event within 5s")
	}
	return sseEvent{}
}

func TestChangeFeed(t *testing.T) {
	hub := changes.New(changes.Options{Keep: 8})
	e, _, _ := newWriteServer(t, testToken, func(c *Config) { c.Changes = hub })
	srv := httptest.NewServer(e)
	defer srv.Close()
	post := func(body string) *http.Response {
		req, _ := http.NewRequest("POST", srv.URL+"/collections/events/items", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/geo+json")
		req.Header.Set("Authorization", "Bearer "+testToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp, _ := http.Get(srv.URL + "/collections/nope/changes"); resp.StatusCode != 404 {
		t.Errorf("changes of unknown collection: %d", resp.StatusCode)
	}

	events, stop := follow(t, srv.URL+"/collections/events/changes", "")
	defer stop()
	regions, stopR := follow(t, srv.URL+"/collections/regions/changes", "")
	defer stopR()
	// Wait until both followers are subscribed.
	for deadline := time.Now().Add(5 * time.Second); hub.Subscribers() < 2; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("followers did not subscribe")
		}
	}

	start := time.Now()
	if resp := post(point("LIVE", 65, 45, `{"title":"live"}`)); resp.StatusCode != 201 {
		t.Fatalf("POST %d", resp.StatusCode)
	}
	ev := next(t, events)
	t.Logf("POST → SSE event: %s (POST answered and event received)", time.Since(start))
	if ev.event != "create" || ev.data["id"] != "LIVE" || ev.data["collection"] != "events" || ev.data["href"] != srv.URL+"/collections/events/items/LIVE" {
		t.Errorf("event %+v", ev)
	}
	if f, _ := ev.data["feature"].(map[string]any); f == nil || f["id"] != "LIVE" {
		t.Errorf("event feature %v", ev.data["feature"])
	}
	// The derived count change of KZ02 is a replace on regions.
	if rv := next(t, regions); rv.event != "replace" || rv.data["id"] != "KZ02" {
		t.Errorf("regions event %+v", rv)
	}
	firstID := ev.id

	req, _ := http.NewRequest("DELETE", srv.URL+"/collections/events/items/LIVE", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 204 {
		t.Fatalf("DELETE: %v %v", resp, err)
	}
	del := next(t, events)
	if del.event != "delete" || del.data["id"] != "LIVE" || del.data["feature"] != nil {
		t.Errorf("delete event %+v", del)
	}

	// Resume after the first event: the delete is replayed, nothing else.
	again, stop2 := follow(t, srv.URL+"/collections/events/changes", firstID)
	defer stop2()
	if ev := next(t, again); ev.event != "delete" || ev.id != del.id {
		t.Errorf("replay %+v, want the delete %s", ev, del.id)
	}
	// An id from another run: reset first.
	other, stop3 := follow(t, srv.URL+"/collections/events/changes", "zzz-5")
	defer stop3()
	if ev := next(t, other); ev.event != "reset" {
		t.Errorf("foreign id: %+v, want reset", ev)
	}
	// Closing the hub ends the streams.
	hub.Close()
	select {
	case _, ok := <-events:
		for ok {
			_, ok = <-events
		}
	case <-time.After(5 * time.Second):
		t.Error("stream did not end when the hub closed")
	}
}

// TestWriteInvalidatesTiles: a cached tile is not served stale after a
// write inside it.
func TestWriteInvalidatesTiles(t *testing.T) {
	e, _, _ := newWriteServer(t, testToken)
	const tile = "/tiles/events/4/10/5.mvt" // contains (65, 45)
	before := get(e, tile)
	if before.Code != 200 && before.Code != 204 {
		t.Fatalf("tile: %d %s", before.Code, before.Body)
	}
	again := get(e, tile)
	if !bytes.Equal(before.Body.Bytes(), again.Body.Bytes()) {
		t.Fatal("tile not stable between reads")
	}
	if rec := write(e, "POST", "/collections/events/items", point("T1", 65, 45, `{"title":"in the tile"}`)); rec.Code != 201 {
		t.Fatalf("POST: %d", rec.Code)
	}
	after := get(e, tile)
	if after.Code != 200 || bytes.Equal(before.Body.Bytes(), after.Body.Bytes()) || !bytes.Contains(after.Body.Bytes(), []byte("T1")) {
		t.Errorf("tile after write: %d, %d bytes (before %d): stale", after.Code, after.Body.Len(), before.Body.Len())
	}
	if rec := write(e, "DELETE", "/collections/events/items/T1", ""); rec.Code != 204 {
		t.Fatalf("DELETE: %d", rec.Code)
	}
	if gone := get(e, tile); bytes.Contains(gone.Body.Bytes(), []byte("T1")) {
		t.Error("tile still shows the deleted feature")
	}
}
