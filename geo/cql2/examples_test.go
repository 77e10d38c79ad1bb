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
