package handlers

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"kzmap/geo/cql2"
)

// Conformance classes kzmap passes, spelled as the standard spells them:
// clients compare these strings exactly.
var conformsTo = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	// OGC API – Features Part 3 (filter.go, queryables.go); the CQL2
	// classes are appended from cql2.Conformance.
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
	// What QGIS looks for: the spatial class under its draft name.
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-operators",
	// OGC API – Features Part 8 (draft): sortby and /sortables (sortby.go).
	"http://www.opengis.net/spec/ogcapi-features-8/1.0/conf/sorting",
	// OGC API – Tiles 1.0: vector tiles of each collection (tiles.go).
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
}

const (
	serviceTitle       = "kzmap"
	serviceDescription = "Regions, districts, regional centres and events of Kazakhstan's January 2022 unrest, as OGC API – Features, map tiles, point look-ups and name search."
)

// LandingPage is the JSON landing page.
type LandingPage struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Version     string `json:"version,omitempty"`
	Links       []Link `json:"links"`
}

func (s *server) landingPage(c echo.Context, f format) LandingPage {
	b := base(c)
	self, alt := Link{Href: b + "/?f=json", Rel: "self", Type: ContentTypeJSON, Title: "This document"},
		Link{Href: b + "/?f=html", Rel: "alternate", Type: typeHTML, Title: "This document as HTML"}
	if f == formatHTML {
		self, alt = alt, self
		self.Rel, alt.Rel = "self", "alternate"
	}
	return LandingPage{
		Title:       serviceTitle,
		Description: serviceDescription,
		Version:     s.Version,
		Links: []Link{
			self, alt,
			{Href: b + "/api", Rel: "service-desc", Type: ContentTypeOpenAPI, Title: "The API definition (OpenAPI 3.0)"},
			{Href: b + "/api?f=html", Rel: "service-doc", Type: typeHTML, Title: "The API documentation"},
			{Href: b + "/conformance", Rel: "conformance", Type: ContentTypeJSON, Title: "Conformance classes implemented"},
			// A plain path: QGIS appends /{id}/items to it.
			{Href: b + "/collections", Rel: "data", Type: ContentTypeJSON, Title: "Collections"},
			{Href: b + "/search?q={q}", Rel: "search", Type: ContentTypeGeoJSON, Title: "Name search", Templated: true},
			{Href: b + "/lookup?lon={lon}&lat={lat}", Rel: "lookup", Type: ContentTypeJSON, Title: "Which region and district contain a point", Templated: true},
		},
	}
}

func (s *server) landing(c echo.Context) error {
	f, err := onlyFormat(c)
	if err != nil {
		return err
	}
	if f == formatHTML {
		if s.MapPage != nil {
			c.Response().Header().Add(echo.HeaderVary, echo.HeaderAccept)
			s.MapPage.ServeHTTP(c.Response(), c.Request())
			return nil
		}
		return s.renderHTML(c, "landing", "Landing page", s.landingPage(c, f))
	}
	return writeJSON(c, ContentTypeJSON, s.landingPage(c, f))
}

// Conformance is the /conformance document.
type Conformance struct {
	ConformsTo []string `json:"conformsTo"`
	Links      []Link   `json:"links,omitempty"`
}

func (s *server) conformance(c echo.Context) error {
	f, err := onlyFormat(c)
	if err != nil {
		return err
	}
	doc := Conformance{ConformsTo: append(slices.Clone(conformsTo), cql2.Conformance...)}
	if s.writesEnabled() {
		doc.ConformsTo = append(doc.ConformsTo, writeConformance...)
	}
	if f == formatHTML {
		return s.renderHTML(c, "conformance", "Conformance", doc)
	}
	return writeJSON(c, ContentTypeJSON, doc)
}

// api answers the OpenAPI document: JSON to clients (QGIS asks with
// Accept: application/vnd.oai.openapi+json;version=3.0, ...), a readable
// page to browsers.
func (s *server) api(c echo.Context) error {
	f, err := onlyFormat(c)
	if err != nil {
		return err
	}
	b, err := s.apiJSON(c)
	if err != nil {
		return err
	}
	if f == formatHTML {
		var doc bytes.Buffer
		if err := json.Indent(&doc, b, "", "  "); err != nil {
			return err
		}
		return s.renderHTML(c, "api", "API", apiPage{Doc: doc.String(), JSONHref: base(c) + "/api?f=json"})
	}
	c.Response().Header().Add(echo.HeaderVary, echo.HeaderAccept)
	return c.Blob(http.StatusOK, ContentTypeOpenAPI, b)
}

// apiPage is the HTML view of the OpenAPI document.
type apiPage struct {
	Doc      string
	JSONHref string
}

// allowItems is the Allow list of /collections/{id}/items: POST too when
// writes are enabled (writes.go). OPTIONS answers from it; QGIS offers
// editing when it lists POST, PUT and DELETE.
func (s *server) allowItems() []string {
	if s.writesEnabled() {
		return []string{http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPost}
	}
	return []string{http.MethodGet, http.MethodHead, http.MethodOptions}
}

// allowItem is the Allow list of /collections/{id}/items/{fid}.
func (s *server) allowItem() []string {
	if s.writesEnabled() {
		return []string{http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete}
	}
	return []string{http.MethodGet, http.MethodHead, http.MethodOptions}
}

func allowHeader(methods []string) string { return strings.Join(methods, ", ") }
