// Package dataset builds kzmap's default collections from the geokz boundary
// files and the project's own events: it maps source attributes to the
// contract's properties, places events the article locates only by region or
// country, and counts events per region.
package dataset

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"kzmap/geo"
	"kzmap/geo/reader"
	"kzmap/geo/writes"
)

// ErrSources reports missing or unusable source files; run `make data`.
var ErrSources = errors.New("dataset: source files")

// Attribution texts, shown wherever the data is.
const (
	BoundaryAttribution = "Boundaries: geokz (A. Rodionov), CC BY 4.0, after the Bureau of National Statistics of Kazakhstan"
	EventsAttribution   = "Events: RFE/RL, \"Kazakh President Says Week Of Deadly Unrest Was 'Attempted Coup,' Without Citing Evidence\", 10 January 2022"
)

// Collection ids of the default dataset.
const (
	Regions     = "regions"
	Regions2024 = "regions-2024"
	Districts   = "districts"
	// Districts2024 are the districts after the June 2022 reform.
	Districts2024 = "districts-2024"
	Centres       = "centres"
	Events        = "events"
)

// Source file names inside the sources folder (make data puts them there).
const (
	fileCountry     = "kaz_admbnda_adm0_2018.shp"
	fileRegions     = "kaz_admbnda_adm1_2018.shp"
	fileRegions2024 = "kaz_admbnda_adm1_2024.shp"
	fileDistricts   = "kaz_admbnda_adm2_2018.shp"
	fileDistricts24 = "kaz_admbnda_adm2_2024.shp"
	fileCentres     = "kaz_admbnda_cnt1_2022.shp"
)

// Validity of the two boundary layouts: the 2018 layout held until the
// reform of 8 June 2022 created Abay, Zhetysu and Ulytau.
const (
	valid2018From = "2018-06-19"
	valid2018To   = "2022-06-07"
	valid2024From = "2022-06-08"
)

// Built is one collection ready for import.
type Built struct {
	Collection geo.Collection
	Features   []*geo.Feature
}

// IDs lists the default collections in import order.
func IDs() []string {
	return []string{Regions, Regions2024, Districts, Districts2024, Centres, Events}
}

