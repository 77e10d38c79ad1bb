package handlers

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"log/slog"
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
	"kzmap/geo/tiles/raster"
)

// Media types of tiles.
const (
	ContentTypeMVT = "application/vnd.mapbox-vector-tile"
	ContentTypePNG = "image/png"
)

// Tile serving limits and defaults.
const (
	// DefaultTileCacheBytes is the tile cache budget when Config.Tiles is nil.
	DefaultTileCacheBytes = 256 << 20
	// TileMaxAge is how long clients and proxies may reuse a tile without
	// asking again: short, so that a write shows on the map within a minute.
	TileMaxAge = 60
	// MaxTileLayers bounds the comma-separated ids of one tile request.
	MaxTileLayers = 16
	// WebMercatorQuad is the only tile matrix set served.
	WebMercatorQuad = "WebMercatorQuad"
)

// URIs of OGC API – Tiles metadata.
const (
	tmsURI          = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
	tmsDefinition   = "https://raw.githubusercontent.com/opengeospatial/2D-Tile-Matrix-Set/master/registry/json/WebMercatorQuad.json"
	crs3857         = "http://www.opengis.net/def/crs/EPSG/0/3857"
	relTilingScheme = "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"
	relTilesVector  = "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"
)

// Cache key formats. The gzipped MVT is an entry of its own so that a hit
// costs no compression; it is derived from the plain entry.
const (
	keyMVT     = "mvt"
	keyMVTGzip = "mvt+gzip"
	keyPNG     = "png"
	keyPNG2x   = "png@2x"
)

// tileFormat is what a tile path asks for.
type tileFormat uint8

const (
	formatMVT tileFormat = iota
	formatPNG
	formatPNG2x
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
)

// tileAddr is a parsed tile path.
type tileAddr struct {
	tile   maptile.Tile
	format tileFormat
}

// tileParams names the path parameters of a tile address in error answers:
// z/x/y on /tiles, tileMatrix/tileCol/tileRow on the OGC path.
type tileParams struct{ z, x, y string }

var (
	xyzParams = tileParams{"z", "x", "y"}
	ogcParams = tileParams{"tileMatrix", "tileCol", "tileRow"}
)

