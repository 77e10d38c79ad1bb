package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// ErrBadOrigin is a --cors value that is not "*" or a scheme://host[:port] origin.
var ErrBadOrigin = errors.New("handlers: bad CORS origin")

// corsMethods and corsHeaders are what browsers may send cross-origin: the
// reads and the Part 4 writes, with the headers they need (Authorization for
// the bearer token, If-None-Match for tiles, Last-Event-ID for SSE).
const (
	corsMethods       = "GET, HEAD, OPTIONS, POST, PUT, DELETE"
	corsHeaders       = "Accept, Authorization, Content-Type, If-Match, If-None-Match, Last-Event-ID, X-Request-Id"
	corsExposeHeaders = "ETag, Location, Retry-After, X-Request-Id, Content-Crs"
	corsMaxAge        = "600"
)

// ParseOrigins parses the --cors flag: origins separated by commas, each
// "*" (any origin) or scheme://host[:port] with scheme http or https, as
// browsers send them in Origin (no path, no trailing slash).
func ParseOrigins(s string) ([]string, error) {
	var out []string
	for _, o := range strings.Split(s, ",") {
		o = strings.TrimSpace(o)
		if o == "" {
			continue
		}
		if o != "*" {
			if !validOrigin(o) {
				return nil, fmt.Errorf("%w %q: want * or scheme://host[:port], e.g. https://example.org", ErrBadOrigin, clip(o))
			}
			o = strings.ToLower(o)
		}
		out = append(out, o)
	}
	return out, nil
}

// validOrigin accepts http(s)://host[:port] with an ASCII host (browsers
// send IDNs in punycode) and nothing after it.
func validOrigin(o string) bool {
	scheme, rest, ok := strings.Cut(o, "://")
	scheme = strings.ToLower(scheme)
	if !ok || (scheme != "http" && scheme != "https") || rest == "" {
		return false
	}
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-.:[]", c) >= 0) {
			return false
		}
	}
	u, err := url.Parse(o)
	if err != nil || u.Hostname() == "" {
		return false
	}
	for _, c := range []byte(u.Port()) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return !strings.HasSuffix(rest, ":")
}

// cors answers browsers' cross-origin requests from the allowed origins. It
// is installed only when origins are configured; without it no
// Access-Control-* header is ever sent and browsers keep pages of other
// origins out. An OPTIONS without Access-Control-Request-Method is not a
// preflight and reaches its route (QGIS reads Allow from it).
func cors(origins []string) echo.MiddlewareFunc {
	anyOrigin := false
	allowed := map[string]bool{}
	for _, o := range origins {
		if o == "*" {
			anyOrigin = true
		}
		allowed[o] = true
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			req := c.Request()
			h := c.Response().Header()
			if !anyOrigin {
				// The answer depends on Origin: caches must keep them apart.
				h.Add(echo.HeaderVary, echo.HeaderOrigin)
			}
			origin := req.Header.Get(echo.HeaderOrigin)
			if origin == "" || !(anyOrigin || allowed[strings.ToLower(origin)]) {
				return next(c)
			}
			if anyOrigin {
				h.Set(echo.HeaderAccessControlAllowOrigin, "*")
			} else {
				h.Set(echo.HeaderAccessControlAllowOrigin, origin)
			}
			if req.Method == http.MethodOptions && req.Header.Get(echo.HeaderAccessControlRequestMethod) != "" {
				h.Set(echo.HeaderAccessControlAllowMethods, corsMethods)
				h.Set(echo.HeaderAccessControlAllowHeaders, corsHeaders)
				h.Set(echo.HeaderAccessControlMaxAge, corsMaxAge)
				return c.NoContent(http.StatusNoContent)
			}
			h.Set(echo.HeaderAccessControlExposeHeaders, corsExposeHeaders)
			return next(c)
		}
	}
}
