package handlers

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"kzmap/geo"
)

func TestRoutes(t *testing.T) {
	e, _ := newTestServer(t)
	jsonish := func(ct string) bool {
		mt, _, _ := strings.Cut(ct, ";")
		return mt == "application/json" || mt == "application/geo+json"
	}
	tests := []struct {
		name   string
		target string
		header []string
		status int
		ctype  string // media type, parameters ignored
		check  func(t *testing.T, body []byte)
	}{
		{"landing json", "/?f=json", nil, 200, "application/json", func(t *testing.T, b []byte) {
			var lp LandingPage
			mustJSON(t, b, &lp)
			for _, rel := range []string{"self", "alternate", "service-desc", "service-doc", "conformance", "data"} {
				if _, ok := linkRel(lp.Links, rel); !ok {
					t.Errorf("no %s link", rel)
				}
			}
			sd, _ := linkRel(lp.Links, "service-desc")
			if sd.Type != "application/vnd.oai.openapi+json;version=3.0" || sd.Href != "http://example.com/api" {
				t.Errorf("service-desc = %+v", sd)
			}
			data, _ := linkRel(lp.Links, "data")
			if data.Href != "http://example.com/collections" {
				t.Errorf("data link %q must be a plain path", data.Href)
			}
		}},
		{"landing by accept", "/", []string{"Accept", "application/json"}, 200, "application/json", nil},
		{"landing default json", "/", nil, 200, "application/json", nil},
		{"landing html browser", "/", []string{"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}, 200, "text/html", func(t *testing.T, b []byte) {
			if !strings.Contains(string(b), "/collections?f=html") {
				t.Error("landing HTML lacks a link to the collections")
			}
		}},
		{"conformance", "/conformance", nil, 200, "application/json", func(t *testing.T, b []byte) {
			var c Conformance
			mustJSON(t, b, &c)
			want := []string{
				"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
				"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
				"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
				"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
			}
			// Other route groups (tiles, writes) add their classes after these.
			if len(c.ConformsTo) < len(want) || !reflect.DeepEqual(c.ConformsTo[:len(want)], want) {
				t.Errorf("conformsTo = %v", c.ConformsTo)
			}
		}},
		{"conformance html", "/conformance?f=html", nil, 200, "text/html", nil},
		{"api qgis accept", "/api", []string{"Accept", "application/vnd.oai.openapi+json;version=3.0, application/openapi+json;version=3.0, application/json"},
			200, "application/vnd.oai.openapi+json", nil},
		{"api html", "/api?f=html", nil, 200, "text/html", nil},
		{"collections", "/collections", nil, 200, "application/json", func(t *testing.T, b []byte) {
			var cs Collections
			mustJSON(t, b, &cs)
			var ids []string
			for _, c := range cs.Collections {
				ids = append(ids, c.ID)
			}
			if !reflect.DeepEqual(ids, []string{"districts", "edge", "events", "regions"}) {
				t.Errorf("collections %v", ids)
			}
		}},
		{"collections html", "/collections?f=html", nil, 200, "text/html", nil},
		{"collection", "/collections/regions", nil, 200, "application/json", func(t *testing.T, b []byte) {
			var raw map[string]any
			mustJSON(t, b, &raw)
			bbox := raw["extent"].(map[string]any)["spatial"].(map[string]any)["bbox"].([]any)
			first := bbox[0].([]any)
			if len(bbox) != 1 || len(first) != 4 || first[0] != 50.0 || first[1] != 40.0 || first[2] != 80.0 || first[3] != 50.0 {
				t.Errorf("bbox = %v", bbox)
			}
			for _, k := range []string{"id", "title", "itemType", "attribution", "crs", "links"} {
				if _, ok := raw[k]; !ok {
					t.Errorf("no %q", k)
				}
			}
			if raw["itemType"] != "feature" {
				t.Errorf("itemType = %v", raw["itemType"])
			}
		}},
		{"collection events temporal", "/collections/events", nil, 200, "application/json", func(t *testing.T, b []byte) {
			var cd CollectionDoc
			mustJSON(t, b, &cd)
			te := cd.Extent.Temporal
			if te == nil || *te.Interval[0][0] != "2022-01-02T00:00:00Z" || *te.Interval[0][1] != "2022-01-10T23:59:59Z" {
				t.Errorf("temporal = %+v", te)
			}
		}},
		{"collection html escapes", "/collections/regions?f=html", nil, 200, "text/html", nil},
		{"items", "/collections/regions/items", nil, 200, "application/geo+json", func(t *testing.T, b []byte) {
			var f fc
			mustJSON(t, b, &f)
			if f.Type != "FeatureCollection" || *f.NumberMatched != 3 || f.NumberReturned != 3 || f.TimeStamp == "" {
				t.Errorf("got %+v", f)
			}
			if !reflect.DeepEqual(f.ids(), []string{"KZ01", "KZ02", "KZ03"}) {
				t.Errorf("ids %v", f.ids())
			}
		}},
		{"items html", "/collections/regions/items?f=html", nil, 200, "text/html", func(t *testing.T, b []byte) {
			s := string(b)
			if strings.Contains(s, "Gamma <City>") || !strings.Contains(s, "Gamma &lt;City&gt; &amp; Co") {
				t.Error("HTML is not escaped")
			}
		}},
		{"item", "/collections/regions/items/KZ02", nil, 200, "application/geo+json", func(t *testing.T, b []byte) {
			var f struct {
				Type, ID   string
				Properties map[string]any
				Links      []Link
			}
			mustJSON(t, b, &f)
			if f.Type != "Feature" || f.ID != "KZ02" || f.Properties["name_en"] != "Beta" {
				t.Errorf("got %+v", f)
			}
			if l, ok := linkRel(f.Links, "collection"); !ok || l.Href != "http://example.com/collections/regions" {
				t.Errorf("collection link %+v", l)
			}
			if l, ok := linkRel(f.Links, "self"); !ok || l.Href != "http://example.com/collections/regions/items/KZ02" {
				t.Errorf("self link %+v", l)
			}
		}},
		{"item html", "/collections/regions/items/KZ02?f=html", nil, 200, "text/html", nil},
		{"trailing slash", "/collections/regions/items/", nil, 200, "application/geo+json", nil},
		{"trailing slash collections", "/collections/", nil, 200, "application/json", nil},
		{"collection lookup", "/collections/regions/lookup?lon=55&lat=45", nil, 200, "application/geo+json", func(t *testing.T, b []byte) {
			var f fc
			mustJSON(t, b, &f)
			if !reflect.DeepEqual(f.ids(), []string{"KZ01"}) || *f.NumberMatched != 1 || f.NumberReturned != 1 {
				t.Errorf("got %v", f.ids())
			}
		}},
		{"collection lookup outside", "/collections/regions/lookup?lon=0&lat=0", nil, 200, "application/geo+json", func(t *testing.T, b []byte) {
			var f fc
			mustJSON(t, b, &f)
			if len(f.Features) != 0 || *f.NumberMatched != 0 {
				t.Errorf("got %v", f.ids())
			}
		}},
		{"collection lookup html", "/collections/regions/lookup?lon=55&lat=45&f=html", nil, 200, "text/html", nil},
		{"search", "/search?q=beta", nil, 200, "application/geo+json", func(t *testing.T, b []byte) {
			var f fc
			mustJSON(t, b, &f)
			if !reflect.DeepEqual(f.ids(), []string{"KZ02"}) || f.Features[0].Properties["collection"] != "regions" {
				t.Errorf("got %+v", f)
			}
			if _, ok := f.Features[0].Properties["score"].(float64); !ok {
				t.Error("no score")
			}
		}},
		{"search geometry bbox", "/search?q=beta&geometry=bbox", nil, 200, "application/geo+json", func(t *testing.T, b []byte) {
			var f struct {
				Features []struct {
					ID       string          `json:"id"`
					BBox     []float64       `json:"bbox"`
					Geometry json.RawMessage `json:"geometry"`
				} `json:"features"`
			}
			mustJSON(t, b, &f)
			if len(f.Features) != 1 || f.Features[0].ID != "KZ02" || string(f.Features[0].Geometry) != "null" || len(f.Features[0].BBox) != 4 {
				t.Fatalf("got %s", clip(string(b)))
			}
			full, err := geojson.UnmarshalFeatureCollection(get(e, "/search?q=beta").Body.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			bb := full.Features[0].Geometry.Bound()
			if want := []float64{bb.Min[0], bb.Min[1], bb.Max[0], bb.Max[1]}; !reflect.DeepEqual(f.Features[0].BBox, want) {
				t.Errorf("bbox %v, want %v", f.Features[0].BBox, want)
			}
		}},
		{"search geometry none", "/search?q=beta&geometry=none", nil, 200, "application/geo+json", func(t *testing.T, b []byte) {
			if !strings.Contains(string(b), `"geometry":null`) || strings.Contains(string(b), `"bbox"`) || !strings.Contains(string(b), `"score"`) {
				t.Errorf("got %s", clip(string(b)))
			}
		}},
		{"search geometry full", "/search?q=beta&geometry=full", nil, 200, "application/geo+json", func(t *testing.T, b []byte) {
			if !bytes.Equal(b[bytes.Index(b, []byte(`"features"`)):], func() []byte {
				r := get(e, "/search?q=beta").Body.Bytes()
				return r[bytes.Index(r, []byte(`"features"`)):]
			}()) {
				t.Error("geometry=full differs from the default")
			}
		}},
		{"search html", "/search?q=District&f=html", nil, 200, "text/html", nil},
		{"search limit clamped", "/search?q=District&limit=1000", nil, 200, "application/geo+json", func(t *testing.T, b []byte) {
			var f fc
			mustJSON(t, b, &f)
			if len(f.Features) != 25 {
				t.Errorf("got %d features", len(f.Features))
			}
		}},
		{"search limit", "/search?q=District&limit=3", nil, 200, "application/geo+json", func(t *testing.T, b []byte) {
			var f fc
			mustJSON(t, b, &f)
			if len(f.Features) != 3 {
				t.Errorf("got %d features", len(f.Features))
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := checked(t, e, http.MethodGet, tt.target, "", tt.header...)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, clip(rec.Body.String()))
			}
			ct := rec.Header().Get("Content-Type")
			if !strings.HasPrefix(ct, tt.ctype) {
				t.Errorf("Content-Type %q, want %q", ct, tt.ctype)
			}
			if strings.HasPrefix(tt.ctype, "application/") && tt.ctype != "application/vnd.oai.openapi+json" && !jsonish(ct) {
				t.Errorf("Content-Type %q is not one GDAL accepts", ct)
			}
			if tt.check != nil {
				tt.check(t, rec.Body.Bytes())
			}
		})
	}
}

