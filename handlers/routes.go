package handlers

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// route is one entry of the route table: the methods and Echo path it
// answers, its handler, and its name, which is the operationId that
// documents it in the OpenAPI document (TestRouteTableDocumented holds the
// two together).
type route struct {
	methods []string
	path    string
	handler echo.HandlerFunc
	name    string
}

var (
	getHead = []string{http.MethodGet, http.MethodHead}
	options = []string{http.MethodOptions}
	post    = []string{http.MethodPost}
	put     = []string{http.MethodPut}
	del     = []string{http.MethodDelete}
	getOnly = []string{http.MethodGet}
)

// routes is every route kzmap serves, in one table. Reads answer GET and
// HEAD; writes (writes.go) answer 405 when the server takes no writes, so
// they are always routed.
func (s *server) routes() []route {
	rs := []route{
		// OGC API – Features Part 1 (landing.go, collections.go, items.go).
		{getHead, "/", s.landing, "getLandingPage"},
		{getHead, "/conformance", s.conformance, "getConformance"},
		{getHead, "/api", s.api, "getAPI"},
		{getHead, "/collections", s.collections, "getCollections"},
		{getHead, "/collections/:collectionId", s.collection, "describeCollection"},
		{getHead, "/collections/:collectionId/items", s.items, "getFeatures"},
		{options, "/collections/:collectionId/items", s.itemsOptions, "optionsFeatures"},
		{getHead, "/collections/:collectionId/items/:featureId", s.item, "getFeature"},
		{options, "/collections/:collectionId/items/:featureId", s.itemOptions, "optionsFeature"},

		// OGC API – Features Part 3: what a filter may name (queryables.go).
		{getHead, "/collections/:collectionId/queryables", s.collectionQueryables, "getQueryables"},
		// OGC API – Features Part 8 (draft): what sortby may name (sortby.go).
		{getHead, "/collections/:collectionId/sortables", s.collectionSortables, "getSortables"},

		// Look-up and search (lookup.go, search.go).
		{getHead, "/collections/:collectionId/lookup", s.collectionLookup, "lookupCollection"},
		{getHead, "/lookup", s.lookup, "lookup"},
		{getHead, "/search", s.search, "search"},

		// Tiles: XYZ, TileJSON and OGC API – Tiles (tiles.go).
		{getHead, "/tiles/:tileIds/tilejson.json", s.tileJSON, "getTileJSON"},
		{getHead, tileRoute, s.tile, "getTile"},
		{getHead, "/collections/:collectionId/tiles", s.tileSets, "getCollectionTileSets"},
		{getHead, "/collections/:collectionId/tiles/" + WebMercatorQuad, s.tileSet, "getCollectionTileSet"},
		{getHead, "/collections/:collectionId/tiles/" + WebMercatorQuad + "/:tileMatrix/:tileRow/:tileCol", s.ogcTile, "getCollectionTile"},

		// OGC API – Features Part 4 writes, the change feed and the
		// snapshot (writes.go, changes.go).
		{post, "/collections/:collectionId/items", s.createItems, "createFeatures"},
		{put, "/collections/:collectionId/items/:featureId", s.replaceItem, "replaceFeature"},
		{del, "/collections/:collectionId/items/:featureId", s.deleteItem, "deleteFeature"},
		{put, "/collections/:collectionId", s.importCollection, "importCollection"},
		{getHead, "/collections/:collectionId/changes", s.changes, "getChanges"},
		{getOnly, "/admin/snapshot", s.snapshot, "getSnapshot"},

		// Probes and metrics (health.go, metrics.go).
		{getHead, "/healthz", s.healthz, "healthz"},
		{getHead, "/readyz", s.readyz, "readyz"},
		{getHead, "/metrics", s.metrics.handler(), "metrics"},
	}
	if s.Static != nil {
		// The map's hashed scripts, styles and images (static.go), flat in
		// one folder: one path segment.
		rs = append(rs, route{getHead, StaticPath + "/:file", echo.WrapHandler(s.Static), "getAsset"})
	}
	return rs
}

// addRoutes registers the route table on e.
func (s *server) addRoutes(e *echo.Echo) {
	for _, r := range s.routes() {
		for _, er := range e.Match(r.methods, r.path, r.handler) {
			er.Name = r.name
		}
	}
}
