package cql2

import (
	"testing"

	"github.com/paulmach/orb"

	"kzmap/geo"
)

// fuzzFeatures are evaluated by every filter the fuzzers find valid.
var fuzzFeatures = []*geo.Feature{
	geo.NewFeature("p", orb.Point{1, 1}, map[string]any{"name": "a", "v": 1.0, "valid_from": "2022-01-01", "valid_to": nil}),
	geo.NewFeature("s", square(0, 0, 2, 2), map[string]any{"name": "b%", "ok": true, "day": "bad"}),
	geo.NewFeature("l", orb.LineString{{0, 0}, {4, 4}}, nil),
	geo.NewFeature("e", nil, nil),
}

// fuzzOne checks the invariants of a parsed filter: its text form parses
// back to itself, and checking, compiling and evaluating never panic.
func fuzzOne(t *testing.T, e Expr) {
	s := e.String()
	again, err := ParseText(s)
	if err != nil {
		// Printing adds parentheses, so a filter near the depth limit
		// may print deeper than it parsed.
		if se, ok := err.(*SyntaxError); ok && (len(s) > MaxInputBytes || contains(se.Msg, "nested deeper")) {
			return
		}
		t.Fatalf("%s does not parse back: %v", s, err)
	}
	if again.String() != s {
		t.Fatalf("round trip:\n%s\n%s", s, again)
	}
	if Check(e, testQ) != nil {
		return
	}
	f, err := Compile(e, testQ, testTP)
	if err != nil {
		t.Fatalf("Compile after Check: %v", err)
	}
	for _, ft := range fuzzFeatures {
		f.Match(ft)
	}
	Bounds(e)
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func FuzzParseText(f *testing.F) {
	for _, ex := range loadExamples(f) {
		f.Add(ex.text)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseText(s)
		if err != nil {
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("error %T", err)
			}
			return
		}
		fuzzOne(t, e)
	})
}

func FuzzParseJSON(f *testing.F) {
	for _, ex := range loadExamples(f) {
		f.Add([]byte(ex.json))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := ParseJSON(b)
		if err != nil {
			if _, ok := err.(*SyntaxError); !ok {
				t.Fatalf("error %T", err)
			}
			return
		}
		fuzzOne(t, e)
	})
}
