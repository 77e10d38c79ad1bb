package handlers

import (
	"mime"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// format is the representation an answer is given in.
type format int

const (
	formatJSON format = iota
	formatHTML
)

// negotiate picks JSON or HTML: f= wins, then the Accept header; with
// neither, or with only types kzmap cannot give, JSON (what scripts and GIS
// clients expect). Unsupported Accept types are not refused with 406, because
// a client that asks for XML is better served by JSON than by an error.
func negotiate(c echo.Context, q query) (format, error) {
	if f, ok := q["f"]; ok {
		switch strings.ToLower(f) {
		case "json", "geojson":
			return formatJSON, nil
		case "html":
			return formatHTML, nil
		}
		return formatJSON, paramErr("f", "%q is not a format here; use json or html", clip(f))
	}
	return acceptFormat(c.Request().Header.Get(echo.HeaderAccept)), nil
}

// onlyFormat is negotiate for the requests whose only parameter is f
// (landing page, conformance, collections, one collection, one feature):
// any other parameter is a 400 naming it.
func onlyFormat(c echo.Context) (format, error) {
	q, err := reqQuery(c)
	if err != nil {
		return formatJSON, err
	}
	if err := q.only("f"); err != nil {
		return formatJSON, err
	}
	return negotiate(c, q)
}

// jsonOnly refuses an f= other than json (in any case) on the paths that
// answer JSON alone.
func jsonOnly(q query) error {
	if v, ok := q["f"]; ok && !strings.EqualFold(v, "json") {
		return paramErr("f", "%q is not a format here; this path answers json only", clip(v))
	}
	return nil
}

// onlyJSONFormat is jsonOnly for the requests whose only parameter is f
// (TileJSON, tilesets).
func onlyJSONFormat(c echo.Context) error {
	q, err := reqQuery(c)
	if err != nil {
		return err
	}
	if err := q.only("f"); err != nil {
		return err
	}
	return jsonOnly(q)
}

// acceptFormat chooses between JSON and HTML from an Accept header by quality
// and, at equal quality, by specificity; JSON wins ties.
func acceptFormat(accept string) format {
	if strings.TrimSpace(accept) == "" {
		return formatJSON
	}
	var bestJSON, bestHTML float64 = -1, -1
	var specJSON, specHTML int
	for _, part := range strings.Split(accept, ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		qv := 1.0
		if s, ok := params["q"]; ok {
			if f, err := strconv.ParseFloat(s, 64); err == nil && f >= 0 && f <= 1 {
				qv = f
			}
		}
		var isJSON, isHTML bool
		spec := 2
		switch mt {
		case "application/json", "application/geo+json", "application/vnd.oai.openapi+json",
			"application/openapi+json", "application/schema+json", "application/problem+json":
			isJSON = true
		case "text/html", "application/xhtml+xml":
			isHTML = true
		case "application/*":
			isJSON, spec = true, 1
		case "text/*":
			isHTML, spec = true, 1
		case "*/*":
			isJSON, isHTML, spec = true, true, 0
		}
		if isJSON && (qv > bestJSON || qv == bestJSON && spec > specJSON) {
			bestJSON, specJSON = qv, spec
		}
		if isHTML && (qv > bestHTML || qv == bestHTML && spec > specHTML) {
			bestHTML, specHTML = qv, spec
		}
	}
	if bestHTML > 0 && (bestHTML > bestJSON || bestHTML == bestJSON && specHTML > specJSON) {
		return formatHTML
	}
	return formatJSON
}
