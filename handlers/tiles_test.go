package handlers

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"kzmap/geo"
	"kzmap/geo/changes"
	"kzmap/geo/store"
	"kzmap/geo/tiles"
	"kzmap/geo/tiles/raster"
)

func tileLink(links []tiles.Link, rel string) (tiles.Link, bool) {
	for _, l := range links {
		if l.Rel == rel {
			return l, true
		}
	}
	return tiles.Link{}, false
}

// In the fixture, districts cover lon 50–60, lat 40–50: tile 6/41/23
// (lon 50.6–56.25, lat 40.98–45.09) holds some of them, 6/0/0 none.
const (
	fullTile  = "/tiles/districts/6/41/23"
	emptyTile = "/tiles/districts/6/0/0"
)

func newTileServer(t testing.TB) (*echo.Echo, *tiles.Cache) {
	return newTileServerWith(t, Config{})
}

// newTileServerWith makes a server with cfg's settings, logging at Info.
func newTileServerWith(t testing.TB, cfg Config) (*echo.Echo, *tiles.Cache) {
	cfg.Store = newTestStore(t)
	cfg.Tiles = tiles.NewCache(1 << 20)
	cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	return New(cfg), cfg.Tiles
}

// tileVariants are the two ways a tile is served: by the shortcut (no rate
// limit, no CORS) and through the router and middleware chain.
var tileVariants = []struct {
	name string
	cfg  Config
}{{"shortcut", Config{}}, {"routed", Config{Rate: 1e6}}}

func layerIDs(t *testing.T, body []byte) map[string][]string {
	t.Helper()
	ls, err := mvt.Unmarshal(body)
	if err != nil {
		t.Fatalf("decoding MVT: %v", err)
	}
	out := map[string][]string{}
	for _, l := range ls {
		if l.Extent != tiles.Extent {
			t.Errorf("layer %s extent %d", l.Name, l.Extent)
		}
		for _, f := range l.Features {
			out[l.Name] = append(out[l.Name], f.Properties.MustString("id", ""))
		}
		slices.Sort(out[l.Name])
	}
	return out
}

func TestTileRoutes(t *testing.T) {
	for _, v := range tileVariants {
		t.Run(v.name, func(t *testing.T) { testTileRoutes(t, v.cfg) })
	}
}

