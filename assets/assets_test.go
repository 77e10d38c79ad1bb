package assets

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

func gz(t testing.TB, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, _ = w.Write([]byte(s))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const page = `<!doctype html><script src="/assets/main-ABCDEFGH.js"></script>`

func builtFS(t testing.TB) fs.FS {
	return fstest.MapFS{
		"dist/index.html":          {Data: []byte(page)},
		"dist/index.html.gz":       {Data: gz(t, page)},
		"dist/main-ABCDEFGH.js":    {Data: []byte("console.log(1)")},
		"dist/main-ABCDEFGH.js.gz": {Data: gz(t, "console.log(1)")},
		"dist/layers-12345678.png": {Data: []byte("\x89PNG\r\n\x1a\n")},
		"dist/notes.txt":           {Data: []byte("placeholder")},
	}
}

func serve(h http.Handler, method, target string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestHandler(t *testing.T) {
	h := handler(builtFS(t))
	tests := []struct {
		name     string
		method   string
		target   string
		header   []string
		status   int
		ctype    string
		cache    string
		encoding string
		body     string
	}{
		{name: "page", method: "GET", target: "/", status: 200, ctype: "text/html; charset=utf-8", cache: "no-cache", body: page},
		{name: "page gzipped", method: "GET", target: "/", header: []string{"Accept-Encoding", "br, gzip"}, status: 200, cache: "no-cache", encoding: "gzip", body: page},
		{name: "page gzip refused", method: "GET", target: "/", header: []string{"Accept-Encoding", "gzip;q=0"}, status: 200, body: page},
		{name: "hashed script", method: "GET", target: "/assets/main-ABCDEFGH.js", status: 200, ctype: "text/javascript; charset=utf-8", cache: "public, max-age=31536000, immutable", body: "console.log(1)"},
		{name: "hashed image", method: "GET", target: "/assets/layers-12345678.png", status: 200, ctype: "image/png", cache: "public, max-age=31536000, immutable"},
		{name: "head", method: "HEAD", target: "/assets/main-ABCDEFGH.js", status: 200, body: ""},
		{name: "unhashed file revalidates", method: "GET", target: "/assets/notes.txt", status: 200, cache: "no-cache"},
		{name: "unknown file", method: "GET", target: "/assets/nope.js", status: 404},
		{name: "gzip twin not served by name", method: "GET", target: "/assets/main-ABCDEFGH.js.gz", status: 404},
		{name: "page not under assets", method: "GET", target: "/assets/index.html", status: 404},
		{name: "empty name", method: "GET", target: "/assets/", status: 404},
		{name: "traversal", method: "GET", target: "/assets/../dist/index.html", status: 404},
		{name: "other path", method: "GET", target: "/collections", status: 404},
		{name: "post", method: "POST", target: "/", status: 405},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := serve(h, tc.method, tc.target, tc.header...)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d; body %.200s", rec.Code, tc.status, rec.Body)
			}
			if tc.status != 200 {
				if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
					t.Errorf("error answered as %q, want application/problem+json", ct)
				}
				return
			}
			if tc.ctype != "" && rec.Header().Get("Content-Type") != tc.ctype {
				t.Errorf("Content-Type %q, want %q", rec.Header().Get("Content-Type"), tc.ctype)
			}
			if tc.cache != "" && rec.Header().Get("Cache-Control") != tc.cache {
				t.Errorf("Cache-Control %q, want %q", rec.Header().Get("Cache-Control"), tc.cache)
			}
			if got := rec.Header().Get("Content-Encoding"); got != tc.encoding {
				t.Errorf("Content-Encoding %q, want %q", got, tc.encoding)
			}
			if rec.Header().Get("ETag") == "" {
				t.Error("no ETag")
			}
			if !strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding") {
				t.Error("no Vary: Accept-Encoding")
			}
			body := rec.Body.Bytes()
			if tc.encoding == "gzip" {
				r, err := gzip.NewReader(bytes.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				if body, err = io.ReadAll(r); err != nil {
					t.Fatal(err)
				}
			}
			if tc.method == "HEAD" && len(body) != 0 {
				t.Errorf("HEAD answered a body of %d bytes", len(body))
			}
			if tc.body != "" && string(body) != tc.body {
				t.Errorf("body %q, want %q", body, tc.body)
			}
		})
	}
}

func TestConditional(t *testing.T) {
	h := handler(builtFS(t))
	for _, enc := range []string{"", "gzip"} {
		first := serve(h, "GET", "/assets/main-ABCDEFGH.js", "Accept-Encoding", enc)
		etag := first.Header().Get("ETag")
		again := serve(h, "GET", "/assets/main-ABCDEFGH.js", "Accept-Encoding", enc, "If-None-Match", etag)
		if again.Code != http.StatusNotModified {
			t.Errorf("encoding %q: If-None-Match %s gave %d, want 304", enc, etag, again.Code)
		}
	}
	// The plain and the gzipped answers are different representations.
	plain := serve(h, "GET", "/", "Accept-Encoding", "").Header().Get("ETag")
	zipped := serve(h, "GET", "/", "Accept-Encoding", "gzip").Header().Get("ETag")
	if plain == zipped {
		t.Errorf("same ETag %s for plain and gzip", plain)
	}
}

