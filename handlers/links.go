package handlers

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// Media types used in answers and links.
const (
	ContentTypeJSON    = "application/json"
	ContentTypeGeoJSON = "application/geo+json"
	ContentTypeHTML    = "text/html; charset=utf-8"
	ContentTypeOpenAPI = "application/vnd.oai.openapi+json;version=3.0"
	typeHTML           = "text/html"
)

// Link is a web link as OGC API documents carry them.
type Link struct {
	Href      string `json:"href"`
	Rel       string `json:"rel"`
	Type      string `json:"type,omitempty"`
	Title     string `json:"title,omitempty"`
	Templated bool   `json:"templated,omitempty"`
}

// baseURL is the absolute URL of the service root, without a trailing slash,
// as the client sees it: behind a proxy, X-Forwarded-Proto, -Host and -Prefix
// (or RFC 7239 Forwarded) say what the client asked for. QGIS and GDAL follow
// the links they get, so relative or internal links would break them.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if fwd := r.Header.Get("Forwarded"); fwd != "" {
		// Only the first (client-side) element counts.
		first, _, _ := strings.Cut(fwd, ",")
		for _, pair := range strings.Split(first, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
			if !ok {
				continue
			}
			v = strings.Trim(v, `"`)
			switch strings.ToLower(k) {
			case "proto":
				if s := strings.ToLower(v); s == "http" || s == "https" {
					scheme = s
				}
			case "host":
				if validHost(v) {
					host = v
				}
			}
		}
	}
	if p := firstValue(r.Header.Get("X-Forwarded-Proto")); p != "" {
		if s := strings.ToLower(p); s == "http" || s == "https" {
			scheme = s
		}
	}
	if h := firstValue(r.Header.Get("X-Forwarded-Host")); h != "" && validHost(h) {
		host = h
	}
	if !validHost(host) {
		host = "localhost"
	}
	prefix := cleanPrefix(firstValue(r.Header.Get("X-Forwarded-Prefix")))
	return scheme + "://" + host + prefix
}

// firstValue is the first of comma-separated header values, trimmed.
func firstValue(v string) string {
	first, _, _ := strings.Cut(v, ",")
	return strings.TrimSpace(first)
}

// validHost accepts host[:port] made only of characters that can appear in a
// host name or IP literal, so a forged header cannot inject into links.
func validHost(h string) bool {
	if h == "" || len(h) > 255 {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '.', c == '-', c == ':', c == '[', c == ']', c == '_':
		default:
			return false
		}
	}
	return true
}

// cleanPrefix returns a path prefix like "/kzmap" (no trailing slash), or ""
// when the header is absent or not a plain path.
func cleanPrefix(p string) string {
	p = strings.TrimRight(p, "/")
	if p == "" || p[0] != '/' || strings.Contains(p, "//") {
		return ""
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("/-._~%", c) >= 0:
		default:
			return ""
		}
	}
	return p
}

// base is baseURL for an Echo context.
func base(c echo.Context) string { return baseURL(c.Request()) }

// pathEsc escapes an id for use as one path segment of a link.
func pathEsc(s string) string { return url.PathEscape(s) }

// withQuery returns the raw query with the parameter key set to value (or
// removed when value is ""), keeping every other parameter exactly as the
// client wrote it and in the same order: QGIS relies on next links that keep
// its bbox, datetime and filters.
func withQuery(rawQuery, key, value string) string {
	var out []string
	for _, part := range strings.Split(rawQuery, "&") {
		if part == "" {
			continue
		}
		k, _, _ := strings.Cut(part, "=")
		if dk, err := url.QueryUnescape(k); err == nil && dk == key {
			continue
		}
		out = append(out, part)
	}
	if value != "" {
		out = append(out, url.QueryEscape(key)+"="+url.QueryEscape(value))
	}
	return strings.Join(out, "&")
}

// href joins a path (already escaped) and a raw query.
func href(base, path, rawQuery string) string {
	if rawQuery == "" {
		return base + path
	}
	return base + path + "?" + rawQuery
}
