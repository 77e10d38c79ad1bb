package cql2

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// TestBadText: malformed or ill-typed cql2-text gives a *SyntaxError at
// the expected byte offset, quickly.
func TestBadText(t *testing.T) {
	deepParens := strings.Repeat("(", 10000) + "v > 1" + strings.Repeat(")", 10000)
	deepNot := strings.Repeat("NOT ", 10000) + "v > 1"
	deepMinus := "v > " + strings.Repeat("-", 10000) + "1"
	deepPow := "v > 1" + strings.Repeat(" ^ 1", 10000)
	deepGC := "S_INTERSECTS(geometry, " + strings.Repeat("GEOMETRYCOLLECTION(", 10000) + "POINT(1 1)" + strings.Repeat(")", 10001)
	huge := "name = '" + strings.Repeat("x", 10<<20) + "'"
	cases := []struct {
		name   string
		filter string
		pos    int
		msg    string
	}{
		{"empty", "", 0, "unexpected end"},
		{"unbalanced open", "(v > 1", 6, "expected ')'"},
		{"unbalanced close", "v > 1)", 5, "unexpected ')'"},
		{"missing operand", "v >", 3, "unexpected end"},
		{"unterminated string", "name = 'abc", 7, "unterminated string"},
		{"unterminated quoted name", `"name = 1`, 0, "unterminated quoted"},
		{"bad character", "v > 1 ; DROP", 6, "unexpected character"},
		{"not without like", "v NOT 1", 6, "expected LIKE, BETWEEN or IN"},
		{"between without and", "v BETWEEN 1 OR 2", 12, "expected AND"},
		{"is without null", "v IS 1", 5, "expected NULL"},
		{"bad date", "day = DATE('2022-13-01')", 11, "not a date"},
		{"bad timestamp", "day = TIMESTAMP('yesterday')", 16, "not an RFC 3339 timestamp"},
		{"date of number", "day = DATE(1)", 11, "takes a string literal"},
		{"interval arity", "T_AFTER(datetime, INTERVAL('2022-01-01'))", 26, "two arguments"},
		{"bbox arity", "S_INTERSECTS(geometry, BBOX(1, 2, 3))", 23, "4 or 6 numbers"},
		{"bbox south above north", "S_INTERSECTS(geometry, BBOX(0, 5, 1, 2))", 23, "south"},
		{"function arity", "S_INTERSECTS(geometry)", 0, "takes 2 argument"},
		{"open ring", "S_INTERSECTS(geometry, POLYGON((0 0, 1 0, 1 1)))", 31, "at least 4 positions"},
		{"bad coordinate", "S_INTERSECTS(geometry, POINT(a b))", 29, "expected a coordinate"},
		{"keyword as operand", "v > AND", 4, "unexpected keyword AND"},
		{"trailing garbage", "v > 1 v", 6, "after the end"},
		{"deep parentheses", deepParens, MaxDepth, "nested deeper"},
		{"deep not", deepNot, 4 * MaxDepth, "nested deeper"},
		{"deep minus", deepMinus, 4 + MaxDepth, "nested deeper"},
		{"deep power", deepPow, 6 + 4*MaxDepth, "nested deeper"},
		{"deep geometry collection", deepGC, 23 + 19*(MaxDepth-1), "nested deeper"},
		{"huge literal", huge, MaxInputBytes, "longer than"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, err := ParseText(tc.filter)
			if d := time.Since(start); d > time.Second {
				t.Errorf("took %v", d)
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v (%T), want *SyntaxError", err, err)
			}
			if se.Pos != tc.pos || !strings.Contains(se.Msg, tc.msg) {
				t.Errorf("got %q, want at %d: …%s…", se.Error(), tc.pos, tc.msg)
			}
		})
	}
}

