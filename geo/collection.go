package geo

import "github.com/paulmach/orb"

// Collection describes one set of features, as listed at /collections.
type Collection struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	// Attribution credits the source of the data; shown wherever it is served.
	Attribution string `json:"attribution,omitempty"`
	// GeometryType is "Point", "Polygon", "MultiPolygon", … or "Geometry" when mixed.
	GeometryType string `json:"geometryType"`
	// Bound is the extent of every feature's geometry (recomputed by the store).
	Bound orb.Bound `json:"bound"`
	// Count is the number of features (recomputed by the store).
	Count int `json:"count"`
	// TimeStart and TimeEnd name the properties that give a feature's time
	// extent (RFC 3339 dates or date-times); datetime queries test overlap with
	// [TimeStart, TimeEnd]. TimeEnd may equal TimeStart (an instant) or be "".
	TimeStart string `json:"timeStart,omitempty"`
	TimeEnd   string `json:"timeEnd,omitempty"`
	// Time is the time extent of the dated features, by the rules of
	// datetime queries (a date lasts the whole day; an explicit null end is
	// still running, and leaves End zero): computed by the store, like
	// Bound, and not stored. Zero when no feature is dated.
	Time Interval `json:"-"`
	// Fields lists the feature properties and their JSON types
	// ("string", "number", "integer", "boolean"), in a stable order.
	Fields []Field `json:"fields,omitempty"`
	// SearchFields names the properties that name search indexes.
	SearchFields []string `json:"searchFields,omitempty"`
	// Rank orders collections in search results: lower first (regions before districts).
	Rank int `json:"rank"`
}

// ValidCollectionID reports whether id may name a collection: 1 to 100
// letters, digits, '_', '-' or '.', so that it is usable as it is in URL
// paths, tile paths (where ids are joined by commas) and store keys.
func ValidCollectionID(id string) bool {
	if id == "" || len(id) > 100 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.') {
			return false
		}
	}
	return true
}

// Field is one property of a collection's features.
type Field struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Query selects features of one collection. The zero Query selects all.
type Query struct {
	// Boxes: a feature matches when its exact geometry intersects any box.
	// An antimeridian-crossing box arrives here already split in two.
	Boxes []orb.Bound
	// Time, when not nil, keeps features whose time extent overlaps it.
	Time *Interval
	// Equals keeps features whose property, formatted as text, equals the value.
	Equals map[string]string
	// Filter, when not nil, keeps the features it matches (a compiled CQL2
	// filter, geo/cql2). FilterBoxes are boxes every matching feature's
	// geometry meets, for the store's spatial index: nil means the filter
	// implies none, non-nil and empty that no feature can match.
	Filter interface {
		Match(*Feature) bool
	}
	FilterBoxes []orb.Bound
	// SortBy orders the matches by these properties, in turn, before the
	// feature id (so the order is total and paging stable).
	SortBy []SortKey
	// Offset and Limit page through the matches (ordered by SortBy, then
	// feature id); Limit 0 means no limit.
	Offset, Limit int
}

// SortKey is one key of a sort: a property, ascending unless Desc. Numbers
// sort before strings, booleans after them; a missing or null value sorts
// last either way.
type SortKey struct {
	Property string
	Desc     bool
}

// Page is one page of a query's answer.
type Page struct {
	Features []*Feature
	// Matched is how many features match the query across all pages.
	Matched int
}