// Build reads the boundary files in sourcesDir and the events GeoJSON and
// returns the default collections.
func Build(sourcesDir string, eventsGeoJSON []byte) ([]Built, error) {
	read := func(name string) ([]*geo.Feature, error) {
		p := filepath.Join(sourcesDir, name)
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("%w: %s missing (run `make data`)", ErrSources, p)
		}
		return reader.ReadFile(p)
	}
	country, err := read(fileCountry)
	if err != nil {
		return nil, err
	}
	adm1, err := read(fileRegions)
	if err != nil {
		return nil, err
	}
	adm1new, err := read(fileRegions2024)
	if err != nil {
		return nil, err
	}
	adm2, err := read(fileDistricts)
	if err != nil {
		return nil, err
	}
	adm2new, err := read(fileDistricts24)
	if err != nil {
		return nil, err
	}
	cnt, err := read(fileCentres)
	if err != nil {
		return nil, err
	}

	isoByRegion := map[string]string{}
	for _, f := range append(append([]*geo.Feature{}, adm1...), cnt...) {
		if c, iso := text(f, "ADM1_PCODE"), text(f, "ISO_3166_2"); c != "" && iso != "" && text(f, "TYPE_CNT1") != "4" {
			if _, ok := isoByRegion[c]; !ok {
				isoByRegion[c] = iso
			}
		}
	}

	regions := mapAll(adm1, func(f *geo.Feature) *geo.Feature { return region(f, isoByRegion, valid2018From, valid2018To) })
	regions2024 := mapAll(adm1new, func(f *geo.Feature) *geo.Feature { return region(f, isoByRegion, valid2024From, "") })
	districts := mapAll(adm2, func(f *geo.Feature) *geo.Feature { return district(f, valid2018From, valid2018To) })
	districts2024 := mapAll(adm2new, func(f *geo.Feature) *geo.Feature { return district(f, valid2024From, "") })
	centres := mapAll(cnt, centre)

	events, err := reader.ReadGeoJSON(strings.NewReader(string(eventsGeoJSON)), "events.geojson")
	if err != nil {
		return nil, err
	}
	if len(country) != 1 {
		return nil, fmt.Errorf("%w: %s: want 1 country feature, got %d", ErrSources, fileCountry, len(country))
	}
	if err := placeEvents(events, regions, country[0]); err != nil {
		return nil, err
	}
	countEvents(regions, events)
	countEvents(regions2024, events)

	return []Built{
		{Collection: geo.Collection{ID: Regions, Title: "Regions of Kazakhstan, January 2022",
			Description: "The 17 first-level units (14 oblasts and the cities of Nur-Sultan, Almaty and Shymkent) as they stood from 19 June 2018 to 7 June 2022, with the number of reported events of 2–10 January 2022 inside each.",
			Attribution: BoundaryAttribution, TimeStart: "valid_from", TimeEnd: "valid_to",
			SearchFields: nameFields, Rank: 0}, Features: regions},
		{Collection: geo.Collection{ID: Regions2024, Title: "Regions of Kazakhstan after the June 2022 reform",
			Description: "The 20 first-level units from 8 June 2022: Abay, Zhetysu and Ulytau split off, Nur-Sultan renamed Astana.",
			Attribution: BoundaryAttribution, TimeStart: "valid_from", TimeEnd: "valid_to",
			SearchFields: nameFields, Rank: 1}, Features: regions2024},
		{Collection: geo.Collection{ID: Districts, Title: "Districts of Kazakhstan, January 2022",
			Description: "Second-level units (districts and cities of regional significance) as they stood in January 2022.",
			Attribution: BoundaryAttribution, TimeStart: "valid_from", TimeEnd: "valid_to",
			SearchFields: nameFields, Rank: 3}, Features: districts},
		{Collection: geo.Collection{ID: Districts2024, Title: "Districts of Kazakhstan after the June 2022 reform",
			Description: "Second-level units (districts and cities of regional significance) from 8 June 2022, in the 20 regions of the reform.",
			Attribution: BoundaryAttribution, TimeStart: "valid_from", TimeEnd: "valid_to",
			SearchFields: nameFields, Rank: 4}, Features: districts2024},
		{Collection: geo.Collection{ID: Centres, Title: "Regional administrative centres (2022 layout)",
			Description: "The administrative centres of the regions after the 2022 reform, with the capital and the cities of republican significance.",
			Attribution: BoundaryAttribution, SearchFields: nameFields, Rank: 2}, Features: centres},
		{Collection: geo.Collection{ID: Events, Title: "Events of the January 2022 unrest",
			Description: "Every event reported by RFE/RL on 10 January 2022, placed no more precisely than the article places it (see `precision`); claims made without evidence are marked `evidence: none produced`.",
			Attribution: EventsAttribution, TimeStart: "date", TimeEnd: "date_end",
			SearchFields: []string{"title", "place"}, Rank: 5}, Features: events},
	}, nil
}

var nameFields = []string{"name_en", "name_kk", "name_ru"}