func mustJSON(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decoding %q: %v", clip(string(b)), err)
	}
}

// TestBadInputs checks every client error is problem+json with the right
// status, naming the parameter at fault.
func TestBadInputs(t *testing.T) {
	e, _ := newTestServer(t)
	long := strings.Repeat("а", MaxQueryLen+1)
	tests := []struct {
		name   string
		method string
		target string
		status int
		param  string // must appear in detail (and in "parameter" for 400)
	}{
		{"bbox letters", "", "/collections/regions/items?bbox=a,b,c,d", 400, "bbox"},
		{"bbox empty", "", "/collections/regions/items?bbox=", 400, "bbox"},
		{"bbox NaN", "", "/collections/regions/items?bbox=NaN,40,60,50", 400, "bbox"},
		{"bbox Inf", "", "/collections/regions/items?bbox=-Inf,40,60,50", 400, "bbox"},
		{"bbox +Inf", "", "/collections/regions/items?bbox=50,40,%2BInf,50", 400, "bbox"},
		{"bbox 1e400", "", "/collections/regions/items?bbox=1e400,40,60,50", 400, "bbox"},
		{"bbox lat 91", "", "/collections/regions/items?bbox=50,40,60,91", 400, "bbox"},
		{"bbox lat -90.5", "", "/collections/regions/items?bbox=50,-90.5,60,50", 400, "bbox"},
		{"bbox lon 181", "", "/collections/regions/items?bbox=50,40,181,50", 400, "bbox"},
		{"bbox south>north", "", "/collections/regions/items?bbox=50,50,60,40", 400, "bbox"},
		{"bbox 3 numbers", "", "/collections/regions/items?bbox=50,40,60", 400, "bbox"},
		{"bbox 5 numbers", "", "/collections/regions/items?bbox=50,40,60,50,1", 400, "bbox"},
		{"bbox 7 numbers", "", "/collections/regions/items?bbox=1,2,3,4,5,6,7", 400, "bbox"},
		{"bbox empty number", "", "/collections/regions/items?bbox=50,,60,50", 400, "bbox"},
		{"bbox hex", "", "/collections/regions/items?bbox=0x10,40,60,50", 400, "bbox"},
		{"bbox 6 bad z", "", "/collections/regions/items?bbox=50,40,10,60,50,0", 400, "bbox"},
		{"bbox 6 z NaN", "", "/collections/regions/items?bbox=50,40,nan,60,50,0", 400, "bbox"},
		{"bbox-crs other", "", "/collections/regions/items?bbox=50,40,60,50&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/3857", 400, "bbox-crs"},
		{"crs other", "", "/collections/regions/items?crs=EPSG:4326", 400, "crs"},
		{"limit 0", "", "/collections/regions/items?limit=0", 400, "limit"},
		{"limit -1", "", "/collections/regions/items?limit=-1", 400, "limit"},
		{"limit abc", "", "/collections/regions/items?limit=abc", 400, "limit"},
		{"limit 1.5", "", "/collections/regions/items?limit=1.5", 400, "limit"},
		{"limit space", "", "/collections/regions/items?limit=%205", 400, "limit"},
		{"limit twice", "", "/collections/regions/items?limit=5&limit=6", 400, "limit"},
		{"offset -1", "", "/collections/regions/items?offset=-1", 400, "offset"},
		{"offset x", "", "/collections/regions/items?offset=x", 400, "offset"},
		{"offset huge", "", "/collections/regions/items?offset=99999999999999999999999", 400, "offset"},
		{"datetime garbage", "", "/collections/events/items?datetime=yesterday", 400, "datetime"},
		{"datetime no zone", "", "/collections/events/items?datetime=2022-01-05T10:00:00", 400, "datetime"},
		{"datetime bad month", "", "/collections/events/items?datetime=2022-13-01", 400, "datetime"},
		{"datetime bad day", "", "/collections/events/items?datetime=2022-02-30", 400, "datetime"},
		{"datetime start>end", "", "/collections/events/items?datetime=2022-01-07/2022-01-04", 400, "datetime"},
		{"datetime two slashes", "", "/collections/events/items?datetime=2022-01-01/2022-01-02/2022-01-03", 400, "datetime"},
		{"datetime only dots", "", "/collections/events/items?datetime=..", 400, "datetime"},
		{"datetime on timeless collection", "", "/collections/regions/items?datetime=nonsense", 400, "datetime"},
		{"f xml", "", "/collections/regions/items?f=xml", 400, "f"},
		{"f xml landing", "", "/?f=xml", 400, "f"},
		{"f xml collections", "", "/collections?f=xml", 400, "f"},
		{"unknown param", "", "/collections/regions/items?foo=bar", 400, "foo"},
		{"unknown param typo", "", "/collections/regions/items?limt=5", 400, "limt"},
		{"unknown param landing", "", "/?x=1", 400, "x"},
		{"unknown param collection", "", "/collections/regions?limit=5", 400, "limit"},
		{"unknown param item", "", "/collections/regions/items/KZ01?bbox=1,2,3,4", 400, "bbox"},
		{"filter of other collection", "", "/collections/events/items?type=city", 400, "type"},
		{"bad escape", "", "/collections/regions/items?limit=%zz", 400, "limit"},
		{"invalid utf8 value", "", "/collections/regions/items?name_en=%ff", 400, "name_en"},
		{"unknown collection", "", "/collections/nope", 404, "nope"},
		{"unknown collection items", "", "/collections/nope/items", 404, "nope"},
		{"unknown collection lookup", "", "/collections/nope/lookup?lon=1&lat=1", 404, "nope"},
		{"unknown feature", "", "/collections/regions/items/KZ99", 404, "KZ99"},
		{"unknown feature other collection", "", "/collections/events/items/KZ01", 404, "KZ01"},
		{"unknown path", "", "/nowhere", 404, "/nowhere"},
		{"unknown deep path", "", "/collections/regions/items/KZ01/more", 404, "KZ01/more"},
		{"unknown deep collection path", "", "/collections/regions/more/stuff", 404, "/collections/regions/more/stuff"},
		{"method not allowed", http.MethodPost, "/collections", 405, "POST"},
		{"delete not allowed", http.MethodDelete, "/collections/regions/items/KZ01", 405, "DELETE"},
		{"lookup lon missing", "", "/lookup?lat=45", 400, "lon"},
		{"lookup lat missing", "", "/lookup?lon=45", 400, "lat"},
		{"lookup lat 91", "", "/lookup?lon=45&lat=91", 400, "lat"},
		{"lookup lon -181", "", "/lookup?lon=-181&lat=45", 400, "lon"},
		{"lookup lon NaN", "", "/lookup?lon=NaN&lat=45", 400, "lon"},
		{"lookup lat Inf", "", "/lookup?lon=45&lat=Inf", 400, "lat"},
		{"lookup lat 1e400", "", "/lookup?lon=45&lat=1e400", 400, "lat"},
		{"lookup f html", "", "/lookup?lon=45&lat=45&f=html", 400, "f"},
		{"collection lookup lat text", "", "/collections/regions/lookup?lon=45&lat=north", 400, "lat"},
		{"collection lookup extra", "", "/collections/regions/lookup?lon=45&lat=45&bbox=1,2,3,4", 400, "bbox"},
		{"q missing", "", "/search", 400, "q"},
		{"q empty", "", "/search?q=", 400, "q"},
		{"q blank", "", "/search?q=%20%20", 400, "q"},
		{"q too long", "", "/search?q=" + url.QueryEscape(long), 400, "q"},
		{"q invalid utf8", "", "/search?q=%ff%fe", 400, "q"},
		{"q control char", "", "/search?q=a%00b", 400, "q"},
		{"search limit 0", "", "/search?q=a&limit=0", 400, "limit"},
		{"search limit abc", "", "/search?q=a&limit=abc", 400, "limit"},
		{"search unknown param", "", "/search?q=a&bbox=1,2,3,4", 400, "bbox"},
		{"search geometry unknown", "", "/search?q=a&geometry=outline", 400, "geometry"},
		{"search geometry empty form", "", "/search?q=a&geometry=BBOX", 400, "geometry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if method == "" {
				method = http.MethodGet
			}
			rec := checked(t, e, method, tt.target, "")
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body.String())
			}
			if tt.status < 400 {
				return
			}
			if ct := rec.Header().Get("Content-Type"); ct != ContentTypeProblem {
				t.Errorf("Content-Type %q", ct)
			}
			var p Problem
			mustJSON(t, rec.Body.Bytes(), &p)
			if p.Status != tt.status || p.Title == "" || p.Type == "" || p.Detail == "" {
				t.Errorf("problem %+v", p)
			}
			if !strings.Contains(p.Detail, tt.param) {
				t.Errorf("detail %q does not name %q", p.Detail, tt.param)
			}
			if tt.status == 400 && p.Parameter != tt.param {
				t.Errorf("parameter %q, want %q", p.Parameter, tt.param)
			}
			if tt.status == 405 && rec.Header().Get("Allow") == "" {
				t.Error("405 without Allow")
			}
		})
	}
}

