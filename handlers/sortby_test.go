package handlers

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestItemsSortBy(t *testing.T) {
	e, _ := newTestServer(t)
	cases := []struct {
		name, coll, params string
		want               []string
	}{
		{"descending", "regions", "sortby=-population", []string{"KZ03", "KZ02", "KZ01"}},
		{"plus is ascending", "regions", "sortby=" + url.QueryEscape("+name_en"), []string{"KZ01", "KZ02", "KZ03"}},
		{"ties keep id order", "districts", "limit=4&sortby=parity", []string{"D00", "D02", "D04", "D06"}},
		{"two keys", "districts", "limit=3&sortby=-parity,-n", []string{"D23", "D21", "D19"}},
		{"paging", "districts", "limit=2&offset=2&sortby=-n", []string{"D22", "D21"}},
		{"with filter", "regions", "sortby=-code&filter=" + url.QueryEscape("population < 2500"), []string{"KZ02", "KZ01"}},
		{"offset past the end", "regions", "offset=5&sortby=code", []string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := get(e, "/collections/"+tc.coll+"/items?"+tc.params)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			var got fc
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			ids := []string{}
			for _, f := range got.Features {
				ids = append(ids, f.ID)
			}
			if strings.Join(ids, ",") != strings.Join(tc.want, ",") {
				t.Errorf("got %v, want %v", ids, tc.want)
			}
			for _, l := range got.Links {
				if (l.Rel == "next" || l.Rel == "prev") && !strings.Contains(l.Href, "sortby=") {
					t.Errorf("%s link %s lost sortby", l.Rel, l.Href)
				}
			}
		})
	}
}

func TestItemsSortByErrors(t *testing.T) {
	e, _ := newTestServer(t)
	for _, tc := range []struct{ name, value, detail string }{
		{"unknown property", "-nope", `"nope"`},
		{"geometry", "geometry", `"geometry"`},
		{"empty key", "code,", "key 2 is empty"},
		{"twice", "code,-code", "more than once"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := get(e, "/collections/regions/items?sortby="+url.QueryEscape(tc.value))
			var p struct{ Parameter, Detail string }
			_ = json.Unmarshal(rec.Body.Bytes(), &p)
			if rec.Code != http.StatusBadRequest || p.Parameter != "sortby" || !strings.Contains(p.Detail, tc.detail) {
				t.Errorf("status %d %s; want 400 on sortby containing %q", rec.Code, rec.Body, tc.detail)
			}
		})
	}
}

func TestSortables(t *testing.T) {
	e, _ := newTestServer(t)
	rec := get(e, "/collections/events/sortables")
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != ContentTypeSchema {
		t.Fatalf("status %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	var doc struct {
		Props map[string]map[string]any `json:"properties"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if _, ok := doc.Props["geometry"]; ok {
		t.Error("geometry is not sortable")
	}
	if _, ok := doc.Props["datetime"]; ok {
		t.Error("datetime (an extent) is not sortable")
	}
	if doc.Props["date"]["format"] != "date-time" || doc.Props["kind"]["type"] != "string" {
		t.Errorf("properties: %v", doc.Props)
	}
}
