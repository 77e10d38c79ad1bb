package handlers

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"kzmap/geo/cql2"
)

func TestItemsFilter(t *testing.T) {
	e, _ := newTestServer(t)
	cases := []struct {
		name, coll, params string
		want               []string // feature ids, in order
		matched            int
	}{
		{"comparison", "regions", "filter=" + url.QueryEscape("population > 1500"), []string{"KZ02", "KZ03"}, 2},
		{"cql-text is cql2-text", "regions", "filter-lang=cql-text&filter=" + url.QueryEscape("population > 1500"), []string{"KZ02", "KZ03"}, 2},
		{"like and or", "regions", "filter=" + url.QueryEscape("name_en LIKE 'Al%' OR code = 'KZ03'"), []string{"KZ01", "KZ03"}, 2},
		{"json", "regions", "filter-lang=cql2-json&filter=" + url.QueryEscape(`{"op":"=","args":[{"property":"type"},"city"]}`), []string{"KZ03"}, 1},
		{"spatial uses the index", "districts", "filter=" + url.QueryEscape("S_INTERSECTS(geometry, POINT(51 41))"), []string{"D00"}, 1},
		{"spatial and bbox", "districts", "bbox=50,40,60,50&filter=" + url.QueryEscape("S_INTERSECTS(geometry, BBOX(51,41,53,41.5)) AND n > 0"), []string{"D01"}, 1},
		{"disjoint boxes match nothing", "districts", "filter=" + url.QueryEscape("S_INTERSECTS(geometry, BBOX(0,0,1,1)) AND S_INTERSECTS(geometry, BBOX(5,5,6,6))"), []string{}, 0},
		{"with equality", "districts", "parity=even&filter=" + url.QueryEscape("n < 5"), []string{"D00", "D02", "D04"}, 3},
		{"paging keeps count", "districts", "limit=2&offset=1&filter=" + url.QueryEscape("n >= 10"), []string{"D11", "D12"}, 15},
		{"filter-crs CRS84", "regions", "filter-crs=" + url.QueryEscape(CRS84) + "&filter=" + url.QueryEscape("population = 1000"), []string{"KZ01"}, 1},
		{"datetime queryable", "events", "limit=100&filter=" + url.QueryEscape("T_INTERSECTS(datetime, INTERVAL('1900-01-01','1900-12-31'))"), []string{}, 0},
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
			if strings.Join(ids, ",") != strings.Join(tc.want, ",") || got.NumberMatched == nil || *got.NumberMatched != tc.matched {
				t.Errorf("got %v (matched %v), want %v (matched %d)", ids, got.NumberMatched, tc.want, tc.matched)
			}
			for _, l := range got.Links {
				if l.Rel == "next" && !strings.Contains(l.Href, "filter=") {
					t.Errorf("next link %s lost the filter", l.Href)
				}
			}
		})
	}
}

func TestItemsFilterErrors(t *testing.T) {
	e, _ := newTestServer(t)
	cases := []struct {
		name, params, param, detail string
	}{
		{"unbalanced parentheses", "filter=" + url.QueryEscape("(population > 1"), "filter", "at "},
		{"unknown function", "filter=" + url.QueryEscape("foo(population)"), "filter", "at 0"},
		{"not queryable", "filter=" + url.QueryEscape("events > 0"), "filter", "events"},
		{"wrong type", "filter=" + url.QueryEscape("population = 'x'"), "filter", "at "},
		{"position", "filter=" + url.QueryEscape("population > 1 AND AND"), "filter", "at 19: unexpected keyword AND"},
		{"json pointer", "filter-lang=cql2-json&filter=" + url.QueryEscape(`{"op":"=","args":[{"property":"nope"},1]}`), "filter", "/args/0"},
		{"empty", "filter=", "filter", "at 0"},
		{"deep nesting", "filter=" + url.QueryEscape(strings.Repeat("(", 10000)+"population > 1"+strings.Repeat(")", 10000)), "filter", "at "},
		{"bad lang", "filter-lang=sql&filter=a", "filter-lang", "sql"},
		{"bad crs", "filter-crs=EPSG:4326&filter=" + url.QueryEscape("population > 1"), "filter-crs", "EPSG:4326"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := get(e, "/collections/regions/items?"+tc.params)
			if rec.Code != http.StatusBadRequest {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			var p struct {
				Parameter string `json:"parameter"`
				Detail    string `json:"detail"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
				t.Fatal(err)
			}
			if p.Parameter != tc.param || !strings.Contains(p.Detail, tc.detail) {
				t.Errorf("got parameter %q detail %q; want %q containing %q", p.Parameter, p.Detail, tc.param, tc.detail)
			}
		})
	}
}

func TestItemsFilterTooLong(t *testing.T) {
	_, _, err := compileFilter("", strings.Repeat("a", cql2.MaxInputBytes+1), fixture()["regions"].col)
	var pe *ParamError
	if !errors.As(err, &pe) || pe.Param != "filter" || !strings.Contains(pe.Reason, "longer than") {
		t.Fatalf("got %v", err)
	}
}

func TestItemsFilterHTML(t *testing.T) {
	e, _ := newTestServer(t)
	rec := get(e, "/collections/regions/items?f=html&sortby=-population&filter="+url.QueryEscape("population > 1500"))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	body := rec.Body.String()
	if strings.Contains(body, "Alpha") || !strings.Contains(body, "Beta") {
		t.Errorf("the HTML page does not show the filtered features")
	}
	rec = get(e, "/collections/regions/items?f=html&filter="+url.QueryEscape("population >"))
	if rec.Code != http.StatusBadRequest {
		t.Errorf("bad filter in HTML: status %d", rec.Code)
	}
}