func TestNotBuilt(t *testing.T) {
	h := handler(fstest.MapFS{"dist/notes.txt": {Data: []byte("x")}})
	rec := serve(h, "GET", "/")
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", rec.Code)
	}
	if !strings.Contains(rec.Body.String(), "not built: run make") {
		t.Errorf("body does not say how to build: %s", rec.Body)
	}
	if rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", rec.Header().Get("Cache-Control"))
	}
	if head := serve(h, "HEAD", "/"); head.Code != 503 || head.Body.Len() != 0 {
		t.Errorf("HEAD: %d with %d bytes", head.Code, head.Body.Len())
	}
}

// TestBuilt checks the embedded build, which is committed: every file the
// page names is in the binary and is served, gzipped when it is text, and
// every gzip twin holds its file's bytes.
func TestBuilt(t *testing.T) {
	if !Built() {
		t.Fatal("assets/dist has no index.html: it is committed; restore it (git checkout assets/dist) or run make assets")
	}
	h := Handler()
	rec := serve(h, "GET", "/")
	if rec.Code != 200 {
		t.Fatalf("page: %d", rec.Code)
	}
	refs := regexp.MustCompile(`(?:src|href)="(/assets/[^"]+)"`).FindAllStringSubmatch(rec.Body.String(), -1)
	if len(refs) < 2 {
		t.Fatalf("page names %d files, want a script and a stylesheet", len(refs))
	}
	for _, m := range refs {
		r := serve(h, "GET", m[1], "Accept-Encoding", "gzip")
		if r.Code != 200 {
			t.Errorf("%s: %d", m[1], r.Code)
			continue
		}
		if r.Header().Get("Content-Encoding") != "gzip" {
			t.Errorf("%s: not gzipped", m[1])
		}
		if !strings.Contains(r.Header().Get("Cache-Control"), "immutable") {
			t.Errorf("%s: Cache-Control %q", m[1], r.Header().Get("Cache-Control"))
		}
	}
	twins, err := fs.Glob(dist, "dist/*.gz")
	if err != nil || len(twins) == 0 {
		t.Fatalf("no gzip twins in dist (%v)", err)
	}
	for _, name := range twins {
		plain, err := fs.ReadFile(dist, strings.TrimSuffix(name, ".gz"))
		if err != nil {
			t.Errorf("%s: a twin of no file", name)
			continue
		}
		zipped, _ := fs.ReadFile(dist, name)
		r, err := gzip.NewReader(bytes.NewReader(zipped))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		got, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(got, plain) {
			t.Errorf("%s does not unzip to its file (%v): run make assets and commit", name, err)
		}
	}
}

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		header string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"GZIP", true},
		{"deflate, gzip, br, zstd", true},
		{"gzip;q=0", false},
		{"gzip; q=0.0", false},
		{"gzip;q=0.5", true},
		{"*", true},
		{"*;q=0", false},
		{"identity", false},
		{"br", false},
		{"gzip;q=bogus", true},
	}
	for _, tc := range tests {
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("Accept-Encoding", tc.header)
		if got := acceptsGzip(req); got != tc.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tc.header, got, tc.want)
		}
	}
}

func FuzzAcceptsGzip(f *testing.F) {
	for _, s := range []string{"gzip", "gzip;q=0", "br;q=1, *;q=0.1", ";;,,=", "gzip;q=NaN"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		req := httptest.NewRequest("GET", "/", nil)
		req.Header.Set("Accept-Encoding", header)
		got := acceptsGzip(req)
		if got && !strings.Contains(strings.ToLower(header), "gzip") && !strings.Contains(header, "*") {
			t.Errorf("acceptsGzip(%q) = true without gzip or *", header)
		}
	})
}

// TestPage checks the HTML pages' bundle: page.json names a script and a
// stylesheet that are built, served and cached for a year; a build without
// them names none.
func TestPage(t *testing.T) {
	script, style := Page()
	if script == "" || style == "" {
		t.Fatal("dist/page.json names no page script or stylesheet: run make assets and commit")
	}
	h := Handler()
	for _, p := range []string{script, style} {
		r := serve(h, "GET", p)
		if r.Code != 200 || !strings.Contains(r.Header().Get("Cache-Control"), "immutable") {
			t.Errorf("%s: %d, Cache-Control %q", p, r.Code, r.Header().Get("Cache-Control"))
		}
	}
	tests := []struct {
		name string
		fsys fs.FS
	}{
		{"no page.json", fstest.MapFS{"dist/index.html": {Data: []byte(page)}}},
		{"not JSON", fstest.MapFS{"dist/page.json": {Data: []byte("{")}}},
		{"outside the assets", fstest.MapFS{"dist/page.json": {Data: []byte(`{"script":"https://x.example/a.js","style":"/assets/p.css"}`)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if s, c := pageFiles(tt.fsys); s != "" || c != "" {
				t.Errorf("pageFiles() = %q, %q; want none", s, c)
			}
		})
	}
}
