package tiles

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"kzmap/geo"
	"kzmap/geo/tiles/internal/tiletest"
)

// squares is a Source with two squares around lon 52, lat 42 as "sq".
func squares() *tiletest.Source {
	sq := func(id string, x0, y0 float64) *geo.Feature {
		return geo.NewFeature(id, orb.Polygon{{{x0, y0}, {x0 + 2, y0}, {x0 + 2, y0 + 2}, {x0, y0 + 2}, {x0, y0}}},
			map[string]any{"name": id})
	}
	return &tiletest.Source{Collections: map[string][]*geo.Feature{
		"sq": {sq("a", 50, 40), sq("b", 53, 42)},
	}}
}

var (
	fullTile  = maptile.At(orb.Point{52, 42}, 5)
	emptyTile = maptile.New(0, 0, 5)
)

func newTestServer() *Server {
	return &Server{Store: squares(), Cache: NewCache(1 << 20),
		PNG: func(src Source, layers []string, t maptile.Tile, scale int) ([]byte, error) {
			if t == emptyTile {
				return nil, nil
			}
			return []byte{'p', byte(scale)}, nil
		}}
}

func TestServerGet(t *testing.T) {
	s := newTestServer()
	plain, err := s.Get(Request{Layers: "sq", Tile: fullTile})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		req         Request
		status      int
		contentType string
		vary        bool
		err         error
	}{
		{"mvt", Request{Layers: "sq", Tile: fullTile}, StatusOK, ContentTypeMVT, true, nil},
		{"empty mvt", Request{Layers: "sq", Tile: emptyTile}, StatusNoContent, "", true, nil},
		{"not modified", Request{Layers: "sq", Tile: fullTile, IfNoneMatch: plain.ETag}, StatusNotModified, "", true, nil},
		{"not modified, weak", Request{Layers: "sq", Tile: fullTile, IfNoneMatch: `"x", W/` + plain.ETag}, StatusNotModified, "", true, nil},
		{"stale tag", Request{Layers: "sq", Tile: fullTile, IfNoneMatch: `"0000000000000000"`}, StatusOK, ContentTypeMVT, true, nil},
		{"png", Request{Layers: "sq", Tile: fullTile, Format: FormatPNG}, StatusOK, ContentTypePNG, false, nil},
		{"png@2x", Request{Layers: "sq", Tile: fullTile, Format: FormatPNG2x}, StatusOK, ContentTypePNG, false, nil},
		{"empty png", Request{Layers: "sq", Tile: emptyTile, Format: FormatPNG}, StatusNoContent, "", false, nil},
		{"unknown layer", Request{Layers: "sq,nope", Tile: fullTile}, 0, "", false, geo.ErrNoCollection},
		{"empty layer", Request{Layers: "", Tile: fullTile}, 0, "", false, geo.ErrNoCollection},
		{"too many layers", Request{Layers: strings.Repeat("sq,", MaxLayers) + "sq", Tile: fullTile}, 0, "", false, ErrTooManyLayers},
		{"unknown format", Request{Layers: "sq", Tile: fullTile, Format: 9}, 0, "", false, errors.New("")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := s.Get(tt.req)
			if tt.err != nil {
				if err == nil || (tt.err.Error() != "" && !errors.Is(err, tt.err)) {
					t.Fatalf("error %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Status != tt.status || r.ContentType != tt.contentType || r.VaryEncoding != tt.vary || r.ETag == "" || r.Gzip {
				t.Errorf("got %+v", r)
			}
			if (len(r.Body) > 0) != (r.Status == StatusOK) {
				t.Errorf("status %d with %d bytes", r.Status, len(r.Body))
			}
		})
	}
	// The unknown layer is named.
	var le *LayerError
	if _, err := s.Get(Request{Layers: "sq,nope", Tile: fullTile}); !errors.As(err, &le) || le.ID != "nope" {
		t.Errorf("error %v does not name the layer", err)
	}
	if _, err := (&Server{Store: squares(), Cache: NewCache(0)}).Get(Request{Layers: "sq", Tile: fullTile, Format: FormatPNG}); !errors.Is(err, ErrNoRaster) {
		t.Errorf("PNG without a renderer: %v", err)
	}
}

