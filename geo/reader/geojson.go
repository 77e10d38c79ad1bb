package reader

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/paulmach/orb"

	"kzmap/geo"
)

// GeoJSONOptions say what DecodeGeoJSON accepts beyond its strictest form,
// a Feature or a non-empty FeatureCollection of located features (what the
// write routes take). The zero value is that strictest form.
type GeoJSONOptions struct {
	// MaxVertices bounds the positions of one feature's geometry; 0 means
	// no bound.
	MaxVertices int
	// AllowNullGeometry reads a null geometry, and one whose coordinates
	// (or geometries) are an empty array, as a feature without geometry
	// (RFC 7946 3.1 and 3.2); otherwise they are refused.
	AllowNullGeometry bool
	// AllowBareGeometry reads a document that is a geometry as one feature
	// without id or properties.
	AllowBareGeometry bool
	// AllowEmpty accepts a FeatureCollection without features.
	AllowEmpty bool
	// AllowEmptyID reads "id": "" as no id (kzmap's own encoding of a
	// feature without one); otherwise it is refused, as by BadFeatureID.
	AllowEmptyID bool
	// CountFromOne numbers features 1, 2, … in errors, as files are
	// numbered for people (and shapefile records are); otherwise errors
	// give a feature's index in the features array, 0, 1, ….
	CountFromOne bool
}

// FileGeoJSON are the options ReadGeoJSON reads files with: anything RFC
// 7946 allows, features counted from 1.
var FileGeoJSON = GeoJSONOptions{AllowNullGeometry: true, AllowBareGeometry: true, AllowEmpty: true, AllowEmptyID: true, CountFromOne: true}

// Document is what a GeoJSON document holds.
type Document struct {
	Features []*geo.Feature
	// Collection: the document is a FeatureCollection (otherwise a Feature,
	// or a geometry read as one).
	Collection bool
}

// GeoJSONError is a GeoJSON document refused as a whole: what is wrong and
// where. It wraps ErrFormat.
type GeoJSONError struct {
	File string // the file's base name, "" for a document not read from a file
	// Index is the feature's index in a FeatureCollection's features, or -1
	// for the document itself (a lone Feature included).
	Index int
	// Path is the JSON member at fault inside the feature (or the
	// document), e.g. "geometry.coordinates[0][3]"; "" for the whole.
	Path   string
	Reason string
	first  int // the number errors give the feature of index 0
}

func (e *GeoJSONError) Error() string {
	if e.File == "" {
		return "reader: GeoJSON: " + e.Detail()
	}
	return "reader: " + e.File + ": " + e.Detail()
}

func (e *GeoJSONError) Unwrap() error { return ErrFormat }

// Detail is the message without the package prefix and file name, e.g.
// "feature 3: geometry.coordinates[0][4]: latitude 91 is outside -90..90".
func (e *GeoJSONError) Detail() string {
	var b strings.Builder
	if e.Index >= 0 {
		fmt.Fprintf(&b, "feature %d: ", e.Index+e.first)
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Reason)
	return b.String()
}

// ReadGeoJSON reads an RFC 7946 FeatureCollection, a single Feature or a bare
// geometry with the FileGeoJSON options. name is used in errors.
func ReadGeoJSON(r io.Reader, name string) ([]*geo.Feature, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reader: %s: %w", name, err)
	}
	doc, err := DecodeGeoJSON(data, FileGeoJSON)
	if err != nil {
		if ge, ok := err.(*GeoJSONError); ok {
			ge.File = name
		}
		return nil, err
	}
	return doc.Features, nil
}

