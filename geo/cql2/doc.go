// Package cql2 parses, type-checks and evaluates OGC Common Query Language
// filters (CQL2, OGC 21-065r2) on kzmap features, for OGC API – Features
// Part 3. It knows nothing of HTTP: the handlers parse the filter
// parameter with Parse(filter-lang, filter) (cql2-text, GDAL's "cql-text"
// read as cql2-text, or cql2-json; ParseText and ParseJSON directly),
// Compile it against the collection's queryables (QueryablesOf), and keep
// the features whose Match is true. Bounds gives the boxes a filter
// implies, for a store's spatial index; the rest is evaluated per feature
// without allocating for point features and scalar properties.
//
// Supported: AND, OR, NOT (NOT binds tighter than AND, AND than OR);
// = <> < > <= >=; IS [NOT] NULL; [NOT] LIKE with % and _ (a backslash
// escapes); [NOT] BETWEEN; [NOT] IN (list); CASEI and ACCENTI; arithmetic
// + - * / % div ^ (^ binds tightest and is right-associative; division by
// zero is unknown); property names plain or "double-quoted"; string
// literals with a doubled quote for a quote; numbers; TRUE and FALSE; DATE, TIMESTAMP
// and INTERVAL (with '..' for an open end); WKT literals (POINT,
// LINESTRING, POLYGON, the MULTI forms, GEOMETRYCOLLECTION, a Z dropped)
// and BBOX (4 or 6 numbers; west > east crosses the antimeridian); the
// eight S_ and fifteen T_ functions. Keywords and function names are
// case-insensitive. Array functions (A_*) and functions the standard
// leaves to implementations parse, and Check rejects them.
//
// Queryables: the feature's geometry is "geometry"; a collection's
// properties keep their names and JSON types; its time properties
// (geo.Collection.TimeStart/TimeEnd) are timestamps whose date values last
// the whole day; and "datetime" is the feature's time extent [TimeStart,
// TimeEnd] by the rules of the datetime parameter (a date lasts its whole
// day, an explicit null end is still running, an absent end makes an
// instant), so T_INTERSECTS(datetime, INTERVAL('2022-01-01','2022-12-31'))
// is the filter form of datetime=2022-01-01/2022-12-31.
//
// Semantics: a comparison, LIKE, BETWEEN, IN, spatial or temporal test
// whose operand is missing, null or of another type than its queryable is
// unknown, and logic is three-valued as in SQL (NOT unknown is unknown); a
// feature matches when the filter is true, and IS NULL is true for a
// missing property. Temporal values are closed extents (an instant [t, t],
// a date its whole day, an open end unbounded): = means they overlap, <
// that the first ends before the second starts, <= that it does not
// start after the second ends; the T_ functions are Allen's relations as
// the standard tabulates them, where "meets" also accepts the nanosecond
// after a day's end. Spatial functions are planar on the coordinates as
// given (no CRS transformation) with the DE-9IM meanings of the standard
// (Simple Features): intersects (closed sets share a point), disjoint,
// equals (each covers the other), within and contains (covered, and
// interiors meet), touches (they meet, interiors do not), crosses and
// overlaps (by the dimensions of the operands). Intersects and disjoint
// are exact; the others are decided from vertices, edge midpoints and
// edge crossings, which is exact for points and for lines and polygons in
// general position but may misjudge geometries that share only collinear
// edge pieces between vertices.
//
// Limits: input over MaxInputBytes and nesting deeper than MaxDepth are
// errors, found before any deep recursion. Every error is a *SyntaxError
// giving the byte offset (cql2-text) or JSON pointer (cql2-json).
package cql2

// Conformance lists the CQL2 conformance classes this package implements,
// for the HTTP layer's /conformance.
var Conformance = []string{
	"http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
	"http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
	"http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
	"http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison",
	"http://www.opengis.net/spec/cql2/1.0/conf/accent-insensitive-comparison",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
	"http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
	"http://www.opengis.net/spec/cql2/1.0/conf/temporal-functions",
	"http://www.opengis.net/spec/cql2/1.0/conf/arithmetic",
	"http://www.opengis.net/spec/cql2/1.0/conf/property-property",
}
