package handlers

import (
	"errors"
	"strings"
	"testing"
)

// FuzzFilter: any filter text in any language compiles against a
// collection's queryables or is a 400 on filter naming a position, and a
// compiled filter evaluates on every fixture feature without panicking.
func FuzzFilter(f *testing.F) {
	for _, s := range []string{
		"population > 1000", "name_en LIKE 'A%' OR code IN ('KZ01','KZ02')", "(population > 1",
		"foo(population)", "S_INTERSECTS(geometry, BBOX(50,40,60,50))", "NOT (type = 'city') AND population BETWEEN 1 AND 5",
		`{"op":"=","args":[{"property":"code"},"KZ01"]}`, "S_WITHIN(geometry, POLYGON((50 40, 60 40, 60 50, 50 40)))",
		"population = 'x'", "CASEI(name_en) = casei('alpha')", "", "((((", "'unterminated",
	} {
		f.Add("", s)
	}
	f.Add("cql2-json", `{"op":"and","args":[{"op":">","args":[{"property":"population"},1]},true]}`)
	f.Add("cql-text", "population <> 2000")
	reg := fixture()["regions"]
	f.Fuzz(func(t *testing.T, lang, text string) {
		if lang != "" && lang != "cql2-text" && lang != "cql2-json" && lang != "cql-text" {
			lang = ""
		}
		flt, boxes, err := compileFilter(lang, text, reg.col)
		if err != nil {
			var pe *ParamError
			if !errors.As(err, &pe) || pe.Param != "filter" || !strings.HasPrefix(pe.Reason, "at ") {
				t.Fatalf("error %v is not a filter ParamError with a position", err)
			}
			return
		}
		for _, b := range boxes {
			if b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1] {
				t.Fatalf("inverted box %v", b)
			}
		}
		for _, ft := range reg.feats {
			flt.Match(ft)
		}
	})
}
