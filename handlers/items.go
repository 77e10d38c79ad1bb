package handlers

import (
	"bytes"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"kzmap/geo"
)

// itemsParams are the standard parameters of /collections/{id}/items; any
// other parameter must name a property of the collection (an equality filter).
var itemsParams = []string{"bbox", "bbox-crs", "crs", "datetime", "f", "filter", "filter-crs", "filter-lang", "limit", "offset", "properties", "sortby"}

func isItemsParam(k string) bool {
	for _, p := range itemsParams {
		if p == k {
			return true
		}
	}
	return false
}

// itemsRequest is a parsed items request.
type itemsRequest struct {
	query  geo.Query
	keep   []string // properties to return; nil means all
	format format
}

// parseItems reads an items request against its collection. Parameters are
// checked in a fixed order so that a request with several faults always gets
// the same answer.
func parseItems(c echo.Context, col geo.Collection) (itemsRequest, error) {
	var r itemsRequest
	q, err := reqQuery(c)
	if err != nil {
		return r, err
	}
	fields := map[string]bool{}
	for _, f := range col.Fields {
		fields[f.Name] = true
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if isItemsParam(k) {
			continue
		}
		if !fields[k] {
			return r, paramErr(clip(k), "unknown parameter: neither a standard parameter (%s) nor a property of collection %q",
				strings.Join(itemsParams, ", "), col.ID)
		}
		if r.query.Equals == nil {
			r.query.Equals = map[string]string{}
		}
		r.query.Equals[k] = q[k]
	}
	if r.format, err = negotiate(c, q); err != nil {
		return r, err
	}
	for _, p := range []string{"bbox-crs", "crs"} {
		if v, ok := q[p]; ok && !isCRS84(v) {
			return r, paramErr(p, "%q is not supported; the only CRS is %s", clip(v), CRS84)
		}
	}
	if v, ok := q["bbox"]; ok {
		if r.query.Boxes, err = ParseBBox(v); err != nil {
			return r, err
		}
	}
	if r.query.Limit, err = ParseLimit(q["limit"]); err != nil {
		return r, err
	}
	if r.query.Offset, err = ParseOffset(q["offset"]); err != nil {
		return r, err
	}
	if v, ok := q["datetime"]; ok && v != "" {
		iv, err := ParseDatetime(v)
		if err != nil {
			return r, err
		}
		// A collection without time has no temporal geometry to test; the
		// parameter is checked but selects nothing away (as pg_featureserv).
		if col.TimeStart != "" {
			r.query.Time = iv
		}
	}
	if v := q["properties"]; v != "" {
		r.keep = ParseProperties(v)
	}
	if err := parseFilter(q, col, &r.query); err != nil {
		return r, err
	}
	if v, ok := q["sortby"]; ok {
		if r.query.SortBy, err = ParseSortBy(v, col); err != nil {
			return r, err
		}
	}
	return r, nil
}

// featureCollection writes a GeoJSON FeatureCollection around features whose
// encodings are computed once and reused: only the envelope is marshalled.
func featureCollection(feats []*geo.Feature, keep []string, matched int, links []Link) ([]byte, error) {
	enc := make([][]byte, len(feats))
	for i, f := range feats {
		if keep != nil {
			enc[i] = f.Encode(keep)
		} else {
			enc[i] = f.GeoJSON()
		}
	}
	return encodedCollection(enc, matched, links)
}

// encodedCollection is a FeatureCollection of features already encoded.
func encodedCollection(feats [][]byte, matched int, links []Link) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(`{"type":"FeatureCollection"`)
	if matched >= 0 {
		buf.WriteString(`,"numberMatched":`)
		buf.WriteString(strconv.Itoa(matched))
	}
	buf.WriteString(`,"numberReturned":`)
	buf.WriteString(strconv.Itoa(len(feats)))
	buf.WriteString(`,"timeStamp":"`)
	buf.WriteString(time.Now().UTC().Format(time.RFC3339))
	buf.WriteString(`","links":`)
	lb, err := marshal(links)
	if err != nil {
		return nil, err
	}
	buf.Write(bytes.TrimSpace(lb))
	buf.WriteString(`,"features":[`)
	for i, f := range feats {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(f)
	}
	buf.WriteString("]}\n")
	return buf.Bytes(), nil
}

// writeGeoJSON answers a GeoJSON document.
func writeGeoJSON(c echo.Context, body []byte) error {
	h := c.Response().Header()
	h.Add(echo.HeaderVary, echo.HeaderAccept)
	h.Set("Content-Crs", "<"+CRS84+">")
	return c.Blob(http.StatusOK, ContentTypeGeoJSON, body)
}

func (s *server) items(c echo.Context) error {
	id := pathParam(c, "collectionId")
	col, err := s.Store.Collection(id)
	if err != nil {
		return storeErr(err, id, "")
	}
	r, err := parseItems(c, col)
	if err != nil {
		return err
	}
	page, err := s.Store.Items(id, r.query)
	if err != nil {
		return storeErr(err, id, "")
	}
	links := pageLinks(c, r, len(page.Features), page.Matched)
	if r.format == formatHTML {
		b := base(c)
		v := itemsPage(b, col, page.Features, page.Matched, r.query.Offset, r.keep, links)
		v.CollectionHref = b + "/collections/" + pathEsc(id) + "?f=html"
		v.Form, v.Sizes = filterForm(c, col, r)
		return s.renderHTML(c, "items", v.Title+": features", v, crumbsTo(b, col, cell{Text: "Features"})...)
	}
	body, err := featureCollection(page.Features, r.keep, page.Matched, links)
	if err != nil {
		return err
	}
	return writeGeoJSON(c, body)
}

