package handlers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strconv"

	"github.com/labstack/echo/v4"

	"kzmap/geo"
)

// The HTML pages are plain listings for people who follow links in a
// browser; html/template escapes every value taken from data or request.
var pages = template.Must(template.New("pages").Parse(`
{{define "head"}}<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · kzmap</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5em auto;max-width:72em;padding:0 1em;line-height:1.4}
table{border-collapse:collapse;font-size:.9em}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3}nav a{margin-right:1em}pre{background:#f6f6f6;padding:1em;overflow:auto}
</style></head><body>
<nav><a href="{{.Home}}/?f=html">kzmap</a> <a href="{{.Home}}/collections?f=html">collections</a> <a href="{{.Home}}/api?f=html">API</a></nav>
{{end}}
{{define "foot"}}</body></html>
{{end}}
{{define "links"}}{{if .}}<h2>Links</h2><ul>{{range .}}<li><a href="{{.Href}}">{{if .Title}}{{.Title}}{{else}}{{.Rel}}{{end}}</a> <small>({{.Rel}}{{if .Type}}, {{.Type}}{{end}})</small></li>{{end}}</ul>{{end}}{{end}}
{{define "table"}}<table><thead><tr>{{range .Columns}}<th>{{.}}</th>{{end}}</tr></thead><tbody>
{{range .Rows}}<tr>{{range .}}<td>{{if .Href}}<a href="{{.Href}}">{{.Text}}</a>{{else}}{{.Text}}{{end}}</td>{{end}}</tr>
{{end}}</tbody></table>{{end}}

{{define "landing"}}{{template "head" .}}{{with .Page}}
<h1>{{.Title}}</h1><p>{{.Description}}</p>{{if .Version}}<p>Version {{.Version}}</p>{{end}}
{{template "links" .Links}}
{{end}}{{template "foot"}}{{end}}

{{define "conformance"}}{{template "head" .}}{{with .Page}}
<h1>Conformance classes</h1><ul>{{range .ConformsTo}}<li>{{.}}</li>{{end}}</ul>
{{end}}{{template "foot"}}{{end}}

{{define "api"}}{{template "head" .}}{{with .Page}}
<h1>API definition (OpenAPI 3.0)</h1><p><a href="{{.JSONHref}}">As JSON</a></p>
<pre>{{.Doc}}</pre>
{{end}}{{template "foot"}}{{end}}

{{define "collections"}}{{template "head" .}}{{with .Page}}
<h1>Collections</h1>
<table><thead><tr><th>id</th><th>title</th><th>features</th><th>geometry</th><th>description</th></tr></thead><tbody>
{{range .Collections}}<tr><td><a href="{{(index .Links 0).Href}}?f=html">{{.ID}}</a></td><td>{{.Title}}</td><td>{{.Count}}</td><td>{{.GeometryType}}</td><td>{{.Description}}</td></tr>
{{end}}</tbody></table>
{{template "links" .Links}}
{{end}}{{template "foot"}}{{end}}

{{define "collection"}}{{template "head" .}}{{with .Page}}
<h1>{{.Title}}</h1><p>{{.Description}}</p>
<table>
<tr><th>id</th><td>{{.ID}}</td></tr>
<tr><th>features</th><td>{{.Count}}</td></tr>
<tr><th>geometry</th><td>{{.GeometryType}}</td></tr>
<tr><th>extent</th><td>{{range .Extent.Spatial.BBox}}{{index . 0}}, {{index . 1}}, {{index . 2}}, {{index . 3}}{{end}}</td></tr>
{{with .Extent.Temporal}}<tr><th>time</th><td>{{range .Interval}}{{with index . 0}}{{.}}{{else}}..{{end}} / {{with index . 1}}{{.}}{{else}}..{{end}}{{end}}</td></tr>{{end}}
{{if .Attribution}}<tr><th>attribution</th><td>{{.Attribution}}</td></tr>{{end}}
</table>
{{if .Fields}}<h2>Properties</h2><table><tr><th>name</th><th>type</th></tr>{{range .Fields}}<tr><td>{{.Name}}</td><td>{{.Type}}</td></tr>{{end}}</table>{{end}}
{{template "links" .Links}}
{{end}}{{template "foot"}}{{end}}

{{define "items"}}{{template "head" .}}{{with .Page}}
<h1>{{.Title}}</h1>
<p>{{.Returned}} of {{.Matched}} features{{if .Offset}}, from number {{.From}}{{end}}.</p>
{{template "table" .Table}}
{{template "links" .Links}}
{{end}}{{template "foot"}}{{end}}

{{define "item"}}{{template "head" .}}{{with .Page}}
<h1>{{.Title}}</h1>
<table><tr><th>id</th><td>{{.ID}}</td></tr><tr><th>geometry</th><td>{{.Geometry}}</td></tr>
{{range .Props}}<tr><th>{{.Name}}</th><td>{{.Value}}</td></tr>{{end}}</table>
{{template "links" .Links}}
{{end}}{{template "foot"}}{{end}}

{{define "search"}}{{template "head" .}}{{with .Page}}
<h1>{{.Title}}</h1>
{{if .Table.Rows}}{{template "table" .Table}}{{else}}<p>No match.</p>{{end}}
{{template "links" .Links}}
{{end}}{{template "foot"}}{{end}}
`))

