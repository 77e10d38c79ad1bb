package handlers

import (
	"time"

	"github.com/labstack/echo/v4"

	"kzmap/geo"
)

// trsGregorian is the temporal reference system of every temporal extent.
const trsGregorian = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"

// CollectionDoc is one collection as /collections lists it.
type CollectionDoc struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Attribution string   `json:"attribution,omitempty"`
	ItemType    string   `json:"itemType"`
	CRS         []string `json:"crs"`
	StorageCRS  string   `json:"storageCrs"`
	Extent      Extent   `json:"extent"`
	Links       []Link   `json:"links"`

	// Not part of the standard, but useful to map clients.
	GeometryType string      `json:"geometryType,omitempty"`
	Count        int         `json:"numberOfFeatures"`
	Fields       []geo.Field `json:"-"` // HTML shows them
}

// Extent is a collection's spatial and temporal extent.
type Extent struct {
	Spatial  SpatialExtent   `json:"spatial"`
	Temporal *TemporalExtent `json:"temporal,omitempty"`
}

// SpatialExtent holds bounding boxes in CRS84: an array of 4-number arrays.
type SpatialExtent struct {
	BBox [][4]float64 `json:"bbox"`
	CRS  string       `json:"crs"`
}

// TemporalExtent holds intervals of RFC 3339 date-times; nil is an open end.
type TemporalExtent struct {
	Interval [][2]*string `json:"interval"`
	TRS      string       `json:"trs"`
}

// Collections is the /collections document.
type Collections struct {
	Links       []Link          `json:"links"`
	Collections []CollectionDoc `json:"collections"`
}

// collectionDoc describes one collection. Its temporal extent is read from the
// features each time, so that writes show at once.
func (s *server) collectionDoc(c echo.Context, col geo.Collection) CollectionDoc {
	b := base(c)
	p := b + "/collections/" + pathEsc(col.ID)
	bbox := [4]float64{-180, -90, 180, 90}
	if col.Count > 0 {
		bbox = [4]float64{col.Bound.Min[0], col.Bound.Min[1], col.Bound.Max[0], col.Bound.Max[1]}
	}
	doc := CollectionDoc{
		ID:          col.ID,
		Title:       col.Title,
		Description: col.Description,
		Attribution: col.Attribution,
		ItemType:    "feature",
		CRS:         []string{CRS84},
		StorageCRS:  CRS84,
		Extent: Extent{
			Spatial: SpatialExtent{BBox: [][4]float64{bbox}, CRS: CRS84},
		},
		GeometryType: col.GeometryType,
		Count:        col.Count,
		Fields:       col.Fields,
		Links: []Link{
			{Href: p, Rel: "self", Type: ContentTypeJSON, Title: "This collection"},
			{Href: p + "?f=html", Rel: "alternate", Type: typeHTML, Title: "This collection as HTML"},
			{Href: p + "/items", Rel: "items", Type: ContentTypeGeoJSON, Title: "Features (GeoJSON)"},
			{Href: p + "/items?f=html", Rel: "items", Type: typeHTML, Title: "Features (HTML)"},
			{Href: b + "/collections", Rel: "parent", Type: ContentTypeJSON, Title: "All collections"},
			{Href: p + "/queryables", Rel: RelQueryables, Type: ContentTypeSchema, Title: "Queryables: what a filter may name"},
			{Href: p + "/sortables", Rel: RelSortables, Type: ContentTypeSchema, Title: "Sortables: what sortby may name"},
			{Href: p + "/tiles", Rel: "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector", Type: ContentTypeJSON, Title: "Vector tilesets"},
			{Href: b + "/tiles/" + pathEsc(col.ID) + "/tilejson.json", Rel: "describedby", Type: ContentTypeJSON, Title: "TileJSON 3.0.0 of the vector tiles"},
		},
	}
	if col.TimeStart != "" {
		doc.Extent.Temporal = temporalExtent(col)
	}
	return doc
}

// temporalExtent is the collection's time extent as the store keeps it;
// a collection with no dated feature has an open interval.
func temporalExtent(col geo.Collection) *TemporalExtent {
	te := &TemporalExtent{Interval: [][2]*string{{nil, nil}}, TRS: trsGregorian}
	if col.Time.Start.IsZero() {
		return te
	}
	a := col.Time.Start.Format(time.RFC3339)
	te.Interval[0][0] = &a
	if !col.Time.End.IsZero() {
		b := col.Time.End.Truncate(time.Second).Format(time.RFC3339)
		te.Interval[0][1] = &b
	}
	return te
}

func (s *server) collections(c echo.Context) error {
	f, err := onlyFormat(c)
	if err != nil {
		return err
	}
	b := base(c)
	doc := Collections{
		Links: []Link{
			{Href: b + "/collections", Rel: "self", Type: ContentTypeJSON, Title: "This document"},
			{Href: b + "/collections?f=html", Rel: "alternate", Type: typeHTML, Title: "This document as HTML"},
		},
		Collections: []CollectionDoc{},
	}
	if f == formatHTML {
		doc.Links[0], doc.Links[1] = doc.Links[1], doc.Links[0]
		doc.Links[0].Rel, doc.Links[1].Rel = "self", "alternate"
	}
	for _, col := range s.Store.Collections() {
		doc.Collections = append(doc.Collections, s.collectionDoc(c, col))
	}
	if f == formatHTML {
		v := collectionsView{Links: doc.Links}
		for _, d := range doc.Collections {
			v.Collections = append(v.Collections, collectionPage(b, d))
		}
		return s.renderHTML(c, "collections", "Collections", v)
	}
	return writeJSON(c, ContentTypeJSON, doc)
}

func (s *server) collection(c echo.Context) error {
	id := pathParam(c, "collectionId")
	f, err := onlyFormat(c)
	if err != nil {
		return err
	}
	col, err := s.Store.Collection(id)
	if err != nil {
		return storeErr(err, id, "")
	}
	doc := s.collectionDoc(c, col)
	if f == formatHTML {
		doc.Links[0], doc.Links[1] = doc.Links[1], doc.Links[0]
		doc.Links[0].Rel, doc.Links[1].Rel = "self", "alternate"
		crumbs := append(crumbsTo(base(c), col)[:1], cell{Text: titleOf(col)})
		return s.renderHTML(c, "collection", titleOf(col), collectionPage(base(c), doc), crumbs...)
	}
	return writeJSON(c, ContentTypeJSON, doc)
}
