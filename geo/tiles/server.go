package tiles

import (
	"errors"
	"fmt"
	"strings"

	"github.com/paulmach/orb/maptile"

	"kzmap/geo"
)

// Server answers tile requests from the cache, rendering what is missing:
// the whole of tile serving except the protocol. Get returns the status,
// bytes and entity tag a protocol adapter sends (the shape of go-pmtiles'
// Server.Get); handlers/tiles.go is the adapter for HTTP.
type Server struct {
	Store Store
	Cache *Cache
	// PNG draws raster tiles (raster.PNG, which imports this package);
	// without it PNG requests fail with ErrNoRaster.
	PNG func(src Source, layers []string, t maptile.Tile, scale int) ([]byte, error)
}

// Store is what a Server reads: collections and their features (geo.Store
// satisfies it).
type Store interface {
	Source
	Collection(id string) (geo.Collection, error)
}

// Format is the encoding a request asks for.
type Format uint8

const (
	FormatMVT   Format = iota // Mapbox Vector Tile 2.1
	FormatPNG                 // 256-pixel PNG
	FormatPNG2x               // 512-pixel PNG
)

// Media types of tiles.
const (
	ContentTypeMVT = "application/vnd.mapbox-vector-tile"
	ContentTypePNG = "image/png"
)

// Limits and defaults of tile serving.
const (
	// MaxAge is how long, in seconds, clients and proxies may reuse a tile
	// without asking again: short, so that a write shows on the map within
	// a minute.
	MaxAge = 60
	// MaxLayers bounds the collections of one tile.
	MaxLayers = 16
)

// Cache key formats: a gzipped MVT is an entry of its own, made from the
// plain one, so that a hit costs no compression.
const (
	keyMVT     = "mvt"
	keyMVTGzip = "mvt+gzip"
	keyPNG     = "png"
	keyPNG2x   = "png@2x"
)

// Statuses of a Response: HTTP's codes, which every tile protocol kzmap
// speaks shares.
const (
	StatusOK          = 200
	StatusNoContent   = 204
	StatusNotModified = 304
)

// Request is one tile request.
type Request struct {
	// Layers is the comma-separated collection ids, one layer each, in
	// the order of the tile's layers.
	Layers string
	Tile   maptile.Tile
	Format Format
	// AcceptGzip says the client takes a gzip-compressed MVT.
	AcceptGzip bool
	// IfNoneMatch is the client's If-None-Match value ("" for none): a
	// match answers StatusNotModified.
	IfNoneMatch string
}

// Response is the answer to a Request.
type Response struct {
	// Status is StatusOK, StatusNoContent (an empty tile) or
	// StatusNotModified.
	Status int
	// Body is the tile, gzip-compressed when Gzip; nil unless StatusOK.
	Body []byte
	// ETag is the strong entity tag of this representation, for every status.
	ETag        string
	ContentType string // set with StatusOK
	Gzip        bool   // Body is gzip (Content-Encoding: gzip)
	// VaryEncoding says the representation depends on AcceptGzip (every
	// MVT answer: Vary: Accept-Encoding).
	VaryEncoding bool
}

// Errors of Get besides the store's: a layer list that is too long, a
// layer that names no collection (*LayerError), a PNG without a renderer.
var (
	ErrTooManyLayers = fmt.Errorf("tiles: more than %d layers", MaxLayers)
	ErrNoRaster      = errors.New("tiles: no raster renderer")
)

// LayerError is a layer Get cannot serve; Err is the store's error
// (geo.ErrNoCollection for an unknown id).
type LayerError struct {
	ID  string
	Err error
}

func (e *LayerError) Error() string { return fmt.Sprintf("tiles: layer %q: %v", e.ID, e.Err) }
func (e *LayerError) Unwrap() error { return e.Err }

