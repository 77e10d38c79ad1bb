package handlers

import (
	"encoding/json"
	"net/http"
	"sort"

	"github.com/labstack/echo/v4"

	"kzmap/geo/cql2"
)

// ContentTypeSchema is the media type of /queryables (a JSON Schema).
const ContentTypeSchema = "application/schema+json"

// RelQueryables links a collection to its queryables (OGC API – Features Part 3).
const RelQueryables = "http://www.opengis.net/def/rel/ogc/1.0/queryables"

// RelSortables links a collection to its sortables (OGC API – Features Part 8 draft).
const RelSortables = "http://www.opengis.net/def/rel/ogc/1.0/sortables"

// GeometrySchema is the JSON Schema of a GeoJSON geometry; QGIS recognises
// the geometry queryable by this $ref.
const GeometrySchema = "https://geojson.org/schema/Geometry.json"

// jsonSchemaDialect is the JSON Schema version Part 3 names.
const jsonSchemaDialect = "https://json-schema.org/draft/2019-09/schema"

// queryablesDoc is the JSON Schema listing what a filter may name.
func queryablesDoc(id, title string, props map[string]any) map[string]any {
	return map[string]any{
		"$schema":              jsonSchemaDialect,
		"$id":                  id,
		"type":                 "object",
		"title":                title,
		"properties":           props,
		"additionalProperties": false,
	}
}

// queryableSchema is one queryable's schema from its cql2 type.
func queryableSchema(name string, t cql2.Type, geomType string) map[string]any {
	s := map[string]any{"title": name}
	switch t {
	case cql2.TypeGeometry:
		ref := GeometrySchema
		if per, ok := geometrySchemas[geomType]; ok {
			ref = per
		}
		s["$ref"] = ref
		s["x-ogc-role"] = "primary-geometry"
	case cql2.TypeDate:
		s["type"], s["format"] = "string", "date"
	case cql2.TypeTimestamp:
		s["type"], s["format"] = "string", "date-time"
	case cql2.TypeInterval:
		s["type"], s["format"] = "string", "date-time"
		s["description"] = "The feature's time extent, as the datetime parameter reads it; for T_ functions."
		s["x-ogc-role"] = "primary-instant"
	default:
		s["type"] = string(t)
	}
	return s
}

// geometrySchemas are the per-type GeoJSON schemas.
var geometrySchemas = map[string]string{
	"Point": "https://geojson.org/schema/Point.json", "LineString": "https://geojson.org/schema/LineString.json",
	"Polygon": "https://geojson.org/schema/Polygon.json", "MultiPoint": "https://geojson.org/schema/MultiPoint.json",
	"MultiLineString": "https://geojson.org/schema/MultiLineString.json", "MultiPolygon": "https://geojson.org/schema/MultiPolygon.json",
}

// collectionQueryables is /collections/{id}/queryables.
func (s *server) collectionQueryables(c echo.Context) error {
	id := pathParam(c, "collectionId")
	col, err := s.Store.Collection(id)
	if err != nil {
		return storeErr(err, id, "")
	}
	if err := onlyJSONFormat(c); err != nil {
		return err
	}
	qs, _ := cql2.QueryablesOf(&col)
	names := make([]string, 0, len(qs))
	for n := range qs {
		names = append(names, n)
	}
	sort.Strings(names)
	props := map[string]any{}
	for _, n := range names {
		props[n] = queryableSchema(n, qs[n], col.GeometryType)
	}
	doc := queryablesDoc(base(c)+"/collections/"+pathEsc(id)+"/queryables", "Queryables of "+titleOf(col), props)
	return writeSchema(c, doc)
}

func writeSchema(c echo.Context, doc any) error {
	b, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, ContentTypeSchema, b)
}