func testTileRoutes(t *testing.T, cfg Config) {
	e, _ := newTileServerWith(t, cfg)
	tests := []struct {
		name, path string
		status     int
		ctype      string
		param      string // for 400: the parameter the problem names
		layers     []string
	}{
		{"mvt", fullTile + ".mvt", 200, ContentTypeMVT, "", []string{"districts"}},
		{"empty mvt", emptyTile + ".mvt", 204, "", "", nil},
		{"png", fullTile + ".png", 200, ContentTypePNG, "", nil},
		{"png@2x", fullTile + "@2x.png", 200, ContentTypePNG, "", nil},
		{"empty png", emptyTile + ".png", 204, "", "", nil},
		{"two layers", "/tiles/regions,events/5/20/11.mvt", 200, ContentTypeMVT, "", []string{"events", "regions"}},
		{"ogc path", "/collections/districts/tiles/WebMercatorQuad/6/23/41", 200, ContentTypeMVT, "", []string{"districts"}},
		{"ogc empty", "/collections/districts/tiles/WebMercatorQuad/6/0/0", 204, "", "", nil},
		{"zoom 24", "/tiles/districts/24/16777215/16777215.mvt", 204, "", "", nil},
		{"trailing slash", fullTile + ".mvt/", 200, ContentTypeMVT, "", []string{"districts"}},

		{"unknown id", "/tiles/nope/0/0/0.mvt", 404, ContentTypeProblem, "", nil},
		{"one unknown of two", "/tiles/districts,nope/0/0/0.mvt", 404, ContentTypeProblem, "", nil},
		{"empty id in list", "/tiles/districts,/0/0/0.mvt", 404, ContentTypeProblem, "", nil},
		{"unknown png", "/tiles/nope/0/0/0.png", 404, ContentTypeProblem, "", nil},
		{"ogc unknown", "/collections/nope/tiles/WebMercatorQuad/0/0/0", 404, ContentTypeProblem, "", nil},
		{"ogc comma", "/collections/districts,events/tiles/WebMercatorQuad/0/0/0", 404, ContentTypeProblem, "", nil},
		{"other tile matrix set", "/collections/districts/tiles/WorldCRS84Quad/0/0/0", 404, ContentTypeProblem, "", nil},
		{"too many layers", "/tiles/" + strings.Repeat("districts,", MaxTileLayers) + "districts/0/0/0.mvt", 400, ContentTypeProblem, "collectionId", nil},

		{"z not a number", "/tiles/districts/a/0/0.mvt", 400, ContentTypeProblem, "z", nil},
		{"z 25", "/tiles/districts/25/0/0.mvt", 400, ContentTypeProblem, "z", nil},
		{"z negative", "/tiles/districts/-1/0/0.mvt", 400, ContentTypeProblem, "z", nil},
		{"x beyond 2^z-1", "/tiles/districts/2/4/0.mvt", 400, ContentTypeProblem, "x", nil},
		{"x negative", "/tiles/districts/2/-1/0.mvt", 400, ContentTypeProblem, "x", nil},
		{"y beyond 2^z-1", "/tiles/districts/2/0/4.mvt", 400, ContentTypeProblem, "y", nil},
		{"y float", "/tiles/districts/2/0/1.5.mvt", 400, ContentTypeProblem, "y", nil},
		{"y empty", "/tiles/districts/2/0/.mvt", 400, ContentTypeProblem, "y", nil},
		{"y NaN", "/tiles/districts/2/0/NaN.png", 400, ContentTypeProblem, "y", nil},
		{"huge x", "/tiles/districts/3/99999999999999999999/0.mvt", 400, ContentTypeProblem, "x", nil},
		{"bad format", "/tiles/districts/2/0/0.jpg", 400, ContentTypeProblem, "format", nil},
		{"no extension", "/tiles/districts/2/0/0", 400, ContentTypeProblem, "format", nil},
		{"@3x", "/tiles/districts/2/0/0@3x.png", 400, ContentTypeProblem, "y", nil},
		{"ogc row out of range", "/collections/districts/tiles/WebMercatorQuad/1/2/0", 400, ContentTypeProblem, "tileRow", nil},
		{"ogc col out of range", "/collections/districts/tiles/WebMercatorQuad/1/0/2", 400, ContentTypeProblem, "tileCol", nil},
		{"ogc zoom", "/collections/districts/tiles/WebMercatorQuad/30/0/0", 400, ContentTypeProblem, "tileMatrix", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := get(e, tt.path)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, clip(rec.Body.String()))
			}
			if got := rec.Header().Get("Content-Type"); got != tt.ctype {
				t.Errorf("Content-Type %q, want %q", got, tt.ctype)
			}
			if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
				t.Error("no X-Content-Type-Options")
			}
			if rec.Header().Get("X-Request-Id") == "" {
				t.Error("no X-Request-Id")
			}
			switch {
			case tt.status >= 400:
				p := decode[Problem](t, rec)
				if p.Status != tt.status || p.Detail == "" {
					t.Errorf("problem %+v", p)
				}
				if p.Parameter != tt.param {
					t.Errorf("problem names parameter %q, want %q (%s)", p.Parameter, tt.param, p.Detail)
				}
				if tt.param != "" && !strings.Contains(p.Detail, tt.param) {
					t.Errorf("detail %q does not name %s", p.Detail, tt.param)
				}
			case tt.status == 204:
				if rec.Body.Len() != 0 || rec.Header().Get("ETag") == "" {
					t.Errorf("204 with body %d bytes, ETag %q", rec.Body.Len(), rec.Header().Get("ETag"))
				}
			case tt.ctype == ContentTypeMVT:
				ids := layerIDs(t, rec.Body.Bytes())
				var names []string
				for n := range ids {
					names = append(names, n)
				}
				slices.Sort(names)
				if !slices.Equal(names, tt.layers) {
					t.Errorf("layers %v, want %v", names, tt.layers)
				}
			case tt.ctype == ContentTypePNG:
				img, err := png.Decode(rec.Body)
				if err != nil {
					t.Fatal(err)
				}
				want := 256
				if strings.HasSuffix(tt.path, "@2x.png") {
					want = 512
				}
				if b := img.Bounds(); b.Dx() != want || b.Dy() != want {
					t.Errorf("image %v, want %d×%d", b, want, want)
				}
			}
		})
	}
}

