package handlers

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb/maptile"

	"kzmap/geo"
	"kzmap/geo/tiles"
)

// Tile routes: parse the path, ask tiles.Server.Get, answer what it says.
// Everything about tiles themselves (cache, gzip, ETags, layers, the
// documents) is in geo/tiles.

// Media types of tiles.
const (
	ContentTypeMVT = tiles.ContentTypeMVT
	ContentTypePNG = tiles.ContentTypePNG
)

// Tile serving limits and defaults.
const (
	// DefaultTileCacheBytes is the tile cache budget when Config.Tiles is nil.
	DefaultTileCacheBytes = 256 << 20
	// TileMaxAge is how long clients and proxies may reuse a tile.
	TileMaxAge = tiles.MaxAge
	// MaxTileLayers bounds the comma-separated ids of one tile request.
	MaxTileLayers = tiles.MaxLayers
	// WebMercatorQuad is the only tile matrix set served.
	WebMercatorQuad = tiles.WebMercatorQuad
)

// Header values shared by every tile answer. They are assigned to the header
// map directly (canonical keys, no copies): the hot path of a cached tile
// allocates as little as net/http lets it. Nothing appends to them in place
// (their capacity equals their length, so an append copies).
var (
	hdrMVT          = []string{ContentTypeMVT}
	hdrPNG          = []string{ContentTypePNG}
	hdrCacheControl = []string{"public, max-age=" + strconv.Itoa(TileMaxAge)}
	hdrVaryEncoding = []string{"Accept-Encoding"}
	hdrGzip         = []string{"gzip"}
	hdrNoSniff      = []string{"nosniff"}
)

// tileParams names the path parameters of a tile address in error answers:
// z/x/y on /tiles, tileMatrix/tileCol/tileRow on the OGC path.
type tileParams struct{ z, x, y string }

var (
	xyzParams = tileParams{"z", "x", "y"}
	ogcParams = tileParams{"tileMatrix", "tileCol", "tileRow"}
)

// tileAddr is a parsed tile path.
type tileAddr struct {
	tile   maptile.Tile
	format tiles.Format
}

// parseTilePath reads the last three segments of /tiles/{ids}/{z}/{x}/{y}.ext
// where ext is mvt, png or @2x.png. Errors are *ParamError naming the segment.
func parseTilePath(z, x, file string) (tileAddr, error) {
	var a tileAddr
	var y string
	switch {
	case strings.HasSuffix(file, ".mvt"):
		y, a.format = file[:len(file)-len(".mvt")], tiles.FormatMVT
	case strings.HasSuffix(file, "@2x.png"):
		y, a.format = file[:len(file)-len("@2x.png")], tiles.FormatPNG2x
	case strings.HasSuffix(file, ".png"):
		y, a.format = file[:len(file)-len(".png")], tiles.FormatPNG
	default:
		return a, &ParamError{Param: "format", Reason: "tile path must end in .mvt, .png or @2x.png"}
	}
	t, err := parseTile(xyzParams, z, x, y)
	a.tile = t
	return a, err
}

// parseTile checks a tile address, naming the bad parameter in the error.
func parseTile(names tileParams, z, x, y string) (maptile.Tile, error) {
	t, err := tiles.ParseTile(z, x, y)
	if err == nil {
		return t, nil
	}
	var ae *tiles.AddressError
	if !errors.As(err, &ae) {
		return t, err
	}
	param := names.y
	switch ae.Part {
	case "z":
		param = names.z
	case "x":
		param = names.x
	}
	return t, &ParamError{Param: param, Reason: param + " " + ae.Reason}
}

// tileErr turns the errors of tiles.Server about the layer list into the
// client's: 400 naming collectionId, or 404 for the unknown id.
func tileErr(err error) error {
	var le *tiles.LayerError
	switch {
	case errors.Is(err, tiles.ErrTooManyLayers):
		return paramErr("collectionId", "at most %d comma-separated ids", MaxTileLayers)
	case errors.As(err, &le):
		return storeErr(le.Err, le.ID, "")
	}
	return err
}

// tile serves /tiles/{ids}/{z}/{x}/{y}.mvt|.png|@2x.png.
func (s *server) tile(c echo.Context) error {
	a, err := parseTilePath(c.Param("z"), c.Param("x"), c.Param("tile"))
	if err != nil {
		return err
	}
	return s.serveTile(c, pathParam(c, "tileIds"), a)
}

