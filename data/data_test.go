package data

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"kzmap/geo/names"
)

const (
	articleTitle = "Kazakh President Says Week Of Deadly Unrest Was 'Attempted Coup,' Without Citing Evidence"
	articleFile  = "rferl-2022-01-10-kazakh-unrest.txt"
	firstDay     = "2022-01-02"
	lastDay      = "2022-01-10"
)

var (
	kinds = set("protest", "seizure", "violence", "emergency", "intervention", "policy",
		"casualties", "detentions", "statement", "claim", "communications", "dismissal",
		"arrest", "death", "mourning", "security")
	precisions = set("place", "city", "region", "country")
	evidences  = set("reported", "none produced")
	// figures are the integer properties events may carry.
	figures = set("killed", "children_killed", "detained", "troops", "other_regions")
	// known lists every property an event may have, so a typo cannot hide.
	known = set("date", "date_end", "date_note", "kind", "title", "description", "quote",
		"place", "place_note", "precision", "region", "claimed_by", "evidence", "source",
		"killed", "children_killed", "detained", "troops", "other_regions")
	// sourceKeys lists every member of an event's source.
	sourceKeys = set("title", "publisher", "date", "url", "url_title")
	// homePage is where the source links: the saved text of the article does
	// not give the article's own address.
	homePage = "https://www.rferl.org/"
)

func set(ss ...string) map[string]bool {
	m := map[string]bool{}
	for _, s := range ss {
		m[s] = true
	}
	return m
}

// shared is the shared source folder: KZMAP_SHARED, or ../shared next to the repository.
func shared() string {
	if d := os.Getenv("KZMAP_SHARED"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "shared")
}

type event struct {
	ID         string                     `json:"id"`
	Geometry   json.RawMessage            `json:"geometry"`
	Properties map[string]json.RawMessage `json:"properties"`
}

func (e event) str(k string) string {
	var s string
	if raw, ok := e.Properties[k]; ok {
		_ = json.Unmarshal(raw, &s)
	}
	return s
}

func (e event) has(k string) bool {
	raw, ok := e.Properties[k]
	return ok && string(raw) != "null"
}

func readEvents(t *testing.T) []event {
	t.Helper()
	var fc struct {
		Type     string  `json:"type"`
		Features []event `json:"features"`
	}
	dec := json.NewDecoder(bytes.NewReader(EventsGeoJSON))
	if err := dec.Decode(&fc); err != nil {
		t.Fatalf("events.geojson: %v", err)
	}
	if fc.Type != "FeatureCollection" || len(fc.Features) == 0 {
		t.Fatalf("events.geojson: type %q with %d features", fc.Type, len(fc.Features))
	}
	// It must also be GeoJSON that orb, and so the importer, accepts.
	if _, err := geojson.UnmarshalFeatureCollection(EventsGeoJSON); err != nil {
		t.Fatalf("events.geojson is not GeoJSON orb reads: %v", err)
	}
	return fc.Features
}

