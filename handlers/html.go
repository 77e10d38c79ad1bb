package handlers

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/simplify"

	"kzmap/geo"
)

// The HTML pages (html.tmpl) are for people who follow links in a
// browser: each shows its features on a small map drawn by the page script
// of the assets package (PageAssets), which reads them from a JSON data
// block. html/template escapes every value taken from data or request, JSON
// in the data block included.
//
//go:embed html.tmpl
var pagesText string

var pages = template.Must(template.New("pages").Funcs(template.FuncMap{"md": markdownHTML}).Parse(pagesText))

// PageAssets are the URL paths of the HTML pages' script and stylesheet
// (assets.Page). Without them the pages are plain listings with no map.
type PageAssets struct{ Script, Style string }

// pageData wraps a page's data with what every page's frame needs.
type pageData struct {
	Title       string
	Home        string // the service root, for navigation behind a proxy prefix
	Assets      PageAssets
	Crumbs      []cell
	Attribution []string // of every collection, once each: shown on every page
	Page        any
}

// renderHTML answers a page as text/html; crumbs lead from the collections
// to this page (the last has no Href).
func (s *server) renderHTML(c echo.Context, page, title string, data any, crumbs ...cell) error {
	var attr []string
	for _, col := range s.Store.Collections() {
		if col.Attribution != "" && !slices.Contains(attr, col.Attribution) {
			attr = append(attr, col.Attribution)
		}
	}
	var buf bytes.Buffer
	pd := pageData{Title: title, Home: base(c), Assets: s.Pages, Crumbs: crumbs, Attribution: attr, Page: data}
	if err := pages.ExecuteTemplate(&buf, page, pd); err != nil {
		return fmt.Errorf("handlers: rendering %s: %w", page, err)
	}
	c.Response().Header().Add(echo.HeaderVary, echo.HeaderAccept)
	return c.Blob(http.StatusOK, ContentTypeHTML, buf.Bytes())
}

// crumbsTo are the breadcrumbs of a page under a collection.
func crumbsTo(b string, col geo.Collection, more ...cell) []cell {
	return append([]cell{
		{Text: "Collections", Href: b + "/collections?f=html"},
		{Text: titleOf(col), Href: b + "/collections/" + pathEsc(col.ID) + "?f=html"},
	}, more...)
}

func titleOf(col geo.Collection) string {
	if col.Title != "" {
		return col.Title
	}
	return col.ID
}

type cell struct{ Text, Href string }

type row struct {
	ID    string // the feature's id, which the page script matches with the map
	Cells []cell
}

type table struct {
	Columns []string
	Rows    []row
}

type itemsView struct {
	Title                               string
	Matched, Returned, Offset, From, To int
	Table                               table
	Features                            json.RawMessage // the page's features for the map
	Prev, Next                          string
	Sizes                               []cell // links to other page sizes
	Form                                *itemsForm
	JSONHref, CollectionHref            string
	Links                               []Link
}

// itemsForm is the filter form of an items page: submitted, it asks for the
// same URL a client would write (the page script leaves empty fields out).
type itemsForm struct {
	Action, Clear, Properties string
	BBox, Datetime            string
	Time                      bool
	Fields                    []formField
	FieldsSet                 bool
	Limits                    []limitOption
}

type formField struct{ Name, Value string }

type limitOption struct {
	N        int
	Selected bool
}

// pageSizes are the page sizes offered in HTML.
var pageSizes = []int{10, 50, 100, 500}

// itemsPage lays out a page of features as a map and a table: id, then the
// collection's properties in their stable order.
func itemsPage(b string, col geo.Collection, feats []*geo.Feature, matched, offset int, keep []string, links []Link) itemsView {
	cols := keep
	if cols == nil {
		for _, f := range col.Fields {
			cols = append(cols, f.Name)
		}
	}
	if cols == nil {
		cols = propNames(feats)
	}
	if keep == nil {
		cols = nameFirst(cols)
	}
	v := itemsView{
		Title:    titleOf(col),
		Matched:  matched,
		Returned: len(feats),
		Offset:   offset,
		From:     offset + 1,
		To:       offset + len(feats),
		Table:    table{Columns: append([]string{"id"}, cols...)},
		Features: mapFeatures(feats),
		Links:    links,
	}
	for _, l := range links {
		switch l.Rel {
		case "next":
			v.Next = l.Href
		case "prev":
			v.Prev = l.Href
		case "alternate":
			v.JSONHref = l.Href
		}
	}
	for _, f := range feats {
		r := row{ID: f.ID, Cells: []cell{{Text: f.ID, Href: b + "/collections/" + pathEsc(col.ID) + "/items/" + pathEsc(f.ID) + "?f=html"}}}
		for _, k := range cols {
			r.Cells = append(r.Cells, cell{Text: showValue(f.Properties[k])})
		}
		v.Table.Rows = append(v.Table.Rows, r)
	}
	return v
}

