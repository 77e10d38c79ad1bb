package handlers

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/labstack/echo/v4"

	"kzmap/assets"
)

// The OpenAPI document served at /api is the contract GDAL and QGIS read.
// The tests load it with kin-openapi, validate it, and check requests and
// answers of the HTTP table tests against it (checked).

func init() {
	// kin-openapi decodes JSON and +json types itself; the others kzmap
	// answers are text or opaque bytes.
	for _, ct := range []string{typeHTML, ContentTypeEventStream} {
		openapi3filter.RegisterBodyDecoder(ct, openapi3filter.PlainBodyDecoder)
	}
	for _, ct := range []string{ContentTypePNG, ContentTypeMVT, "*/*"} {
		openapi3filter.RegisterBodyDecoder(ct, openapi3filter.FileBodyDecoder)
	}
}

// contract is a server's OpenAPI document and a router to its operations.
type contract struct {
	doc    *openapi3.T
	router routers.Router
}

// contracts holds each test server's contract, loaded once.
var contracts sync.Map // *echo.Echo → *contract

// loadContract loads the document e serves at /api and validates it.
func loadContract(t testing.TB, e *echo.Echo) *contract {
	t.Helper()
	if k, ok := contracts.Load(e); ok {
		return k.(*contract)
	}
	rec := get(e, "/api", "Accept", ContentTypeOpenAPI)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /api: %d %s", rec.Code, clip(rec.Body.String()))
	}
	doc, err := openapi3.NewLoader().LoadFromData(rec.Body.Bytes())
	if err != nil {
		t.Fatalf("loading the OpenAPI document: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the OpenAPI document is not valid: %v", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatalf("routing the OpenAPI document: %v", err)
	}
	k, _ := contracts.LoadOrStore(e, &contract{doc: doc, router: router})
	return k.(*contract)
}

// checked sends a request through e, as do does, and checks it and its
// answer against the OpenAPI document e serves. header holds name, value
// pairs; body, when not empty, is sent as application/geo+json.
func checked(t testing.TB, e *echo.Echo, method, target, body string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	k := loadContract(t, e)
	newReq := func() *http.Request {
		var r io.Reader
		if body != "" {
			r = strings.NewReader(body)
		}
		req := httptest.NewRequest(method, target, r)
		if body != "" {
			req.Header.Set("Content-Type", ContentTypeGeoJSON)
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		return req
	}
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, newReq())
	k.check(t, newReq(), rec)
	return rec
}

// check checks one exchange: the request must be a documented operation,
// and valid by the document when it was answered with success; the answer's
// status, headers and body must be documented for that operation.
func (k *contract) check(t testing.TB, req *http.Request, rec *httptest.ResponseRecorder) {
	t.Helper()
	// Route as the server does: trailing slashes removed, HEAD as GET.
	route := req.Clone(req.Context())
	if p := route.URL.Path; len(p) > 1 && strings.HasSuffix(p, "/") {
		route.URL.Path = strings.TrimRight(p, "/")
		route.URL.RawPath = ""
	}
	if route.Method == http.MethodHead {
		route.Method = http.MethodGet
	}
	r, params, err := k.router.FindRoute(route)
	if err != nil {
		// A path or method the document does not list must be refused.
		if (errors.Is(err, routers.ErrPathNotFound) && rec.Code == http.StatusNotFound) ||
			(errors.Is(err, routers.ErrMethodNotAllowed) && rec.Code == http.StatusMethodNotAllowed) {
			return
		}
		t.Errorf("OpenAPI: %s %s answered %d but is not documented: %v", req.Method, req.URL, rec.Code, err)
		return
	}
	opts := &openapi3filter.Options{
		IncludeResponseStatus: true,
		MultiError:            true,
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
	}
	in := &openapi3filter.RequestValidationInput{Request: route, PathParams: params, Route: r,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	// A request the server refused may break the document's rules (that is
	// why it was refused); one it served must keep them.
	if rec.Code < 400 {
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil && !clampedLimit(err) {
			t.Errorf("OpenAPI: %s %s answered %d, but the request breaks the document: %v", req.Method, req.URL, rec.Code, err)
		}
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 rec.Code,
		Header:                 rec.Header(),
		Options:                opts,
	}
	out.SetBodyBytes(bytes.Clone(rec.Body.Bytes()))
	if req.Method == http.MethodHead {
		// kin-openapi skips HEAD answers; their status and headers are GET's.
		out.Options = &openapi3filter.Options{IncludeResponseStatus: true, ExcludeResponseBody: true}
	}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		t.Errorf("OpenAPI: %s %s: the answer %d (%s) breaks the document: %v", req.Method, req.URL, rec.Code,
			rec.Header().Get("Content-Type"), err)
	}
}

