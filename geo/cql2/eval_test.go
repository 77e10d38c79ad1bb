package cql2

import (
	"testing"

	"github.com/paulmach/orb"

	"kzmap/geo"
)

var testQ = Queryables{
	"geometry":   TypeGeometry,
	"name":       TypeString,
	"v":          TypeNumber,
	"n":          TypeInteger,
	"ok":         TypeBoolean,
	"valid_from": TypeTimestamp,
	"valid_to":   TypeTimestamp,
	"day":        TypeDate,
	"datetime":   TypeInterval,
}

var testTP = TimeProps{Start: "valid_from", End: "valid_to"}

func square(x0, y0, x1, y1 float64) orb.Polygon {
	return orb.Bound{Min: orb.Point{x0, y0}, Max: orb.Point{x1, y1}}.ToPolygon()
}

func TestEval(t *testing.T) {
	pt := geo.NewFeature("p", orb.Point{1, 1}, map[string]any{
		"name": "Алматы", "v": 600.0, "n": 3, "ok": true,
		"valid_from": "2022-06-08", "valid_to": nil, "day": "2022-01-05",
	})
	sq := geo.NewFeature("s", square(0, 0, 2, 2), map[string]any{
		"name": "Café O'Brien", "v": 10.0, "valid_from": "2020-01-01T10:00:00Z", "valid_to": "2021-01-01",
	})
	line := geo.NewFeature("l", orb.LineString{{0, 0}, {4, 4}}, map[string]any{"name": "road"})
	empty := geo.NewFeature("e", nil, nil)
	cases := []struct {
		name   string
		filter string
		f      *geo.Feature
		want   bool
	}{
		{"number greater", "v > 500", pt, true},
		{"number not greater", "v > 500", sq, false},
		{"integer equal", "n = 3", pt, true},
		{"missing property compares unknown", "v > 500", empty, false},
		{"not of unknown stays unknown", "NOT (v > 500)", empty, false},
		{"is null on missing", "v IS NULL", empty, true},
		{"is not null", "v IS NOT NULL", pt, true},
		{"geometry is null", "geometry IS NULL", empty, true},
		{"or with unknown and true", "v > 500 OR name = 'Алматы'", pt, true},
		{"and short circuit false", "v > 5000 AND name = 'Алматы'", pt, false},
		{"precedence not and or", "NOT v > 500 AND n = 3 OR ok = TRUE", pt, true},
		{"precedence and before or", "v < 0 AND n = 3 OR v < 0", pt, false},
		{"string quote escaping", "name = 'Café O''Brien'", sq, true},
		{"like percent", "name LIKE 'Ал%'", pt, true},
		{"like underscore", "name LIKE 'Алмат_'", pt, true},
		{"like no match", "name LIKE 'Ал_'", pt, false},
		{"like underscore any rune", "name LIKE 'Caf_ O''Brien'", sq, true},
		{"like escaped underscore is literal", `name LIKE 'Caf\_ O''Brien'`, sq, false},
		{"like escaped percent", `name LIKE 'Caf\%'`, sq, false},
		{"not like", "name NOT LIKE '%x%'", pt, true},
		{"between", "v BETWEEN 500 AND 700", pt, true},
		{"not between", "v NOT BETWEEN 500 AND 700", pt, false},
		{"in", "name IN ('a', 'Алматы')", pt, true},
		{"not in", "n NOT IN (1, 2)", pt, true},
		{"casei", "CASEI(name) = CASEI('алМАТЫ')", pt, true},
		{"accenti", "ACCENTI(name) LIKE ACCENTI('Cafe%')", sq, true},
		{"casei like", "CASEI(name) LIKE casei('ROAD')", line, true},
		{"arithmetic precedence", "v - 100 * 2 = 400", pt, true},
		{"arithmetic power right assoc", "2 ^ 3 ^ 2 = 512", pt, true},
		{"div and mod", "7 div 2 = 3 AND 7 % 2 = 1", pt, true},
		{"division by zero unknown", "v / 0 > 1", pt, false},
		{"unary minus", "-v < -500", pt, true},
		{"property property", "v > n", pt, true},
		{"boolean property", "ok", pt, true},
		{"boolean literal", "TRUE", pt, true},
		{"date equals same day", "day = DATE('2022-01-05')", pt, true},
		{"timestamp within day equals date", "valid_from = DATE('2020-01-01')", sq, true},
		{"date less than", "day < DATE('2022-01-06')", pt, true},
		{"date not less than same day", "day < DATE('2022-01-05')", pt, false},
		{"timestamp compare", "valid_from >= TIMESTAMP('2020-01-01T10:00:00Z')", sq, true},
		{"t_intersects datetime open end", "T_INTERSECTS(datetime, DATE('2030-01-01'))", pt, true},
		{"t_before datetime", "T_BEFORE(datetime, DATE('2021-06-01'))", sq, true},
		{"t_after", "T_AFTER(datetime, INTERVAL('..', '2022-06-07'))", pt, true},
		{"t_after same day false", "T_AFTER(datetime, DATE('2022-06-08'))", pt, false},
		{"t_during", "T_DURING(INTERVAL(valid_from, valid_to), INTERVAL('2019-01-01', '2022-01-01'))", sq, true},
		{"t_disjoint", "T_DISJOINT(datetime, INTERVAL('2015-01-01', '2016-01-01'))", sq, true},
		{"t_meets next day", "T_MEETS(INTERVAL('2022-01-01', '2022-06-07'), datetime)", pt, true},
		{"t_equals date", "T_EQUALS(day, DATE('2022-01-05'))", pt, true},
		{"t_starts", "T_STARTS(INTERVAL(valid_from, valid_to), INTERVAL('2020-01-01T10:00:00Z', '..'))", sq, true},
		{"missing time unknown", "T_INTERSECTS(datetime, DATE('2030-01-01'))", empty, false},
		{"s_intersects bbox point", "S_INTERSECTS(geometry, BBOX(0, 0, 2, 2))", pt, true},
		{"s_intersects bbox edge", "S_INTERSECTS(geometry, BBOX(1, 1, 2, 2))", pt, true},
		{"s_intersects bbox miss", "S_INTERSECTS(geometry, BBOX(1.5, 1.5, 2, 2))", pt, false},
		{"s_intersects antimeridian", "S_INTERSECTS(geometry, BBOX(170, -10, 5, 10))", pt, true},
		{"s_intersects polygon point", "S_INTERSECTS(geometry, POLYGON((0 0, 2 0, 0 2, 0 0)))", pt, true},
		{"s_intersects polygon line crossing", "S_INTERSECTS(geometry, LINESTRING(0 4, 4 0))", sq, true},
		{"s_intersects multipoint", "S_INTERSECTS(geometry, MULTIPOINT((5 5), (1 1)))", pt, true},
		{"s_intersects polygon inside polygon", "S_INTERSECTS(geometry, POLYGON((0.5 0.5, 1 0.5, 1 1, 0.5 0.5)))", sq, true},
		{"s_disjoint", "S_DISJOINT(geometry, POINT(3 3))", sq, true},
		{"s_disjoint false", "S_DISJOINT(geometry, POINT(2 2))", sq, false},
		{"s_within point in polygon", "S_WITHIN(geometry, POLYGON((0 0, 3 0, 3 3, 0 3, 0 0)))", pt, true},
		{"s_within point on boundary", "S_WITHIN(geometry, POLYGON((1 1, 3 1, 3 3, 1 3, 1 1)))", pt, false},
		{"s_within polygon in bbox", "S_WITHIN(geometry, BBOX(-1, -1, 3, 3))", sq, true},
		{"s_within equal polygons", "S_WITHIN(geometry, BBOX(0, 0, 2, 2))", sq, true},
		{"s_within partly out", "S_WITHIN(geometry, BBOX(1, -1, 3, 3))", sq, false},
		{"s_within hole", "S_WITHIN(geometry, POLYGON((-1 -1, 3 -1, 3 3, -1 3, -1 -1), (0.5 0.5, 1.5 0.5, 1.5 1.5, 0.5 1.5, 0.5 0.5)))", sq, false},
		{"s_contains point", "S_CONTAINS(geometry, POINT(1 1))", sq, true},
		{"s_contains concave", "S_CONTAINS(POLYGON((0 0, 4 0, 4 4, 2 1, 0 4, 0 0)), geometry)", line, false},
		{"s_equals", "S_EQUALS(geometry, POLYGON((2 0, 2 2, 0 2, 0 0, 2 0)))", sq, true},
		{"s_equals not", "S_EQUALS(geometry, POLYGON((2 0, 2 3, 0 2, 0 0, 2 0)))", sq, false},
		{"s_touches adjacent squares", "S_TOUCHES(geometry, BBOX(2, 0, 3, 2))", sq, true},
		{"s_touches overlapping squares", "S_TOUCHES(geometry, BBOX(1, 0, 3, 2))", sq, false},
		{"s_touches point on boundary", "S_TOUCHES(geometry, POINT(2 1))", sq, true},
		{"s_touches line end", "S_TOUCHES(geometry, POINT(4 4))", line, true},
		{"s_touches line middle", "S_TOUCHES(geometry, POINT(2 2))", line, false},
		{"s_crosses line polygon", "S_CROSSES(geometry, BBOX(1, 1, 3, 3))", line, true},
		{"s_crosses line inside", "S_CROSSES(geometry, BBOX(-1, -1, 5, 5))", line, false},
		{"s_crosses lines", "S_CROSSES(geometry, LINESTRING(0 4, 4 0))", line, true},
		{"s_crosses collinear lines", "S_CROSSES(geometry, LINESTRING(1 1, 5 5))", line, false},
		{"s_overlaps squares", "S_OVERLAPS(geometry, BBOX(1, 1, 3, 3))", sq, true},
		{"s_overlaps contained", "S_OVERLAPS(geometry, BBOX(-1, -1, 3, 3))", sq, false},
		{"s_overlaps lines", "S_OVERLAPS(geometry, LINESTRING(1 1, 5 5))", line, true},
		{"s_overlaps different dims", "S_OVERLAPS(geometry, POINT(1 1))", sq, false},
		{"s_touches corner", "S_TOUCHES(geometry, BBOX(2, 2, 3, 3))", sq, true},
		{"s_overlaps corner", "S_OVERLAPS(geometry, BBOX(2, 2, 3, 3))", sq, false},
		{"s_touches line on edge", "S_TOUCHES(geometry, LINESTRING(0 0, 2 0))", sq, true},
		{"s_within line on edge", "S_WITHIN(LINESTRING(0 0, 2 0), geometry)", sq, false},
		{"s_within line inside", "S_WITHIN(LINESTRING(0.5 0.5, 1.5 1.5), geometry)", sq, true},
		{"s_crosses line leaving", "S_CROSSES(LINESTRING(1 1, 3 1), geometry)", sq, true},
		{"s_intersects point in hole", "S_INTERSECTS(geometry, POLYGON((0 0, 2 0, 2 2, 0 2, 0 0), (0.5 0.5, 1.5 0.5, 1.5 1.5, 0.5 1.5, 0.5 0.5)))", pt, false},
		{"s_equals multipoint any order", "S_EQUALS(MULTIPOINT(1 1, 2 2), MULTIPOINT((2 2), (1 1)))", pt, true},
		{"s_disjoint collection", "S_DISJOINT(geometry, GEOMETRYCOLLECTION(POINT(5 5), LINESTRING(3 0, 3 3)))", sq, true},
		{"spatial on missing geometry", "S_INTERSECTS(geometry, BBOX(-180, -90, 180, 90))", empty, false},
		{"not spatial on missing geometry", "NOT S_INTERSECTS(geometry, BBOX(-180, -90, 180, 90))", empty, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, err := ParseText(tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			f, err := Compile(e, testQ, testTP)
			if err != nil {
				t.Fatal(err)
			}
			if got := f.Match(tc.f); got != tc.want {
				t.Errorf("%s on %s = %v, want %v", tc.filter, tc.f.ID, got, tc.want)
			}
			// The JSON-free round trip through String compiles the same.
			e2, err := ParseText(e.String())
			if err != nil {
				t.Fatalf("reparse %s: %v", e, err)
			}
			f2, err := Compile(e2, testQ, testTP)
			if err != nil {
				t.Fatal(err)
			}
			if got := f2.Match(tc.f); got != tc.want {
				t.Errorf("reparsed %s = %v", e, got)
			}
		})
	}
}
