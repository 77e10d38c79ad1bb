package names

import "testing"

func TestNameKind(t *testing.T) {
	tests := []struct{ name, s, want string }{
		{"bare Latin", "Almaty", ""},
		{"bare Cyrillic", "Алматы", ""},
		{"city in brackets", "Almaty (city)", kindCity},
		{"Kazakh city in brackets", "Алматы (қала)", kindCity},
		{"Kazakh city word", "Алматы қаласы", kindCity},
		{"Russian city word first", "город Алматы", kindCity},
		{"English region", "Almaty Region", kindRegion},
		{"oblast", "Almaty oblast", kindRegion},
		{"Kazakh region word", "Алматы облысы", kindRegion},
		{"Russian region", "Алматинская область", kindRegion},
		{"Russian adjective alone", "Алматинская", kindRegion},
		{"transliterated adjective", "Almatinskaya", kindRegion},
		{"district adjective", "Жамбылский", kindRegion},
		{"both kinds", "Almaty city district", ""},
		{"town ending in -sk", "Ust-Kamenogorsk", ""},
		{"short word with an ending", "Ская", ""},
		{"empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := nameKind(tc.s); got != tc.want {
				t.Errorf("nameKind(%q) = %q, want %q", tc.s, got, tc.want)
			}
		})
	}
}

func TestAliasesKind(t *testing.T) {
	a, err := ParseAliases([]byte(`{"groups": [
		{"id": "almaty", "kind": "city", "names": ["Almaty", "Almaty (city)"]},
		{"id": "almaty-region", "kind": "region", "names": ["Almaty Region", "Алматинская"]},
		{"id": "taraz", "kind": "centre", "names": ["Taraz"], "former": ["Zhambyl"]},
		{"id": "zhambyl", "kind": "region", "names": ["Zhambyl"]},
		{"id": "twin-a", "kind": "city", "names": ["Twin"]},
		{"id": "twin-b", "kind": "region", "names": ["Twin"]},
		{"id": "toqaev", "kind": "person", "names": ["Toqaev"]}
	]}`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, q, want string }{
		{"bare name of the city group only", "Almaty", kindCity},
		{"spelling variant", "Алматы", kindCity},
		{"centre is a city", "Taraz", kindCity},
		{"former names do not count", "Zhambyl", kindRegion},
		{"groups disagree", "Twin", ""},
		{"person", "Toqaev", ""},
		{"unknown", "Aktau", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := a.kind(Key(tc.q)); got != tc.want {
				t.Errorf("kind(Key(%q)) = %q, want %q", tc.q, got, tc.want)
			}
		})
	}
	var none *Aliases
	if got := none.kind("almat"); got != "" {
		t.Errorf("nil Aliases: kind %q", got)
	}
}
