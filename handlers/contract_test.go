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
	in := &openapi3filter.RequestValidationInput{Request: route, PathParams: params, Route: r, Options: opts}
	// A request the server refused may break the document's rules (that is
	// why it was refused); one it served must keep them.
	if rec.Code < 400 {
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
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