func TestItemsFilters(t *testing.T) {
	e, _ := newTestServer(t)
	tests := []struct {
		name   string
		target string
		want   []string
	}{
		{"bbox one region", "/collections/regions/items?bbox=51,41,52,42", []string{"KZ01"}},
		{"bbox shared border", "/collections/regions/items?bbox=59,41,61,42", []string{"KZ01", "KZ02"}},
		{"bbox exact geometry not envelope", "/collections/regions/items?bbox=78,48,79,49", nil},
		{"bbox triangle", "/collections/regions/items?bbox=71,41,72,42", []string{"KZ03"}},
		{"bbox 6 numbers", "/collections/regions/items?bbox=51,41,-100,52,42,100", []string{"KZ01"}},
		{"bbox with spaces", "/collections/regions/items?bbox=51,%2041,52,42", []string{"KZ01"}},
		{"bbox antimeridian", "/collections/edge/items?bbox=179,-1,-179,1", []string{"east", "west"}},
		{"bbox not crossing", "/collections/edge/items?bbox=-179,-1,179,1", []string{"zero"}},
		{"bbox-crs CRS84", "/collections/edge/items?bbox=-1,-1,1,1&bbox-crs=" + url.QueryEscape(CRS84), []string{"zero"}},
		{"equality", "/collections/regions/items?type=city", []string{"KZ03"}},
		{"equality number", "/collections/regions/items?population=2000", []string{"KZ02"}},
		{"equality no match", "/collections/regions/items?type=village", nil},
		{"equality and bbox", "/collections/regions/items?type=oblast&bbox=65,41,66,42", []string{"KZ02"}},
		{"datetime instant date", "/collections/events/items?datetime=2022-01-05", []string{"E05", "E06", "E07"}},
		{"datetime instant datetime", "/collections/events/items?datetime=2022-01-04T00:00:00Z", []string{"E03", "E04"}},
		{"datetime interval dates", "/collections/events/items?datetime=2022-01-04/2022-01-05", []string{"E03", "E04", "E05", "E06", "E07"}},
		{"datetime open start", "/collections/events/items?datetime=../2022-01-03", []string{"E01", "E02"}},
		{"datetime empty start", "/collections/events/items?datetime=/2022-01-03", []string{"E01", "E02"}},
		{"datetime open end", "/collections/events/items?datetime=2022-01-09/..", []string{"E11", "E12"}},
		{"datetime qgis far end", "/collections/events/items?datetime=2022-01-09/9999-12-31T00:00:00Z", []string{"E11", "E12"}},
		{"datetime qgis far start", "/collections/events/items?datetime=0000-01-01T00:00:00Z/2022-01-03", []string{"E01", "E02"}},
		{"datetime lower case", "/collections/events/items?datetime=2022-01-10t00:00:00z/..", []string{"E12"}},
		{"datetime offset zone", "/collections/events/items?datetime=2022-01-10T06:00:00%2B06:00", []string{"E12"}},
		{"datetime none match", "/collections/events/items?datetime=2021-12-31", nil},
		{"datetime ignored on timeless", "/collections/regions/items?datetime=2022-01-05", []string{"KZ01", "KZ02", "KZ03"}},
		{"limit clamp", "/collections/districts/items?limit=100000", nil}, // checked below: 25
		{"offset past end", "/collections/regions/items?offset=10", nil},
		{"kind filter and datetime", "/collections/events/items?kind=protest&datetime=2022-01-02/2022-01-06", []string{"E01", "E04", "E07"}},
	}
	// Requests the server accepts though the OpenAPI document does not
	// promise it (bbox numbers are numbers there, without spaces).
	lenient := map[string]bool{"bbox with spaces": true}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rec *httptest.ResponseRecorder
			if lenient[tt.name] {
				rec = get(e, tt.target)
			} else {
				rec = checked(t, e, http.MethodGet, tt.target, "")
			}
			if rec.Code != 200 {
				t.Fatalf("status %d: %s", rec.Code, rec.Body.String())
			}
			f := decode[fc](t, rec)
			if tt.name == "limit clamp" {
				if len(f.Features) != 25 {
					t.Errorf("got %d features", len(f.Features))
				}
				return
			}
			if !slices.Equal(f.ids(), tt.want) {
				t.Errorf("ids %v, want %v", f.ids(), tt.want)
			}
			if tt.name != "offset past end" && *f.NumberMatched != len(tt.want) {
				t.Errorf("numberMatched %d, want %d", *f.NumberMatched, len(tt.want))
			}
		})
	}
}

