package cql2

import (
	"os"
	"strings"
	"testing"
)

type example struct{ name, text, json string }

// loadExamples reads testdata/examples.txt: "# name", text line, JSON line.
func loadExamples(t testing.TB) []example {
	b, err := os.ReadFile("testdata/examples.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out []example
	for _, block := range strings.Split(strings.TrimSpace(string(b)), "\n\n") {
		lines := strings.Split(block, "\n")
		if len(lines) != 3 || !strings.HasPrefix(lines[0], "# ") {
			t.Fatalf("bad block %q", block)
		}
		out = append(out, example{strings.TrimPrefix(lines[0], "# "), lines[1], lines[2]})
	}
	return out
}

// TestStandardExamples: every example of the standard parses in both
// encodings, to the same tree, and the tree printed back parses to itself.
func TestStandardExamples(t *testing.T) {
	exs := loadExamples(t)
	if len(exs) < 80 {
		t.Fatalf("only %d examples", len(exs))
	}
	for _, ex := range exs {
		t.Run(ex.name, func(t *testing.T) {
			te, err := ParseText(ex.text)
			if err != nil {
				t.Fatalf("text: %v", err)
			}
			je, err := ParseJSON([]byte(ex.json))
			if err != nil {
				t.Fatalf("json: %v", err)
			}
			if te.String() != je.String() {
				t.Fatalf("text and JSON differ:\ntext %s\njson %s", te, je)
			}
			again, err := ParseText(te.String())
			if err != nil {
				t.Fatalf("reparse %s: %v", te, err)
			}
			if again.String() != te.String() {
				t.Fatalf("round trip:\n%s\n%s", te, again)
			}
		})
	}
}

// exampleQ types the properties the standard's examples use.
var exampleQ = Queryables{
	"geometry": TypeGeometry, "footprint": TypeGeometry, "location": TypeGeometry, "road": TypeGeometry,
	"city": TypeString, "name": TypeString, "cityName": TypeString, "road_class": TypeString,
	"etat_vol": TypeString, "landsat:scene_id": TypeString, "eo:instrument": TypeString,
	"landsat:wrs_path": TypeString, "beamMode": TypeString, "swathDirection": TypeString,
	"polarization": TypeString, "owner": TypeString, "material": TypeString,
	"geophys:SURVEY_NAME": TypeString, "id": TypeString,
	"balance": TypeNumber, "depth": TypeNumber, "category": TypeInteger, "vehicle_height": TypeNumber,
	"bridge_clearance": TypeNumber, "eo:cloud_cover": TypeNumber, "landsat:wrs_row": TypeInteger,
	"floors": TypeInteger, "taxes": TypeNumber, "value": TypeNumber, "foo": TypeNumber,
	"bar": TypeNumber, "x": TypeNumber,
	"swimming_pool": TypeBoolean,
	"updated":       TypeTimestamp, "event_time": TypeTimestamp, "touchdown": TypeTimestamp,
	"liftOff": TypeTimestamp, "built": TypeDate, "starts_at": TypeTimestamp, "ends_at": TypeTimestamp,
	"updated_at": TypeTimestamp,
}

// TestStandardExamplesCheck: every example of the standard type-checks and
// compiles except those listed, which use what the package does not
// support (or contradict another example's types).
func TestStandardExamplesCheck(t *testing.T) {
	rejected := map[string]string{
		"clause6_01":  "unknown function avg",
		"clause6_02b": "unknown function avg",
		"clause7_15":  "array function",
		"clause7_18":  "unknown function Buffer",
		"example04":   "compares a string with a number", // landsat:wrs_path is a string in example03
		"example06a":  "compares a string with a number",
		"example06b":  "compares a string with a number",
		"example40":   "IN compares a number with a string", // value is a number elsewhere
		"example68":   "unknown function Foo",
		"example69":   "unknown function Bar",
		"example79":   "array function",
		"example80":   "array function",
		"example81":   "array function",
		"example82":   "array function",
	}
	for _, ex := range loadExamples(t) {
		t.Run(ex.name, func(t *testing.T) {
			e, err := ParseText(ex.text)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Compile(e, exampleQ, TimeProps{})
			want, isRejected := rejected[ex.name]
			switch {
			case isRejected && (err == nil || !strings.Contains(err.Error(), want)):
				t.Errorf("got %v, want an error with %q", err, want)
			case !isRejected && err != nil:
				t.Error(err)
			}
		})
	}
}
