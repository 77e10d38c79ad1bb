package handlers

import (
	"strconv"

	"kzmap/geo/tiles"
)

// tilePaths documents the tile routes of tiles.go in the OpenAPI document.
func tilePaths() obj {
	pathParam := func(name, desc string, schema obj) obj {
		return obj{"name": name, "in": "path", "required": true, "description": desc, "schema": schema}
	}
	zoom := obj{"type": "integer", "minimum": 0, "maximum": tiles.MaxZoom}
	index := obj{"type": "integer", "minimum": 0}
	ids := pathParam("tileIds", "Collection id, or several comma-separated (one MVT layer each, in this order; PNGs drawn in this order).",
		obj{"type": "string"})
	col := ref("parameters", "collectionId")
	cached := obj{
		"ETag":          obj{"description": "Strong entity tag of the tile; send it back in If-None-Match.", "schema": obj{"type": "string"}},
		"Cache-Control": obj{"description": "public, max-age=" + strconv.Itoa(TileMaxAge), "schema": obj{"type": "string"}},
	}
	tileResponses := func(types ...string) obj {
		content := obj{}
		for _, t := range types {
			content[t] = obj{"schema": obj{"type": "string", "format": "binary"}}
		}
		r := errorsFor("400", "404")
		r["200"] = obj{"description": "The tile. MVT is gzipped (Content-Encoding) for a client that accepts gzip once the tile has been asked for before.", "headers": cached, "content": content}
		r["204"] = obj{"description": "No feature reaches this tile.", "headers": cached}
		r["304"] = obj{"description": "The tile matches If-None-Match."}
		return r
	}
	meta := func(desc, schema string) obj {
		return responses(obj{"description": desc, "content": obj{ContentTypeJSON: obj{"schema": obj{"type": "object", "description": schema}}}}, "400", "404")
	}
	fJSON := ref("parameters", "fJSON")
	return obj{
		"/tiles/{tileIds}/{z}/{x}/{tile}": obj{"get": obj{
			"tags": []string{"Tiles"}, "summary": "A map tile (XYZ scheme)", "operationId": "getTile",
			"description": "`{tile}` is `{y}.mvt` (Mapbox Vector Tile 2.1, extent 4096, one layer per collection named by its id), " +
				"`{y}.png` (256×256 raster) or `{y}@2x.png` (512×512). x and y run over 0..2^z−1. Query parameters are ignored.",
			"parameters": []obj{ids,
				pathParam("z", "Zoom, 0–24", zoom),
				pathParam("x", "Column, 0..2^z−1", index),
				pathParam("tile", "Row and format: {y}.mvt, {y}.png or {y}@2x.png",
					obj{"type": "string", "pattern": `^[0-9]+(\.mvt|\.png|@2x\.png)$`}),
			},
			"responses": tileResponses(ContentTypeMVT, ContentTypePNG),
		}},
		"/tiles/{tileIds}/tilejson.json": obj{"get": obj{
			"tags": []string{"Tiles"}, "summary": "TileJSON 3.0.0 of the vector tiles", "operationId": "getTileJSON",
			"parameters": []obj{ids, fJSON},
			"responses":  meta("The TileJSON document", "TileJSON 3.0.0"),
		}},
		"/collections/{collectionId}/tiles": obj{"get": obj{
			"tags": []string{"Tiles"}, "summary": "Tilesets of a collection (OGC API – Tiles)", "operationId": "getCollectionTileSets",
			"parameters": []obj{col, fJSON},
			"responses":  meta("The tileset list", "OGC API – Tiles tileset list"),
		}},
		"/collections/{collectionId}/tiles/WebMercatorQuad": obj{"get": obj{
			"tags": []string{"Tiles"}, "summary": "The vector tileset of a collection (OGC API – Tiles)", "operationId": "getCollectionTileSet",
			"parameters": []obj{col, fJSON},
			"responses":  meta("The tileset metadata", "OGC API – Tiles tileset (OGC 17-083r4)"),
		}},
		"/collections/{collectionId}/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}": obj{"get": obj{
			"tags": []string{"Tiles"}, "summary": "A vector tile (OGC API – Tiles)", "operationId": "getCollectionTile",
			"description": "The same MVT as /tiles/{collectionId}/{tileMatrix}/{tileCol}/{tileRow}.mvt.",
			"parameters": []obj{col,
				pathParam("tileMatrix", "Zoom, 0–24", zoom),
				pathParam("tileRow", "Row (y), 0..2^tileMatrix−1", index),
				pathParam("tileCol", "Column (x), 0..2^tileMatrix−1", index),
			},
			"responses": tileResponses(ContentTypeMVT),
		}},
	}
}
