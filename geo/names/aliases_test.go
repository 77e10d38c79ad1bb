package names

import (
	"errors"
	"slices"
	"testing"

	"kzmap/data"
)

func TestParseAliasesErrors(t *testing.T) {
	tests := []struct{ name, in string }{
		{"empty", ``},
		{"not an object", `[]`},
		{"no groups", `{}`},
		{"unknown field", `{"groups": [], "extra": 1}`},
		{"group without id", `{"groups": [{"names": ["Almaty"]}]}`},
		{"duplicate id", `{"groups": [{"id": "a", "names": ["Almaty"]}, {"id": "a", "names": ["Aktau"]}]}`},
		{"group without names", `{"groups": [{"id": "a", "names": []}]}`},
		{"name without letters", `{"groups": [{"id": "a", "names": ["Almaty", " - "]}]}`},
		{"former without letters", `{"groups": [{"id": "a", "names": ["Almaty"], "former": ["()"]}]}`},
		{"names not strings", `{"groups": [{"id": "a", "names": [1]}]}`},
		{"trailing data", `{"groups": []} {}`},
		{"truncated", `{"groups": [{"id": "a", "names": ["Almaty"]}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, err := ParseAliases([]byte(tc.in))
			if !errors.Is(err, ErrAliases) {
				t.Fatalf("ParseAliases(%q) = %v, %v; want ErrAliases", tc.in, a, err)
			}
		})
	}
}

func TestExpand(t *testing.T) {
	a, err := ParseAliases([]byte(`{"groups": [
		{"id": "capital", "names": ["Nur-Sultan", "Astana"], "former": ["Akmola", "Tselinograd"]},
		{"id": "akmola", "names": ["Akmola", "Aqmola", "Акмолинская"]},
		{"id": "taraz", "names": ["Taraz"], "former": ["Zhambyl"]}
	]}`))
	if err != nil {
		t.Fatal(err)
	}
	keys := func(ss ...string) []string {
		var out []string
		for _, s := range ss {
			out = append(out, Key(s))
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	tests := []struct {
		name, q string
		want    []string
	}{
		{"current to current", "Astana", keys("Nur-Sultan")},
		{"spelling variant of a current name", "Нур-Султан", keys("Astana")},
		{"former to current of both groups", "Akmola", keys("Nur-Sultan", "Astana")},
		{"current does not reach former", "Taraz", nil},
		{"former only", "Jambyl", keys("Taraz")},
		{"unknown", "Aktau", nil},
		{"empty", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := a.Expand(Key(tc.q))
			if !slices.Equal(got, tc.want) {
				t.Errorf("Expand(Key(%q)) = %q, want %q", tc.q, got, tc.want)
			}
		})
	}
	var none *Aliases
	if got := none.Expand("astan"); got != nil {
		t.Errorf("nil Aliases expanded to %q", got)
	}
}

// TestProjectAliases checks the project's own aliases.json parses and joins
// the names the search contract promises.
func TestProjectAliases(t *testing.T) {
	a, err := ParseAliases(data.AliasesJSON)
	if err != nil {
		t.Fatal(err)
	}
	same := [][]string{
		{"Nur-Sultan", "Astana", "Нұр-Сұлтан", "Астана"},
		{"Shymkent", "Chimkent", "Чимкент"},
		{"Oral", "Uralsk", "Уральск"},
		{"Oskemen", "Ust-Kamenogorsk", "Усть-Каменогорск"},
		{"Turkistan", "Turkestan", "Туркестанская"},
		{"Aktobe", "Aktyubinsk", "Актюбинская"},
		{"Kazakhstan", "Qazaqstan"},
		{"Toqaev", "Kassym-Jomart Tokayev"},
		{"West Kazakhstan", "Батыс Қазақстан", "Западно-Казахстанская"},
		{"Baikonur", "Байқоңыр"},
	}
	for _, g := range same {
		for _, s := range g[1:] {
			if Key(s) != Key(g[0]) && !slices.Contains(a.Expand(Key(g[0])), Key(s)) {
				t.Errorf("aliases do not join %q and %q", g[0], s)
			}
		}
	}
	formerly := [][2]string{
		{"Akmola", "Astana"}, {"Tselinograd", "Nur-Sultan"}, {"Zhambyl", "Taraz"},
		{"Kapchagay", "Konaev"}, {"Shevchenko", "Aktau"}, {"Semipalatinsk", "Semey"},
		{"Guryev", "Atyrau"}, {"South Kazakhstan", "Turkistan"},
	}
	for _, p := range formerly {
		if !slices.Contains(a.Expand(Key(p[0])), Key(p[1])) {
			t.Errorf("former name %q does not find %q", p[0], p[1])
		}
		if slices.Contains(a.Expand(Key(p[1])), Key(p[0])) {
			t.Errorf("current name %q reaches former name %q", p[1], p[0])
		}
	}
}

func FuzzParseAliases(f *testing.F) {
	f.Add([]byte(`{"groups": [{"id": "a", "names": ["Nur-Sultan", "Astana"], "former": ["Akmola"]}]}`))
	f.Add([]byte(`{"groups": []}`))
	f.Add([]byte(`{"groups": [{"id": "", "names": null}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := ParseAliases(b)
		if err != nil {
			if !errors.Is(err, ErrAliases) {
				t.Fatalf("error %v is not ErrAliases", err)
			}
			return
		}
		for _, g := range a.Groups() {
			for _, n := range g.Names {
				k := Key(n)
				if k == "" {
					t.Fatalf("group %q: accepted name %q without a key", g.ID, n)
				}
				for _, e := range a.Expand(k) {
					if e == k {
						t.Fatalf("Expand(%q) contains the key itself", k)
					}
				}
			}
		}
	})
}
