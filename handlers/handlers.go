// Package handlers is kzmap's HTTP layer, on Echo. It serves:
//
//   - OGC API – Features Part 1 Core: landing page, conformance, the OpenAPI
//     3.0 document (/api), collections, items with bbox, datetime, property
//     filters and paging, single features; in GeoJSON and HTML (landing.go,
//     collections.go, items.go, openapi.go);
//   - OGC API – Features Part 4: create, replace and delete features, and
//     create or replace a whole collection by import, behind a bearer token
//     (writes.go, writebody.go), with a database snapshot (/admin/snapshot);
//   - the change feed of each collection as Server-Sent Events (changes.go);
//   - map tiles: XYZ vector (MVT) and raster (PNG) tiles, TileJSON, and
//     OGC API – Tiles tilesets (tiles.go);
//   - point look-ups and name search (lookup.go, search.go);
//   - health and readiness probes and Prometheus metrics (health.go,
//     metrics.go), and the web map's static files (static.go).
//
// Every route is in one table (routes.go). Handlers parse the request, call
// one thing and answer; every error goes to one error handler that answers
// application/problem+json (RFC 7807). Middlewares (middleware.go, mw_*.go)
// add request ids, access logs, metrics, panic recovery, rate and body
// limits, CORS and security headers.
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
	"kzmap/geo/changes"
	"kzmap/geo/tiles"
	"kzmap/geo/tiles/raster"
	"kzmap/geo/writes"
)

// Config is what the HTTP layer needs.
type Config struct {
	Store geo.Store
	// Names answers /search; without it /search finds nothing.
	Names Searcher
	Log   *slog.Logger
	// AccessLog takes the one line per request (mw_log.go); nil means Log.
	// It may write to a buffer (see LogBuffer): nothing else needs its lines
	// at once.
	AccessLog *slog.Logger
	// MapPage, when set, serves the HTML map at / for browsers; otherwise /
	// in HTML is a plain landing page.
	MapPage http.Handler
	Version string

	// Static, when set, serves the map's scripts, styles and images at
	// /assets/* (the package assets; see static.go).
	Static http.Handler
	// Pages names the script and stylesheet of the HTML pages (their maps);
	// empty, the pages are plain listings.
	Pages PageAssets

	// Tiles caches finished map tiles (see tiles.go); nil gets a cache of
	// DefaultTileCacheBytes. The write service invalidates what writes
	// touch, derived region counts included.
	Tiles *tiles.Cache

	// Hardening and observability (middleware.go, mw_*.go, health.go, metrics.go).
	// Rate is the requests per second allowed per client address, Burst its
	// bucket size (0: twice Rate); Rate 0 turns the limit off.
	Rate  float64
	Burst int
	// CORSOrigins are the origins browsers may call the API from ("*": any);
	// none sends no CORS headers. See ParseOrigins.
	CORSOrigins []string
	// MaxBody is the largest request body in bytes; 0 means DefaultMaxBody.
	MaxBody int64
	// Ready answers /readyz; nil means ready.
	Ready func() bool

	// Writes (writes.go, changes.go): OGC API – Features Part 4 and the
	// change feed. Token, when set and Store is a geo.Writer, enables
	// POST/PUT/DELETE (and GET /admin/snapshot) for requests carrying
	// "Authorization: Bearer <Token>"; without it writes answer 405.
	// MaxVertices bounds the positions of one written feature (0:
	// DefaultMaxVertices); bodies are bounded by MaxBody. Changes is the
	// change feed writes publish to; nil gets a new hub. Close it when the
	// server shuts down, so that open event streams end. Writes is the
	// write service every write goes through; its followers must include
	// the Tiles cache and the Changes hub above. Nil gets one writing to
	// Store (when it is a geo.Writer) with the region counts, the Names
	// index (when it is a writes.NameIndex), Tiles and Changes.
	Token       string
	MaxVertices int
	Changes     *changes.Hub
	Writes      *writes.Service
}

// server holds the configuration the handlers share.
type server struct {
	Config
	metrics    *metrics      // this instance's Prometheus registry (metrics.go)
	tileServer *tiles.Server // tiles from Store through the Tiles cache (tiles.go)
	requestIDs *idSource     // mw_requestid.go
	apiDoc     apiDoc        // the OpenAPI document, built once (openapi.go)
}

// accessLog is the logger of access log lines.
func (s *server) accessLog() *slog.Logger {
	if s.AccessLog != nil {
		return s.AccessLog
	}
	return s.Log
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
	if cfg.Tiles == nil {
		cfg.Tiles = tiles.NewCache(DefaultTileCacheBytes)
	}
	s := &server{Config: cfg, requestIDs: newIDSource(),
		tileServer: &tiles.Server{Store: cfg.Store, Cache: cfg.Tiles, PNG: raster.PNG}}
	if s.Changes == nil {
		s.Changes = changes.New(changes.Options{})
	}
	if s.MaxVertices <= 0 {
		s.MaxVertices = DefaultMaxVertices
	}
	if s.Writes == nil {
		s.Writes = s.defaultWrites()
	}
	if s.writesEnabled() {
		s.Log.Info("handlers: writes enabled (bearer token configured)")
	}

	e := echo.New()
	e.Logger.SetOutput(io.Discard) // kzmap logs with slog, below
	e.HTTPErrorHandler = errorHandler(cfg.Log)
	e.Pre(middleware.RemoveTrailingSlash())
	if s.shortcutTiles() {
		// Cached tiles may skip the middleware chain (see tileShortcut).
		e.Pre(s.tileShortcut)
	}
	// Request ids, access log, metrics, panic recovery (500 problem+json,
	// stack logged), rate limit, body limit, CORS, security headers.
	s.metrics = newMetrics(cfg.Store, func() *tiles.Cache { return s.Tiles })
	s.useMiddleware(e)
	s.addRoutes(e) // routes.go
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
