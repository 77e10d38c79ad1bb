package handlers

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"kzmap/geo"
)

// Defaults of the write limits (flags of kzmap serve).
const (
	DefaultMaxBody     = 10 << 20 // bytes of a write body
	DefaultMaxVertices = 100_000  // positions of one feature's geometry
	// MaxFeatureIDLen bounds feature ids (they become URL path segments).
	MaxFeatureIDLen = 256
)

// WriteLimits bound what a write body may hold (its size is bounded
// before it is read: Config.MaxBody).
type WriteLimits struct {
	MaxVertices int // positions in one feature's geometry
}

func (l WriteLimits) orDefaults() WriteLimits {
	if l.MaxVertices <= 0 {
		l.MaxVertices = DefaultMaxVertices
	}
	return l
}

// BodyError is a write body refused as a whole: what is wrong and where.
type BodyError struct {
	// Index is the feature's position in a FeatureCollection's features, or
	// -1 for the body itself (or a lone Feature).
	Index int
	// Path is the JSON member at fault inside the feature (or the body),
	// e.g. "geometry.coordinates[0][3]".
	Path   string
	Reason string
}

func (e *BodyError) Error() string { return "handlers: body: " + e.Detail() }

// Detail is the message for the client, without the package prefix.
func (e *BodyError) Detail() string {
	var b strings.Builder
	if e.Index >= 0 {
		fmt.Fprintf(&b, "feature %d: ", e.Index)
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// ParseWriteBody reads the body of a write: an RFC 7946 Feature or
// FeatureCollection. It refuses the whole body at the first fault — wrong
// or missing types, coordinates that are not 2 or 3 finite numbers,
// longitudes beyond ±180 or latitudes beyond ±90, rings that are not
// closed or have fewer than 4 positions, lines of fewer than 2, empty or
// null geometries, nested geometry collections, more than lim.MaxVertices
// positions in a feature, ids that are not strings or numbers, repeated
// ids — with a *BodyError naming the feature and member. Heights are
// accepted and dropped (kzmap is 2D). Foreign members are ignored, as RFC
// 7946 allows. Features without an id get ID "".
func ParseWriteBody(body []byte, lim WriteLimits) (features []*geo.Feature, isCollection bool, err error) {
	lim = lim.orDefaults()
	top, err := object(body, -1, "")
	if err != nil {
		return nil, false, err
	}
	typ, err := typeOf(top, -1, "")
	if err != nil {
		return nil, false, err
	}
	switch typ {
	case "Feature":
		f, err := parseFeature(body, -1, lim)
		if err != nil {
			return nil, false, err
		}
		return []*geo.Feature{f}, false, nil
	case "FeatureCollection":
	default:
		return nil, false, &BodyError{Index: -1, Path: "type",
			Reason: fmt.Sprintf("%q is not a Feature or FeatureCollection", clip(typ))}
	}
	raw, ok := top["features"]
	if !ok {
		return nil, true, &BodyError{Index: -1, Path: "features", Reason: "missing"}
	}
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil || items == nil {
		return nil, true, &BodyError{Index: -1, Path: "features", Reason: "not an array"}
	}
	if len(items) == 0 {
		return nil, true, &BodyError{Index: -1, Path: "features", Reason: "no features to write"}
	}
	seen := make(map[string]int, len(items))
	features = make([]*geo.Feature, len(items))
	for i, it := range items {
		f, err := parseFeature(it, i, lim)
		if err != nil {
			return nil, true, err
		}
		if f.ID != "" {
			if j, dup := seen[f.ID]; dup {
				return nil, true, &BodyError{Index: i, Path: "id", Reason: fmt.Sprintf("%q repeats the id of feature %d", clip(f.ID), j)}
			}
			seen[f.ID] = i
		}
		features[i] = f
	}
	return features, true, nil
}

// object decodes a JSON object with its members kept raw. Member names are
// matched exactly (encoding/json's struct decoding would fold case).
func object(b []byte, index int, path string) (map[string]json.RawMessage, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil || m == nil {
		reason := "not a JSON object"
		if err != nil {
			if _, syntax := err.(*json.SyntaxError); syntax {
				reason = "malformed JSON: " + strings.TrimPrefix(err.Error(), "json: ")
			}
		}
		return nil, &BodyError{Index: index, Path: path, Reason: reason}
	}
	return m, nil
}

func join(path, member string) string {
	if path == "" {
		return member
	}
	return path + "." + member
}

func typeOf(m map[string]json.RawMessage, index int, path string) (string, error) {
	raw, ok := m["type"]
	if !ok {
		return "", &BodyError{Index: index, Path: join(path, "type"), Reason: "missing"}
	}
	var t string
	if err := json.Unmarshal(raw, &t); err != nil {
		return "", &BodyError{Index: index, Path: join(path, "type"), Reason: "not a string"}
	}
	return t, nil
}

func parseFeature(b []byte, index int, lim WriteLimits) (*geo.Feature, error) {
	m, err := object(b, index, "")
	if err != nil {
		return nil, err
	}
	typ, err := typeOf(m, index, "")
	if err != nil {
		return nil, err
	}
	if typ != "Feature" {
		return nil, &BodyError{Index: index, Path: "type", Reason: fmt.Sprintf("%q is not Feature", clip(typ))}
	}
	id, err := featureID(m["id"], index)
	if err != nil {
		return nil, err
	}
	raw, ok := m["geometry"]
	if !ok {
		return nil, &BodyError{Index: index, Path: "geometry", Reason: "missing"}
	}
	if isNull(raw) {
		return nil, &BodyError{Index: index, Path: "geometry", Reason: "null; kzmap stores located features only"}
	}
	vertices := 0
	g, err := parseGeometry(raw, index, "geometry", 0, &vertices, lim.MaxVertices)
	if err != nil {
		return nil, err
	}
	props := map[string]any{}
	if raw, ok := m["properties"]; ok && !isNull(raw) {
		var p map[string]any
		if err := json.Unmarshal(raw, &p); err != nil || p == nil {
			reason := "not a JSON object"
			if err != nil {
				if _, isType := err.(*json.UnmarshalTypeError); !isType {
					reason = strings.TrimPrefix(err.Error(), "json: ")
				}
			}
			return nil, &BodyError{Index: index, Path: "properties", Reason: reason}
		}
		props = p
	}
	return geo.NewFeature(id, g, props), nil
}

func isNull(raw json.RawMessage) bool { return strings.TrimSpace(string(raw)) == "null" }

// featureID reads an id: a string or a number (RFC 7946), kept as text.
func featureID(raw json.RawMessage, index int) (string, error) {
	if raw == nil || isNull(raw) {
		return "", nil
	}
	bad := func(reason string) error { return &BodyError{Index: index, Path: "id", Reason: reason} }
	var id string
	switch s := strings.TrimSpace(string(raw)); {
	case strings.HasPrefix(s, `"`):
		if err := json.Unmarshal(raw, &id); err != nil {
			return "", bad("malformed string")
		}
	default:
		var n json.Number
		if err := json.Unmarshal(raw, &n); err != nil {
			return "", bad("not a string or a number")
		}
		if i, err := n.Int64(); err == nil {
			id = strconv.FormatInt(i, 10)
		} else if f, err := n.Float64(); err == nil && !math.IsInf(f, 0) {
			id = strconv.FormatFloat(f, 'f', -1, 64)
		} else {
			return "", bad(fmt.Sprintf("number %s is out of range", clip(s)))
		}
	}
	if why := badFeatureID(id); why != "" {
		return "", bad(why)
	}
	return id, nil
}

// badFeatureID says why an id cannot serve as a URL path segment and a
// store key ("" when it can): empty, over MaxFeatureIDLen bytes, not
// UTF-8, or with control characters.
func badFeatureID(id string) string {
	switch {
	case id == "":
		return "empty"
	case len(id) > MaxFeatureIDLen:
		return fmt.Sprintf("longer than %d bytes", MaxFeatureIDLen)
	case !utf8.ValidString(id):
		return "not valid UTF-8"
	case strings.IndexFunc(id, unicode.IsControl) >= 0:
		return "contains control characters"
	}
	return ""
}

// parseGeometry reads an RFC 7946 geometry; depth is 1 inside a
// GeometryCollection, which may not nest another (RFC 7946 §3.1.8).
func parseGeometry(b []byte, index int, path string, depth int, vertices *int, maxVertices int) (orb.Geometry, error) {
	m, err := object(b, index, path)
	if err != nil {
		return nil, err
	}
	typ, err := typeOf(m, index, path)
	if err != nil {
		return nil, err
	}
	if typ == "GeometryCollection" {
		if depth > 0 {
			return nil, &BodyError{Index: index, Path: path, Reason: "nested GeometryCollection"}
		}
		var members []json.RawMessage
		if err := json.Unmarshal(m["geometries"], &members); err != nil || members == nil {
			return nil, &BodyError{Index: index, Path: join(path, "geometries"), Reason: "missing or not an array"}
		}
		if len(members) == 0 {
			return nil, &BodyError{Index: index, Path: join(path, "geometries"), Reason: "empty"}
		}
		out := make(orb.Collection, len(members))
		for i, mb := range members {
			g, err := parseGeometry(mb, index, fmt.Sprintf("%s.geometries[%d]", path, i), depth+1, vertices, maxVertices)
			if err != nil {
				return nil, err
			}
			out[i] = g
		}
		return out, nil
	}
	nest, ok := map[string]int{"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}[typ]
	if !ok {
		return nil, &BodyError{Index: index, Path: join(path, "type"), Reason: fmt.Sprintf("%q is not an RFC 7946 geometry type", clip(typ))}
	}
	raw, ok := m["coordinates"]
	if !ok || isNull(raw) {
		return nil, &BodyError{Index: index, Path: join(path, "coordinates"), Reason: "missing"}
	}
	var coords any
	if err := json.Unmarshal(raw, &coords); err != nil {
		return nil, &BodyError{Index: index, Path: join(path, "coordinates"), Reason: strings.TrimPrefix(err.Error(), "json: ")}
	}
	c := coordReader{index: index, vertices: vertices, max: maxVertices}
	cp := join(path, "coordinates")
	switch typ {
	case "Point":
		return c.position(coords, cp)
	case "MultiPoint":
		pts, err := c.positions(coords, cp, 1, "a MultiPoint needs at least 1 position")
		return orb.MultiPoint(pts), err
	case "LineString":
		pts, err := c.positions(coords, cp, 2, "a LineString needs at least 2 positions")
		return orb.LineString(pts), err
	case "MultiLineString":
		var out orb.MultiLineString
		err := c.each(coords, cp, nest, func(v any, p string) error {
			pts, err := c.positions(v, p, 2, "a LineString needs at least 2 positions")
			out = append(out, pts)
			return err
		})
		return out, err
	case "Polygon":
		return c.polygon(coords, cp)
	default: // MultiPolygon
		var out orb.MultiPolygon
		err := c.each(coords, cp, nest, func(v any, p string) error {
			pg, err := c.polygon(v, p)
			out = append(out, pg)
			return err
		})
		return out, err
	}
}

// coordReader walks decoded coordinates, counting positions.
type coordReader struct {
	index    int
	vertices *int
	max      int
}

func (c coordReader) fail(path, format string, args ...any) error {
	return &BodyError{Index: c.index, Path: path, Reason: fmt.Sprintf(format, args...)}
}

// each calls fn for every member of a non-empty array.
func (c coordReader) each(v any, path string, _ int, fn func(any, string) error) error {
	arr, ok := v.([]any)
	if !ok {
		return c.fail(path, "not an array")
	}
	if len(arr) == 0 {
		return c.fail(path, "empty")
	}
	for i, m := range arr {
		if err := fn(m, fmt.Sprintf("%s[%d]", path, i)); err != nil {
			return err
		}
	}
	return nil
}

func (c coordReader) position(v any, path string) (orb.Point, error) {
	arr, ok := v.([]any)
	if !ok || len(arr) < 2 || len(arr) > 3 {
		return orb.Point{}, c.fail(path, "a position is an array of 2 or 3 numbers (longitude, latitude[, height])")
	}
	var xy [3]float64
	for i, n := range arr {
		f, ok := n.(float64)
		if !ok {
			return orb.Point{}, c.fail(fmt.Sprintf("%s[%d]", path, i), "not a number")
		}
		xy[i] = f
	}
	// Numbers out of float64 range fail to decode; NaN and ±Inf have no
	// JSON spelling. The ranges remain.
	if math.Abs(xy[0]) > 180 {
		return orb.Point{}, c.fail(path, "longitude %v is outside -180..180", xy[0])
	}
	if math.Abs(xy[1]) > 90 {
		return orb.Point{}, c.fail(path, "latitude %v is outside -90..90", xy[1])
	}
	*c.vertices++
	if *c.vertices > c.max {
		return orb.Point{}, c.fail(path, "more than %d positions in one feature (the server's limit)", c.max)
	}
	return orb.Point{xy[0], xy[1]}, nil
}

func (c coordReader) positions(v any, path string, min int, why string) ([]orb.Point, error) {
	arr, ok := v.([]any)
	if !ok {
		return nil, c.fail(path, "not an array of positions")
	}
	if len(arr) < min {
		return nil, c.fail(path, "%s, got %d", why, len(arr))
	}
	out := make([]orb.Point, len(arr))
	for i, p := range arr {
		pt, err := c.position(p, fmt.Sprintf("%s[%d]", path, i))
		if err != nil {
			return nil, err
		}
		out[i] = pt
	}
	return out, nil
}

func (c coordReader) polygon(v any, path string) (orb.Polygon, error) {
	var pg orb.Polygon
	err := c.each(v, path, 2, func(r any, p string) error {
		pts, err := c.positions(r, p, 4, "a linear ring needs at least 4 positions")
		if err != nil {
			return err
		}
		if first, last := pts[0], pts[len(pts)-1]; first != last {
			return c.fail(p, "linear ring is not closed: first position %v differs from last %v", first, last)
		}
		pg = append(pg, orb.Ring(pts))
		return nil
	})
	return pg, err
}
