package reader

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"kzmap/geo"
)

// jsonObject holds the members of any GeoJSON object we care about. The
// nested members stay raw so that each is decoded once, by the code that
// knows which shape to expect.
type jsonObject struct {
	Type        string          `json:"type"`
	Features    json.RawMessage `json:"features"`
	Geometry    *jsonObject     `json:"geometry"` // RFC 7946: an object or null
	Properties  json.RawMessage `json:"properties"`
	ID          json.RawMessage `json:"id"`
	Coordinates json.RawMessage `json:"coordinates"`
	Geometries  json.RawMessage `json:"geometries"`
}

// maxCollectionDepth bounds GeometryCollection nesting: RFC 7946 discourages
// nesting at all, and unbounded recursion would let input choose our stack depth.
const maxCollectionDepth = 8

// ReadGeoJSON reads an RFC 7946 FeatureCollection, a single Feature or a bare
// geometry. name is used in errors.
//
// orb's geojson decoder is not used for coordinates because it silently
// accepts short positions ([1] becomes (1, 0)) and null coordinates; decoding
// into nested float slices lets every position be checked.
func ReadGeoJSON(r io.Reader, name string) ([]*geo.Feature, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reader: %s: %w", name, err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var top jsonObject
	if err := json.Unmarshal(data, &top); err != nil {
		return nil, fileErr(name, "not a GeoJSON object: %v", jsonReason(err))
	}
	switch top.Type {
	case "FeatureCollection":
		if isNull(top.Features) {
			return nil, fileErr(name, "FeatureCollection without a features array")
		}
		var raws []json.RawMessage
		if err := json.Unmarshal(top.Features, &raws); err != nil {
			return nil, fileErr(name, "features is not an array: %v", jsonReason(err))
		}
		out := make([]*geo.Feature, 0, len(raws))
		for i, raw := range raws {
			var obj jsonObject
			if err := json.Unmarshal(raw, &obj); err != nil {
				return nil, featErr(name, i+1, "not an object: %v", jsonReason(err))
			}
			f, err := decodeFeature(&obj)
			if err != nil {
				return nil, featErr(name, i+1, "%v", err)
			}
			out = append(out, f)
		}
		return out, nil
	case "Feature":
		f, err := decodeFeature(&top)
		if err != nil {
			return nil, featErr(name, 1, "%v", err)
		}
		return []*geo.Feature{f}, nil
	case "":
		return nil, fileErr(name, "object has no type")
	default:
		g, err := decodeGeometry(&top, 0)
		if err != nil {
			return nil, featErr(name, 1, "%v", err)
		}
		return []*geo.Feature{geo.NewFeature("", g, nil)}, nil
	}
}

// jsonReason strips encoding/json's Go type names, which mean nothing to
// whoever has to fix the file, down to what went wrong.
func jsonReason(err error) string {
	switch e := err.(type) {
	case *json.SyntaxError:
		return fmt.Sprintf("JSON syntax error at byte %d: %s", e.Offset, e.Error())
	case *json.UnmarshalTypeError:
		if e.Field != "" {
			return fmt.Sprintf("%s has the wrong JSON type (%s)", e.Field, e.Value)
		}
		return fmt.Sprintf("unexpected JSON %s", e.Value)
	}
	return err.Error()
}

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(raw) == "null"
}

func decodeFeature(obj *jsonObject) (*geo.Feature, error) {
	if obj.Type != "Feature" {
		return nil, fmt.Errorf("type is %q, want \"Feature\"", obj.Type)
	}
	id, err := decodeID(obj.ID)
	if err != nil {
		return nil, err
	}
	var props map[string]any
	if !isNull(obj.Properties) {
		if err := json.Unmarshal(obj.Properties, &props); err != nil {
			return nil, fmt.Errorf("properties is not an object: %s", jsonReason(err))
		}
	}
	var g orb.Geometry
	if obj.Geometry != nil {
		if g, err = decodeGeometry(obj.Geometry, 0); err != nil {
			return nil, err
		}
	}
	return geo.NewFeature(id, g, props), nil
}

// decodeID formats a string or number id as text. Integer literals are kept
// as written so that ids beyond 2^53 survive.
func decodeID(raw json.RawMessage) (string, error) {
	if isNull(raw) {
		return "", nil
	}
	var v any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return "", fmt.Errorf("bad id: %s", jsonReason(err))
	}
	switch v := v.(type) {
	case string:
		return v, nil
	case json.Number:
		if strings.Trim(strings.TrimPrefix(v.String(), "-"), "0123456789") == "" {
			return v.String(), nil // an integer literal, possibly beyond int64
		}
		f, err := v.Float64()
		if err != nil {
			return "", fmt.Errorf("bad id %s", v)
		}
		return strconv.FormatFloat(f, 'f', -1, 64), nil
	}
	return "", fmt.Errorf("id must be a string or a number")
}

