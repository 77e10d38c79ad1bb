package names

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"kzmap/data"
	"kzmap/geo/internal/benchdata"
	"kzmap/geo/internal/geokz"
)

// Collection ranks as the dataset uses them: regions before districts and
// centres, events last.
const (
	rankRegions = iota
	rankRegions2024
	rankDistricts
	rankCentres
	rankEvents
)

func projectAliases(t testing.TB) *Aliases {
	t.Helper()
	a, err := ParseAliases(data.AliasesJSON)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// fixtureIndex is a small hand-made index: a few regions, districts, centres
// and an event, with names as a GIS user would find them.
func fixtureIndex(t testing.TB) *Index {
	ix := NewIndex(projectAliases(t))
	ix.Add("regions", rankRegions, "KZ47", "Mangystau", "Маңғыстау", "Мангистауская")
	ix.Add("regions", rankRegions, "KZ31", "Jambyl", "Жамбыл", "Жамбылская")
	ix.Add("regions", rankRegions, "KZ71", "Nur-Sultan (city)", "Нұр-Сұлтан (қала)", "Нур-Султан")
	ix.Add("regions", rankRegions, "KZ11", "Akmola", "Ақмола", "Акмолинская")
	ix.Add("regions", rankRegions, "KZ19", "Almaty", "Алматы", "Алматинская")
	ix.Add("regions", rankRegions, "KZ75", "Almaty (city)", "Алматы (қала)", "Алматы")
	ix.Add("regions-2024", rankRegions2024, "KZ71", "Astana (city)", "Астана (қала)", "Астана")
	ix.Add("regions-2024", rankRegions2024, "KZ31", "Zhambyl", "Жамбыл", "Жамбылская")
	ix.Add("regions-2024", rankRegions2024, "KZ47", "Mangystau", "Маңғыстау", "Мангистауская")
	ix.Add("districts", rankDistricts, "KZ474600", "Mangistau", "Маңғыстау", "Мангистауский")
	ix.Add("districts", rankDistricts, "KZ314000", "Jambyl", "Жамбыл", "Жамбылский")
	ix.Add("districts", rankDistricts, "KZ471800", "Zhanaozen", "Жаңаөзен", "Жанаозен")
	ix.Add("centres", rankCentres, "taraz", "Taraz", "Тараз")
	ix.Add("centres", rankCentres, "aktau", "Aktau", "Актау")
	ix.Add("centres", rankCentres, "nur-sultan", "Nur-Sultan", "Нұр-Сұлтан", "Нур-Султан")
	ix.Add("events", rankEvents, "e01", "Protests over LPG price hike begin in Manghystau")
	return ix
}

type ref struct{ coll, id string }

func refs(hs []Hit) []ref {
	out := make([]ref, len(hs))
	for i, h := range hs {
		out[i] = ref{h.Collection, h.ID}
	}
	return out
}

func TestSearch(t *testing.T) {
	ix := fixtureIndex(t)
	mangystau := []ref{{"regions", "KZ47"}, {"regions-2024", "KZ47"}, {"districts", "KZ474600"}, {"events", "e01"}}
	zhambyl := []ref{{"regions", "KZ31"}, {"regions-2024", "KZ31"}, {"districts", "KZ314000"}, {"centres", "taraz"}}
	almaty := []ref{{"regions", "KZ75"}, {"regions", "KZ19"}}
	almatyRegion := []ref{{"regions", "KZ19"}, {"regions", "KZ75"}}
	tests := []struct {
		name  string
		q     string
		limit int
		want  []ref
		score float64 // of the first hit
	}{
		// API.md's /search row.
		{"Manghystau", "Manghystau", 0, mangystau, ScoreExact},
		{"Mangystau", "Mangystau", 0, mangystau, ScoreExact},
		{"Mangghystau", "Mangghystau", 0, mangystau, ScoreExact},
		{"Маңғыстау", "Маңғыстау", 0, mangystau, ScoreExact},
		{"Мангистау", "Мангистау", 0, mangystau, ScoreExact},
		{"Zhambyl", "Zhambyl", 0, zhambyl, ScoreExact},
		{"Jambyl", "Jambyl", 0, zhambyl, ScoreExact},
		{"Nur-Sultan finds Astana", "Nur-Sultan", 0, []ref{{"regions", "KZ71"}, {"centres", "nur-sultan"}, {"regions-2024", "KZ71"}}, ScoreExact},
		{"Astana finds Nur-Sultan but not Akmola region", "Astana", 0, []ref{{"regions-2024", "KZ71"}, {"regions", "KZ71"}, {"centres", "nur-sultan"}}, ScoreExact},
		{"Akmola finds the region, then the capital", "Akmola", 0, []ref{{"regions", "KZ11"}, {"regions", "KZ71"}, {"regions-2024", "KZ71"}, {"centres", "nur-sultan"}}, ScoreExact},
		{"Tselinograd is the capital", "Целиноград", 0, []ref{{"regions", "KZ71"}, {"regions-2024", "KZ71"}, {"centres", "nur-sultan"}}, ScoreAlias},
		// Other spellings from the article and elsewhere.
		{"Russian oblast name", "Мангистауская область", 1, mangystau[:1], ScoreExact},
		{"Janaozen", "Janaozen", 0, []ref{{"districts", "KZ471800"}}, ScoreExact},
		{"Aqtau", "Aqtau", 0, []ref{{"centres", "aktau"}}, ScoreExact},
		{"Shevchenko is Aktau", "Shevchenko", 0, []ref{{"centres", "aktau"}}, ScoreAlias},
		// Almaty city and the Almaty region share a key: a bare name is the
		// city, the region is named as one, and each still finds the other.
		{"Alma-Ata is the city", "Alma-Ata", 2, almaty, ScoreExact},
		{"Almaty is the city, then the region", "Almaty", 0, almaty, ScoreExact},
		{"Алматы is the city, then the region", "Алматы", 0, almaty, ScoreExact},
		{"Almaty (city)", "Almaty (city)", 0, almaty, ScoreExact},
		{"Алматы қаласы", "Алматы қаласы", 0, almaty, ScoreExact},
		{"Алматинская область is the region", "Алматинская область", 0, almatyRegion, ScoreExact},
		{"Алматинская is the region", "Алматинская", 0, almatyRegion, ScoreExact},
		{"Almaty Region", "Almaty Region", 0, almatyRegion, ScoreExact},
		{"Almaty oblast", "Almaty oblast", 0, almatyRegion, ScoreExact},
		{"Алматы облысы", "Алматы облысы", 0, almatyRegion, ScoreExact},
		{"prefix", "Mang", 2, mangystau[:2], ScorePrefix},
		{"prefix in Cyrillic", "Манг", 2, mangystau[:2], ScorePrefix},
		{"substring", "ghystau", 1, mangystau[:1], ScoreSubstring},
		{"word of a long name", "LPG", 0, []ref{{"events", "e01"}}, ScorePrefix},
		{"limit", "Zhambyl", 2, zhambyl[:2], ScoreExact},
		{"no match", "Paris", 0, []ref{}, 0},
		{"empty", " ", 0, []ref{}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hs := ix.Search(tc.q, tc.limit)
			got := refs(hs)
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("Search(%q, %d) = %v, want %v", tc.q, tc.limit, hs, tc.want)
			}
			if len(hs) > 0 && hs[0].Score != tc.score {
				t.Errorf("Search(%q)[0].Score = %v, want %v", tc.q, hs[0].Score, tc.score)
			}
		})
	}
}

