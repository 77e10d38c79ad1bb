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
	"kzmap/geo/changes"
	"kzmap/geo/tiles"
	"kzmap/geo/writes"
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

	// Static, when set, serves the map's scripts, styles and images at
	// /assets/* (the package assets; see static.go).
	Static http.Handler

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
	metrics *metrics // this instance's Prometheus registry (metrics.go)
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
	s := &server{Config: cfg}

	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.Logger.SetOutput(io.Discard) // kzmap logs with slog, below
	e.HTTPErrorHandler = errorHandler(cfg.Log)
	e.Pre(middleware.RemoveTrailingSlash())
	// Request ids, access log, metrics, panic recovery (500 problem+json,
	// stack logged), rate limit, body limit, CORS, security headers.
	s.metrics = newMetrics(cfg.Store, func() *tiles.Cache { return s.Tiles })
	s.useMiddleware(e)

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
	s.registerTiles(e, get)
	s.registerOps(e, get)
	s.registerStatic(get)
	s.registerWrites(e)
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