// clampedLimit reports whether err is only a limit above its maximum: the
// document states the maximum (GDAL and QGIS size their pages from it), and
// OGC API – Features requires a larger limit to be clamped, not refused.
func clampedLimit(err error) bool {
	var re *openapi3filter.RequestError
	var se *openapi3.SchemaError
	return errors.As(err, &re) && re.Parameter != nil && re.Parameter.Name == "limit" &&
		errors.As(err, &se) && se.SchemaField == "maximum"
}

// TestOpenAPIValid loads the served document with kin-openapi and validates
// it, for a read-only server and for one with writes and static files.
func TestOpenAPIValid(t *testing.T) {
	ro, _ := newTestServer(t)
	rw, _, _ := newWriteServer(t, testToken, func(c *Config) { c.Static = http.NotFoundHandler() })
	for name, e := range map[string]*echo.Echo{"read-only": ro, "writes and static": rw} {
		t.Run(name, func(t *testing.T) {
			k := loadContract(t, e)
			if k.doc.OpenAPI != "3.0.3" {
				t.Errorf("openapi %q", k.doc.OpenAPI)
			}
		})
	}
}

// TestContract sends a request to every route, answered with success and
// with each documented failure, and checks both against the OpenAPI
// document (TestRoutes and TestBadInputs check theirs too).
func TestContract(t *testing.T) {
	ro, _ := newTestServer(t)
	rw, _, _ := newWriteServer(t, testToken, func(c *Config) { c.Static = assets.Handler() })
	auth := []string{"Authorization", "Bearer " + testToken}
	tests := []struct {
		name           string
		readOnly       bool // ro instead of rw
		method, target string
		body           string
		header         []string
		status         int
	}{
		{name: "healthz", method: "GET", target: "/healthz", status: 200},
		{name: "readyz", method: "GET", target: "/readyz", status: 200},
		{name: "metrics", method: "GET", target: "/metrics", status: 200},
		{name: "head items", method: "HEAD", target: "/collections/regions/items", status: 200},
		{name: "items filtered", method: "GET", target: "/collections/regions/items?population=2000&bbox=50,40,80,50&properties=name_en,code&limit=2&offset=0", status: 200},
		{name: "items datetime", method: "GET", target: "/collections/events/items?datetime=2022-01-03/..", status: 200},
		{name: "items html", method: "GET", target: "/collections/regions/items?f=html", status: 200},
		{name: "items limit clamped", method: "GET", target: "/collections/regions/items?limit=20000", status: 200},
		{name: "options items", method: "OPTIONS", target: "/collections/regions/items", status: 204},
		{name: "options item", method: "OPTIONS", target: "/collections/regions/items/KZ01", status: 204},
		{name: "options unknown", method: "OPTIONS", target: "/collections/nope/items", status: 404},
		{name: "lookup", method: "GET", target: "/lookup?lon=55&lat=45", status: 200},
		{name: "lookup outside", method: "GET", target: "/lookup?lon=10&lat=10&f=json", status: 200},
		{name: "collection lookup", method: "GET", target: "/collections/regions/lookup?lon=55&lat=45", status: 200},
		{name: "search", method: "GET", target: "/search?q=alpha&limit=5", status: 200},

		{name: "tile mvt", method: "GET", target: "/tiles/regions/0/0/0.mvt", status: 200},
		{name: "tile mvt gzip", method: "GET", target: "/tiles/regions/0/0/0.mvt", header: []string{"Accept-Encoding", "gzip"}, status: 200},
		{name: "tile png", method: "GET", target: "/tiles/regions/0/0/0.png", status: 200},
		{name: "tile png 2x", method: "GET", target: "/tiles/regions,events/0/0/0@2x.png", status: 200},
		{name: "tile empty", method: "GET", target: "/tiles/districts/6/0/0.mvt", status: 204},
		{name: "tile bad zoom", method: "GET", target: "/tiles/districts/25/0/0.mvt", status: 400},
		{name: "tile bad format", method: "GET", target: "/tiles/districts/2/0/0.jpg", status: 400},
		{name: "tile unknown", method: "GET", target: "/tiles/nope/0/0/0.mvt", status: 404},
		{name: "tilejson", method: "GET", target: "/tiles/regions,events/tilejson.json", status: 200},
		{name: "tilejson unknown", method: "GET", target: "/tiles/nope/tilejson.json", status: 404},
		{name: "tilesets", method: "GET", target: "/collections/regions/tiles", status: 200},
		{name: "tileset", method: "GET", target: "/collections/regions/tiles/WebMercatorQuad?f=json", status: 200},
		{name: "tileset html", method: "GET", target: "/collections/regions/tiles/WebMercatorQuad?f=html", status: 400},
		{name: "ogc tile", method: "GET", target: "/collections/regions/tiles/WebMercatorQuad/0/0/0", status: 200},
		{name: "ogc tile empty", method: "GET", target: "/collections/districts/tiles/WebMercatorQuad/6/0/0", status: 204},
		{name: "ogc tile unknown", method: "GET", target: "/collections/nope/tiles/WebMercatorQuad/0/0/0", status: 404},

		{name: "asset unknown", method: "GET", target: "/assets/nope.js", status: 404},

		{name: "post feature", method: "POST", target: "/collections/events/items", body: point("", 65, 45, `{"date":"2022-01-06","kind":"protest","title":"New"}`), header: auth, status: 201},
		{name: "post collection", method: "POST", target: "/collections/edge/items",
			body: `{"type":"FeatureCollection","features":[` + point("P1", 51, 41, "") + `,` + point("", 52, 42, "") + `]}`, header: auth, status: 201},
		{name: "post existing id", method: "POST", target: "/collections/edge/items", body: point("east", 51, 41, ""), header: auth, status: 409},
		{name: "post no token", method: "POST", target: "/collections/edge/items", body: point("", 51, 41, ""), status: 401},
		{name: "post wrong token", method: "POST", target: "/collections/edge/items", body: point("", 51, 41, ""), header: []string{"Authorization", "Bearer nope"}, status: 401},
		{name: "post text", method: "POST", target: "/collections/edge/items", body: point("", 51, 41, ""), header: append([]string{"Content-Type", "text/plain"}, auth...), status: 415},
		{name: "post bad json", method: "POST", target: "/collections/edge/items", body: `{"type":"Feature"`, header: auth, status: 400},
		{name: "post bad lat", method: "POST", target: "/collections/edge/items", body: point("", 51, 91, ""), header: auth, status: 400},
		{name: "post unknown collection", method: "POST", target: "/collections/nope/items", body: point("", 51, 41, ""), header: auth, status: 404},
		{name: "post read-only", readOnly: true, method: "POST", target: "/collections/edge/items", body: point("", 51, 41, ""), header: auth, status: 405},
		{name: "put replace", method: "PUT", target: "/collections/edge/items/east", body: point("east", 179, 1, `{"side":"east"}`), header: auth, status: 200},
		{name: "put create", method: "PUT", target: "/collections/edge/items/north", body: point("north", 0, 89, `{"side":"north"}`), header: auth, status: 201},
		{name: "put id mismatch", method: "PUT", target: "/collections/edge/items/north", body: point("south", 0, -89, ""), header: auth, status: 400},
		{name: "delete", method: "DELETE", target: "/collections/edge/items/west", header: auth, status: 204},
		{name: "delete missing", method: "DELETE", target: "/collections/edge/items/west", header: auth, status: 404},
		{name: "delete read-only", readOnly: true, method: "DELETE", target: "/collections/edge/items/west", header: auth, status: 405},
		{name: "import new", method: "PUT", target: "/collections/places?title=Places",
			body: `{"type":"FeatureCollection","features":[` + point("a", 60, 45, `{"kind":"town"}`) + `]}`, header: auth, status: 201},
		{name: "import replace", method: "PUT", target: "/collections/places",
			body: `{"type":"FeatureCollection","features":[` + point("b", 61, 46, `{"kind":"village"}`) + `]}`, header: auth, status: 200},
		{name: "snapshot", method: "GET", target: "/admin/snapshot", header: auth, status: 200},
		{name: "snapshot no token", method: "GET", target: "/admin/snapshot", status: 401},
		{name: "snapshot read-only", readOnly: true, method: "GET", target: "/admin/snapshot", header: auth, status: 405},
		{name: "changes unknown", method: "GET", target: "/collections/nope/changes", status: 404},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := rw
			if tt.readOnly {
				e = ro
			}
			rec := checked(t, e, tt.method, tt.target, tt.body, tt.header...)
			if rec.Code != tt.status {
				t.Errorf("status %d, want %d: %s", rec.Code, tt.status, clip(rec.Body.String()))
			}
		})
	}
}