func TestEventsSchema(t *testing.T) {
	evs := readEvents(t)
	prev := ""
	for i, e := range evs {
		t.Run(e.ID, func(t *testing.T) {
			if want := fmt.Sprintf("e%02d", i+1); e.ID != want {
				t.Errorf("id %q, want %q (ids count up in file order)", e.ID, want)
			}
			for k := range e.Properties {
				if !known[k] {
					t.Errorf("unknown property %q", k)
				}
			}
			date := e.str("date")
			if _, err := time.Parse(time.DateOnly, date); err != nil || date < firstDay || date > lastDay {
				t.Errorf("date %q not a date in %s..%s", date, firstDay, lastDay)
			}
			if date < prev {
				t.Errorf("date %s before the previous event's %s: not chronological", date, prev)
			}
			prev = date
			if e.has("date_end") {
				end := e.str("date_end")
				if _, err := time.Parse(time.DateOnly, end); err != nil || end <= date || end > lastDay {
					t.Errorf("date_end %q: want a date after %s and at most %s", end, date, lastDay)
				}
				if e.str("date_note") == "" {
					t.Error("date_end without a date_note explaining the range")
				}
			}
			if k := e.str("kind"); !kinds[k] {
				t.Errorf("kind %q not in the vocabulary", k)
			}
			for _, k := range []string{"title", "description", "place"} {
				if strings.TrimSpace(e.str(k)) == "" {
					t.Errorf("%s missing", k)
				}
			}
			var src map[string]string
			if err := json.Unmarshal(e.Properties["source"], &src); err != nil {
				t.Fatalf("source: %v", err)
			}
			if src["title"] != articleTitle || src["publisher"] != "RFE/RL" || src["date"] != lastDay || !strings.HasPrefix(src["url"], "https://www.rferl.org/") {
				t.Errorf("source %v does not cite the article", src)
			}
			for k := range src {
				if !sourceKeys[k] {
					t.Errorf("source: unknown member %q", k)
				}
			}
			// The link's text says what the link is: the home page is not the article.
			if ut := src["url_title"]; ut == "" || ut == src["title"] || (src["url"] == homePage && !strings.Contains(ut, "home page")) {
				t.Errorf("source url_title %q does not say what %s is", ut, src["url"])
			}
			if strings.TrimSpace(e.str("quote")) == "" {
				t.Error("quote missing: the article's sentence that reports the event")
			}

			prec := e.str("precision")
			if !precisions[prec] {
				t.Errorf("precision %q not in the set", prec)
			}
			nullGeom := len(e.Geometry) == 0 || string(e.Geometry) == "null"
			if nullGeom != (prec == "region" || prec == "country") {
				t.Errorf("precision %q with geometry %s: null geometry exactly for region and country", prec, e.Geometry)
			}
			if !nullGeom {
				checkPoint(t, e.Geometry)
			}
			if e.has("region") != (prec != "country") {
				t.Errorf("precision %q with region %s: region set exactly when precision is not country", prec, e.Properties["region"])
			}
			if e.has("region") && !regexp.MustCompile(`^KZ\d\d$`).MatchString(e.str("region")) {
				t.Errorf("region %s is not an ADM1 P-code", e.Properties["region"])
			}

			ev := e.str("evidence")
			if !evidences[ev] {
				t.Errorf("evidence %q not in the set", ev)
			}
			claim := e.str("kind") == "claim"
			if e.has("claimed_by") != (claim || ev == "none produced") {
				t.Errorf("claimed_by %s with kind %q and evidence %q", e.Properties["claimed_by"], e.str("kind"), ev)
			}
			// Claims stay claims.
			if claim && !(strings.Contains(strings.ToLower(e.str("title")), "claim") && strings.Contains(strings.ToLower(e.str("description")), "claim")) {
				t.Errorf("claim not worded as a claim: %q / %q", e.str("title"), e.str("description"))
			}
			if ev == "none produced" && !strings.Contains(e.str("description"), "evidence") {
				t.Errorf("no evidence produced, but the description does not say so: %q", e.str("description"))
			}
			for k := range figures {
				if raw, ok := e.Properties[k]; ok {
					if n, err := strconv.Atoi(string(raw)); err != nil || n < 0 {
						t.Errorf("%s = %s, want a non-negative JSON integer", k, raw)
					}
				}
			}
		})
	}
}

func checkPoint(t *testing.T, raw json.RawMessage) {
	t.Helper()
	var g struct {
		Type        string            `json:"type"`
		Coordinates []json.RawMessage `json:"coordinates"`
	}
	if err := json.Unmarshal(raw, &g); err != nil || g.Type != "Point" || len(g.Coordinates) != 2 {
		t.Errorf("geometry %s: want a Point", raw)
		return
	}
	for _, c := range g.Coordinates {
		s := string(c)
		if i := strings.IndexByte(s, '.'); i >= 0 && len(s)-i-1 > 4 {
			t.Errorf("coordinate %s: more than 4 decimals claims more precision than the place has", s)
		}
	}
}