// The tile holds exactly the districts whose squares reach into its
// buffered bound.
func TestTileContent(t *testing.T) {
	e, _ := newTileServer(t)
	rec := get(e, fullTile+".mvt")
	if rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
	tile := maptile.New(41, 23, 6)
	b := tiles.Bound(tile)
	var want []string
	for _, f := range fixture()["districts"].feats {
		fb := f.Geometry.Bound()
		// Squares touching the buffered bound only along an edge may
		// collapse; keep clear overlaps.
		if fb.Min[0] < b.Max[0] && fb.Max[0] > b.Min[0] && fb.Min[1] < b.Max[1] && fb.Max[1] > b.Min[1] {
			want = append(want, f.ID)
		}
	}
	slices.Sort(want)
	got := layerIDs(t, rec.Body.Bytes())["districts"]
	if !slices.Equal(got, want) {
		t.Errorf("districts %v, want %v", got, want)
	}
	// The OGC path answers the same bytes (row is y, col is x).
	ogc := get(e, "/collections/districts/tiles/WebMercatorQuad/6/23/41")
	if !bytes.Equal(ogc.Body.Bytes(), rec.Body.Bytes()) || ogc.Header().Get("ETag") != rec.Header().Get("ETag") {
		t.Error("OGC path and /tiles path differ")
	}
}

func TestTileCaching(t *testing.T) {
	for _, v := range tileVariants {
		t.Run(v.name, func(t *testing.T) { testTileCaching(t, v.cfg) })
	}
}