// pageData wraps a page's data with what every page's frame needs.
type pageData struct {
	Title string
	Home  string // the service root, for navigation behind a proxy prefix
	Page  any
}

// renderHTML answers a page as text/html.
func renderHTML(c echo.Context, page, title string, data any) error {
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, page, pageData{Title: title, Home: base(c), Page: data}); err != nil {
		return fmt.Errorf("handlers: rendering %s: %w", page, err)
	}
	c.Response().Header().Add(echo.HeaderVary, echo.HeaderAccept)
	return c.Blob(http.StatusOK, ContentTypeHTML, buf.Bytes())
}

type cell struct{ Text, Href string }

type table struct {
	Columns []string
	Rows    [][]cell
}

type itemsView struct {
	Title                           string
	Matched, Returned, Offset, From int
	Table                           table
	Links                           []Link
}

// itemsPage lays out a page of features as a table: id, then the
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
	v := itemsView{
		Title:    col.Title,
		Matched:  matched,
		Returned: len(feats),
		Offset:   offset,
		From:     offset + 1,
		Table:    table{Columns: append([]string{"id"}, cols...)},
		Links:    links,
	}
	if v.Title == "" {
		v.Title = col.ID
	}
	for _, f := range feats {
		row := []cell{{Text: f.ID, Href: b + "/collections/" + pathEsc(col.ID) + "/items/" + pathEsc(f.ID) + "?f=html"}}
		for _, k := range cols {
			row = append(row, cell{Text: showValue(f.Properties[k])})
		}
		v.Table.Rows = append(v.Table.Rows, row)
	}
	return v
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

type prop struct{ Name, Value string }

type itemView struct {
	Title, ID, Geometry string
	Props               []prop
	Links               []Link
}

func itemPage(col geo.Collection, f *geo.Feature, links []Link) itemView {
	v := itemView{Title: f.ID, ID: f.ID, Links: links}
	if n := f.String("name_en"); n != "" {
		v.Title = n
	} else if t := f.String("title"); t != "" {
		v.Title = t
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
		v.Props = append(v.Props, prop{k, showValue(f.Properties[k])})
	}
	return v
}

type searchView struct {
	Title string
	Table table
	Links []Link
}

func searchPage(b, text string, feats []*geo.Feature, links []Link) searchView {
	v := searchView{
		Title: "Search: " + text,
		Table: table{Columns: []string{"collection", "id", "name", "score"}},
		Links: links,
	}
	for _, f := range feats {
		col := f.String("collection")
		name := f.String("name_en")
		if name == "" {
			name = f.String("title")
		}
		v.Table.Rows = append(v.Table.Rows, []cell{
			{Text: col, Href: b + "/collections/" + pathEsc(col) + "?f=html"},
			{Text: f.ID, Href: b + "/collections/" + pathEsc(col) + "/items/" + pathEsc(f.ID) + "?f=html"},
			{Text: name},
			{Text: showValue(f.Properties["score"])},
		})
	}
	return v
}