func TestSearchOrder(t *testing.T) {
	ix := NewIndex(nil)
	// Added in an order that is wrong on every criterion.
	ix.Add("districts", 2, "d2", "Abay")
	ix.Add("districts", 2, "d1", "Abay")
	ix.Add("centres", 3, "c", "Abay")
	ix.Add("regions", 0, "r", "Abay")
	ix.Add("regions", 0, "p", "Abaytown")
	ix.Add("districts", 2, "z", "Abai", "Абай")
	hs := ix.Search("Abay", 0)
	// Tier, then rank, then a name equal to the query as typed, then name, then id.
	want := []ref{{"regions", "r"}, {"districts", "d1"}, {"districts", "d2"}, {"districts", "z"}, {"centres", "c"}, {"regions", "p"}}
	if fmt.Sprint(refs(hs)) != fmt.Sprint(want) {
		t.Fatalf("Search = %v, want %v", hs, want)
	}
	// One hit per feature, with the name that matched best.
	if hs[3].Name != "Abai" {
		t.Errorf("hit name %q, want the first exact name %q", hs[3].Name, "Abai")
	}
	if hs := ix.Search("Абай", 0); hs[1].Collection != "districts" || hs[1].ID != "z" || hs[1].Name != "Абай" {
		t.Errorf("Search(Абай) = %v, want districts/z (named Абай) first among districts", hs)
	}
}