func TestItemsProperties(t *testing.T) {
	e, st := newTestServer(t)
	rec := get(e, "/collections/regions/items?properties=name_en,%20code,nosuch")
	f := decode[fc](t, rec)
	for _, ft := range f.Features {
		if len(ft.Properties) != 2 || ft.Properties["name_en"] == nil || ft.Properties["code"] == nil {
			t.Errorf("%s: properties %v", ft.ID, ft.Properties)
		}
	}
	// The stored features keep every property.
	feat, err := st.Feature("regions", "KZ01")
	if err != nil {
		t.Fatal(err)
	}
	if len(feat.Properties) != 6 {
		t.Errorf("stored feature changed: %v", feat.Properties)
	}
}

// TestPaging follows next links to the end and checks that every feature
// comes exactly once and that the links keep the other parameters exactly.
func TestPaging(t *testing.T) {
	e, _ := newTestServer(t)
	tests := []struct {
		name  string
		query string // without offset
		want  int
	}{
		{"all", "limit=7", 25},
		{"default limit", "", 25},
		{"with bbox and filter", "bbox=49.5,39.5,56.5,46.5&parity=even&limit=2", 8},
		{"odd spelling kept", "limit=4&bbox=49.5,39.5,60.5,50.5&n=3", 1},
		{"escaped and f", "f=json&bbox=49.5%2C39.5%2C60.5%2C44.5&limit=3", 15},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen := map[string]int{}
			target := "/collections/districts/items"
			if tt.query != "" {
				target += "?" + tt.query
			}
			pages := 0
			var prevOffset = -1
			for target != "" {
				pages++
				if pages > 30 {
					t.Fatal("too many pages")
				}
				rec := get(e, target)
				if rec.Code != 200 {
					t.Fatalf("%s: status %d: %s", target, rec.Code, rec.Body.String())
				}
				f := decode[fc](t, rec)
				if f.NumberMatched == nil || *f.NumberMatched != tt.want {
					t.Fatalf("numberMatched %v, want %d", *f.NumberMatched, tt.want)
				}
				if f.NumberReturned != len(f.Features) {
					t.Errorf("numberReturned %d, features %d", f.NumberReturned, len(f.Features))
				}
				for _, id := range f.ids() {
					seen[id]++
				}
				for _, rel := range []string{"next", "prev"} {
					l, ok := linkRel(f.Links, rel)
					if !ok {
						continue
					}
					u, err := url.Parse(l.Href)
					if err != nil || u.Host != "example.com" || u.Scheme != "http" {
						t.Fatalf("%s link %q", rel, l.Href)
					}
					if got := withQuery(u.RawQuery, "offset", ""); got != tt.query {
						t.Errorf("%s link keeps %q, want %q", rel, got, tt.query)
					}
					if l.Type != "application/geo+json" {
						t.Errorf("%s type %q", rel, l.Type)
					}
				}
				off := 0
				if u, _ := url.Parse(target); u.Query().Get("offset") != "" {
					off = atoi(t, u.Query().Get("offset"))
				}
				if _, hasPrev := linkRel(f.Links, "prev"); hasPrev != (off > 0) {
					t.Errorf("offset %d: prev link present = %v", off, hasPrev)
				}
				if off <= prevOffset {
					t.Fatalf("offset did not advance: %d after %d", off, prevOffset)
				}
				prevOffset = off
				target = ""
				if l, ok := linkRel(f.Links, "next"); ok {
					u, _ := url.Parse(l.Href)
					target = u.RequestURI()
				} else if off+len(f.Features) < tt.want {
					t.Fatalf("no next link at offset %d of %d", off, tt.want)
				}
			}
			if len(seen) != tt.want {
				t.Errorf("saw %d features, want %d", len(seen), tt.want)
			}
			for id, n := range seen {
				if n != 1 {
					t.Errorf("%s seen %d times", id, n)
				}
			}
		})
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := ParseOffset(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPrevLink(t *testing.T) {
	e, _ := newTestServer(t)
	rec := get(e, "/collections/districts/items?offset=3&limit=10&parity=odd")
	f := decode[fc](t, rec)
	prev, ok := linkRel(f.Links, "prev")
	if !ok || prev.Href != "http://example.com/collections/districts/items?limit=10&parity=odd&offset=0" {
		t.Errorf("prev = %+v", prev)
	}
	if _, ok := linkRel(f.Links, "next"); ok {
		t.Errorf("next link on the last page: %v", f.Links)
	}
	self, _ := linkRel(f.Links, "self")
	if self.Href != "http://example.com/collections/districts/items?offset=3&limit=10&parity=odd" {
		t.Errorf("self = %q", self.Href)
	}
	alt, _ := linkRel(f.Links, "alternate")
	if alt.Type != "text/html" || !strings.HasSuffix(alt.Href, "offset=3&limit=10&parity=odd&f=html") {
		t.Errorf("alternate = %+v", alt)
	}
}

func TestNegotiation(t *testing.T) {
	e, _ := newTestServer(t)
	tests := []struct {
		target, accept, want string
	}{
		{"/collections", "", "application/json"},
		{"/collections", "*/*", "application/json"},
		{"/collections", "application/json", "application/json"},
		{"/collections", "application/json; charset=utf-8", "application/json"},
		{"/collections", "text/html", "text/html"},
		{"/collections", "text/html;q=0.5, application/json", "application/json"},
		{"/collections", "application/json;q=0.5, text/html", "text/html"},
		{"/collections", "application/xml", "application/json"},
		{"/collections?f=json", "text/html", "application/json"},
		{"/collections?f=html", "application/json", "text/html"},
		{"/collections/regions/items", "application/geo+json", "application/geo+json"},
		{"/collections/regions/items", "text/html", "text/html"},
		{"/collections/regions/items?f=json", "text/html", "application/geo+json"},
		{"/collections/regions/items/KZ01", "application/geo+json, application/json;q=0.9", "application/geo+json"},
		{"/api", "application/vnd.oai.openapi+json;version=3.0", "application/vnd.oai.openapi+json;version=3.0"},
		{"/api", "application/json", "application/vnd.oai.openapi+json;version=3.0"},
		{"/api", "text/html", "text/html"},
		{"/", "text/html", "text/html"},
		{"/?f=json", "text/html", "application/json"},
	}
	for _, tt := range tests {
		t.Run(tt.target+" "+tt.accept, func(t *testing.T) {
			rec := checked(t, e, http.MethodGet, tt.target, "", "Accept", tt.accept)
			if rec.Code != 200 {
				t.Fatalf("status %d", rec.Code)
			}
			ct := rec.Header().Get("Content-Type")
			if !strings.HasPrefix(ct, tt.want) {
				t.Errorf("Content-Type %q, want %q", ct, tt.want)
			}
		})
	}
}

func TestMapPage(t *testing.T) {
	st := newTestStore(t)
	mp := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<div id=map></div>")
	})
	e := New(Config{Store: st, MapPage: mp})
	if rec := get(e, "/", "Accept", "text/html"); rec.Body.String() != "<div id=map></div>" {
		t.Errorf("browser got %q", rec.Body.String())
	}
	if rec := get(e, "/", "Accept", "application/json"); rec.Header().Get("Content-Type") != "application/json" {
		t.Errorf("script got %q", rec.Header().Get("Content-Type"))
	}
}