// ogcTile serves /collections/{id}/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}.
func (s *server) ogcTile(c echo.Context) error {
	t, err := parseTile(ogcParams, c.Param("tileMatrix"), c.Param("tileCol"), c.Param("tileRow"))
	if err != nil {
		return err
	}
	// The OGC path names one collection; a comma here is part of an id.
	id := pathParam(c, "collectionId")
	if strings.IndexByte(id, ',') >= 0 {
		return &NotFoundError{Kind: "collection", ID: id, Err: geo.ErrNoCollection}
	}
	return s.serveTile(c, id, tileAddr{tile: t, format: tiles.FormatMVT})
}

// serveTile answers a tile.
func (s *server) serveTile(c echo.Context, ids string, a tileAddr) error {
	resp, err := s.getTile(c.Request(), ids, a)
	if err != nil {
		return tileErr(err)
	}
	return writeTile(c, resp)
}

// getTile asks the tile server for a parsed tile request.
func (s *server) getTile(req *http.Request, ids string, a tileAddr) (tiles.Response, error) {
	return s.tileServer.Get(tiles.Request{
		Layers: ids, Tile: a.tile, Format: a.format,
		AcceptGzip:  acceptsGzip(req.Header.Get("Accept-Encoding")),
		IfNoneMatch: req.Header.Get("If-None-Match"),
	})
}

// writeTile writes a tile answer. A cached tile's answer allocates nothing
// here: header values are shared slices and the bytes are written as they
// are.
func writeTile(c echo.Context, r tiles.Response) error {
	hv := tileHeaderMemo.of(r.ETag, len(r.Body), r.Status == tiles.StatusOK)
	h := c.Response().Header()
	h["Etag"] = hv.etag
	h["Cache-Control"] = hdrCacheControl
	if r.VaryEncoding {
		// Keep what middleware said varies (CORS: Origin).
		if v := h["Vary"]; len(v) > 0 {
			h["Vary"] = append(v, hdrVaryEncoding...)
		} else {
			h["Vary"] = hdrVaryEncoding
		}
	}
	if r.Status != tiles.StatusOK {
		c.Response().WriteHeader(r.Status)
		return nil
	}
	if r.ContentType == ContentTypeMVT {
		h["Content-Type"] = hdrMVT
	} else {
		h["Content-Type"] = hdrPNG
	}
	if r.Gzip {
		h["Content-Encoding"] = hdrGzip
	}
	h["Content-Length"] = hv.length
	c.Response().WriteHeader(http.StatusOK)
	_, err := c.Response().Write(r.Body)
	return err
}

// tileHeaderValues are the per-tile header values of a cached tile, made
// once so that a hit allocates none.
type tileHeaderValues struct {
	etag, length []string
}

// headerMemo maps ETags (one per distinct tile content) to their header
// values. It is a memo, not the cache: it holds at most maxMemo entries and
// starts afresh beyond, so invalidated tiles do not pile up.
type headerMemo struct {
	m sync.Map // string (ETag) → *tileHeaderValues
	n atomic.Int64
}

const maxMemo = 1 << 16

// tileHeaderMemo is shared by every server: an ETag is a hash of the tile's
// bytes, so equal ETags have equal header values wherever they come from.
var tileHeaderMemo headerMemo