func testTileCaching(t *testing.T, cfg Config) {
	e, cache := newTileServerWith(t, cfg)
	first := get(e, fullTile+".mvt")
	etag := first.Header().Get("ETag")
	if first.Code != 200 || !strings.HasPrefix(etag, `"`) {
		t.Fatalf("status %d ETag %q", first.Code, etag)
	}
	if cc := first.Header().Get("Cache-Control"); !strings.Contains(cc, "max-age=") || !strings.Contains(cc, "public") {
		t.Errorf("Cache-Control %q", cc)
	}
	if v := first.Header().Get("Vary"); v != "Accept-Encoding" {
		t.Errorf("Vary %q", v)
	}
	if cl := first.Header().Get("Content-Length"); cl == "" || cl != strconv.Itoa(first.Body.Len()) {
		t.Errorf("Content-Length %q for %d bytes", cl, first.Body.Len())
	}
	before := cache.Stats()
	again := get(e, fullTile+".mvt")
	if !bytes.Equal(again.Body.Bytes(), first.Body.Bytes()) || again.Header().Get("ETag") != etag {
		t.Error("second answer differs")
	}
	if after := cache.Stats(); after.Hits != before.Hits+1 || after.Misses != before.Misses {
		t.Errorf("second request: stats %+v after %+v, want one more hit", after, before)
	}

	for _, inm := range []string{etag, "W/" + etag, `"nope", ` + etag, "*"} {
		rec := get(e, fullTile+".mvt", "If-None-Match", inm)
		if rec.Code != http.StatusNotModified || rec.Body.Len() != 0 || rec.Header().Get("ETag") != etag {
			t.Errorf("If-None-Match %s: status %d, %d bytes, ETag %q", inm, rec.Code, rec.Body.Len(), rec.Header().Get("ETag"))
		}
	}
	if rec := get(e, fullTile+".mvt", "If-None-Match", `"0000000000000000"`); rec.Code != 200 {
		t.Errorf("stale If-None-Match: status %d", rec.Code)
	}
	// An ETag first seen in a 304 (a browser revalidating after a restart)
	// must not give the tile's later 200s the 304's empty length.
	tileHeaderMemo.m.Clear()
	if rec := get(e, fullTile+".mvt", "If-None-Match", etag); rec.Code != http.StatusNotModified {
		t.Fatalf("revalidation: status %d", rec.Code)
	}
	if rec := get(e, fullTile+".mvt"); rec.Code != 200 || rec.Header().Get("Content-Length") != strconv.Itoa(first.Body.Len()) || rec.Body.Len() != first.Body.Len() {
		t.Errorf("200 after a first 304: Content-Length %q, %d bytes, want %d", rec.Header().Get("Content-Length"), rec.Body.Len(), first.Body.Len())
	}
	empty := get(e, emptyTile+".mvt")
	if rec := get(e, emptyTile+".mvt", "If-None-Match", empty.Header().Get("ETag")); rec.Code != http.StatusNotModified {
		t.Errorf("empty tile revalidation: status %d", rec.Code)
	}

	// The tile was asked for before: a client that takes gzip gets it
	// compressed (tiles.Server.Get).
	gz := get(e, fullTile+".mvt", "Accept-Encoding", "gzip, deflate, br")
	if gz.Code != 200 || gz.Header().Get("Content-Encoding") != "gzip" || gz.Header().Get("ETag") == etag {
		t.Fatalf("gzip: status %d, Content-Encoding %q, ETag %q", gz.Code, gz.Header().Get("Content-Encoding"), gz.Header().Get("ETag"))
	}
	zr, err := gzip.NewReader(gz.Body)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(plain, first.Body.Bytes()) {
		t.Errorf("gunzipped tile differs from the plain one (err %v)", err)
	}
	if rec := get(e, fullTile+".mvt", "Accept-Encoding", "gzip;q=0"); rec.Header().Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 got gzip")
	}
	if rec := get(e, fullTile+".png", "Accept-Encoding", "gzip"); rec.Header().Get("Content-Encoding") != "" {
		t.Error("PNG was gzipped")
	}

	head := do(e, http.MethodHead, fullTile+".mvt")
	if head.Code != 200 || head.Header().Get("ETag") != etag {
		t.Errorf("HEAD: status %d ETag %q", head.Code, head.Header().Get("ETag"))
	}
}