func TestForwardedLinks(t *testing.T) {
	e, _ := newTestServer(t)
	tests := []struct {
		name   string
		header []string
		want   string
	}{
		{"plain", nil, "http://example.com"},
		{"proto and host", []string{"X-Forwarded-Proto", "https", "X-Forwarded-Host", "maps.example.kz"}, "https://maps.example.kz"},
		{"prefix", []string{"X-Forwarded-Proto", "https", "X-Forwarded-Host", "maps.example.kz:8443", "X-Forwarded-Prefix", "/kzmap/"}, "https://maps.example.kz:8443/kzmap"},
		{"several proxies", []string{"X-Forwarded-Proto", "https, http", "X-Forwarded-Host", "a.kz, b.internal"}, "https://a.kz"},
		{"rfc 7239", []string{"Forwarded", `for=1.2.3.4;proto=https;host="fw.kz"`}, "https://fw.kz"},
		{"forged host ignored", []string{"X-Forwarded-Host", "evil.kz/\"><script>"}, "http://example.com"},
		{"bad proto ignored", []string{"X-Forwarded-Proto", "javascript"}, "http://example.com"},
		{"bad prefix ignored", []string{"X-Forwarded-Prefix", "//evil.kz"}, "http://example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lp := decode[LandingPage](t, get(e, "/?f=json", tt.header...))
			data, _ := linkRel(lp.Links, "data")
			if data.Href != tt.want+"/collections" {
				t.Errorf("data = %q, want %q", data.Href, tt.want+"/collections")
			}
			f := decode[fc](t, get(e, "/collections/districts/items?limit=5", tt.header...))
			next, _ := linkRel(f.Links, "next")
			if next.Href != tt.want+"/collections/districts/items?limit=5&offset=5" {
				t.Errorf("next = %q", next.Href)
			}
		})
	}
}