// pageLinks are self, alternate, next (while more remain) and prev (after
// the first page). They keep every parameter of the request as the client
// wrote it; only offset (or f, for alternate) changes.
func pageLinks(c echo.Context, r itemsRequest, returned, matched int) []Link {
	req := c.Request()
	b, path, raw := base(c), req.URL.EscapedPath(), req.URL.RawQuery
	selfType, altType, altF := ContentTypeGeoJSON, typeHTML, "html"
	if r.format == formatHTML {
		selfType, altType, altF = typeHTML, ContentTypeGeoJSON, "json"
	}
	links := []Link{
		{Href: href(b, path, raw), Rel: "self", Type: selfType, Title: "This page"},
		{Href: href(b, path, withQuery(raw, "f", altF)), Rel: "alternate", Type: altType, Title: "This page as " + altF},
	}
	off, lim := r.query.Offset, r.query.Limit
	if returned > 0 && off+returned < matched {
		links = append(links, Link{Href: href(b, path, withQuery(raw, "offset", strconv.Itoa(off+returned))),
			Rel: "next", Type: selfType, Title: "Next page"})
	}
	if off > 0 {
		prev := max(off-lim, 0)
		links = append(links, Link{Href: href(b, path, withQuery(raw, "offset", strconv.Itoa(prev))),
			Rel: "prev", Type: selfType, Title: "Previous page"})
	}
	return links
}

func (s *server) item(c echo.Context) error {
	id, fid := pathParam(c, "collectionId"), pathParam(c, "featureId")
	f, err := onlyFormat(c)
	if err != nil {
		return err
	}
	col, err := s.Store.Collection(id)
	if err != nil {
		return storeErr(err, id, "")
	}
	feat, err := s.Store.Feature(id, fid)
	if err != nil {
		return storeErr(err, id, fid)
	}
	b := base(c)
	p := b + "/collections/" + pathEsc(id)
	self := p + "/items/" + pathEsc(fid)
	links := []Link{
		{Href: self, Rel: "self", Type: ContentTypeGeoJSON, Title: "This feature"},
		{Href: self + "?f=html", Rel: "alternate", Type: typeHTML, Title: "This feature as HTML"},
		{Href: p, Rel: "collection", Type: ContentTypeJSON, Title: col.Title},
	}
	if f == formatHTML {
		links[0], links[1] = links[1], links[0]
		links[0].Rel, links[1].Rel = "self", "alternate"
		v := itemPage(b, col, feat, links)
		return s.renderHTML(c, "item", v.Title, v, crumbsTo(b, col, cell{Text: "Features", Href: v.ItemsHref}, cell{Text: v.Title})...)
	}
	body, err := withLinks(feat.GeoJSON(), links)
	if err != nil {
		return err
	}
	return writeGeoJSON(c, body)
}

// withLinks adds a "links" member to an encoded GeoJSON object without
// decoding it (the encoding is shared and must not be altered in place).
func withLinks(obj []byte, links []Link) ([]byte, error) {
	lb, err := marshal(links)
	if err != nil {
		return nil, err
	}
	obj = bytes.TrimSpace(obj)
	out := make([]byte, 0, len(obj)+len(lb)+16)
	out = append(out, obj[:len(obj)-1]...) // drop the closing brace
	out = append(out, `,"links":`...)
	out = append(out, bytes.TrimSpace(lb)...)
	out = append(out, "}\n"...)
	return out, nil
}

// itemsOptions answers OPTIONS on items: QGIS reads Allow to decide whether
// to offer editing.
func (s *server) itemsOptions(c echo.Context) error {
	id := pathParam(c, "collectionId")
	if _, err := s.Store.Collection(id); err != nil {
		return storeErr(err, id, "")
	}
	c.Response().Header().Set(echo.HeaderAllow, allowHeader(s.allowItems()))
	return c.NoContent(http.StatusNoContent)
}

func (s *server) itemOptions(c echo.Context) error {
	id, fid := pathParam(c, "collectionId"), pathParam(c, "featureId")
	if _, err := s.Store.Feature(id, fid); err != nil {
		return storeErr(err, id, fid)
	}
	c.Response().Header().Set(echo.HeaderAllow, allowHeader(s.allowItem()))
	return c.NoContent(http.StatusNoContent)
}

// filterForm is the items page's form, filled in from the request, and the
// links to the other page sizes (which start again from the first page).
func filterForm(c echo.Context, col geo.Collection, r itemsRequest) (*itemsForm, []cell) {
	q, _ := reqQuery(c) // parseItems has read it already
	req := c.Request()
	b, path, raw := base(c), req.URL.EscapedPath(), req.URL.RawQuery
	f := &itemsForm{
		Action:     b + path,
		Clear:      b + path + "?f=html",
		Properties: q["properties"],
		BBox:       q["bbox"],
		Datetime:   q["datetime"],
		Time:       col.TimeStart != "",
	}
	for _, fd := range col.Fields {
		v := q[fd.Name]
		f.Fields = append(f.Fields, formField{Name: fd.Name, Value: v})
		f.FieldsSet = f.FieldsSet || v != ""
	}
	sizes := pageSizes
	if !slices.Contains(sizes, r.query.Limit) {
		sizes = append(slices.Clone(sizes), r.query.Limit)
		slices.Sort(sizes)
	}
	var links []cell
	for _, n := range sizes {
		f.Limits = append(f.Limits, limitOption{N: n, Selected: n == r.query.Limit})
		l := cell{Text: strconv.Itoa(n)}
		if n != r.query.Limit {
			l.Href = href(b, path, withQuery(withQuery(raw, "offset", ""), "limit", strconv.Itoa(n)))
		}
		links = append(links, l)
	}
	return f, links
}
