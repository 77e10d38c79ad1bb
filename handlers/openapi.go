package handlers

import (
	"bytes"
	"maps"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"kzmap/geo"
	"kzmap/geo/cql2"
)

// obj is a JSON object of the OpenAPI document; encoding/json writes its keys
// sorted, so the document is byte-for-byte stable.
type obj = map[string]any

// ref points at a component.
func ref(kind, name string) obj { return obj{"$ref": "#/components/" + kind + "/" + name} }

// openAPI is the OpenAPI 3.0 document of every path this package serves,
// without its servers member (see apiJSON). Each collection gets its own
// items path declaring its properties as query parameters, which QGIS reads
// as server-side filters ("queryables").
func (s *server) openAPI(cols []geo.Collection) obj {
	paths := s.openAPIPaths()
	maps.Copy(paths, tilePaths())
	maps.Copy(paths, opsOpenAPIPaths())
	maps.Copy(paths, s.staticOpenAPIPaths())
	comps := components()
	addWritePaths(paths, comps) // adds methods to the items paths, so after the copies
	// A concrete path wins over a templated one, so each collection's items
	// path carries every method of the templated one.
	items := paths["/collections/{collectionId}/items"].(obj)
	for _, col := range cols {
		p := collectionItemsPath(col)
		for method, op := range items {
			if method != "get" {
				p[method] = concreteOp(op.(obj), col.ID)
			}
		}
		paths["/collections/"+col.ID+"/items"] = p
	}
	return obj{
		"openapi": "3.0.3",
		"info": obj{
			"title":       serviceTitle,
			"description": serviceDescription + " Boundaries: geokz (CC BY 4.0).",
			"version":     versionOr(s.Version),
			"license":     obj{"name": "CC BY 4.0 (data)", "url": "https://creativecommons.org/licenses/by/4.0/"},
		},
		"paths":      paths,
		"components": comps,
	}
}

// apiDoc is the OpenAPI document marshalled once, without its servers
// member and closing brace, for the collections it was built from. Only
// the server URL follows the request (its host, or the Forwarded one), so
// apiJSON appends that per request: the document's members are written
// sorted, and "servers" sorts last.
type apiDoc struct {
	mu   sync.Mutex
	key  string // collectionsKey of the collections it documents
	head []byte
}

// apiJSON returns the OpenAPI document in JSON with the request's server
// URL, rebuilding it only when a collection's id, title, time or
// properties changed (an import creates collections and adds properties).
func (s *server) apiJSON(c echo.Context) ([]byte, error) {
	cols := s.Store.Collections()
	key := collectionsKey(cols)
	s.apiDoc.mu.Lock()
	head := s.apiDoc.head
	if head == nil || s.apiDoc.key != key {
		b, err := marshal(s.openAPI(cols))
		if err != nil {
			s.apiDoc.mu.Unlock()
			return nil, err
		}
		head = bytes.TrimSuffix(bytes.TrimSuffix(b, []byte("\n")), []byte("}"))
		s.apiDoc.key, s.apiDoc.head = key, head
	}
	s.apiDoc.mu.Unlock()
	servers, err := marshal([]obj{{"url": base(c), "description": "this server"}})
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, len(head)+len(servers)+16)
	out = append(out, head...)
	out = append(out, `,"servers":`...)
	out = append(out, bytes.TrimSuffix(servers, []byte("\n"))...)
	return append(out, "}\n"...), nil
}