func TestEventsFigures(t *testing.T) {
	want := map[string]int{"killed": 164, "children_killed": 3, "detained": 7939, "troops": 2050, "other_regions": 11}
	got := map[string][]int{}
	for _, e := range readEvents(t) {
		for k := range figures {
			if raw, ok := e.Properties[k]; ok {
				n, _ := strconv.Atoi(string(raw))
				got[k] = append(got[k], n)
			}
		}
	}
	for k, n := range want {
		if len(got[k]) != 1 || got[k][0] != n {
			t.Errorf("%s: events carry %v, want exactly one event with %d", k, got[k], n)
		}
	}
}

func readArticle(t *testing.T) string {
	t.Helper()
	p := filepath.Join(shared(), "sources", articleFile)
	b, err := os.ReadFile(p)
	if os.IsNotExist(err) {
		t.Skipf("%s absent", p)
	}
	if err != nil {
		t.Fatal(err)
	}
	return normalizeText(string(b))
}

var quoteFix = strings.NewReplacer("“", `"`, "”", `"`, "‘", "'", "’", "'", "—", "-", "–", "-")

func normalizeText(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(quoteFix.Replace(s))), " ")
}

var (
	quoted   = regexp.MustCompile(`"([^"]+)"`)
	number   = regexp.MustCompile(`\d[\d,]*`)
	wordRe   = regexp.MustCompile(`[\p{L}][\p{L}\-/]*`)
	smallNum = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}
)

// supported checks that what text says can be found in the article: every
// quotation verbatim, every number, and every capitalised word (names of
// people, places and bodies) other than a sentence's first.
func supported(t *testing.T, what, text, article string) {
	t.Helper()
	norm := quoteFix.Replace(text)
	for _, m := range quoted.FindAllStringSubmatch(norm, -1) {
		if !strings.Contains(article, normalizeText(m[1])) {
			t.Errorf("%s quotes %q, which the article does not say", what, m[1])
		}
	}
	for _, n := range number.FindAllString(norm, -1) {
		n = strings.TrimRight(n, ",")
		if !regexp.MustCompile(`\b` + regexp.QuoteMeta(n) + `\b`).MatchString(article) {
			t.Errorf("%s has the number %s, not in the article", what, n)
		}
	}
	for _, loc := range wordRe.FindAllStringIndex(norm, -1) {
		w := norm[loc[0]:loc[1]]
		if w[0] < 'A' || w[0] > 'Z' {
			continue
		}
		before := strings.TrimRight(norm[:loc[0]], " (")
		if before == "" || strings.HasSuffix(before, ".") || strings.HasSuffix(before, ":") {
			continue // a sentence's first word is capitalised anyway
		}
		for _, part := range strings.FieldsFunc(w, func(r rune) bool { return r == '/' }) {
			part = strings.TrimSuffix(strings.ToLower(part), "'s")
			if !strings.Contains(article, part) {
				t.Errorf("%s names %q, not in the article", what, part)
			}
		}
	}
}