func TestTileJSONRoute(t *testing.T) {
	e, _ := newTileServer(t)
	rec := get(e, "/tiles/regions,events/tilejson.json", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "maps.example.org")
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), ContentTypeJSON) {
		t.Fatalf("status %d type %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	doc := decode[struct {
		TileJSON     string    `json:"tilejson"`
		Tiles        []string  `json:"tiles"`
		MinZoom      int       `json:"minzoom"`
		MaxZoom      int       `json:"maxzoom"`
		Bounds       []float64 `json:"bounds"`
		Center       []float64 `json:"center"`
		VectorLayers []struct {
			ID     string            `json:"id"`
			Fields map[string]string `json:"fields"`
		} `json:"vector_layers"`
	}](t, rec)
	if doc.TileJSON != "3.0.0" || len(doc.Tiles) != 1 || doc.Tiles[0] != "https://maps.example.org/tiles/regions,events/{z}/{x}/{y}.mvt" {
		t.Errorf("tilejson %q tiles %v", doc.TileJSON, doc.Tiles)
	}
	if doc.MinZoom != 0 || doc.MaxZoom != tiles.DefaultMaxZoom || len(doc.Bounds) != 4 || len(doc.Center) != 3 {
		t.Errorf("zooms %d..%d bounds %v center %v", doc.MinZoom, doc.MaxZoom, doc.Bounds, doc.Center)
	}
	if len(doc.VectorLayers) != 2 || doc.VectorLayers[0].ID != "regions" || doc.VectorLayers[1].ID != "events" ||
		doc.VectorLayers[0].Fields["population"] != "Number" || doc.VectorLayers[0].Fields["name_en"] != "String" {
		t.Errorf("vector_layers %+v", doc.VectorLayers)
	}
	// Every collection's link to its TileJSON answers.
	cols := decode[Collections](t, get(e, "/collections"))
	for _, c := range cols.Collections {
		for _, l := range c.Links {
			if l.Rel != "describedby" && l.Rel != tiles.RelTilesVector {
				continue
			}
			path := strings.TrimPrefix(l.Href, "http://example.com")
			if rec := get(e, path); rec.Code != 200 {
				t.Errorf("%s link %s: status %d", c.ID, l.Href, rec.Code)
			}
		}
	}
	for path, status := range map[string]int{
		"/tiles/nope/tilejson.json":               404,
		"/tiles/regions,nope/tilejson.json":       404,
		"/tiles/regions/tilejson.json?f=html":     400,
		"/tiles/regions/tilejson.json?bogus=1":    400,
		"/tiles/regions/tilejson.json?f=json":     200,
		"/tiles/regions/tilejson.json?f=JSON":     200, // as /lookup takes it
		"/collections/regions/tiles?f=xml":        400,
		"/collections/nope/tiles":                 404,
		"/collections/nope/tiles/WebMercatorQuad": 404,
	} {
		if rec := get(e, path); rec.Code != status {
			t.Errorf("%s: status %d, want %d", path, rec.Code, status)
		}
	}
}

func TestTileSetRoutes(t *testing.T) {
	e, _ := newTileServer(t)
	list := decode[tiles.TileSets](t, get(e, "/collections/districts/tiles"))
	if len(list.TileSets) != 1 || list.TileSets[0].TileMatrixSetURI != tiles.TileMatrixSetURI || list.TileSets[0].DataType != "vector" {
		t.Fatalf("tilesets %+v", list)
	}
	self, ok := tileLink(list.TileSets[0].Links, "self")
	if !ok || self.Href != "http://example.com/collections/districts/tiles/WebMercatorQuad" {
		t.Errorf("tileset self link %+v", self)
	}
	ts := decode[tiles.TileSet](t, get(e, "/collections/districts/tiles/WebMercatorQuad"))
	item, ok := tileLink(ts.Links, "item")
	if !ok || !item.Templated || item.Type != ContentTypeMVT ||
		item.Href != "http://example.com/collections/districts/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}" {
		t.Errorf("item link %+v", item)
	}
	if _, ok := tileLink(ts.Links, tiles.RelTilingScheme); !ok {
		t.Error("no tiling-scheme link")
	}
	if len(ts.Layers) != 1 || ts.Layers[0].ID != "districts" || ts.Layers[0].GeometryType != "polygons" || ts.BoundingBox == nil {
		t.Errorf("layers %+v bbox %+v", ts.Layers, ts.BoundingBox)
	}
	// The limits at zoom 6 cover the tile that holds districts.
	if len(ts.Limits) != tiles.DefaultMaxZoom+1 {
		t.Fatalf("%d limits", len(ts.Limits))
	}
	l := ts.Limits[6]
	if l.TileMatrix != "6" || l.MinTileCol > 41 || l.MaxTileCol < 41 || l.MinTileRow > 23 || l.MaxTileRow < 23 {
		t.Errorf("limits at 6: %+v", l)
	}
	// The item link, filled in, answers the tile.
	href := strings.NewReplacer("http://example.com", "", "{tileMatrix}", "6", "{tileRow}", "23", "{tileCol}", "41").Replace(item.Href)
	if rec := get(e, href); rec.Code != 200 {
		t.Errorf("%s: status %d", href, rec.Code)
	}
	conf := decode[Conformance](t, get(e, "/conformance"))
	for _, c := range []string{"core", "tileset", "tilesets-list", "geodata-tilesets", "mvt"} {
		if !slices.Contains(conf.ConformsTo, "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/"+c) {
			t.Errorf("conformance lacks tiles %s", c)
		}
	}
}

