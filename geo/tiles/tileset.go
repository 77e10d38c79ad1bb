package tiles

import (
	"net/url"
	"strconv"

	"github.com/paulmach/orb/maptile"

	"kzmap/geo"
)

// The OGC API – Tiles documents of a collection's vector tiles (OGC
// 17-083r4 TileSet, in short form in the tileset list and in full at its
// own path), as TileJSON describes them for web maps.

// WebMercatorQuad is the only tile matrix set served.
const WebMercatorQuad = "WebMercatorQuad"

// URIs of OGC API – Tiles metadata.
const (
	TileMatrixSetURI = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
	tmsDefinition    = "https://raw.githubusercontent.com/opengeospatial/2D-Tile-Matrix-Set/master/registry/json/WebMercatorQuad.json"
	crs3857          = "http://www.opengis.net/def/crs/EPSG/0/3857"
	crs84            = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
	RelTilingScheme  = "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"
	RelTilesVector   = "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"
)

const contentTypeJSON = "application/json"

// Link is a link of the documents, as OGC API links are written.
type Link struct {
	Href      string `json:"href"`
	Rel       string `json:"rel"`
	Type      string `json:"type,omitempty"`
	Title     string `json:"title,omitempty"`
	Templated bool   `json:"templated,omitempty"`
}

// TileSet describes a collection's vector tileset.
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

// TileSets is a collection's tileset list.
type TileSets struct {
	Links    []Link    `json:"links"`
	TileSets []TileSet `json:"tilesets"`
}

// TileSetList returns the tileset list of col, served under base (scheme
// and host, no trailing slash) at {base}/collections/{id}/tiles.
func TileSetList(base string, col geo.Collection) TileSets {
	p := base + "/collections/" + url.PathEscape(col.ID)
	return TileSets{
		Links: []Link{
			{Href: p + "/tiles", Rel: "self", Type: contentTypeJSON, Title: "Tilesets of this collection"},
			{Href: p, Rel: "collection", Type: contentTypeJSON, Title: "The collection"},
		},
		TileSets: []TileSet{tileSet(base, col, false)},
	}
}

// TileSetOf returns the full tileset of col, served under base at
// {base}/collections/{id}/tiles/WebMercatorQuad: its layer and fields, its
// bounding box and the tiles that hold data at each zoom up to
// DefaultMaxZoom.
func TileSetOf(base string, col geo.Collection) TileSet {
	return tileSet(base, col, true)
}

func tileSet(base string, col geo.Collection, full bool) TileSet {
	p := base + "/collections/" + url.PathEscape(col.ID) + "/tiles/" + WebMercatorQuad
	ts := TileSet{
		Title:            col.Title,
		DataType:         "vector",
		CRS:              crs3857,
		TileMatrixSetURI: TileMatrixSetURI,
		Links: []Link{
			{Href: p, Rel: "self", Type: contentTypeJSON, Title: "This tileset"},
			{Href: tmsDefinition, Rel: RelTilingScheme, Type: contentTypeJSON, Title: "WebMercatorQuad definition"},
			{Href: p + "/{tileMatrix}/{tileRow}/{tileCol}", Rel: "item", Type: ContentTypeMVT, Title: "Vector tiles", Templated: true},
			{Href: base + "/tiles/" + url.PathEscape(col.ID) + "/tilejson.json", Rel: "describedby", Type: contentTypeJSON, Title: "TileJSON 3.0.0"},
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
		MinTileMatrix: "0", MaxTileMatrix: strconv.Itoa(DefaultMaxZoom),
		PropertiesSchema: map[string]any{"type": "object", "properties": props},
	}}
	if col.Count > 0 && !col.Bound.IsZero() {
		bd := col.Bound
		ts.BoundingBox = &TileSetBBox{LowerLeft: [2]float64{bd.Min[0], bd.Min[1]}, UpperRight: [2]float64{bd.Max[0], bd.Max[1]}, CRS: crs84}
		for z := 0; z <= DefaultMaxZoom; z++ {
			lo, hi := Range(bd, maptile.Zoom(z))
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