// DecodeGeoJSON reads an RFC 7946 document strictly, refusing it whole at
// the first fault with a *GeoJSONError naming the feature and member:
// malformed JSON; strings (member names, values, ids, nested properties)
// that are not valid UTF-8, where encoding/json would quietly put U+FFFD;
// wrong or missing types (member names match exactly, not folding case);
// positions that are not 2 or 3 numbers; longitudes beyond ±180 or
// latitudes beyond ±90; rings that are not closed or have fewer than 4
// positions; lines of fewer than 2; nested geometry collections; more than
// opt.MaxVertices positions in a feature; ids that are not strings or
// numbers or not usable as a URL path segment (BadFeatureID); repeated ids;
// and what opt does not allow. Heights are dropped (kzmap is 2D); foreign
// members are ignored, as RFC 7946 allows; a UTF-8 byte order mark is
// skipped. Integer ids are kept as written, so that ids beyond 2^53
// survive; features without an id get ID "".
func DecodeGeoJSON(data []byte, opt GeoJSONOptions) (Document, error) {
	d := decoder{opt: opt}
	if opt.CountFromOne {
		d.first = 1
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	doc, err := d.document(bytes.Trim(data, " \t\r\n"))
	if err != nil {
		return Document{}, err
	}
	return doc, nil
}

type decoder struct {
	opt   GeoJSONOptions
	first int
}

func (d *decoder) fail(index int, path, format string, args ...any) *GeoJSONError {
	return &GeoJSONError{Index: index, Path: path, Reason: fmt.Sprintf(format, args...), first: d.first}
}

func (d *decoder) document(data []byte) (Document, error) {
	if !json.Valid(data) {
		reason := "malformed JSON"
		var v json.RawMessage
		if se, ok := json.Unmarshal(data, &v).(*json.SyntaxError); ok {
			reason = fmt.Sprintf("malformed JSON at byte %d: %s", se.Offset, se.Error())
		}
		return Document{}, d.fail(-1, "", "%s", reason)
	}
	if index, path, reason, bad := badString(data); bad {
		return Document{}, d.fail(index, path, "%s", reason)
	}
	top, err := d.object(data, -1, "")
	if err != nil {
		return Document{}, err
	}
	typ, err := d.typeOf(top, -1, "")
	if err != nil {
		return Document{}, err
	}
	switch {
	case typ == "Feature":
		f, err := d.feature(data, -1)
		if err != nil {
			return Document{}, err
		}
		return Document{Features: []*geo.Feature{f}}, nil
	case typ == "FeatureCollection":
		fs, err := d.collection(top)
		return Document{Features: fs, Collection: true}, err
	case d.opt.AllowBareGeometry && geometryTypes[typ]:
		vertices := 0
		g, err := d.geometry(data, -1, "", 0, &vertices)
		if err != nil {
			return Document{}, err
		}
		return Document{Features: []*geo.Feature{geo.NewFeature("", g, nil)}}, nil
	case d.opt.AllowBareGeometry:
		return Document{}, d.fail(-1, "type", "%q is not a Feature, FeatureCollection or RFC 7946 geometry type", clip(typ))
	}
	return Document{}, d.fail(-1, "type", "%q is not a Feature or FeatureCollection", clip(typ))
}

func (d *decoder) collection(top members) ([]*geo.Feature, error) {
	raw, ok := top["features"]
	if !ok {
		return nil, d.fail(-1, "features", "missing")
	}
	if raw[0] != '[' {
		return nil, d.fail(-1, "features", "not an array")
	}
	var out []*geo.Feature
	seen := map[string]int{}
	err := eachElement(raw, func(i int, el []byte) error {
		f, err := d.feature(el, i)
		if err != nil {
			return err
		}
		if f.ID != "" {
			if j, dup := seen[f.ID]; dup {
				return d.fail(i, "id", "%q repeats the id of feature %d", clip(f.ID), j+d.first)
			}
			seen[f.ID] = i
		}
		out = append(out, f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(out) == 0 {
		if !d.opt.AllowEmpty {
			return nil, d.fail(-1, "features", "empty: no features")
		}
		out = []*geo.Feature{}
	}
	return out, nil
}

// object returns the members of the JSON object b, or an error naming path.
func (d *decoder) object(b []byte, index int, path string) (members, error) {
	if b[0] != '{' {
		return nil, d.fail(index, path, "not a JSON object")
	}
	return objectMembers(b), nil
}

func (d *decoder) typeOf(m members, index int, path string) (string, error) {
	raw, ok := m["type"]
	if !ok {
		return "", d.fail(index, join(path, "type"), "missing")
	}
	if raw[0] != '"' {
		return "", d.fail(index, join(path, "type"), "not a string")
	}
	return unquote(raw), nil
}

func (d *decoder) feature(b []byte, index int) (*geo.Feature, error) {
	m, err := d.object(b, index, "")
	if err != nil {
		return nil, err
	}
	typ, err := d.typeOf(m, index, "")
	if err != nil {
		return nil, err
	}
	if typ != "Feature" {
		return nil, d.fail(index, "type", "%q is not Feature", clip(typ))
	}
	id, err := d.featureID(m["id"], index)
	if err != nil {
		return nil, err
	}
	raw, ok := m["geometry"]
	if !ok {
		return nil, d.fail(index, "geometry", "missing")
	}
	var g orb.Geometry
	if isNull(raw) {
		if !d.opt.AllowNullGeometry {
			return nil, d.fail(index, "geometry", "null: only located features are accepted")
		}
	} else {
		vertices := 0
		if g, err = d.geometry(raw, index, "geometry", 0, &vertices); err != nil {
			return nil, err
		}
	}
	var props map[string]any
	if raw, ok := m["properties"]; ok && !isNull(raw) {
		if raw[0] != '{' {
			return nil, d.fail(index, "properties", "not a JSON object")
		}
		if err := json.Unmarshal(raw, &props); err != nil {
			return nil, d.fail(index, "properties", "%s", strings.TrimPrefix(err.Error(), "json: "))
		}
	}
	return geo.NewFeature(id, g, props), nil
}

func isNull(raw []byte) bool { return raw[0] == 'n' }

func join(path, member string) string {
	if path == "" {
		return member
	}
	return path + "." + member
}

// clip shortens what a client sent before it is quoted in an error.
func clip(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && s[cut]&0xC0 == 0x80 { // not inside a UTF-8 sequence
		cut--
	}
	return s[:cut] + "…"
}