// An event that changes drops the tiles of the events and of the region it
// lies in (whose count changed), and no other.
func TestInvalidateTiles(t *testing.T) {
	st, err := store.Open(":memory:", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	regions := []*geo.Feature{
		geo.NewFeature("A", square(50, 40, 55, 45), map[string]any{"events": 1.0}),
		geo.NewFeature("B", square(80, 40, 85, 45), map[string]any{"events": 0.0}),
	}
	events := []*geo.Feature{geo.NewFeature("e1", orb.Point{52, 42}, map[string]any{"kind": "protest"})}
	if err := st.Import(geo.Collection{ID: "regions", Title: "R"}, regions, true); err != nil {
		t.Fatal(err)
	}
	if err := st.Import(geo.Collection{ID: "events", Title: "E"}, events, true); err != nil {
		t.Fatal(err)
	}
	cache := tiles.NewCache(1 << 20)
	s := &server{Config: Config{Store: st, Tiles: cache, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Changes: changes.New(changes.Options{})}}
	ts := &tiles.Server{Store: st, Cache: cache, PNG: raster.PNG}
	ta := maptile.At(orb.Point{52, 42}, 5)
	tb := maptile.At(orb.Point{82, 42}, 5)
	reqs := map[string]tiles.Request{
		"regions A":        {Layers: "regions", Format: tiles.FormatMVT, Tile: ta},
		"regions A png":    {Layers: "regions", Format: tiles.FormatPNG, Tile: ta},
		"regions,events A": {Layers: "regions,events", Format: tiles.FormatMVT, Tile: ta},
		"events A":         {Layers: "events", Format: tiles.FormatMVT, Tile: ta},
		"regions B":        {Layers: "regions", Format: tiles.FormatMVT, Tile: tb},
		"events B":         {Layers: "events", Format: tiles.FormatMVT, Tile: tb},
	}
	// recomputed gets a tile and reports whether it had to be rendered.
	recomputed := func(r tiles.Request) bool {
		before := cache.Stats().Misses
		if _, err := ts.Get(r); err != nil {
			t.Fatal(err)
		}
		return cache.Stats().Misses > before
	}
	for _, r := range reqs {
		recomputed(r)
	}
	// A second event appears in A, through the path every write takes.
	e2 := geo.NewFeature("e2", orb.Point{53, 43}, map[string]any{"kind": "protest"})
	if _, err := s.defaultWrites().Put("events", e2); err != nil {
		t.Fatal(err)
	}
	if a, _ := st.Feature("regions", "A"); a.Properties["events"] != 2.0 {
		t.Errorf("region A counts %v events, want 2", a.Properties["events"])
	}
	for name, r := range reqs {
		want := strings.HasSuffix(name, " A") || strings.HasSuffix(name, "A png")
		if got := recomputed(r); got != want {
			t.Errorf("%s: recomputed %v, want %v", name, got, want)
		}
	}
}

func TestAcceptsGzip(t *testing.T) {
	for h, want := range map[string]bool{
		"": false, "gzip": true, "GZIP": true, "deflate, gzip": true, "br;q=1.0, gzip;q=0.5": true,
		"gzip;q=0": false, "gzip; q=0.000": false, "gzip;q=0.001": true, "*": true, "*;q=0": false,
		"identity": false, "gzipx": false, "x-gzip": true, "br": false,
	} {
		if got := acceptsGzip(h); got != want {
			t.Errorf("acceptsGzip(%q) = %v", h, got)
		}
	}
}

func FuzzTilePath(f *testing.F) {
	for _, s := range [][3]string{
		{"0", "0", "0.mvt"}, {"6", "41", "23.png"}, {"24", "16777215", "16777215@2x.png"},
		{"25", "0", "0.mvt"}, {"2", "4", "0.mvt"}, {"1", "0", "0.jpg"}, {"", "", ""}, {"3", "1", "@2x.png"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, z, x, file string) {
		a, err := parseTilePath(z, x, file)
		if err != nil {
			var pe *ParamError
			if !errors.As(err, &pe) || pe.Param == "" || pe.Reason == "" {
				t.Fatalf("error %v is not a ParamError naming a parameter", err)
			}
			return
		}
		if a.tile.Z > tiles.MaxZoom || !a.tile.Valid() {
			t.Fatalf("accepted invalid tile %v", a.tile)
		}
		// What was accepted is a canonical address written back.
		ext := map[tiles.Format]string{tiles.FormatMVT: ".mvt", tiles.FormatPNG: ".png", tiles.FormatPNG2x: "@2x.png"}[a.format]
		if !strings.HasSuffix(file, ext) {
			t.Fatalf("%q parsed as format %d", file, a.format)
		}
	})
}

// BenchmarkTileHit measures the cached path through Echo, the part of a
// tile request kzmap controls.
func BenchmarkTileHit(b *testing.B) {
	e, _ := newTileServer(b)
	req := httptest.NewRequest(http.MethodGet, fullTile+".mvt", nil)
	if rec := httptest.NewRecorder(); true {
		e.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("status %d", rec.Code)
		}
	}
	w := &discardWriter{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		clear(w.h)
		e.ServeHTTP(w, req)
	}
}