func TestOptionsAndHead(t *testing.T) {
	e, _ := newTestServer(t)
	rec := do(e, http.MethodOptions, "/collections/regions/items")
	if rec.Code != http.StatusNoContent {
		t.Fatalf("OPTIONS status %d", rec.Code)
	}
	allow := rec.Header().Get("Allow")
	for _, m := range []string{"GET", "HEAD", "OPTIONS"} {
		if !strings.Contains(allow, m) {
			t.Errorf("Allow %q lacks %s", allow, m)
		}
	}
	if rec := do(e, http.MethodOptions, "/collections/nope/items"); rec.Code != 404 {
		t.Errorf("OPTIONS unknown collection: %d", rec.Code)
	}
	if rec := do(e, http.MethodOptions, "/collections/regions/items/KZ01"); rec.Code != 204 || rec.Header().Get("Allow") == "" {
		t.Errorf("OPTIONS item: %d %q", rec.Code, rec.Header().Get("Allow"))
	}

	// HEAD through a real server, which drops the body as HTTP requires.
	srv := httptest.NewServer(e)
	defer srv.Close()
	for _, p := range []string{"/", "/conformance", "/api", "/collections", "/collections/regions", "/collections/regions/items",
		"/collections/regions/items/KZ01", "/lookup?lon=55&lat=45", "/search?q=alpha", "/collections/regions/lookup?lon=55&lat=45"} {
		getResp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		getResp.Body.Close()
		resp, err := http.Head(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || len(body) != 0 || resp.Header.Get("Content-Type") != getResp.Header.Get("Content-Type") {
			t.Errorf("HEAD %s: %d, %d bytes, %q vs GET %q", p, resp.StatusCode, len(body),
				resp.Header.Get("Content-Type"), getResp.Header.Get("Content-Type"))
		}
	}
	resp, err := http.Head(srv.URL + "/collections/nope")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 || resp.Header.Get("Content-Type") != ContentTypeProblem {
		t.Errorf("HEAD unknown: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
}

func TestLookup(t *testing.T) {
	e, _ := newTestServer(t)
	tests := []struct {
		name     string
		lon, lat string
		want     map[string]string // collection → feature id ("" = null)
	}{
		{"inside alpha", "55", "45", map[string]string{"districts": "D12", "regions": "KZ01"}},
		{"shared border lowest id", "60", "45", map[string]string{"districts": "D14", "regions": "KZ01"}},
		{"district corner lowest id", "52", "42", map[string]string{"districts": "D00", "regions": "KZ01"}},
		{"outside", "10", "10", map[string]string{"districts": "", "regions": ""}},
		{"in triangle envelope only", "79", "49", map[string]string{"districts": "", "regions": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := checked(t, e, http.MethodGet, "/lookup?lon="+tt.lon+"&lat="+tt.lat, "")
			if rec.Code != 200 || rec.Header().Get("Content-Type") != "application/json" {
				t.Fatalf("status %d %q: %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
			}
			ans := decode[LookupAnswer](t, rec)
			var cols []string
			for _, r := range ans.Results {
				cols = append(cols, r.Collection)
				want, ok := tt.want[r.Collection]
				if !ok {
					t.Errorf("unexpected collection %q", r.Collection)
					continue
				}
				if want == "" {
					if r.Feature != nil {
						t.Errorf("%s: got %v, want null", r.Collection, r.Feature)
					}
					continue
				}
				if r.Feature == nil || r.Feature["id"] != want {
					t.Errorf("%s: got %v, want %s", r.Collection, r.Feature, want)
					continue
				}
				for _, k := range []string{"code", "name_en", "name_kk", "name_ru"} {
					if _, ok := r.Feature[k]; !ok {
						t.Errorf("%s: no %s", r.Collection, k)
					}
				}
			}
			if !slices.Equal(cols, []string{"districts", "regions"}) {
				t.Errorf("collections %v, want polygon collections by id", cols)
			}
		})
	}
	// The null is explicit in the JSON, not a missing key.
	body := get(e, "/lookup?lon=10&lat=10").Body.String()
	if !strings.Contains(body, `"feature":null`) {
		t.Errorf("body %s", body)
	}
}

func TestSearchDoesNotMutate(t *testing.T) {
	e, st := newTestServer(t)
	before, _ := st.Feature("regions", "KZ01")
	want := string(before.GeoJSON())
	rec := get(e, "/search?q=alpha")
	f := decode[fc](t, rec)
	if len(f.Features) != 1 || f.Features[0].Properties["collection"] != "regions" {
		t.Fatalf("got %+v", f)
	}
	after, _ := st.Feature("regions", "KZ01")
	if _, ok := after.Properties["score"]; ok || string(after.GeoJSON()) != want {
		t.Error("search changed the stored feature")
	}
	rec = get(e, "/collections/regions/items/KZ01")
	if strings.Contains(rec.Body.String(), "score") {
		t.Error("items answer carries search decorations")
	}
}

func TestSearchWithoutIndex(t *testing.T) {
	e := New(Config{Store: newTestStore(t)})
	f := decode[fc](t, get(e, "/search?q=alpha"))
	if f.Type != "FeatureCollection" || len(f.Features) != 0 {
		t.Errorf("got %+v", f)
	}
}

func TestOpenAPI(t *testing.T) {
	e, _ := newTestServer(t)
	rec := get(e, "/api", "Accept", "application/vnd.oai.openapi+json;version=3.0, application/openapi+json;version=3.0, application/json")
	var doc struct {
		OpenAPI    string                    `json:"openapi"`
		Paths      map[string]map[string]any `json:"paths"`
		Components struct {
			Parameters map[string]struct {
				Name    string `json:"name"`
				In      string `json:"in"`
				Style   string `json:"style"`
				Explode *bool  `json:"explode"`
				Schema  struct {
					Type    string `json:"type"`
					Default any    `json:"default"`
					Maximum *int   `json:"maximum"`
				} `json:"schema"`
			} `json:"parameters"`
		} `json:"components"`
	}
	mustJSON(t, rec.Body.Bytes(), &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.0") {
		t.Errorf("openapi %q", doc.OpenAPI)
	}
	limit := doc.Components.Parameters["limit"]
	if limit.Name != "limit" || limit.In != "query" || limit.Schema.Type != "integer" ||
		limit.Schema.Default != float64(10) || limit.Schema.Maximum == nil || *limit.Schema.Maximum != 10000 {
		t.Errorf("limit = %+v", limit)
	}
	for _, p := range []string{"bbox", "datetime", "offset", "properties", "f"} {
		if _, ok := doc.Components.Parameters[p]; !ok {
			t.Errorf("no components.parameters.%s", p)
		}
	}
	// Every route of the server is documented.
	for _, r := range e.Routes() {
		p := routeParam.ReplaceAllString(r.Path, "{$1}")
		item, ok := doc.Paths[p]
		if !ok {
			t.Errorf("route %s %s not in the OpenAPI document", r.Method, r.Path)
			continue
		}
		if m := strings.ToLower(r.Method); m != "head" && item[m] == nil {
			t.Errorf("method %s of %s not documented", r.Method, p)
		}
	}
	// Per-collection items paths carry the properties as queryables the way
	// QGIS reads them (in=query, style=form, explode=false, schema.type).
	get := doc.Paths["/collections/regions/items"]["get"].(map[string]any)
	found := false
	for _, p := range get["parameters"].([]any) {
		m := p.(map[string]any)
		if m["name"] == "population" {
			found = m["in"] == "query" && m["style"] == "form" && m["explode"] == false &&
				m["schema"].(map[string]any)["type"] == "integer"
		}
	}
	if !found {
		t.Error("regions items path lacks the population queryable")
	}
}

// routeParam is an Echo path parameter (":name"), written {name} in OpenAPI.
var routeParam = regexp.MustCompile(`:(\w+)`)

// panicStore is the real store with one method that fails the worst way.
type panicStore struct{ geo.Store }

func (panicStore) Items(string, geo.Query) (geo.Page, error) { panic("boom") }
func (panicStore) Lookup(string, orb.Point) ([]*geo.Feature, error) {
	return nil, io.ErrUnexpectedEOF // not a client error: 500
}

func TestServerFaults(t *testing.T) {
	var logged strings.Builder
	e := New(Config{Store: panicStore{newTestStore(t)}, Log: slog.New(slog.NewTextHandler(&logged, nil))})
	for _, target := range []string{"/collections/regions/items", "/lookup?lon=55&lat=45"} {
		rec := get(e, target)
		if rec.Code != 500 || rec.Header().Get("Content-Type") != ContentTypeProblem {
			t.Errorf("%s: %d %q", target, rec.Code, rec.Header().Get("Content-Type"))
		}
		var p Problem
		mustJSON(t, rec.Body.Bytes(), &p)
		if p.Status != 500 || strings.Contains(p.Detail, "boom") || strings.Contains(p.Detail, "EOF") {
			t.Errorf("%s: problem %+v leaks internals or is wrong", target, p)
		}
	}
	if !strings.Contains(logged.String(), "boom") || !strings.Contains(logged.String(), "unexpected EOF") {
		t.Errorf("faults not logged: %s", logged.String())
	}
}