func TestEventsSupportedByArticle(t *testing.T) {
	article := readArticle(t)
	for _, e := range readEvents(t) {
		t.Run(e.ID, func(t *testing.T) {
			supported(t, "title", e.str("title"), article)
			supported(t, "description", e.str("description"), article)
			for _, w := range strings.Fields(e.str("place")) {
				if !strings.Contains(article, strings.ToLower(w)) {
					t.Errorf("place word %q not in the article", w)
				}
			}
			if e.has("claimed_by") && !strings.Contains(article, strings.ToLower(e.str("claimed_by"))) {
				t.Errorf("claimed_by %q not named in the article", e.str("claimed_by"))
			}
			if q := normalizeText(e.str("quote")); !strings.Contains(article, q) {
				t.Errorf("quote %q is not a sentence of the article", e.str("quote"))
			}
			for _, k := range []string{"date_note", "place_note"} {
				supported(t, k, e.str(k), article)
			}
			checkDay(t, e)
			for k := range figures {
				raw, ok := e.Properties[k]
				if !ok {
					continue
				}
				n, _ := strconv.Atoi(string(raw))
				forms := []string{strconv.Itoa(n), commas(n)}
				if n < len(smallNum) {
					forms = append(forms, smallNum[n])
				}
				found := false
				for _, f := range forms {
					found = found || regexp.MustCompile(`\b`+regexp.QuoteMeta(f)+`\b`).MatchString(article)
				}
				if !found {
					t.Errorf("%s = %d: the article gives no such figure", k, n)
				}
				if !strings.Contains(e.str("description"), commas(n)) && !(n < len(smallNum) && strings.Contains(e.str("description"), smallNum[n])) {
					t.Errorf("%s = %d is not in the description", k, n)
				}
			}
		})
	}
}

// checkDay checks how a single-day event's date was reached: the sentence
// the event quotes gives the day ("January N"), or the date is inferred and
// its date_note says so and names the day.
func checkDay(t *testing.T, e event) {
	t.Helper()
	if e.has("date_end") {
		return
	}
	d, _ := time.Parse(time.DateOnly, e.str("date"))
	day := fmt.Sprintf("january %d", d.Day())
	inQuote := regexp.MustCompile(`\b` + day + `\b`).MatchString(normalizeText(e.str("quote")))
	note := normalizeText(e.str("date_note"))
	switch {
	case inQuote:
	case note == "":
		t.Errorf("date %s: the quoted sentence does not give %q and there is no date_note", e.str("date"), day)
	case !strings.Contains(note, "inferred"):
		t.Errorf("date %s: not in the quoted sentence, but date_note %q does not say it is inferred", e.str("date"), e.str("date_note"))
	}
	if note != "" && !regexp.MustCompile(`\b`+day+`\b`).MatchString(note) {
		t.Errorf("date %s: date_note %q does not name %q", e.str("date"), e.str("date_note"), day)
	}
}

func commas(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// TestEventsRegions checks region codes against the geokz 2018 regions and
// that every point lies in its region.
func TestEventsRegions(t *testing.T) {
	p := filepath.Join(shared(), "data", "geokz", "geojson", "kaz_admbnda_adm1_2018.geojson")
	b, err := os.ReadFile(p)
	if os.IsNotExist(err) {
		t.Skipf("%s absent", p)
	}
	if err != nil {
		t.Fatal(err)
	}
	regions, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]orb.Geometry{}
	for _, f := range regions.Features {
		byCode[f.Properties.MustString("ADM1_PCODE", "")] = f.Geometry
	}
	fc, _ := geojson.UnmarshalFeatureCollection(EventsGeoJSON)
	for _, f := range fc.Features {
		code := f.Properties.MustString("region", "")
		if code == "" {
			continue
		}
		g, ok := byCode[code]
		if !ok {
			t.Errorf("%v: region %q is not a 2018 region", f.ID, code)
			continue
		}
		pt, ok := f.Geometry.(orb.Point)
		if !ok {
			continue
		}
		if math.Abs(pt.Lon()) > 180 || math.Abs(pt.Lat()) > 90 {
			t.Errorf("%v: point %v outside WGS 84", f.ID, pt)
		}
		in := false
		switch g := g.(type) {
		case orb.Polygon:
			in = planar.PolygonContains(g, pt)
		case orb.MultiPolygon:
			in = planar.MultiPolygonContains(g, pt)
		}
		if !in {
			t.Errorf("%v: point %v is not in region %s", f.ID, pt, code)
		}
	}
}

