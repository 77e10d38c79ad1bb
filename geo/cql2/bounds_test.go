package cql2

import (
	"reflect"
	"testing"

	"github.com/paulmach/orb"

	"kzmap/geo"
)

func box(x0, y0, x1, y1 float64) orb.Bound {
	return orb.Bound{Min: orb.Point{x0, y0}, Max: orb.Point{x1, y1}}
}

func TestBounds(t *testing.T) {
	cases := []struct {
		name   string
		filter string
		want   []orb.Bound
		ok     bool
	}{
		{"speed query", "v > 500 AND S_INTERSECTS(geometry, BBOX(60, 45, 70, 50))", []orb.Bound{box(60, 45, 70, 50)}, true},
		{"literal first", "S_WITHIN(POINT(1 2), geometry)", []orb.Bound{box(1, 2, 1, 2)}, true},
		{"polygon", "S_CONTAINS(geometry, POLYGON((0 0, 4 0, 4 3, 0 0)))", []orb.Bound{box(0, 0, 4, 3)}, true},
		{"and intersects boxes", "S_INTERSECTS(geometry, BBOX(0, 0, 10, 10)) AND S_INTERSECTS(geometry, BBOX(5, 5, 20, 20))", []orb.Bound{box(5, 5, 10, 10)}, true},
		{"and disjoint boxes", "S_INTERSECTS(geometry, BBOX(0, 0, 1, 1)) AND S_INTERSECTS(geometry, BBOX(5, 5, 6, 6))", nil, true},
		{"or unions", "S_INTERSECTS(geometry, BBOX(0, 0, 1, 1)) OR S_INTERSECTS(geometry, BBOX(5, 5, 6, 6))", []orb.Bound{box(0, 0, 1, 1), box(5, 5, 6, 6)}, true},
		{"or with unbounded", "S_INTERSECTS(geometry, BBOX(0, 0, 1, 1)) OR v > 1", nil, false},
		{"antimeridian", "S_INTERSECTS(geometry, BBOX(170, -10, -170, 10))", []orb.Bound{box(170, -10, 180, 10), box(-180, -10, -170, 10)}, true},
		{"disjoint has none", "S_DISJOINT(geometry, BBOX(0, 0, 1, 1))", nil, false},
		{"not has none", "NOT S_INTERSECTS(geometry, BBOX(0, 0, 1, 1))", nil, false},
		{"plain property", "v > 1", nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, err := ParseText(tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := Bounds(e)
			if ok != tc.ok || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v %v, want %v %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestQueryablesOf(t *testing.T) {
	c := &geo.Collection{
		TimeStart: "valid_from", TimeEnd: "valid_to",
		Fields: []geo.Field{{Name: "name", Type: "string"}, {Name: "pop", Type: "integer"}, {Name: "valid_from", Type: "string"}},
	}
	q, tp := QueryablesOf(c)
	want := Queryables{"geometry": TypeGeometry, "name": TypeString, "pop": TypeInteger,
		"valid_from": TypeTimestamp, "valid_to": TypeTimestamp, "datetime": TypeInterval}
	if !reflect.DeepEqual(q, want) || tp != (TimeProps{"valid_from", "valid_to"}) {
		t.Errorf("got %v %v", q, tp)
	}
}

func TestParseLang(t *testing.T) {
	for _, lang := range []string{"", LangText, LangCQLText} {
		if _, err := Parse(lang, "v > 1"); err != nil {
			t.Errorf("%q: %v", lang, err)
		}
	}
	if _, err := Parse(LangJSON, `{"op":">","args":[{"property":"v"},1]}`); err != nil {
		t.Error(err)
	}
	if _, err := Parse("sql", "v > 1"); err == nil {
		t.Error("sql accepted")
	}
}
