package handlers

import (
	"encoding/json"
	"io"
	"log/slog"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestHTMLPages checks what the HTML pages carry for people and for their
// page script: the features of the page in the JSON data block, one per
// table row; the filter form and pager; the collection's facts and the lines
// to paste into QGIS, GDAL and Python; the page bundle when it is configured.
func TestHTMLPages(t *testing.T) {
	e, _ := newTestServer(t)
	tests := []struct {
		name, target string
		want         []string // substrings of the page
		features     []string // ids in the data block, in order; nil: no block
	}{
		{"items", "/collections/districts/items?f=html&limit=3&offset=3&parity=odd", []string{
			`<form class="kz-filter" method="get" action="http://example.com/collections/districts/items"`,
			`<input id="kz-p-parity" name="parity" value="odd"`,
			`<details class="kz-props-filter" open>`,
			`<option selected>3</option>`,
			`rel="prev" href="http://example.com/collections/districts/items?f=html&amp;limit=3&amp;parity=odd&amp;offset=0"`,
			`4–6 of 12`,
			`<th scope="col">id</th><th scope="col">name_en</th><th scope="col">code</th>`, // the name next to the id
			`<tr data-fid="D07">`,
		}, []string{"D07", "D09", "D11"}},
		{"items of a collection with time", "/collections/events/items?f=html&datetime=2022-01-05", []string{
			`<input id="kz-datetime" name="datetime" value="2022-01-05"`,
		}, nil},
		{"item", "/collections/regions/items/KZ03?f=html", []string{
			`<h1>Gamma &lt;City&gt; &amp; Co</h1>`,
			`href="http://example.com/collections/regions/items/KZ03?f=json"`,
			`href="http://example.com/collections/regions?f=html">About the collection`,
		}, []string{"KZ03"}},
		{"collection", "/collections/regions?f=html", []string{
			`data-bbox="50.0000,40.0000,80.0000,50.0000" data-tiles="regions"`,
			`<code data-kind="qgis">http://example.com/</code>`,
			`<code data-kind="gdal">ogrinfo OAPIF:http://example.com/collections/regions</code>`,
			"<code data-kind=\"python\">from owslib.ogcapi.features import Features\nFeatures(&#39;http://example.com&#39;).collection_items(&#39;regions&#39;, limit=10)</code>",
			`<td><code>population</code></td><td>integer</td>`,
			`href="http://example.com/collections/regions/tiles/WebMercatorQuad"`,
			`<footer class="kz-foot"><p>hand-made test data</p>`,
		}, nil},
		{"search", "/search?q=Alpha&f=html", []string{
			`<input id="kz-q" name="q" value="Alpha"`,
			`<tr data-fid="regions/KZ01">`,
		}, []string{"regions/KZ01"}},
		{"collections", "/collections?f=html", []string{
			`<a href="http://example.com/collections/regions?f=html">Regions</a>`,
		}, nil},
	}
	dataBlock := regexp.MustCompile(`<script type="application/json" id="kz-features">([^<]*)</script>`)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := get(e, tt.target)
			if rec.Code != 200 {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			body := rec.Body.String()
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			if strings.Contains(body, "<script src=") {
				t.Error("a page script with no PageAssets configured")
			}
			if tt.features == nil {
				return
			}
			m := dataBlock.FindStringSubmatch(body)
			if m == nil {
				t.Fatal("no features data block")
			}
			var fc struct {
				Features []struct {
					ID         string            `json:"id"`
					Geometry   json.RawMessage   `json:"geometry"`
					Properties map[string]string `json:"properties"`
				} `json:"features"`
			}
			if err := json.Unmarshal([]byte(m[1]), &fc); err != nil {
				t.Fatalf("data block: %v", err)
			}
			var ids []string
			for _, f := range fc.Features {
				ids = append(ids, f.ID)
				if len(f.Geometry) == 0 || f.Properties["title"] == "" {
					t.Errorf("feature %s: no geometry or title", f.ID)
				}
			}
			if !slices.Equal(ids, tt.features) {
				t.Errorf("data block ids %v, want %v", ids, tt.features)
			}
		})
	}
}

// TestHTMLPageAssets checks the page bundle is named when configured, and
// that a title that would close the data block stays inside it.
func TestHTMLPageAssets(t *testing.T) {
	st := newTestStore(t)
	e := New(Config{Store: st, Names: fakeNames{st}, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Pages: PageAssets{Script: "/assets/page-AAAAAAAA.js", Style: "/assets/page-BBBBBBBB.css"}})
	body := get(e, "/collections/regions/items?f=html").Body.String()
	for _, w := range []string{`<script src="/assets/page-AAAAAAAA.js" defer></script>`, `<link rel="stylesheet" href="/assets/page-BBBBBBBB.css">`} {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
	if strings.Contains(body, "<style>") {
		t.Error("the inline fallback style with the page stylesheet configured")
	}
	block := body[strings.Index(body, `id="kz-features">`):]
	block = block[:strings.Index(block, "</script>")]
	if strings.Contains(block, "<") {
		t.Errorf("data block holds a raw <: %.200s", block)
	}
	if !strings.Contains(block, `Gamma \u003cCity\u003e \u0026 Co`) {
		t.Errorf("data block lacks the escaped title: %.300s", block)
	}
}

func TestNameFirst(t *testing.T) {
	tests := []struct {
		name     string
		in, want []string
	}{
		{"name_en moves", []string{"code", "name_en", "name_kk"}, []string{"name_en", "code", "name_kk"}},
		{"title moves", []string{"date", "kind", "title"}, []string{"title", "date", "kind"}},
		{"already first", []string{"name_en", "code"}, []string{"name_en", "code"}},
		{"no name", []string{"side"}, []string{"side"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := nameFirst(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("nameFirst(%v) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestCollectionPageTime(t *testing.T) {
	s := func(v string) *string { return &v }
	tests := []struct {
		name     string
		interval [2]*string
		want     string
	}{
		{"closed", [2]*string{s("2022-01-02T00:00:00Z"), s("2022-01-10T23:59:59Z")}, "2022-01-02 – 2022-01-10"},
		{"open end", [2]*string{s("2022-06-08T00:00:00Z"), nil}, "from 2022-06-08"},
		{"open start", [2]*string{nil, s("2022-06-07T12:00:00Z")}, "until 2022-06-07T12:00:00Z"},
		{"open both", [2]*string{nil, nil}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := CollectionDoc{ID: "x", Extent: Extent{Temporal: &TemporalExtent{Interval: [][2]*string{tt.interval}}}}
			if got := collectionPage("http://h", doc).TimeText; got != tt.want {
				t.Errorf("TimeText = %q, want %q", got, tt.want)
			}
		})
	}
}