// A tile's first request gets it plain whatever the client takes; the next
// request of a client that takes gzip gets it compressed, made once.
func TestServerLazyGzip(t *testing.T) {
	s := newTestServer()
	gzReq := Request{Layers: "sq", Tile: fullTile, AcceptGzip: true}
	first, err := s.Get(gzReq)
	if err != nil || first.Status != StatusOK || first.Gzip || !first.VaryEncoding {
		t.Fatalf("first request: %+v, %v", first, err)
	}
	// The client holds the plain tile: it stays valid.
	if r, _ := s.Get(Request{Layers: "sq", Tile: fullTile, AcceptGzip: true, IfNoneMatch: first.ETag}); r.Status != StatusNotModified || r.ETag != first.ETag {
		t.Errorf("revalidating the plain tile: %+v", r)
	}
	second, err := s.Get(gzReq)
	if err != nil || second.Status != StatusOK || !second.Gzip || second.ETag == first.ETag {
		t.Fatalf("second request: %+v, %v", second, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(second.Body))
	if err != nil {
		t.Fatal(err)
	}
	if b, err := io.ReadAll(zr); err != nil || !bytes.Equal(b, first.Body) {
		t.Errorf("gunzipped tile differs from the plain one (%v)", err)
	}
	misses := s.Cache.Stats().Misses
	if third, _ := s.Get(gzReq); !third.Gzip || third.ETag != second.ETag || s.Cache.Stats().Misses != misses {
		t.Errorf("third request: gzip %v, ETag %s (want %s), misses %d→%d", third.Gzip, third.ETag, second.ETag, misses, s.Cache.Stats().Misses)
	}
	if r, _ := s.Get(Request{Layers: "sq", Tile: fullTile, AcceptGzip: true, IfNoneMatch: second.ETag}); r.Status != StatusNotModified {
		t.Errorf("revalidating the gzipped tile: status %d", r.Status)
	}
	// The client that got the plain tile first still revalidates it once
	// the gzipped one exists.
	if r, _ := s.Get(Request{Layers: "sq", Tile: fullTile, AcceptGzip: true, IfNoneMatch: first.ETag}); r.Status != StatusNotModified || r.ETag != first.ETag {
		t.Errorf("revalidating the plain tile after gzip: %+v", r)
	}
	// Without gzip, the plain tile, still.
	if r, _ := s.Get(Request{Layers: "sq", Tile: fullTile}); r.Gzip || r.ETag != first.ETag {
		t.Errorf("plain request after gzip: %+v", r)
	}
	// An empty tile is never compressed.
	for range 2 {
		if r, _ := s.Get(Request{Layers: "sq", Tile: emptyTile, AcceptGzip: true}); r.Status != StatusNoContent || r.Gzip {
			t.Errorf("empty tile: %+v", r)
		}
	}
	// An invalidation drops both.
	s.Cache.Invalidate("sq", orb.Bound{Min: orb.Point{52, 42}, Max: orb.Point{52, 42}})
	if r, _ := s.Get(gzReq); r.Gzip {
		t.Error("gzipped tile survived an invalidation")
	}
}

// Collections checks ids as Get does.
func TestServerCollections(t *testing.T) {
	s := newTestServer()
	if cols, err := s.Collections("sq,sq"); err != nil || len(cols) != 2 || cols[0].ID != "sq" {
		t.Errorf("Collections = %v, %v", cols, err)
	}
	var le *LayerError
	if _, err := s.Collections("sq,x"); !errors.As(err, &le) || le.ID != "x" || !errors.Is(err, geo.ErrNoCollection) {
		t.Errorf("unknown id: %v", err)
	}
	if _, err := s.Collections(strings.Repeat("sq,", MaxLayers) + "sq"); !errors.Is(err, ErrTooManyLayers) {
		t.Errorf("too many: %v", err)
	}
}

func TestETagMatch(t *testing.T) {
	for _, tt := range []struct {
		name, header, etag string
		want               bool
	}{
		{"none", "", `"a"`, false},
		{"equal", `"a"`, `"a"`, true},
		{"weak", `W/"a"`, `"a"`, true},
		{"in a list", `"b", "a"`, `"a"`, true},
		{"other", `"b"`, `"a"`, false},
		{"any", `*`, `"a"`, true},
		{"unquoted", `a`, `"a"`, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := ETagMatch(tt.header, tt.etag); got != tt.want {
				t.Errorf("ETagMatch(%q, %q) = %v", tt.header, tt.etag, got)
			}
		})
	}
}

// A cached tile's answer allocates nothing.
func TestServerHitAllocs(t *testing.T) {
	s := newTestServer()
	for _, r := range []Request{
		{Layers: "sq", Tile: fullTile},
		{Layers: "sq", Tile: fullTile, AcceptGzip: true},
		{Layers: "sq", Tile: fullTile, Format: FormatPNG},
	} {
		for range 2 {
			if _, err := s.Get(r); err != nil {
				t.Fatal(err)
			}
		}
		if n := testing.AllocsPerRun(100, func() { _, _ = s.Get(r) }); n > 0 {
			t.Errorf("%+v: %v allocations", r, n)
		}
	}
}