// decodeGeometry returns nil, nil for a geometry with an empty coordinates
// array, which RFC 7946 (3.1) lets readers treat as null.
func decodeGeometry(obj *jsonObject, depth int) (orb.Geometry, error) {
	if obj.Type == "GeometryCollection" {
		return decodeCollection(obj, depth)
	}
	if isNull(obj.Coordinates) {
		if obj.Type == "" {
			return nil, fmt.Errorf("geometry has no type")
		}
		if !knownGeometry(obj.Type) {
			return nil, fmt.Errorf("unknown geometry type %q", obj.Type)
		}
		return nil, fmt.Errorf("%s without coordinates", obj.Type)
	}
	bad := func(err error) error {
		return fmt.Errorf("bad %s coordinates: %s", obj.Type, jsonReason(err))
	}
	switch obj.Type {
	case "Point":
		var c []float64
		if err := json.Unmarshal(obj.Coordinates, &c); err != nil {
			return nil, bad(err)
		}
		return position(c)
	case "MultiPoint":
		var c [][]float64
		if err := json.Unmarshal(obj.Coordinates, &c); err != nil {
			return nil, bad(err)
		}
		if len(c) == 0 {
			return nil, nil
		}
		mp, err := positions(c)
		return orb.MultiPoint(mp), err
	case "LineString":
		var c [][]float64
		if err := json.Unmarshal(obj.Coordinates, &c); err != nil {
			return nil, bad(err)
		}
		if len(c) == 0 {
			return nil, nil
		}
		return lineString(c)
	case "MultiLineString":
		var c [][][]float64
		if err := json.Unmarshal(obj.Coordinates, &c); err != nil {
			return nil, bad(err)
		}
		if len(c) == 0 {
			return nil, nil
		}
		mls := make(orb.MultiLineString, len(c))
		for i, l := range c {
			ls, err := lineString(l)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", i+1, err)
			}
			mls[i] = ls
		}
		return mls, nil
	case "Polygon":
		var c [][][]float64
		if err := json.Unmarshal(obj.Coordinates, &c); err != nil {
			return nil, bad(err)
		}
		if len(c) == 0 {
			return nil, nil
		}
		return polygon(c)
	case "MultiPolygon":
		var c [][][][]float64
		if err := json.Unmarshal(obj.Coordinates, &c); err != nil {
			return nil, bad(err)
		}
		if len(c) == 0 {
			return nil, nil
		}
		mp := make(orb.MultiPolygon, len(c))
		for i, pc := range c {
			if len(pc) == 0 {
				return nil, fmt.Errorf("polygon %d has no rings", i+1)
			}
			p, err := polygon(pc)
			if err != nil {
				return nil, fmt.Errorf("polygon %d: %w", i+1, err)
			}
			mp[i] = p
		}
		return mp, nil
	case "":
		return nil, fmt.Errorf("geometry has no type")
	}
	return nil, fmt.Errorf("unknown geometry type %q", obj.Type)
}

func knownGeometry(t string) bool {
	switch t {
	case "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection":
		return true
	}
	return false
}

func decodeCollection(obj *jsonObject, depth int) (orb.Geometry, error) {
	if depth >= maxCollectionDepth {
		return nil, fmt.Errorf("GeometryCollection nested deeper than %d", maxCollectionDepth)
	}
	if isNull(obj.Geometries) {
		return nil, fmt.Errorf("GeometryCollection without geometries")
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(obj.Geometries, &raws); err != nil {
		return nil, fmt.Errorf("geometries is not an array: %s", jsonReason(err))
	}
	c := make(orb.Collection, 0, len(raws))
	for i, raw := range raws {
		if isNull(raw) {
			return nil, fmt.Errorf("geometry %d of GeometryCollection is null", i+1)
		}
		var m jsonObject
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("geometry %d of GeometryCollection: %s", i+1, jsonReason(err))
		}
		g, err := decodeGeometry(&m, depth+1)
		if err != nil {
			return nil, fmt.Errorf("geometry %d of GeometryCollection: %w", i+1, err)
		}
		if g != nil { // empty members carry nothing; a nil member would not encode
			c = append(c, g)
		}
	}
	if len(c) == 0 {
		return nil, nil
	}
	return c, nil
}

func position(c []float64) (orb.Point, error) {
	if len(c) < 2 {
		return orb.Point{}, fmt.Errorf("position has %d values, want at least 2", len(c))
	}
	p := orb.Point{c[0], c[1]}
	return p, checkLonLat(p)
}

// checkLonLat accepts only WGS 84 longitude/latitude, the only CRS RFC 7946
// allows and the one every store assumes.
func checkLonLat(p orb.Point) error {
	if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
		return fmt.Errorf("coordinate (%v, %v) is not a finite number", p[0], p[1])
	}
	if p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
		return fmt.Errorf("coordinate (%v, %v) is outside longitude [-180, 180] / latitude [-90, 90]", p[0], p[1])
	}
	return nil
}

func positions(c [][]float64) ([]orb.Point, error) {
	pts := make([]orb.Point, len(c))
	for i, pc := range c {
		p, err := position(pc)
		if err != nil {
			return nil, fmt.Errorf("position %d: %w", i+1, err)
		}
		pts[i] = p
	}
	return pts, nil
}

func lineString(c [][]float64) (orb.LineString, error) {
	if len(c) < 2 {
		return nil, fmt.Errorf("line has %d positions, want at least 2", len(c))
	}
	pts, err := positions(c)
	return orb.LineString(pts), err
}

func polygon(c [][][]float64) (orb.Polygon, error) {
	p := make(orb.Polygon, len(c))
	for i, rc := range c {
		pts, err := positions(rc)
		if err != nil {
			return nil, fmt.Errorf("ring %d: %w", i+1, err)
		}
		if err := checkRing(pts); err != nil {
			return nil, fmt.Errorf("ring %d: %w", i+1, err)
		}
		p[i] = orb.Ring(pts)
	}
	return p, nil
}

// checkRing applies the rules RFC 7946 and the ESRI specification share: a
// ring is closed and has at least four positions.
func checkRing(pts []orb.Point) error {
	if len(pts) < 4 {
		return fmt.Errorf("ring has %d positions, want at least 4", len(pts))
	}
	if pts[0] != pts[len(pts)-1] {
		return fmt.Errorf("ring not closed")
	}
	return nil
}