// collectionsKey is what the OpenAPI document takes from the collections.
func collectionsKey(cols []geo.Collection) string {
	var b strings.Builder
	for _, col := range cols {
		b.WriteString(col.ID)
		b.WriteByte(0)
		b.WriteString(col.Title)
		b.WriteByte(0)
		b.WriteString(col.TimeStart)
		for _, f := range col.Fields {
			b.WriteByte(0)
			b.WriteString(f.Name)
			b.WriteByte(1)
			b.WriteString(f.Type)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func versionOr(v string) string {
	if v == "" {
		return "dev"
	}
	return v
}

// jsonAnd is a 200 answer in JSON (of the given type) and HTML.
func jsonAnd(desc, ctype, schema string) obj {
	return obj{"description": desc, "content": obj{
		ctype:    obj{"schema": ref("schemas", schema)},
		typeHTML: obj{"schema": obj{"type": "string"}},
	}}
}

// errorsFor lists problem answers by status.
func errorsFor(statuses ...string) obj {
	r := obj{}
	for _, st := range statuses {
		switch st {
		case "400":
			r[st] = ref("responses", "BadRequest")
		case "404":
			r[st] = ref("responses", "NotFound")
		}
	}
	r["429"] = ref("responses", "TooManyRequests")
	r["500"] = ref("responses", "ServerError")
	return r
}

func responses(ok obj, statuses ...string) obj {
	r := errorsFor(statuses...)
	r["200"] = ok
	return r
}

const unknownParams = "Any other query parameter that names a property of the collection filters by equality (`?type=city`). " +
	"A parameter that is neither a standard one nor a property is refused with 400: OGC API – Features allows servers to reject unknown parameters, " +
	"and a silently ignored typo would return the wrong features."

// openAPIPaths are the generic paths. Later route groups (tiles, writes,
// health) add theirs here.
func (s *server) openAPIPaths() obj {
	f := ref("parameters", "f")
	col := ref("parameters", "collectionId")
	return obj{
		"/": obj{"get": obj{
			"tags": []string{"Capabilities"}, "summary": "Landing page", "operationId": "getLandingPage",
			"description": "Links to the API definition, the conformance classes and the collections. Browsers get the map.",
			"parameters":  []obj{f},
			"responses":   responses(jsonAnd("The landing page", ContentTypeJSON, "landingPage"), "400"),
		}},
		"/conformance": obj{"get": obj{
			"tags": []string{"Capabilities"}, "summary": "Conformance classes implemented", "operationId": "getConformance",
			"parameters": []obj{f},
			"responses":  responses(jsonAnd("The conformance classes", ContentTypeJSON, "conformance"), "400"),
		}},
		"/api": obj{"get": obj{
			"tags": []string{"Capabilities"}, "summary": "This API definition", "operationId": "getAPI",
			"parameters": []obj{f},
			"responses": responses(obj{"description": "The OpenAPI 3.0 document", "content": obj{
				ContentTypeOpenAPI: obj{"schema": obj{"type": "object"}},
				typeHTML:           obj{"schema": obj{"type": "string"}},
			}}, "400"),
		}},
		"/collections": obj{"get": obj{
			"tags": []string{"Capabilities"}, "summary": "The feature collections", "operationId": "getCollections",
			"parameters": []obj{f},
			"responses":  responses(jsonAnd("The collections", ContentTypeJSON, "collections"), "400"),
		}},
		"/collections/{collectionId}": obj{"get": obj{
			"tags": []string{"Capabilities"}, "summary": "One collection", "operationId": "describeCollection",
			"parameters": []obj{col, f},
			"responses":  responses(jsonAnd("The collection", ContentTypeJSON, "collection"), "400", "404"),
		}},
		"/collections/{collectionId}/items": obj{
			"get": obj{
				"tags": []string{"Data"}, "summary": "Features of a collection", "operationId": "getFeatures",
				"description": "Features ordered by id, a page at a time; follow the `next` link. " + unknownParams,
				"parameters":  itemsParameters(col),
				"responses":   responses(jsonAnd("A page of features", ContentTypeGeoJSON, "featureCollection"), "400", "404"),
			},
			"options": obj{
				"tags": []string{"Data"}, "summary": "Methods allowed on the features", "operationId": "optionsFeatures",
				"parameters": []obj{col},
				"responses": obj{
					"204": obj{"description": "The Allow header lists the methods", "headers": obj{"Allow": obj{"schema": obj{"type": "string"}}}},
					"404": ref("responses", "NotFound"),
				},
			},
		},
		"/collections/{collectionId}/items/{featureId}": obj{
			"get": obj{
				"tags": []string{"Data"}, "summary": "One feature", "operationId": "getFeature",
				"parameters": []obj{col, ref("parameters", "featureId"), f},
				"responses":  responses(jsonAnd("The feature", ContentTypeGeoJSON, "feature"), "400", "404"),
			},
			"options": obj{
				"tags": []string{"Data"}, "summary": "Methods allowed on the feature", "operationId": "optionsFeature",
				"parameters": []obj{col, ref("parameters", "featureId")},
				"responses": obj{
					"204": obj{"description": "The Allow header lists the methods", "headers": obj{"Allow": obj{"schema": obj{"type": "string"}}}},
					"404": ref("responses", "NotFound"),
				},
			},
		},
		"/collections/{collectionId}/queryables": obj{"get": obj{
			"tags": []string{"Data"}, "summary": "What a filter may name", "operationId": "getQueryables",
			"description": "A JSON Schema of the collection's queryables: its properties, `geometry`, its time properties and (with time) `datetime`.",
			"parameters":  []obj{col, ref("parameters", "fJSON")},
			"responses": responses(obj{"description": "The queryables", "content": obj{
				ContentTypeSchema: obj{"schema": obj{"type": "object", "required": []string{"type", "properties"}}},
			}}, "400", "404"),
		}},
		"/collections/{collectionId}/sortables": obj{"get": obj{
			"tags": []string{"Data"}, "summary": "What sortby may name", "operationId": "getSortables",
			"description": "A JSON Schema of the properties sortby may name, in the shape of the queryables.",
			"parameters":  []obj{col, ref("parameters", "fJSON")},
			"responses": responses(obj{"description": "The sortables", "content": obj{
				ContentTypeSchema: obj{"schema": obj{"type": "object", "required": []string{"type", "properties"}}},
			}}, "400", "404"),
		}},
		"/collections/{collectionId}/lookup": obj{"get": obj{
			"tags": []string{"Look-up"}, "summary": "Features of a collection that contain a point", "operationId": "lookupCollection",
			"description": "Boundary included; empty outside the collection's features.",
			"parameters":  []obj{col, ref("parameters", "lon"), ref("parameters", "lat"), f},
			"responses":   responses(jsonAnd("The containing features", ContentTypeGeoJSON, "featureCollection"), "400", "404"),
		}},
		"/lookup": obj{"get": obj{
			"tags": []string{"Look-up"}, "summary": "For every polygon collection, the feature containing a point", "operationId": "lookup",
			"description": "On a shared border the feature with the lowest id is given; `feature` is null where no feature contains the point.",
			"parameters":  []obj{ref("parameters", "lon"), ref("parameters", "lat"), ref("parameters", "fJSON")},
			"responses": responses(obj{"description": "One result per polygon collection, ordered by collection id",
				"content": obj{ContentTypeJSON: obj{"schema": ref("schemas", "lookup")}}}, "400"),
		}},
		"/search": obj{"get": obj{
			"tags": []string{"Search"}, "summary": "Features whose names match", "operationId": "search",
			"description": "Across collections, best first; case-, diacritic- and transliteration-insensitive. " +
				"Each feature's properties gain `collection` and `score`.",
			"parameters": []obj{ref("parameters", "q"), ref("parameters", "searchLimit"), ref("parameters", "searchGeometry"), f},
			"responses":  responses(jsonAnd("The matching features", ContentTypeGeoJSON, "featureCollection"), "400"),
		}},
	}
}

// itemsParameters are the standard parameters of an items path.
func itemsParameters(first ...obj) []obj {
	ps := append([]obj{}, first...)
	for _, name := range []string{"limit", "offset", "bbox", "bbox-crs", "datetime", "properties", "filter", "filter-lang", "filter-crs", "sortby", "f"} {
		ps = append(ps, ref("parameters", name))
	}
	return ps
}

// collectionItemsPath is the items path of one collection, with a query
// parameter for each of its properties.
func collectionItemsPath(col geo.Collection) obj {
	ps := itemsParameters()
	for _, fl := range col.Fields {
		if isItemsParam(fl.Name) {
			continue // the standard parameter wins
		}
		typ := fl.Type
		switch typ {
		case "string", "number", "integer", "boolean":
		default:
			typ = "string"
		}
		ps = append(ps, obj{
			"name": fl.Name, "in": "query", "required": false, "style": "form", "explode": false,
			"description": "Keep features whose `" + fl.Name + "` equals this value.",
			"schema":      obj{"type": typ},
		})
	}
	desc := "Features of " + col.ID + ", ordered by id. " + unknownParams
	if col.TimeStart != "" {
		desc += " `datetime` filters on `" + col.TimeStart + "`."
	} else {
		desc += " This collection has no time; `datetime` is checked but selects every feature."
	}
	return obj{"get": obj{
		"tags": []string{"Data"}, "summary": col.Title, "operationId": "getFeatures_" + col.ID,
		"description": desc,
		"parameters":  ps,
		"responses":   responses(jsonAnd("A page of features", ContentTypeGeoJSON, "featureCollection"), "400", "404"),
	}}
}

// concreteOp is an operation of /collections/{collectionId}/items for the
// collection id's own items path: without the collectionId parameter, and
// with an operationId of its own.
func concreteOp(op obj, id string) obj {
	op = maps.Clone(op)
	op["operationId"] = op["operationId"].(string) + "_" + id
	var ps []obj
	for _, p := range op["parameters"].([]obj) {
		if p["$ref"] != "#/components/parameters/collectionId" {
			ps = append(ps, p)
		}
	}
	if ps == nil {
		delete(op, "parameters")
	} else {
		op["parameters"] = ps
	}
	return op
}

func queryParam(name, desc string, required bool, schema obj) obj {
	return obj{"name": name, "in": "query", "description": desc, "required": required,
		"style": "form", "explode": false, "schema": schema}
}

func components() obj {
	problem := obj{ContentTypeProblem: obj{"schema": ref("schemas", "problem")}}
	link := ref("schemas", "link")
	return obj{
		"parameters": obj{
			"collectionId": obj{"name": "collectionId", "in": "path", "required": true, "description": "Collection id", "schema": obj{"type": "string"}},
			"featureId":    obj{"name": "featureId", "in": "path", "required": true, "description": "Feature id", "schema": obj{"type": "string"}},
			// QGIS and GDAL size their pages from limit's default and maximum.
			"limit": queryParam("limit", "Features per page. Larger values are clamped to the maximum; 0 or less is an error.", false,
				obj{"type": "integer", "minimum": 1, "maximum": MaxLimit, "default": DefaultLimit}),
			"offset": queryParam("offset", "Features to skip (ordered by id); the next link sets it.", false,
				obj{"type": "integer", "minimum": 0, "default": 0}),
			"bbox": queryParam("bbox", "minLon,minLat,maxLon,maxLat in CRS84 (or 6 numbers with heights, ignored): features whose exact geometry intersects the box. "+
				"A west edge east of the east edge crosses the antimeridian.", false,
				obj{"type": "array", "minItems": 4, "maxItems": 6, "items": obj{"type": "number"}}),
			"bbox-crs": queryParam("bbox-crs", "CRS of bbox; only CRS84.", false,
				obj{"type": "string", "format": "uri", "enum": []string{CRS84}}),
			"datetime": queryParam("datetime", "RFC 3339 date or date-time, or an interval start/end with `..` or empty for an open end. "+
				"A date covers its whole day.", false, obj{"type": "string"}),
			"properties": queryParam("properties", "Return only these properties.", false,
				obj{"type": "array", "items": obj{"type": "string"}}),
			// GDAL's OAPIF driver pushes -where down when the items
			// operation declares filter and filter-lang lists cql-text.
			"filter": queryParam("filter", "A CQL2 filter (OGC API – Features Part 3) on the collection's queryables; combined with the other parameters by AND. "+
				"A filter that does not parse or type-check is a 400 naming its position.", false,
				obj{"type": "string", "maxLength": cql2.MaxInputBytes}),
			"filter-lang": queryParam("filter-lang", "Language of filter; `cql-text` is read as `cql2-text`.", false,
				obj{"type": "string", "enum": filterLangs, "default": cql2.LangText}),
			"filter-crs": queryParam("filter-crs", "CRS of the geometries in filter; only CRS84.", false,
				obj{"type": "string", "format": "uri", "enum": []string{CRS84}}),
			"sortby": queryParam("sortby", "Order by these sortable properties (`+name,-population`: `-` descending, `+` or nothing ascending), then by id; paging links keep it.", false,
				obj{"type": "array", "items": obj{"type": "string", "pattern": "^[+-]?[^,]+$"}}),
			"f": queryParam("f", "Answer format; otherwise the Accept header decides (JSON by default).", false,
				obj{"type": "string", "enum": []string{"json", "html"}}),
			"fJSON": queryParam("f", "Answer format.", false, obj{"type": "string", "enum": []string{"json"}}),
			"lon":   queryParam("lon", "Longitude, -180..180", true, obj{"type": "number", "minimum": -180, "maximum": 180}),
			"lat":   queryParam("lat", "Latitude, -90..90", true, obj{"type": "number", "minimum": -90, "maximum": 90}),
			"q": queryParam("q", "Text to find in names", true,
				obj{"type": "string", "minLength": 1, "maxLength": MaxQueryLen}),
			"searchGeometry": queryParam("geometry", "`full`: each feature whole; `bbox`: its bounding box as the feature's `bbox` and a null geometry (small enough for search-as-you-type); `none`: no geometry.", false,
				obj{"type": "string", "enum": []string{SearchGeometryFull, SearchGeometryBBox, SearchGeometryNone}, "default": SearchGeometryFull}),
			"searchLimit": queryParam("limit", "At most this many features; larger values are clamped.", false,
				obj{"type": "integer", "minimum": 1, "maximum": MaxSearchLimit, "default": DefaultSearchLimit}),
		},
		"responses": obj{
			"BadRequest":  obj{"description": "A parameter is wrong; `detail` and `parameter` say which and why.", "content": problem},
			"NotFound":    obj{"description": "No such collection, feature or path.", "content": problem},
			"ServerError": obj{"description": "A server fault.", "content": problem},
			"TooManyRequests": obj{"description": "Over the rate limit of the client's address (--rate, --burst; off by default).",
				"headers": obj{"Retry-After": obj{"description": "Seconds until a request is allowed again", "schema": obj{"type": "integer"}}},
				"content": problem},
		},
		"schemas": obj{
			"link": obj{"type": "object", "required": []string{"href", "rel"}, "properties": obj{
				"href": obj{"type": "string"}, "rel": obj{"type": "string"}, "type": obj{"type": "string"},
				"title": obj{"type": "string"}, "templated": obj{"type": "boolean"},
			}},
			"problem": obj{"type": "object", "description": "RFC 7807 problem details", "properties": obj{
				"type": obj{"type": "string"}, "title": obj{"type": "string"}, "status": obj{"type": "integer"},
				"detail": obj{"type": "string"}, "parameter": obj{"type": "string"},
			}},
			"landingPage": obj{"type": "object", "required": []string{"links"}, "properties": obj{
				"title": obj{"type": "string"}, "description": obj{"type": "string"},
				"links": obj{"type": "array", "items": link},
			}},
			"conformance": obj{"type": "object", "required": []string{"conformsTo"}, "properties": obj{
				"conformsTo": obj{"type": "array", "items": obj{"type": "string"}},
			}},
			"collection": obj{"type": "object", "required": []string{"id", "links"}, "properties": obj{
				"id": obj{"type": "string"}, "title": obj{"type": "string"}, "description": obj{"type": "string"},
				"attribution": obj{"type": "string"}, "itemType": obj{"type": "string"},
				"crs":    obj{"type": "array", "items": obj{"type": "string"}},
				"extent": obj{"type": "object"},
				"links":  obj{"type": "array", "items": link},
			}},
			"collections": obj{"type": "object", "required": []string{"links", "collections"}, "properties": obj{
				"links":       obj{"type": "array", "items": link},
				"collections": obj{"type": "array", "items": ref("schemas", "collection")},
			}},
			"feature": obj{"type": "object", "required": []string{"type", "geometry", "properties"}, "properties": obj{
				"type": obj{"type": "string", "enum": []string{"Feature"}}, "id": obj{"type": "string"},
				"geometry": obj{"type": "object", "nullable": true}, "properties": obj{"type": "object", "nullable": true},
				"links": obj{"type": "array", "items": link},
			}},
			"featureCollection": obj{"type": "object", "required": []string{"type", "features"}, "properties": obj{
				"type":           obj{"type": "string", "enum": []string{"FeatureCollection"}},
				"features":       obj{"type": "array", "items": ref("schemas", "feature")},
				"links":          obj{"type": "array", "items": link},
				"timeStamp":      obj{"type": "string", "format": "date-time"},
				"numberMatched":  obj{"type": "integer", "minimum": 0},
				"numberReturned": obj{"type": "integer", "minimum": 0},
			}},
			"lookup": obj{"type": "object", "properties": obj{
				"lon": obj{"type": "number"}, "lat": obj{"type": "number"},
				"results": obj{"type": "array", "items": obj{"type": "object", "properties": obj{
					"collection": obj{"type": "string"},
					"feature": obj{"type": "object", "nullable": true, "properties": obj{
						"id": obj{"type": "string"}, "code": obj{"type": "string"},
						"name_en": obj{"type": "string"}, "name_kk": obj{"type": "string"}, "name_ru": obj{"type": "string"},
					}},
				}}},
			}},
		},
	}
}