// TestBadJSON: malformed cql2-json gives a byte offset, a well-formed
// document that is no filter a JSON pointer.
func TestBadJSON(t *testing.T) {
	deep := strings.Repeat(`{"op":"not","args":[`, 10000) + `true` + strings.Repeat(`]}`, 10000)
	cases := []struct {
		name  string
		json  string
		where string
		msg   string
	}{
		{"malformed", `{"op":"=","args":[}`, "at 19", "malformed JSON"},
		{"trailing data", `{"property":"v"} 1`, "at 17", "data after"},
		{"null", `null`, "at /", "null is not"},
		{"unknown object", `{"op":"and","args":[true,{"x":1}]}`, "at /args/1", "an object is"},
		{"op not string", `{"op":1,"args":[]}`, "at /op", "non-empty string"},
		{"args not array", `{"op":"not","args":true}`, "at /args", "args must be an array"},
		{"arity", `{"op":"=","args":[1]}`, "at /", "takes 2 argument"},
		{"in without array", `{"op":"in","args":[{"property":"v"},1]}`, "at /args/1", "in takes an array"},
		{"bad date", `{"op":"t_after","args":[{"property":"day"},{"date":"2022-02-30"}]}`, "at /args/1/date", "not a date"},
		{"bad bbox", `{"op":"s_intersects","args":[{"property":"geometry"},{"bbox":[1,2,"3",4]}]}`, "at /args/1/bbox/2", "numbers"},
		{"bad geometry type", `{"op":"s_intersects","args":[{"property":"geometry"},{"type":"Circle","coordinates":[1,2]}]}`, "at /args/1/type", "unknown geometry type"},
		{"bad position", `{"op":"s_intersects","args":[{"property":"geometry"},{"type":"Point","coordinates":[1]}]}`, "at /args/1/coordinates", "2 or 3 numbers"},
		{"open ring", `{"op":"s_intersects","args":[{"property":"geometry"},{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1]]]}]}`, "at /args/1/coordinates/0", "at least 4"},
		{"property extra member", `{"property":"v","x":1}`, "at /", "no other member"},
		{"deep nesting", deep, "at 5160", "nested deeper"},
		{"huge literal", `{"op":"=","args":[{"property":"name"},"` + strings.Repeat("x", 10<<20) + `"]}`, "at 1048576", "longer than"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			_, err := ParseJSON([]byte(tc.json))
			if d := time.Since(start); d > time.Second {
				t.Errorf("took %v", d)
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v (%T), want *SyntaxError", err, err)
			}
			if !strings.HasPrefix(se.Error(), tc.where+": ") || !strings.Contains(se.Msg, tc.msg) {
				t.Errorf("got %q, want %s: …%s…", se.Error(), tc.where, tc.msg)
			}
		})
	}
}

// TestCheck: filters that parse but do not fit the queryables.
func TestCheck(t *testing.T) {
	cases := []struct {
		name   string
		filter string
		want   string
	}{
		{"unknown property", "v > 1 AND colour = 'red'", `at 10: property "colour" is not queryable`},
		{"unknown function", "Foo(geometry) = TRUE", "at 0: unknown function Foo"},
		{"custom function of standard example", "S_WITHIN(geometry, Buffer(geometry, 10, 'm'))", "at 19: unknown function Buffer"},
		{"array function", "A_CONTAINS(name, ('a', 'b'))", "at 0: array function A_CONTAINS is not supported"},
		{"compare string with number", "name = 5", "at 0: = compares a string with a number"},
		{"like on number", "v LIKE 'a%'", "at 0: expected a string, found a number"},
		{"arithmetic on string", "name + 1 = 2", "at 0: expected a number, found a string"},
		{"spatial on number", "S_INTERSECTS(v, BBOX(0, 0, 1, 1))", "at 13: expected a geometry, found a number"},
		{"temporal on string", "T_AFTER(name, DATE('2020-01-01'))", "at 8: expected a date/timestamp or interval, found a string"},
		{"in mixed types", "v IN (1, 'a')", "at 9: IN compares a number with a string"},
		{"not a condition", "v + 1", "at 0: the filter is a number, not a condition"},
		{"and of number", "v AND TRUE", "at 0: expected a boolean, found a number"},
		{"casei of number", "CASEI(v) = 'a'", "at 6: expected a string, found a number"},
		{"interval of number", "T_AFTER(datetime, INTERVAL(v, '..'))", "at 27: an INTERVAL end is a date or timestamp, not a number"},
		{"ordering booleans", "ok < TRUE", "at 0: expected a number or string or date/timestamp, found a boolean"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e, err := ParseText(tc.filter)
			if err != nil {
				t.Fatal(err)
			}
			err = Check(e, testQ)
			if err == nil || err.Error() != tc.want {
				t.Errorf("got %v, want %s", err, tc.want)
			}
			if _, cerr := Compile(e, testQ, testTP); cerr == nil {
				t.Error("Compile accepted it")
			}
		})
	}
	// The JSON form names the member.
	e, err := ParseJSON([]byte(`{"op":"and","args":[{"op":">","args":[{"property":"v"},1]},{"op":"=","args":[{"property":"colour"},"red"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := Check(e, testQ); err == nil || err.Error() != `at /args/1/args/0: property "colour" is not queryable` {
		t.Errorf("json: got %v", err)
	}
}
