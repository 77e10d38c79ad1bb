package handlers

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzMiddlewareHeaders sends arbitrary request ids, origins, methods and
// bodies through the whole middleware stack (CORS and rate limit on): the
// answer is never a 5xx, always carries a safe request id, and an error is
// always problem+json.
func FuzzMiddlewareHeaders(f *testing.F) {
	f.Add("GET", "/collections", "abc", "https://maps.example", "", 0)
	f.Add("OPTIONS", "/collections/regions/items", "\xff\r\n", "https://evil.example", "POST", 10)
	f.Add("POST", "/collections/regions/items", strings.Repeat("x", 200), "*", "", 5000)
	f.Add("BREW", "/healthz", "", "null", "", 1)
	e, _ := newConfiguredServer(f, Config{CORSOrigins: []string{"https://maps.example"}, Rate: 1e6, Burst: 1e6, MaxBody: 1000})
	f.Fuzz(func(t *testing.T, method, path, id, origin, preflight string, bodyLen int) {
		if !validMethod(method) || !strings.HasPrefix(path, "/") || strings.ContainsAny(path, " \r\n\x00#?") {
			return // net/http refuses such requests before any handler runs
		}
		bodyLen = min(max(bodyLen, 0), 5000)
		req := httptest.NewRequest(http.MethodGet, "/", strings.NewReader(strings.Repeat("{", bodyLen)))
		req.Method = method
		req.URL.Path = path
		req.Header.Set("X-Request-Id", id)
		req.Header.Set("Origin", origin)
		if preflight != "" {
			req.Header.Set("Access-Control-Request-Method", preflight)
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body.String())
		}
		if rid := rec.Header().Get("X-Request-Id"); rid == "" || len(rid) > MaxRequestIDLen || SanitizeRequestID(rid) != rid {
			t.Fatalf("request id %q", rid)
		}
		if rec.Code >= 400 && rec.Header().Get("Content-Type") != ContentTypeProblem {
			t.Fatalf("%s %s: %d with %q", method, path, rec.Code, rec.Header().Get("Content-Type"))
		}
		if bodyLen > 1000 && rec.Code < 400 && method != "OPTIONS" {
			t.Fatalf("%s %s with a %d-byte body: %d", method, path, bodyLen, rec.Code)
		}
	})
}

// validMethod is an HTTP token, as net/http requires of a method.
func validMethod(m string) bool {
	if m == "" {
		return false
	}
	for i := 0; i < len(m); i++ {
		c := m[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}