type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d *discardWriter) WriteHeader(int)             {}

// A tile keeps the Vary values middleware set (CORS varies by Origin).
func TestTileVaryWithCORS(t *testing.T) {
	st := newTestStore(t)
	e := New(Config{Store: st, CORSOrigins: []string{"https://a.example"}, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	rec := get(e, fullTile+".mvt", "Origin", "https://a.example")
	if rec.Code != 200 {
		t.Fatalf("status %d", rec.Code)
	}
	vary := strings.Join(rec.Header().Values("Vary"), ",")
	if !strings.Contains(vary, "Origin") || !strings.Contains(vary, "Accept-Encoding") {
		t.Errorf("Vary %q", vary)
	}
	// The shared header value was not changed by the append.
	if len(hdrVaryEncoding) != 1 || hdrVaryEncoding[0] != "Accept-Encoding" {
		t.Errorf("hdrVaryEncoding = %v", hdrVaryEncoding)
	}
	if rec := get(e, fullTile+".mvt"); strings.Contains(strings.Join(rec.Header().Values("Vary"), ","), "Origin,Origin") {
		t.Errorf("Vary repeated: %v", rec.Header().Values("Vary"))
	}
}

// A cache hit allocates nothing in kzmap's own code (net/http and the
// middlewares aside): issue 3's throughput target depends on it.
func TestTileHitAllocs(t *testing.T) {
	st := newTestStore(t)
	cache := tiles.NewCache(1 << 20)
	s := &server{Config: Config{Store: st, Tiles: cache, Log: slog.New(slog.NewTextHandler(io.Discard, nil))},
		tileServer: &tiles.Server{Store: st, Cache: cache, PNG: raster.PNG}}
	e := echo.New()
	w := &discardWriter{h: http.Header{}}
	for _, tt := range []struct {
		name string
		a    tileAddr
		hdr  []string
	}{
		{"mvt", tileAddr{tile: maptile.New(41, 23, 6), format: tiles.FormatMVT}, nil},
		{"mvt gzip", tileAddr{tile: maptile.New(41, 23, 6), format: tiles.FormatMVT}, []string{"Accept-Encoding", "gzip, br"}},
		{"png", tileAddr{tile: maptile.New(41, 23, 6), format: tiles.FormatPNG}, nil},
		{"empty", tileAddr{tile: maptile.New(0, 0, 6), format: tiles.FormatMVT}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			for i := 0; i+1 < len(tt.hdr); i += 2 {
				req.Header.Set(tt.hdr[i], tt.hdr[i+1])
			}
			c := e.NewContext(req, w)
			if err := s.serveTile(c, "districts", tt.a); err != nil { // fill the cache
				t.Fatal(err)
			}
			allocs := testing.AllocsPerRun(200, func() {
				clear(w.h)
				c.Reset(req, w)
				if err := s.serveTile(c, "districts", tt.a); err != nil {
					t.Fatal(err)
				}
			})
			if allocs > 0 {
				t.Errorf("%v allocations per cached tile", allocs)
			}
		})
	}
}

// Tiles count in the request metrics whichever way they are answered.
func TestTileMetricsBothWays(t *testing.T) {
	for _, v := range tileVariants {
		t.Run(v.name, func(t *testing.T) {
			e, _ := newTileServerWith(t, v.cfg)
			for i := 0; i < 3; i++ {
				rec := httptest.NewRecorder()
				e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, fullTile+".mvt", nil))
				if rec.Code != http.StatusOK {
					t.Fatalf("tile: %d", rec.Code)
				}
			}
			rec := httptest.NewRecorder()
			e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
			want := `kzmap_http_requests_total{method="GET",route="/tiles/:tileIds/:z/:x/:tile",status="200"} 3`
			if !strings.Contains(rec.Body.String(), want) {
				t.Errorf("metrics lack %s", want)
			}
		})
	}
}

