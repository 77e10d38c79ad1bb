// Package handlers is kzmap's HTTP layer: OGC API – Features Part 1 Core
// (GeoJSON, HTML, OpenAPI 3.0), point look-ups and name search, on Echo.
// Handlers parse the request, ask the store and answer; every error goes to
// one error handler that answers application/problem+json (RFC 7807).
package handlers

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"kzmap/geo"
)

// Config is what the HTTP layer needs.
type Config struct {
	Store geo.Store
	// Names answers /search; without it /search finds nothing.
	Names Searcher
	Log   *slog.Logger
	// MapPage, when set, serves the HTML map at / for browsers; otherwise /
	// in HTML is a plain landing page.
	MapPage http.Handler
	Version string
}

// server holds the configuration the handlers share.
type server struct {
	Config
}

// New returns an Echo instance with every route, the error handler and the
// middlewares.
func New(cfg Config) *echo.Echo {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Names == nil {
		cfg.Log.Warn("handlers: no name index configured; /search will find nothing")
	}
	s := &server{Config: cfg}

	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.Logger.SetOutput(io.Discard) // kzmap logs with slog, below
	e.HTTPErrorHandler = errorHandler(cfg.Log)
	e.Pre(middleware.RemoveTrailingSlash())
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		// Log with slog, then let the error handler answer 500 problem+json.
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			cfg.Log.Error("panic serving request", "method", c.Request().Method,
				"path", c.Request().URL.Path, "err", err, "stack", string(stack))
			return err
		},
	}))

	get := func(path string, h echo.HandlerFunc) {
		e.Match([]string{http.MethodGet, http.MethodHead}, path, h)
	}
	get("/", s.landing)
	get("/conformance", s.conformance)
	get("/api", s.api)
	get("/collections", s.collections)
	get("/collections/:collectionId", s.collection)
	get("/collections/:collectionId/items", s.items)
	e.OPTIONS("/collections/:collectionId/items", s.itemsOptions)
	get("/collections/:collectionId/items/:featureId", s.item)
	e.OPTIONS("/collections/:collectionId/items/:featureId", s.itemOptions)
	get("/collections/:collectionId/lookup", s.collectionLookup)
	get("/lookup", s.lookup)
	get("/search", s.search)
	return e
}

// pathParam returns a path parameter decoded. Echo matches on the raw path
// when the request had escapes Go would not produce (e.g. %2F), and then
// hands parameters over still escaped.
func pathParam(c echo.Context, name string) string {
	v := c.Param(name)
	if c.Request().URL.RawPath != "" {
		if u, err := url.PathUnescape(v); err == nil {
			return u
		}
	}
	return v
}

// marshal encodes v as JSON without HTML escaping (links carry & and <>).
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeJSON answers v as JSON with the given content type.
func writeJSON(c echo.Context, ctype string, v any) error {
	b, err := marshal(v)
	if err != nil {
		return err
	}
	c.Response().Header().Add(echo.HeaderVary, echo.HeaderAccept)
	return c.Blob(http.StatusOK, ctype, b)
}