// of gives the header values of a tile answer. Only a 200 (withBody) knows
// the tile's length: an ETag first seen in a 304 or 204 is remembered
// without one, and the tile's first 200 completes the entry, so a bodiless
// answer never lends its length to the tile's 200s.
func (hm *headerMemo) of(etag string, length int, withBody bool) *tileHeaderValues {
	v, ok := hm.m.Load(etag)
	if ok && (!withBody || v.(*tileHeaderValues).length != nil) {
		return v.(*tileHeaderValues)
	}
	hv := &tileHeaderValues{etag: []string{etag}}
	if ok {
		hv.etag = v.(*tileHeaderValues).etag
	}
	if withBody {
		hv.length = []string{strconv.Itoa(length)}
	}
	if ok {
		hm.m.Store(etag, hv) // completes an entry made by a 304 or 204
		return hv
	}
	if _, loaded := hm.m.LoadOrStore(etag, hv); !loaded && hm.n.Add(1) > maxMemo {
		hm.m.Clear()
		hm.n.Store(0)
	}
	return hv
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip (RFC
// 9110 §12.5.3: "gzip" or "*" with a non-zero q), without allocating.
func acceptsGzip(h string) bool {
	for h != "" {
		var part string
		part, h, _ = strings.Cut(h, ",")
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.TrimSpace(coding)
		if !strings.EqualFold(coding, "gzip") && !strings.EqualFold(coding, "x-gzip") && coding != "*" {
			continue
		}
		return !zeroQ(params)
	}
	return false
}

// zeroQ reports whether coding parameters carry q=0 (q=0, q=0.0, q=0.000).
func zeroQ(params string) bool {
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		v = strings.TrimSpace(v)
		if v == "" || v[0] != '0' {
			return false
		}
		for i := 1; i < len(v); i++ {
			if v[i] != '.' && v[i] != '0' {
				return false
			}
		}
		return true
	}
	return false
}

// tileJSON serves /tiles/{ids}/tilejson.json.
func (s *server) tileJSON(c echo.Context) error {
	if err := onlyJSONFormat(c); err != nil {
		return err
	}
	cols, err := s.tileServer.Collections(pathParam(c, "tileIds"))
	if err != nil {
		return tileErr(err)
	}
	return writeJSON(c, ContentTypeJSON, tiles.TileJSON(base(c), cols, 0, tiles.DefaultMaxZoom))
}

// tileSets serves /collections/{id}/tiles.
func (s *server) tileSets(c echo.Context) error {
	if err := onlyJSONFormat(c); err != nil {
		return err
	}
	id := pathParam(c, "collectionId")
	col, err := s.Store.Collection(id)
	if err != nil {
		return storeErr(err, id, "")
	}
	return writeJSON(c, ContentTypeJSON, tiles.TileSetList(base(c), col))
}

// tileSet serves /collections/{id}/tiles/WebMercatorQuad.
func (s *server) tileSet(c echo.Context) error {
	if err := onlyJSONFormat(c); err != nil {
		return err
	}
	id := pathParam(c, "collectionId")
	col, err := s.Store.Collection(id)
	if err != nil {
		return storeErr(err, id, "")
	}
	return writeJSON(c, ContentTypeJSON, tiles.TileSetOf(base(c), col))
}

// shortcutTiles reports whether tile requests may take the shortcut before
// routing (see tileShortcut): only where it changes nothing a client or an
// operator sees, with no rate limit and no CORS, both of which must see
// tile requests. The shortcut writes the access log line and the metrics
// itself, so the log level does not matter.
func (s *server) shortcutTiles() bool {
	return s.Rate <= 0 && len(s.CORSOrigins) == 0
}

// tileRoute is the route of /tiles/{ids}/{z}/{x}/{y}.ext; the shortcut
// records its metrics under the same name.
const tileRoute = "/tiles/:tileIds/:z/:x/:tile"

// tileShortcut is an Echo Pre middleware: it answers well-formed
// /tiles/{ids}/{z}/{x}/{y}.ext requests before routing, with what the
// router and middleware chain would give them (the tile, a request id,
// nosniff, the access log line, the request metrics) for a fraction of the
// chain's cost, and hands everything else (errors included) to the router.
// It is installed only without a rate limit or CORS, which must see every
// request; the middlewares it leaves out (recover, body limit) have nothing
// to do for a tile.
func (s *server) tileShortcut(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		req := c.Request()
		if req.Method != http.MethodGet && req.Method != http.MethodHead || req.URL.RawPath != "" {
			return next(c)
		}
		rest, ok := strings.CutPrefix(req.URL.Path, "/tiles/")
		if !ok {
			return next(c)
		}
		ids, rest, _ := strings.Cut(rest, "/")
		z, rest, _ := strings.Cut(rest, "/")
		x, file, _ := strings.Cut(rest, "/")
		if ids == "" || strings.IndexByte(file, '/') >= 0 {
			return next(c)
		}
		a, err := parseTilePath(z, x, file)
		if err != nil {
			return next(c)
		}
		resp, err := s.getTile(req, ids, a)
		if err != nil {
			return next(c) // the routed handler answers the error
		}
		id := s.requestIDs.of(req)
		h := c.Response().Header()
		h[echo.HeaderXRequestID] = id
		h["X-Content-Type-Options"] = hdrNoSniff
		err = writeTile(c, resp)
		res := c.Response()
		s.metrics.record(tileRoute, req.Method, res.Status, start)
		logRequest(req.Context(), s.accessLog(), id[0], req, res.Status, res.Size, start)
		return err
	}
}