// Ensure imports the default dataset through w unless the store already
// holds every default collection; a database that holds it is used as it
// is. What derives from the features (the regions' event counts, the
// search index) is w's followers' to keep: call w.Reset after Ensure.
func Ensure(w *writes.Service, sourcesDir string, eventsGeoJSON []byte, log *slog.Logger) (imported bool, err error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	have := map[string]bool{}
	for _, c := range w.Store().Collections() {
		have[c.ID] = true
	}
	var missing []string
	for _, id := range IDs() {
		if !have[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return false, nil
	}
	built, err := Build(sourcesDir, eventsGeoJSON)
	if err != nil {
		return false, err
	}
	// Only the missing collections are imported: a database made by an
	// earlier version keeps what it holds (events written since, say) and
	// gains the collections added since.
	for _, b := range built {
		if have[b.Collection.ID] {
			continue
		}
		meta := func(geo.Collection, bool) geo.Collection { return b.Collection }
		if _, err := w.Import(b.Collection.ID, b.Features, true, meta); err != nil {
			return false, fmt.Errorf("dataset: importing %s: %w", b.Collection.ID, err)
		}
		log.Info("imported collection", "collection", b.Collection.ID, "features", len(b.Features))
	}
	return true, nil
}

func mapAll(fs []*geo.Feature, m func(*geo.Feature) *geo.Feature) []*geo.Feature {
	out := make([]*geo.Feature, len(fs))
	for i, f := range fs {
		out[i] = m(f)
	}
	return out
}

// text formats a source attribute as text ("" when missing).
func text(f *geo.Feature, name string) string {
	v, ok := f.Properties[name]
	if !ok || v == nil {
		return ""
	}
	switch v := v.(type) {
	case string:
		return strings.TrimSpace(v)
	case float64:
		if v == float64(int64(v)) {
			return fmt.Sprint(int64(v))
		}
		return fmt.Sprint(v)
	default:
		return fmt.Sprint(v)
	}
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func region(f *geo.Feature, iso map[string]string, from, to string) *geo.Feature {
	code := text(f, "ADM1_PCODE")
	kind := "oblast"
	if strings.HasSuffix(text(f, "ADM1_EN"), "(city)") {
		kind = "city"
	}
	kato := text(f, "KATO")
	if kato == "" && len(code) == 4 {
		// The 2024 layer has no KATO column; a region's KATO is its P-code's
		// digits followed by seven zeros in every region of the 2018 layer.
		kato = code[2:] + "0000000"
	}
	return geo.NewFeature(code, f.Geometry, map[string]any{
		"code":       code,
		"name_en":    text(f, "ADM1_EN"),
		"name_kk":    text(f, "ADM1_KK"),
		"name_ru":    text(f, "ADM1_RU"),
		"iso":        nullable(iso[code]),
		"kato":       kato,
		"type":       kind,
		"valid_from": from,
		"valid_to":   nullable(to),
		"events":     0,
	})
}

// district maps a geokz adm2 feature, in force from validFrom to validTo
// ("" for still in force).
func district(f *geo.Feature, validFrom, validTo string) *geo.Feature {
	code := text(f, "ADM2_PCODE")
	return geo.NewFeature(code, f.Geometry, map[string]any{
		"code":        code,
		"name_en":     text(f, "ADM2_EN"),
		"name_kk":     text(f, "ADM2_KK"),
		"name_ru":     text(f, "ADM2_RU"),
		"kato":        text(f, "KATO"),
		"region":      text(f, "ADM1_PCODE"),
		"region_name": text(f, "ADM1_EN"),
		"valid_from":  validFrom,
		"valid_to":    nullable(validTo),
	})
}

// centreStatus names geokz's TYPE_CNT1 codes.
var centreStatus = map[string]string{
	"1": "capital",
	"2": "city of republican significance",
	"3": "regional centre",
	"4": "city of special status",
}

func centre(f *geo.Feature) *geo.Feature {
	kato := text(f, "KATO")
	return geo.NewFeature(kato, f.Geometry, map[string]any{
		"code":        kato,
		"kato":        kato,
		"name_en":     text(f, "NAME_EN"),
		"name_kk":     text(f, "NAME_KK"),
		"name_ru":     text(f, "NAME_RU"),
		"region":      text(f, "ADM1_PCODE"),
		"region_name": text(f, "ADM1_EN"),
		"iso":         nullable(text(f, "ISO_3166_2")),
		"status":      centreStatus[text(f, "TYPE_CNT1")],
	})
}