// TestContractChanges checks the change feed's answers: the stream (its
// request cancelled, so that it ends after the preamble), HEAD, and a bad
// parameter.
func TestContractChanges(t *testing.T) {
	e, _, _ := newWriteServer(t, testToken)
	k := loadContract(t, e)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	target := "/collections/events/changes?lastEventId=0"
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequestWithContext(ctx, http.MethodGet, target, nil))
	if rec.Code != 200 || !strings.HasPrefix(rec.Body.String(), "retry:") {
		t.Errorf("stream: %d %q", rec.Code, clip(rec.Body.String()))
	}
	k.check(t, httptest.NewRequest(http.MethodGet, target, nil), rec)

	if rec := checked(t, e, http.MethodHead, target, ""); rec.Code != 200 {
		t.Errorf("HEAD: %d", rec.Code)
	}
	if rec := checked(t, e, http.MethodGet, "/collections/events/changes?since=1", ""); rec.Code != 400 {
		t.Errorf("unknown parameter: %d", rec.Code)
	}
}

// TestContractRateLimited checks the answer over the rate limit.
func TestContractRateLimited(t *testing.T) {
	e := New(Config{Store: newTestStore(t), Version: "test", Rate: 0.001, Burst: 2})
	loadContract(t, e) // the first request of the burst
	if rec := checked(t, e, http.MethodGet, "/collections/regions/items", ""); rec.Code != 200 {
		t.Fatalf("within the burst: %d", rec.Code)
	}
	if rec := checked(t, e, http.MethodGet, "/collections/regions/items", ""); rec.Code != http.StatusTooManyRequests {
		t.Errorf("over the limit: %d", rec.Code)
	}
}

