// Package assets is kzmap's web map: the page and its scripts, styles and
// images, built by esbuild from src/ into dist/ (`make assets`) and embedded
// in the binary, so the map works with no network beyond kzmap itself.
// dist/ is committed, so a plain `go build` serves the map; `make test`
// checks it is what src/ builds.
//
// File names in dist/ carry a content hash, so they are cached for a year;
// index.html, which names them, is revalidated on every load. Every file has
// a gzip twin made at build time, sent to clients that accept it.
package assets

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed all:dist
var dist embed.FS

// Prefix is the URL path the static files are served under.
const Prefix = "/assets/"

// hashed matches the names esbuild gives (name-HASH.ext): safe to cache forever.
var hashed = regexp.MustCompile(`-[A-Z0-9]{8}\.[a-z0-9]+$`)

// notBuilt is the answer when dist/ lacks the page: a binary built from a
// tree whose committed bundle was deleted.
const notBuilt = `<!doctype html>
<html lang="en"><meta charset="utf-8"><title>kzmap: map not built</title>
<h1>Map not built: run make assets</h1>
<p>This kzmap binary was built without its web map. Restore
<code>assets/dist</code> (<code>git checkout assets/dist</code>) or run
<code>make assets</code>, then build kzmap again.
The API works: <a href="/?f=json">landing page</a>, <a href="/collections">collections</a>,
<a href="/api">API definition</a>.</p>
`

// Handler serves the map page at / and the files of dist/ under Prefix.
// Other paths are 404.
func Handler() http.Handler { return handler(dist) }

// Page returns the URL paths of the script and stylesheet that draw the
// maps of the OGC API HTML pages (a second bundle, named in dist/page.json);
// both are empty when the binary was built without them.
func Page() (script, style string) { return pageFiles(dist) }

func pageFiles(fsys fs.FS) (script, style string) {
	b, err := fs.ReadFile(fsys, "dist/page.json")
	if err != nil {
		return "", ""
	}
	var p struct{ Script, Style string }
	if json.Unmarshal(b, &p) != nil || !strings.HasPrefix(p.Script, Prefix) || !strings.HasPrefix(p.Style, Prefix) {
		return "", ""
	}
	return p.Script, p.Style
}

// Built reports whether the page is in the binary.
func Built() bool {
	_, err := fs.Stat(dist, "dist/index.html")
	return err == nil
}

func handler(fsys fs.FS) http.Handler {
	sub, err := fs.Sub(fsys, "dist")
	if err != nil {
		panic("assets: " + err.Error()) // the embed pattern guarantees dist/
	}
	fl := &files{fsys: sub}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			problem(w, http.StatusMethodNotAllowed, "Method Not Allowed", "the map's files answer GET and HEAD only")
			return
		}
		p := r.URL.Path
		switch {
		case p == "/" || p == "":
			fl.serveIndex(w, r)
		case strings.HasPrefix(p, Prefix):
			name := strings.TrimPrefix(p, Prefix)
			if name == "" || name == "index.html" || strings.HasSuffix(name, ".gz") ||
				!fs.ValidPath(name) || strings.HasPrefix(path.Base(name), ".") {
				notFound(w, r)
				return
			}
			fl.serveFile(w, r, name, hashed.MatchString(name))
		default:
			notFound(w, r)
		}
	})
}

// files are the built page and its assets.
type files struct {
	fsys  fs.FS
	etags sync.Map // name -> ETag; embedded files never change
}

func (fl *files) serveIndex(w http.ResponseWriter, r *http.Request) {
	if _, err := fs.Stat(fl.fsys, "index.html"); err != nil {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusServiceUnavailable)
		if r.Method != http.MethodHead {
			_, _ = w.Write([]byte(notBuilt))
		}
		return
	}
	fl.serveFile(w, r, "index.html", false)
}

// serveFile answers one embedded file, its gzip twin when the client takes
// gzip, with an ETag and a cache lifetime that suits the name.
func (fl *files) serveFile(w http.ResponseWriter, r *http.Request, name string, immutable bool) {
	body, err := fs.ReadFile(fl.fsys, name)
	if err != nil {
		notFound(w, r)
		return
	}
	h := w.Header()
	ctype := mime.TypeByExtension(path.Ext(name))
	if ctype == "" {
		ctype = http.DetectContentType(body)
	}
	h.Set("Content-Type", ctype)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Add("Vary", "Accept-Encoding")
	if immutable {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	etag := fl.etagOf(name, body)
	if gz, err := fs.ReadFile(fl.fsys, name+".gz"); err == nil && acceptsGzip(r) {
		body = gz
		h.Set("Content-Encoding", "gzip")
		etag = strings.TrimSuffix(etag, `"`) + `-gz"`
	}
	h.Set("ETag", etag)
	// ServeContent handles If-None-Match, HEAD and ranges; the zero modtime
	// keeps it from sending Last-Modified (embedded files have none).
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// etagOf is a strong validator for an embedded file, from its content.
func (fl *files) etagOf(name string, body []byte) string {
	if v, ok := fl.etags.Load(name); ok {
		return v.(string)
	}
	h := fnv.New64a()
	_, _ = h.Write(body)
	tag := fmt.Sprintf(`"%016x"`, h.Sum64())
	fl.etags.Store(name, tag)
	return tag
}

// acceptsGzip reads Accept-Encoding: gzip (or *) with a q-value above zero.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		enc = strings.ToLower(strings.TrimSpace(enc))
		if enc != "gzip" && enc != "*" {
			continue
		}
		q := 1.0
		if k, v, ok := strings.Cut(strings.TrimSpace(params), "="); ok && strings.TrimSpace(k) == "q" {
			if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
				q = f
			}
		}
		return q > 0
	}
	return false
}

// problem answers an RFC 7807 problem, as the rest of kzmap does for client errors.
func problem(w http.ResponseWriter, status int, title, detail string) {
	b, _ := json.Marshal(map[string]any{
		"type": "about:blank", "title": title, "status": status, "detail": detail,
	})
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func notFound(w http.ResponseWriter, r *http.Request) {
	problem(w, http.StatusNotFound, "Not Found", "no file "+strconv.Quote(clip(r.URL.Path))+" in the map's assets")
}

// clip keeps an echoed path short.
func clip(s string) string {
	if len(s) > 100 {
		return s[:100] + "…"
	}
	return s
}