// Get answers r. A cached tile costs a cache look-up and no allocation. An
// MVT's first request gets it uncompressed whatever the client accepts: the
// compression would cost more than the bytes it saves on a tile that may
// never be asked for again; a tile asked for again by a client that takes
// gzip is compressed once and the compressed bytes cached beside the plain
// ones. The layers are checked when the tile is rendered (a cached tile's
// layers were checked then; deleting a collection purges its tiles).
func (s *Server) Get(r Request) (Response, error) {
	var (
		e   Entry
		gz  bool
		err error
	)
	switch r.Format {
	case FormatMVT:
		e, gz, err = s.mvt(r)
	case FormatPNG:
		e, _, err = s.Cache.get(Key{Layers: r.Layers, Format: keyPNG, Tile: r.Tile}, func() ([]byte, error) { return s.png(r.Layers, r.Tile, 1) })
	case FormatPNG2x:
		e, _, err = s.Cache.get(Key{Layers: r.Layers, Format: keyPNG2x, Tile: r.Tile}, func() ([]byte, error) { return s.png(r.Layers, r.Tile, 2) })
	default:
		return Response{}, fmt.Errorf("tiles: unknown format %d", r.Format)
	}
	if err != nil {
		return Response{}, err
	}
	resp := Response{ETag: e.ETag, VaryEncoding: r.Format == FormatMVT}
	switch {
	case ETagMatch(r.IfNoneMatch, e.ETag):
		resp.Status = StatusNotModified
	case len(e.Data) == 0:
		resp.Status = StatusNoContent
	default:
		resp.Status, resp.Body, resp.Gzip = StatusOK, e.Data, gz
		resp.ContentType = ContentTypeMVT
		if r.Format != FormatMVT {
			resp.ContentType = ContentTypePNG
		}
	}
	return resp, nil
}

// mvt returns the entry that answers an MVT request and whether it is the
// gzipped one (see Get).
func (s *Server) mvt(r Request) (Entry, bool, error) {
	plainKey := Key{Layers: r.Layers, Format: keyMVT, Tile: r.Tile}
	render := func() ([]byte, error) { return s.mvtBytes(r.Layers, r.Tile) }
	if !r.AcceptGzip {
		e, _, err := s.Cache.get(plainKey, render)
		return e, false, err
	}
	gzKey := Key{Layers: r.Layers, Format: keyMVTGzip, Tile: r.Tile}
	if e, ok := s.Cache.lookup(gzKey); ok {
		if r.IfNoneMatch != "" && !ETagMatch(r.IfNoneMatch, e.ETag) {
			// A client holding the plain tile revalidates it.
			if p, ok := s.Cache.lookup(plainKey); ok && ETagMatch(r.IfNoneMatch, p.ETag) {
				return p, false, nil
			}
		}
		return e, true, nil
	}
	plain, had, err := s.Cache.get(plainKey, render)
	if err != nil || !had || len(plain.Data) == 0 || ETagMatch(r.IfNoneMatch, plain.ETag) {
		// First request, empty tile, or the client holds the plain tile
		// already: the plain entry answers.
		return plain, false, err
	}
	e, _, err := s.Cache.get(gzKey, func() ([]byte, error) {
		// The plain tile is read again inside the gzipped entry's
		// computation, so that an invalidation meanwhile drops both.
		p, err := s.Cache.Get(plainKey, render)
		if err != nil || len(p.Data) == 0 {
			return nil, err
		}
		return gzipBytes(p.Data)
	})
	return e, true, err
}

func (s *Server) mvtBytes(ids string, t maptile.Tile) ([]byte, error) {
	layers, err := s.layers(ids)
	if err != nil {
		return nil, err
	}
	return MVT(s.Store, layers, t)
}

func (s *Server) png(ids string, t maptile.Tile, scale int) ([]byte, error) {
	if s.PNG == nil {
		return nil, ErrNoRaster
	}
	layers, err := s.layers(ids)
	if err != nil {
		return nil, err
	}
	return s.PNG(s.Store, layers, t, scale)
}

// layers checks comma-separated ids (see Collections) and splits them.
func (s *Server) layers(ids string) ([]string, error) {
	if _, err := s.Collections(ids); err != nil {
		return nil, err
	}
	return strings.Split(ids, ","), nil
}

// Collections returns the collections of comma-separated ids, with the
// errors Get gives for them: for the documents that describe the tiles.
func (s *Server) Collections(ids string) ([]geo.Collection, error) {
	if strings.Count(ids, ",") >= MaxLayers {
		return nil, ErrTooManyLayers
	}
	layers := strings.Split(ids, ",")
	cols := make([]geo.Collection, len(layers))
	for i, id := range layers {
		c, err := s.Store.Collection(id)
		if err != nil {
			return nil, &LayerError{ID: id, Err: err}
		}
		cols[i] = c
	}
	return cols, nil
}

// ETagMatch applies If-None-Match's weak comparison (RFC 9110 §13.1.2) of
// header to etag: "*" or any listed tag equal to etag, ignoring W/
// prefixes.
func ETagMatch(header, etag string) bool {
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