// TestRouteTableDocumented: every route of the table is documented at its
// path and method under its name, and every documented operation (but the
// per-collection copies of the items path) is routed.
func TestRouteTableDocumented(t *testing.T) {
	e, _, _ := newWriteServer(t, testToken, func(c *Config) { c.Static = http.NotFoundHandler() })
	k := loadContract(t, e)
	routed := map[string]bool{}
	for _, r := range e.Routes() {
		if r.Method == http.MethodHead {
			continue
		}
		p := routeParam.ReplaceAllString(r.Path, "{$1}")
		routed[r.Method+" "+p] = true
		item := k.doc.Paths.Value(p)
		if item == nil {
			t.Errorf("route %s %s is not documented", r.Method, r.Path)
			continue
		}
		op := item.GetOperation(r.Method)
		if op == nil {
			t.Errorf("route %s %s: method not documented", r.Method, r.Path)
			continue
		}
		if op.OperationID != r.Name {
			t.Errorf("route %s %s is named %q, documented as %q", r.Method, r.Path, r.Name, op.OperationID)
		}
	}
	for p, item := range k.doc.Paths.Map() {
		if strings.HasPrefix(p, "/collections/") && !strings.Contains(p, "{") {
			continue // a collection's own items path
		}
		for method := range item.Operations() {
			if !routed[method+" "+p] {
				t.Errorf("documented %s %s is not routed", method, p)
			}
		}
	}
}