func TestAddRemove(t *testing.T) {
	ix := NewIndex(nil)
	ix.Add("regions", 0, "KZ47", "Mangystau")
	ix.Add("regions", 0, "KZ47", "Aktau") // replaces
	if hs := ix.Search("Mangystau", 0); len(hs) != 0 {
		t.Errorf("replaced names still found: %v", hs)
	}
	if hs := ix.Search("Aktau", 0); len(hs) != 1 {
		t.Errorf("Search(Aktau) = %v, want one hit", hs)
	}
	ix.Add("regions", 0, "KZ47", "()", "") // no usable names: removed
	if ix.Len() != 0 {
		t.Errorf("Len = %d after adding without names, want 0", ix.Len())
	}
	ix.Add("regions", 0, "KZ47", "Aktau")
	ix.Add("centres", 3, "KZ47", "Aktau")
	ix.Remove("regions", "KZ47")
	ix.Remove("regions", "absent")
	if got := refs(ix.Search("Aktau", 0)); fmt.Sprint(got) != fmt.Sprint([]ref{{"centres", "KZ47"}}) {
		t.Errorf("after Remove: %v", got)
	}
}

func TestConcurrent(t *testing.T) {
	ix := fixtureIndex(t)
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				if hs := ix.Search("Manghystau", 1); len(hs) != 1 || hs[0].ID != "KZ47" {
					t.Errorf("Search during writes = %v", hs)
					return
				}
			}
		}()
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				id := fmt.Sprintf("x%d-%d", g, i)
				ix.Add("districts", rankDistricts, id, "Mangystau")
				ix.Remove("districts", id)
			}
		}(g)
	}
	wg.Wait()
}

type geokzLayer struct {
	Features []struct {
		Properties map[string]any `json:"properties"`
	} `json:"features"`
}

func readLayer(t testing.TB, name string) geokzLayer {
	t.Helper()
	b := geokz.ReadGeoJSON(t, name)
	var l geokzLayer
	if err := json.Unmarshal(b, &l); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return l
}

func str(p map[string]any, k string) string { s, _ := p[k].(string); return s }

// geokzIndex indexes the real boundary and centre layers as the dataset does.
func geokzIndex(t testing.TB) *Index {
	ix := NewIndex(projectAliases(t))
	for _, l := range []struct {
		file, coll, level string
		rank              int
	}{
		{"kaz_admbnda_adm1_2018", "regions", "ADM1", rankRegions},
		{"kaz_admbnda_adm1_2024", "regions-2024", "ADM1", rankRegions2024},
		{"kaz_admbnda_adm2_2018", "districts", "ADM2", rankDistricts},
		{"kaz_admbnda_cnt1_2022", "centres", "NAME", rankCentres},
	} {
		for _, f := range readLayer(t, l.file).Features {
			p := f.Properties
			id := str(p, l.level+"_PCODE")
			if l.level == "NAME" {
				id = str(p, "KATO")
			}
			pre := l.level + "_"
			if l.level == "NAME" {
				pre = "NAME_"
			}
			ix.Add(l.coll, l.rank, id, str(p, pre+"EN"), str(p, pre+"KK"), str(p, pre+"RU"))
		}
	}
	return ix
}