// Both ways of serving a tile write its access log line, with its request
// id, to the access log when there is one; the warn level quiets it.
func TestTileAccessLog(t *testing.T) {
	for _, v := range tileVariants {
		t.Run(v.name, func(t *testing.T) {
			access := &syncBuffer{}
			cfg := v.cfg
			cfg.AccessLog = jsonLogger(access)
			e, logs := newConfiguredServer(t, cfg)
			rec := get(e, fullTile+".mvt", "X-Request-Id", "tile-1")
			if rec.Code != 200 || rec.Header().Get("X-Request-Id") != "tile-1" {
				t.Fatalf("status %d, X-Request-Id %q", rec.Code, rec.Header().Get("X-Request-Id"))
			}
			var m map[string]any
			if err := json.Unmarshal([]byte(strings.TrimSpace(access.String())), &m); err != nil {
				t.Fatalf("access log %q: %v", access.String(), err)
			}
			if m["msg"] != "request" || m["request_id"] != "tile-1" || m["path"] != fullTile+".mvt" || m["status"] != 200.0 || m["bytes"] != float64(rec.Body.Len()) {
				t.Errorf("access log line %v", m)
			}
			if strings.Contains(logs.String(), `"msg":"request"`) {
				t.Errorf("access log line in the main log: %s", logs.String())
			}

			quiet := &syncBuffer{}
			cfg.AccessLog = slog.New(slog.NewJSONHandler(quiet, &slog.HandlerOptions{Level: slog.LevelWarn}))
			e, _ = newConfiguredServer(t, cfg)
			if rec := get(e, fullTile+".mvt"); rec.Code != 200 || rec.Header().Get("X-Request-Id") == "" || quiet.String() != "" {
				t.Errorf("at warn: status %d, X-Request-Id %q, log %q", rec.Code, rec.Header().Get("X-Request-Id"), quiet.String())
			}
		})
	}
}