// mapFeatures is a FeatureCollection of the features' geometries, ids and
// titles, simplified to what a page's map can show (a 1500th of the
// page's extent, under a pixel at the fitted view).
func mapFeatures(feats []*geo.Feature) json.RawMessage {
	var all orb.Bound
	first := true
	for _, f := range feats {
		switch {
		case f.Geometry == nil:
		case first:
			all, first = f.Geometry.Bound(), false
		default:
			all = all.Union(f.Geometry.Bound())
		}
	}
	tol := max(all.Max[0]-all.Min[0], all.Max[1]-all.Min[1]) / 1500
	type mapFeature struct {
		Type       string            `json:"type"`
		ID         string            `json:"id"`
		Geometry   *geojson.Geometry `json:"geometry"`
		Properties map[string]string `json:"properties"`
	}
	out := struct {
		Type     string       `json:"type"`
		Features []mapFeature `json:"features"`
	}{Type: "FeatureCollection", Features: []mapFeature{}}
	for _, f := range feats {
		mf := mapFeature{Type: "Feature", ID: f.ID, Properties: map[string]string{"title": featureTitle(f)}}
		if g := f.Geometry; g != nil {
			// A copy: the store's geometry is shared. Five decimals are
			// about a metre.
			g = orb.Clone(g)
			if _, point := g.(orb.Point); !point && tol > 0 {
				g = simplify.DouglasPeucker(tol).Simplify(g)
			}
			mf.Geometry = geojson.NewGeometry(orb.Round(g, 1e5))
		}
		out.Features = append(out.Features, mf)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return json.RawMessage(`{"type":"FeatureCollection","features":[]}`)
	}
	return b
}

// featureTitle names a feature for people: its English name, title, or id.
func featureTitle(f *geo.Feature) string {
	if n := f.String("name_en"); n != "" {
		return n
	}
	if t := f.String("title"); t != "" {
		return t
	}
	return f.ID
}

// nameFirst moves the column that names a feature for people (name_en, or
// title) to the front, next to the id.
func nameFirst(cols []string) []string {
	for _, name := range []string{"name_en", "title"} {
		if i := slices.Index(cols, name); i > 0 {
			out := append([]string{name}, cols[:i]...)
			return append(out, cols[i+1:]...)
		}
	}
	return cols
}

// propNames is the sorted union of the features' property names.
func propNames(feats []*geo.Feature) []string {
	seen := map[string]bool{}
	var names []string
	for _, f := range feats {
		for k := range f.Properties {
			if !seen[k] {
				seen[k] = true
				names = append(names, k)
			}
		}
	}
	sort.Strings(names)
	return names
}

// showValue formats a property value for a table cell.
func showValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool, int, int64:
		return fmt.Sprint(x)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

type prop struct{ Name, Value, Href string }

type itemView struct {
	Title, ID, Geometry                                  string
	Props                                                []prop
	Features                                             json.RawMessage
	CollectionTitle, CollectionHref, ItemsHref, JSONHref string
	Links                                                []Link
}

func itemPage(b string, col geo.Collection, f *geo.Feature, links []Link) itemView {
	p := b + "/collections/" + pathEsc(col.ID)
	v := itemView{
		Title: featureTitle(f), ID: f.ID, Links: links,
		Features:        mapFeatures([]*geo.Feature{f}),
		CollectionTitle: titleOf(col), CollectionHref: p + "?f=html", ItemsHref: p + "/items?f=html",
		JSONHref: p + "/items/" + pathEsc(f.ID) + "?f=json",
	}
	if f.Geometry != nil {
		v.Geometry = f.Geometry.GeoJSONType()
	}
	names := make([]string, 0, len(f.Properties))
	for k := range f.Properties {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		pr := prop{Name: k, Value: showValue(f.Properties[k])}
		if strings.HasPrefix(pr.Value, "https://") || strings.HasPrefix(pr.Value, "http://") {
			pr.Href = pr.Value
		}
		v.Props = append(v.Props, pr)
	}
	return v
}