// parseTilePath reads the last three segments of /tiles/{ids}/{z}/{x}/{y}.ext
// where ext is mvt, png or @2x.png. Errors are *ParamError naming the segment.
func parseTilePath(z, x, file string) (tileAddr, error) {
	var a tileAddr
	var y string
	switch {
	case strings.HasSuffix(file, ".mvt"):
		y, a.format = file[:len(file)-len(".mvt")], formatMVT
	case strings.HasSuffix(file, "@2x.png"):
		y, a.format = file[:len(file)-len("@2x.png")], formatPNG2x
	case strings.HasSuffix(file, ".png"):
		y, a.format = file[:len(file)-len(".png")], formatPNG
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
	// ParseTile checks z, then x, then y: find the first that fails.
	param := names.y
	if _, e := tiles.ParseTile(z, "0", "0"); e != nil {
		param = names.z
	} else if _, e := tiles.ParseTile(z, x, "0"); e != nil {
		param = names.x
	}
	reason := strings.TrimPrefix(err.Error(), tiles.ErrBadTile.Error()+": ")
	// The reason names z/x/y; on the OGC path say which of its names it is.
	if names != xyzParams {
		if _, rest, ok := strings.Cut(reason, " "); ok {
			reason = param + " " + rest
		}
	}
	return t, &ParamError{Param: param, Reason: reason}
}

// tileLayers splits a comma-separated id list and checks every id names a
// collection.
func (s *server) tileLayers(ids string) ([]string, error) {
	layers := strings.Split(ids, ",")
	if len(layers) > MaxTileLayers {
		return nil, paramErr("collectionId", "at most %d comma-separated ids", MaxTileLayers)
	}
	for _, id := range layers {
		if _, err := s.Store.Collection(id); err != nil {
			return nil, storeErr(err, id, "")
		}
	}
	return layers, nil
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
	return s.serveTile(c, id, tileAddr{tile: t, format: formatMVT})
}

// serveTile answers a tile from the cache. A hit does no parsing beyond the
// path, no encoding and (nearly) no allocation: header values are shared
// slices and the cached bytes are written as they are.
func (s *server) serveTile(c echo.Context, ids string, a tileAddr) error {
	req := c.Request()
	key := tileKey(ids, a, req)
	e, err := s.Tiles.Get(key, func() ([]byte, error) { return s.renderTile(key) })
	if err != nil {
		return err
	}
	return writeTile(c, a.format, key.Format == keyMVTGzip, e)
}

// writeTile answers a tile: 304 when If-None-Match matches, 204 when it is
// empty, else its bytes.
func writeTile(c echo.Context, format tileFormat, gz bool, e tiles.Entry) error {
	req := c.Request()
	hv := tileHeaderMemo.of(e)
	h := c.Response().Header()
	h["Etag"] = hv.etag
	h["Cache-Control"] = hdrCacheControl
	if format == formatMVT {
		// Keep what middleware said varies (CORS: Origin).
		if v := h["Vary"]; len(v) > 0 {
			h["Vary"] = append(v, hdrVaryEncoding...)
		} else {
			h["Vary"] = hdrVaryEncoding
		}
	}
	if etagMatch(req.Header.Get("If-None-Match"), e.ETag) {
		c.Response().WriteHeader(http.StatusNotModified)
		return nil
	}
	if len(e.Data) == 0 {
		c.Response().WriteHeader(http.StatusNoContent)
		return nil
	}
	if format == formatMVT {
		h["Content-Type"] = hdrMVT
		if gz {
			h["Content-Encoding"] = hdrGzip
		}
	} else {
		h["Content-Type"] = hdrPNG
	}
	h["Content-Length"] = hv.length
	c.Response().WriteHeader(http.StatusOK)
	_, err := c.Response().Write(e.Data)
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

func (hm *headerMemo) of(e tiles.Entry) *tileHeaderValues {
	if v, ok := hm.m.Load(e.ETag); ok {
		return v.(*tileHeaderValues)
	}
	hv := &tileHeaderValues{etag: []string{e.ETag}, length: []string{strconv.Itoa(len(e.Data))}}
	if _, loaded := hm.m.LoadOrStore(e.ETag, hv); !loaded && hm.n.Add(1) > maxMemo {
		hm.m.Clear()
		hm.n.Store(0)
	}
	return hv
}

// tileKey is the cache key of a tile request: gzip or not follows the
// client's Accept-Encoding.
func tileKey(ids string, a tileAddr, req *http.Request) tiles.Key {
	k := tiles.Key{Layers: ids, Tile: a.tile}
	switch a.format {
	case formatMVT:
		k.Format = keyMVT
		if acceptsGzip(req.Header.Get("Accept-Encoding")) {
			k.Format = keyMVTGzip
		}
	case formatPNG:
		k.Format = keyPNG
	default:
		k.Format = keyPNG2x
	}
	return k
}

// renderTile computes the bytes of a cache key (nil for an empty tile).
func (s *server) renderTile(k tiles.Key) ([]byte, error) {
	layers, err := s.tileLayers(k.Layers)
	if err != nil {
		return nil, err
	}
	switch k.Format {
	case keyMVT:
		return tiles.MVT(s.Store, layers, k.Tile)
	case keyMVTGzip:
		// From the plain tile, cached or made now, so both agree.
		plain, err := s.Tiles.Get(tiles.Key{Layers: k.Layers, Format: keyMVT, Tile: k.Tile},
			func() ([]byte, error) { return tiles.MVT(s.Store, layers, k.Tile) })
		if err != nil || len(plain.Data) == 0 {
			return nil, err
		}
		return gzipBytes(plain.Data)
	case keyPNG:
		return raster.PNG(s.Store, layers, k.Tile, 1)
	case keyPNG2x:
		return raster.PNG(s.Store, layers, k.Tile, 2)
	}
	return nil, errors.New("handlers: unknown tile format " + k.Format)
}

func gzipBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(b)/2 + 64)
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
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

// etagMatch applies If-None-Match's weak comparison (RFC 9110 §13.1.2):
// "*" or any listed tag equal to etag, ignoring W/ prefixes.
func etagMatch(header, etag string) bool {
	if header == "" {
		return false
	}
	etag = strings.TrimPrefix(etag, "W/")
	for header != "" {
		var t string
		t, header, _ = strings.Cut(header, ",")
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// tileJSON serves /tiles/{ids}/tilejson.json.
func (s *server) tileJSON(c echo.Context) error {
	if err := onlyJSONFormat(c); err != nil {
		return err
	}
	layers, err := s.tileLayers(pathParam(c, "tileIds"))
	if err != nil {
		return err
	}
	cols := make([]geo.Collection, 0, len(layers))
	for _, id := range layers {
		col, err := s.Store.Collection(id)
		if err != nil {
			return storeErr(err, id, "")
		}
		cols = append(cols, col)
	}
	doc := tiles.TileJSON(base(c), cols, 0, tiles.DefaultMaxZoom)
	// Escape ids in the URL template as a path segment would be.
	esc := make([]string, len(layers))
	for i, id := range layers {
		esc[i] = pathEsc(id)
	}
	doc["tiles"] = []string{base(c) + "/tiles/" + strings.Join(esc, ",") + "/{z}/{x}/{y}.mvt"}
	return writeJSON(c, ContentTypeJSON, doc)
}

// TileSet is an OGC API – Tiles tileset description (OGC 17-083r4 "TileSet"
// in short form in the list, in full at its own path).
type TileSet struct {
	Title            string         `json:"title,omitempty"`
	Description      string         `json:"description,omitempty"`
	DataType         string         `json:"dataType"`
	CRS              string         `json:"crs"`
	TileMatrixSetURI string         `json:"tileMatrixSetURI"`
	Attribution      string         `json:"attribution,omitempty"`
	Limits           []TileLimits   `json:"tileMatrixSetLimits,omitempty"`
	BoundingBox      *TileSetBBox   `json:"boundingBox,omitempty"`
	Layers           []TileSetLayer `json:"layers,omitempty"`
	Links            []Link         `json:"links"`
}

// TileLimits are the tile rows and columns of one zoom that hold data.
type TileLimits struct {
	TileMatrix string `json:"tileMatrix"`
	MinTileRow uint32 `json:"minTileRow"`
	MaxTileRow uint32 `json:"maxTileRow"`
	MinTileCol uint32 `json:"minTileCol"`
	MaxTileCol uint32 `json:"maxTileCol"`
}

// TileSetBBox is a tileset's extent in CRS84.
type TileSetBBox struct {
	LowerLeft  [2]float64 `json:"lowerLeft"`
	UpperRight [2]float64 `json:"upperRight"`
	CRS        string     `json:"crs"`
}

// TileSetLayer describes the one MVT layer of a collection's tiles.
type TileSetLayer struct {
	ID               string         `json:"id"`
	Title            string         `json:"title,omitempty"`
	DataType         string         `json:"dataType"`
	GeometryType     string         `json:"geometryType,omitempty"`
	MinTileMatrix    string         `json:"minTileMatrix"`
	MaxTileMatrix    string         `json:"maxTileMatrix"`
	PropertiesSchema map[string]any `json:"propertiesSchema,omitempty"`
}

// TileSets is the /collections/{id}/tiles document.
type TileSets struct {
	Links    []Link    `json:"links"`
	TileSets []TileSet `json:"tilesets"`
}

func (s *server) tileSetOf(c echo.Context, col geo.Collection, full bool) TileSet {
	b := base(c)
	p := b + "/collections/" + pathEsc(col.ID) + "/tiles/" + WebMercatorQuad
	ts := TileSet{
		Title:            col.Title,
		DataType:         "vector",
		CRS:              crs3857,
		TileMatrixSetURI: tmsURI,
		Links: []Link{
			{Href: p, Rel: "self", Type: ContentTypeJSON, Title: "This tileset"},
			{Href: tmsDefinition, Rel: relTilingScheme, Type: ContentTypeJSON, Title: "WebMercatorQuad definition"},
			{Href: p + "/{tileMatrix}/{tileRow}/{tileCol}", Rel: "item", Type: ContentTypeMVT, Title: "Vector tiles", Templated: true},
			{Href: b + "/tiles/" + pathEsc(col.ID) + "/tilejson.json", Rel: "describedby", Type: ContentTypeJSON, Title: "TileJSON 3.0.0"},
		},
	}
	if !full {
		return ts
	}
	ts.Description = col.Description
	ts.Attribution = col.Attribution
	props := map[string]any{"id": map[string]any{"type": "string"}}
	for _, f := range col.Fields {
		typ := f.Type
		if typ == "" {
			typ = "string"
		}
		props[f.Name] = map[string]any{"type": typ}
	}
	ts.Layers = []TileSetLayer{{
		ID: col.ID, Title: col.Title, DataType: "vector", GeometryType: ogcGeometryType(col.GeometryType),
		MinTileMatrix: "0", MaxTileMatrix: strconv.Itoa(tiles.DefaultMaxZoom),
		PropertiesSchema: map[string]any{"type": "object", "properties": props},
	}}
	if col.Count > 0 && !col.Bound.IsZero() {
		bd := col.Bound
		ts.BoundingBox = &TileSetBBox{LowerLeft: [2]float64{bd.Min[0], bd.Min[1]}, UpperRight: [2]float64{bd.Max[0], bd.Max[1]}, CRS: CRS84}
		for z := 0; z <= tiles.DefaultMaxZoom; z++ {
			lo, hi := tiles.Range(bd, maptile.Zoom(z))
			ts.Limits = append(ts.Limits, TileLimits{TileMatrix: strconv.Itoa(z),
				MinTileRow: lo.Y, MaxTileRow: hi.Y, MinTileCol: lo.X, MaxTileCol: hi.X})
		}
	}
	return ts
}

// ogcGeometryType maps GeoJSON geometry type names to the tileset layer's
// geometryType vocabulary (points, lines, polygons).
func ogcGeometryType(t string) string {
	switch t {
	case "Point", "MultiPoint":
		return "points"
	case "LineString", "MultiLineString":
		return "lines"
	case "Polygon", "MultiPolygon":
		return "polygons"
	}
	return ""
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
	p := base(c) + "/collections/" + pathEsc(col.ID)
	doc := TileSets{
		Links: []Link{
			{Href: p + "/tiles", Rel: "self", Type: ContentTypeJSON, Title: "Tilesets of this collection"},
			{Href: p, Rel: "collection", Type: ContentTypeJSON, Title: "The collection"},
		},
		TileSets: []TileSet{s.tileSetOf(c, col, false)},
	}
	return writeJSON(c, ContentTypeJSON, doc)
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
	return writeJSON(c, ContentTypeJSON, s.tileSetOf(c, col, true))
}

// tileRoute is the route of /tiles/{ids}/{z}/{x}/{y}.ext; the shortcut
// records its metrics under the same name.
const tileRoute = "/tiles/:tileIds/:z/:x/:tile"

// shortcutTiles reports whether tile requests may skip the middleware
// chain. The chain costs about a sixth of a cached tile's server time (a
// request id, a per-request logger, metrics, headers), which issue 3's
// throughput target cannot afford. Skipping it is only allowed where it
// changes no answer and loses no log line: no rate limit, no CORS (both
// must see tile requests), and no per-request access log (log level above
// Info, as nginx's access_log off). Answers still count in the request
// metrics under the tile route; they carry no X-Request-Id, since nothing
// logs them.
func (s *server) shortcutTiles() bool {
	return s.Rate <= 0 && len(s.CORSOrigins) == 0 &&
		!s.Log.Enabled(context.Background(), slog.LevelInfo)
}

var hdrNoSniff = []string{"nosniff"}

// tileShortcut is an Echo Pre middleware: it answers well-formed
// /tiles/{ids}/{z}/{x}/{y}.ext requests before routing, with the same
// answer serveTile gives, and hands everything else (errors included) to
// the router and the middleware chain.
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
		k := tileKey(ids, a, req)
		e, err := s.Tiles.Get(k, func() ([]byte, error) { return s.renderTile(k) })
		if err != nil {
			return next(c) // the routed handler answers the error
		}
		c.Response().Header()["X-Content-Type-Options"] = hdrNoSniff
		err = writeTile(c, a.format, k.Format == keyMVTGzip, e)
		s.metrics.record(tileRoute, req.Method, c.Response().Status, start)
		return err
	}
}