// TestSearchGeokz searches the real layers: every region's own names find it
// first, and the contract's spellings find the right region.
func TestSearchGeokz(t *testing.T) {
	ix := geokzIndex(t)
	for _, f := range readLayer(t, "kaz_admbnda_adm1_2018").Features {
		p := f.Properties
		for _, n := range []string{str(p, "ADM1_EN"), str(p, "ADM1_KK"), str(p, "ADM1_RU")} {
			// Almaty region and Almaty city share the name Алматы: the region
			// need not come first, but only other exact region hits may precede it.
			hs := ix.Search(n, 0)
			found := false
			for _, h := range hs {
				if h.Collection == "regions" && h.ID == str(p, "ADM1_PCODE") {
					found = h.Score == ScoreExact
					break
				}
				if h.Collection != "regions" || h.Score != ScoreExact {
					break
				}
			}
			if !found {
				t.Errorf("Search(%q) = %v, want regions/%s among the first exact region hits", n, hs, str(p, "ADM1_PCODE"))
			}
		}
	}
	tests := []struct{ q, coll, id string }{
		{"Manghystau", "regions", "KZ47"},
		{"Mangghystau", "regions", "KZ47"},
		{"Маңғыстау", "regions", "KZ47"},
		{"Мангистау", "regions", "KZ47"},
		{"Zhambyl", "regions", "KZ31"},
		{"Jambyl", "regions", "KZ31"},
		{"Nur-Sultan", "regions", "KZ71"},
		{"Astana", "regions-2024", "KZ71"},
		{"Qaraghandy", "regions", "KZ35"},
		{"Qostanay", "regions", "KZ39"},
		{"South Kazakhstan", "regions", "KZ61"},
		{"Jetisu", "regions-2024", "KZ33"},
		{"Abai", "regions-2024", "KZ10"},
		{"Almaty (city)", "regions", "KZ75"},
		{"Almaty", "regions", "KZ75"},
		{"Алматы", "regions", "KZ75"},
		{"Almaty Region", "regions", "KZ19"},
		{"Almaty oblast", "regions", "KZ19"},
		{"Алматинская область", "regions", "KZ19"},
		{"Алматы облысы", "regions", "KZ19"},
		{"Öskemen", "districts", "KZ631000"},
		{"Ust-Kamenogorsk", "districts", "KZ631000"},
		{"Kokchetav", "districts", "KZ111000"},
		{"Chimkent", "regions", "KZ79"},
	}
	for _, tc := range tests {
		hs := ix.Search(tc.q, 1)
		if len(hs) != 1 || hs[0].Collection != tc.coll || hs[0].ID != tc.id {
			t.Errorf("Search(%q) = %v, want %s/%s first", tc.q, hs, tc.coll, tc.id)
		}
	}
	// Almaty city and region are separate hits, in the order the query asks.
	for q, want := range map[string][]ref{
		"Almaty":              {{"regions", "KZ75"}, {"regions", "KZ19"}},
		"Алматинская область": {{"regions", "KZ19"}, {"regions", "KZ75"}},
	} {
		if got := refs(ix.Search(q, 2)); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("Search(%q, 2) = %v, want %v", q, got, want)
		}
	}
	// Astana also finds the 2018 region under its name of the time.
	found := false
	for _, h := range ix.Search("Astana", 0) {
		if h.Collection == "regions" && h.ID == "KZ71" {
			found = true
		}
		if h.ID == "KZ11" {
			t.Errorf("Search(Astana) reaches the Akmola region: %v", h)
		}
	}
	if !found {
		t.Error("Search(Astana) misses regions/KZ71 (Nur-Sultan)")
	}
}

// benchIndex is geokzIndex, or where the shared data is absent an index of
// benchdata's synthetic districts (216 names in three scripts).
func benchIndex(b *testing.B) *Index {
	if geokz.Present() {
		return geokzIndex(b)
	}
	ix := NewIndex(projectAliases(b))
	for _, f := range benchdata.Districts(b) {
		p := f.Properties
		ix.Add("districts", rankDistricts, f.ID, str(p, "name_en"), str(p, "name_kk"), str(p, "name_ru"))
	}
	return ix
}

func BenchmarkSearch(b *testing.B) {
	ix := benchIndex(b)
	qs := []string{"Manghystau", "Астана", "Zhamb", "kent", "Akmola"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		ix.Search(qs[i%len(qs)], 10)
	}
}

func BenchmarkSearchParallel(b *testing.B) {
	ix := benchIndex(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			ix.Search("Mangghystau", 10)
		}
	})
}

func TestClear(t *testing.T) {
	ix := NewIndex(nil)
	ix.Add("regions", 0, "KZ47", "Mangystau")
	ix.Clear()
	if ix.Len() != 0 || len(ix.Search("Mangystau", 0)) != 0 {
		t.Errorf("after Clear: %d indexed", ix.Len())
	}
	ix.Add("regions", 0, "KZ47", "Mangystau")
	if len(ix.Search("Mangystau", 0)) != 1 {
		t.Error("Add after Clear")
	}
}