// collectionView is a collection's page: its document, and what the page
// adds for people.
type collectionView struct {
	CollectionDoc
	HTMLHref, JSONHref, ItemsHref, ItemsHTML string
	BBoxAttr, BBoxText, TimeText             string
	DataLinks                                []Link
	Open                                     openIn
}

// openIn are the exact strings to paste into QGIS, GDAL and Python.
type openIn struct{ QGIS, GDAL, Python string }

func collectionPage(b string, doc CollectionDoc) collectionView {
	p := b + "/collections/" + pathEsc(doc.ID)
	v := collectionView{
		CollectionDoc: doc,
		HTMLHref:      p + "?f=html", JSONHref: p + "?f=json", ItemsHref: p + "/items?f=html", ItemsHTML: p + "/items?f=html",
		Open: openIn{
			QGIS: b + "/",
			GDAL: "OAPIF:" + p,
			Python: "from owslib.ogcapi.features import Features\n" +
				"Features(" + pyString(b) + ").collection_items(" + pyString(doc.ID) + ", limit=10)",
		},
	}
	if len(doc.Extent.Spatial.BBox) > 0 {
		bb := doc.Extent.Spatial.BBox[0]
		var parts []string
		for _, x := range bb {
			parts = append(parts, strconv.FormatFloat(x, 'f', 4, 64))
		}
		v.BBoxAttr, v.BBoxText = strings.Join(parts, ","), strings.Join(parts, ", ")
	}
	if t := doc.Extent.Temporal; t != nil && len(t.Interval) > 0 {
		end := func(s *string) string {
			if s == nil {
				return ".."
			}
			return strings.TrimSuffix(strings.TrimSuffix(*s, "T00:00:00Z"), "T23:59:59Z")
		}
		switch from, to := end(t.Interval[0][0]), end(t.Interval[0][1]); {
		case from == ".." && to == "..":
		case to == "..":
			v.TimeText = "from " + from
		case from == "..":
			v.TimeText = "until " + to
		default:
			v.TimeText = from + " – " + to
		}
	}
	for _, l := range doc.Links {
		switch l.Rel {
		case "self", "alternate", "parent":
		default:
			v.DataLinks = append(v.DataLinks, l)
		}
		if l.Rel == "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector" {
			v.DataLinks = append(v.DataLinks, Link{Href: l.Href + "/" + WebMercatorQuad, Type: ContentTypeJSON,
				Title: "OGC API – Tiles tileset (" + WebMercatorQuad + ")"})
		}
	}
	return v
}

// pyString is s as a Python string literal (single quotes, as people write them).
func pyString(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}

type collectionsView struct {
	Collections []collectionView
	Links       []Link
}

type searchView struct {
	Title    string
	Query    string
	Action   string
	Table    table
	Features json.RawMessage // keyed "collection/id": ids repeat across collections
	Links    []Link
}

func searchPage(b, text string, feats []*geo.Feature, links []Link) searchView {
	v := searchView{
		Title: "Search: " + text, Query: text, Action: b + "/search",
		Table: table{Columns: []string{"collection", "id", "name", "score"}},
		Links: links,
	}
	var onMap []*geo.Feature
	for _, f := range feats {
		col := f.String("collection")
		name := f.String("name_en")
		if name == "" {
			name = f.String("title")
		}
		key := col + "/" + f.ID
		onMap = append(onMap, geo.NewFeature(key, f.Geometry, f.Properties))
		v.Table.Rows = append(v.Table.Rows, row{ID: key, Cells: []cell{
			{Text: col, Href: b + "/collections/" + pathEsc(col) + "?f=html"},
			{Text: f.ID, Href: b + "/collections/" + pathEsc(col) + "/items/" + pathEsc(f.ID) + "?f=html"},
			{Text: name},
			{Text: showValue(f.Properties["score"])},
		}})
	}
	v.Features = mapFeatures(onMap)
	return v
}
