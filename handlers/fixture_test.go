package handlers

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"

	"kzmap/geo"
	"kzmap/geo/store"
)

// The fixture is hand-made: three regions (two squares sharing the border
// lon=60 and a triangle whose envelope is larger than itself), a 5×5 grid of
// districts for paging, dated events, and points on both sides of the
// antimeridian.

func square(x0, y0, x1, y1 float64) orb.Polygon {
	return orb.Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}
}

var eventDates = []string{
	"2022-01-02", "2022-01-03", "2022-01-04", "2022-01-04", "2022-01-05", "2022-01-05",
	"2022-01-05", "2022-01-06", "2022-01-07", "2022-01-08", "2022-01-09", "2022-01-10",
}

func fixture() map[string]struct {
	col   geo.Collection
	feats []*geo.Feature
} {
	out := map[string]struct {
		col   geo.Collection
		feats []*geo.Feature
	}{}
	names := func(code, en, kk, ru, typ string, pop int) map[string]any {
		return map[string]any{"code": code, "name_en": en, "name_kk": kk, "name_ru": ru, "type": typ, "population": float64(pop)}
	}
	regionFields := []geo.Field{{Name: "code", Type: "string"}, {Name: "name_en", Type: "string"}, {Name: "name_kk", Type: "string"},
		{Name: "name_ru", Type: "string"}, {Name: "type", Type: "string"}, {Name: "population", Type: "integer"}}
	out["regions"] = struct {
		col   geo.Collection
		feats []*geo.Feature
	}{
		geo.Collection{ID: "regions", Title: "Regions", Description: "Test regions", Attribution: "hand-made test data",
			GeometryType: "Polygon", Fields: regionFields, SearchFields: []string{"name_en", "name_kk", "name_ru"}, Rank: 1},
		[]*geo.Feature{
			geo.NewFeature("KZ01", square(50, 40, 60, 50), names("KZ01", "Alpha", "Альфа", "Альфа", "oblast", 1000)),
			geo.NewFeature("KZ02", square(60, 40, 70, 50), names("KZ02", "Beta", "Бета", "Бета", "oblast", 2000)),
			geo.NewFeature("KZ03", orb.Polygon{{{70, 40}, {80, 40}, {70, 50}, {70, 40}}}, names("KZ03", "Gamma <City> & Co", "Гамма", "Гамма", "city", 3000)),
		},
	}

	var districts []*geo.Feature
	for i := 0; i < 25; i++ {
		x, y := 50+float64(i%5)*2, 40+float64(i/5)*2
		id := fmt.Sprintf("D%02d", i)
		districts = append(districts, geo.NewFeature(id, square(x, y, x+2, y+2), map[string]any{
			"code": id, "name_en": fmt.Sprintf("District %d", i), "name_kk": "", "name_ru": "",
			"region": "KZ01", "n": float64(i), "parity": []string{"even", "odd"}[i%2],
		}))
	}
	out["districts"] = struct {
		col   geo.Collection
		feats []*geo.Feature
	}{
		geo.Collection{ID: "districts", Title: "Districts", GeometryType: "Polygon", Rank: 2,
			Fields: []geo.Field{{Name: "code", Type: "string"}, {Name: "name_en", Type: "string"}, {Name: "name_kk", Type: "string"},
				{Name: "name_ru", Type: "string"}, {Name: "region", Type: "string"}, {Name: "n", Type: "integer"}, {Name: "parity", Type: "string"}}},
		districts,
	}

	var events []*geo.Feature
	for i, d := range eventDates {
		id := fmt.Sprintf("E%02d", i+1)
		events = append(events, geo.NewFeature(id, orb.Point{51 + float64(i)*0.5, 45}, map[string]any{
			"date": d, "kind": []string{"protest", "arrest", "shooting"}[i%3], "title": "Event " + id,
		}))
	}
	out["events"] = struct {
		col   geo.Collection
		feats []*geo.Feature
	}{
		geo.Collection{ID: "events", Title: "Events", GeometryType: "Point", TimeStart: "date", TimeEnd: "date_end", Rank: 3, // as the real dataset: no event has date_end
			Fields: []geo.Field{{Name: "date", Type: "string"}, {Name: "kind", Type: "string"}, {Name: "title", Type: "string"}}},
		events,
	}

	out["edge"] = struct {
		col   geo.Collection
		feats []*geo.Feature
	}{
		geo.Collection{ID: "edge", Title: "Antimeridian points", GeometryType: "Point",
			Fields: []geo.Field{{Name: "side", Type: "string"}}},
		[]*geo.Feature{
			geo.NewFeature("east", orb.Point{179.5, 0}, map[string]any{"side": "east"}),
			geo.NewFeature("west", orb.Point{-179.5, 0}, map[string]any{"side": "west"}),
			geo.NewFeature("zero", orb.Point{0, 0}, map[string]any{"side": "zero"}),
		},
	}
	return out
}

// fakeNames is a stand-in for the name index (package names): it matches
// case-insensitive substrings of name_en, collections in rank order.
type fakeNames struct{ st geo.Store }

func (n fakeNames) Search(q string, limit int) []SearchHit {
	var hits []SearchHit
	cols := n.st.Collections()
	sort.Slice(cols, func(i, j int) bool { return cols[i].Rank < cols[j].Rank })
	for _, c := range cols {
		page, _ := n.st.Items(c.ID, geo.Query{})
		for _, f := range page.Features {
			name := f.String("name_en")
			if name != "" && strings.Contains(strings.ToLower(name), strings.ToLower(q)) {
				hits = append(hits, SearchHit{Collection: c.ID, ID: f.ID, Name: name, Score: 1 / float64(len(hits)+1)})
			}
		}
	}
	if len(hits) > limit {
		hits = hits[:limit]
	}
	return hits
}

// newTestStore opens an in-memory BuntDB store holding the fixture.
func newTestStore(t testing.TB) geo.Store {
	t.Helper()
	st, err := store.Open(":memory:", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	fx := fixture()
	ids := make([]string, 0, len(fx))
	for id := range fx {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if err := st.Import(fx[id].col, fx[id].feats, true); err != nil {
			t.Fatalf("import %s: %v", id, err)
		}
	}
	return st
}

func newTestServer(t testing.TB) (*echo.Echo, geo.Store) {
	st := newTestStore(t)
	e := New(Config{Store: st, Names: fakeNames{st}, Version: "test",
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	return e, st
}

// do sends one request through the Echo instance.
func do(e *echo.Echo, method, target string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, req)
	return rec
}

func get(e *echo.Echo, target string, header ...string) *httptest.ResponseRecorder {
	return do(e, http.MethodGet, target, header...)
}

// fc is a decoded FeatureCollection.
type fc struct {
	Type           string `json:"type"`
	NumberMatched  *int   `json:"numberMatched"`
	NumberReturned int    `json:"numberReturned"`
	TimeStamp      string `json:"timeStamp"`
	Links          []Link `json:"links"`
	Features       []struct {
		Type       string          `json:"type"`
		ID         string          `json:"id"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties map[string]any  `json:"properties"`
	} `json:"features"`
}

func (f fc) ids() []string {
	var ids []string
	for _, ft := range f.Features {
		ids = append(ids, ft.ID)
	}
	return ids
}

func linkRel(links []Link, rel string) (Link, bool) {
	for _, l := range links {
		if l.Rel == rel {
			return l, true
		}
	}
	return Link{}, false
}

func decode[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("decoding %q: %v", clip(rec.Body.String()), err)
	}
	return v
}