// TestAliasesCoverGeokz checks that every region (2018 and 2024) and centre
// name in geokz belongs to some alias group, so search can join its spellings.
func TestAliasesCoverGeokz(t *testing.T) {
	a, err := names.ParseAliases(AliasesJSON)
	if err != nil {
		t.Fatal(err)
	}
	layers := map[string][]string{
		"kaz_admbnda_adm1_2018": {"ADM1_EN", "ADM1_KK", "ADM1_RU"},
		"kaz_admbnda_adm1_2024": {"ADM1_EN", "ADM1_KK", "ADM1_RU"},
		"kaz_admbnda_cnt1_2022": {"NAME_EN", "NAME_KK", "NAME_RU"},
		"kaz_admcntr_adm1_2018": {"NAME_EN", "NAME_KK", "NAME_RU"},
	}
	for layer, fields := range layers {
		p := filepath.Join(shared(), "data", "geokz", "geojson", layer+".geojson")
		b, err := os.ReadFile(p)
		if os.IsNotExist(err) {
			t.Skipf("%s absent", p)
		}
		if err != nil {
			t.Fatal(err)
		}
		fc, err := geojson.UnmarshalFeatureCollection(b)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fc.Features {
			for _, k := range fields {
				if n := f.Properties.MustString(k, ""); n != "" && !a.Has(n) {
					t.Errorf("%s: %s %q is in no alias group", layer, k, n)
				}
			}
		}
	}
}

// TestEventsNoStrongerThanSource checks the events issue 11 named: wording
// and figures that say no more than the article does.
func TestEventsNoStrongerThanSource(t *testing.T) {
	byID := map[string]event{}
	for _, e := range readEvents(t) {
		byID[e.ID] = e
	}
	lower := func(e event, k string) string { return strings.ToLower(e.str(k)) }

	t.Run("e23 other regions are not named", func(t *testing.T) {
		e := byID["e23"]
		if string(e.Properties["other_regions"]) != "11" || e.has("regions") {
			t.Errorf("want other_regions 11 and no regions, got %s / %s", e.Properties["other_regions"], e.Properties["regions"])
		}
		for k, raw := range e.Properties {
			if strings.Contains(strings.ToLower(string(raw)), "named") {
				t.Errorf("%s says the regions are named: %s", k, raw)
			}
		}
	})
	t.Run("e03 scope and motive are Quanyshalin's", func(t *testing.T) {
		e := byID["e03"]
		if !regexp.MustCompile(`^quanyshalin (says|said|told)\b`).MatchString(lower(e, "title")) {
			t.Errorf("title %q does not attribute the switch-off to Quanyshalin", e.str("title"))
		}
	})
	t.Run("e27 is the Zhambyl statement", func(t *testing.T) {
		e := byID["e27"]
		if e.str("date") != lastDay || e.has("date_end") || e.str("kind") != "statement" {
			t.Errorf("date %s–%s kind %q: want the statement of %s", e.str("date"), e.str("date_end"), e.str("kind"), lastDay)
		}
		if !strings.HasPrefix(lower(e, "title"), "zhambyl authorities say") {
			t.Errorf("title %q: want the authorities' statement", e.str("title"))
		}
		if n := lower(e, "place_note"); !strings.Contains(n, "authorities") || !strings.Contains(n, "does not say where he was found") {
			t.Errorf("place_note %q: want Zhambyl as the authorities' place, not where he was found", e.str("place_note"))
		}
		if !strings.Contains(lower(e, "date_note"), "does not say on which day he was found") {
			t.Errorf("date_note %q: want the day of finding left open", e.str("date_note"))
		}
	})
	t.Run("inferred days say so", func(t *testing.T) {
		for _, id := range []string{"e02", "e17", "e21", "e22", "e23"} {
			if !strings.Contains(lower(byID[id], "date_note"), "inferred") {
				t.Errorf("%s: date_note %q does not say the date is inferred", id, byID[id].str("date_note"))
			}
		}
	})
}
