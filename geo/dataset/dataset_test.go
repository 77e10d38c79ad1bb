package dataset

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/stretchr/testify/require"

	"kzmap/data"
	"kzmap/geo"
	"kzmap/geo/store"
	"kzmap/geo/writes"
)

// sources is the repository's data/sources, filled by `make data`; CI runs
// make data before the tests, so there a missing folder is a failure.
func sources(t *testing.T) string {
	t.Helper()
	d, err := filepath.Abs("../../data/sources")
	require.NoError(t, err)
	if _, err := os.Stat(filepath.Join(d, fileDistricts)); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s missing: make data", d)
		}
		t.Skipf("%s missing: run make data", d)
	}
	return d
}

func built(t *testing.T) map[string]Built {
	t.Helper()
	bs, err := Build(sources(t), data.EventsGeoJSON)
	require.NoError(t, err)
	m := map[string]Built{}
	for _, b := range bs {
		m[b.Collection.ID] = b
	}
	return m
}

func TestCollectionsAsTheContractLists(t *testing.T) {
	m := built(t)
	cases := []struct {
		id    string
		count int
		idRe  string
		props []string
	}{
		{Regions, 17, `^KZ\d\d$`, []string{"code", "name_en", "name_kk", "name_ru", "iso", "kato", "type", "valid_from", "valid_to", "events"}},
		{Regions2024, 20, `^KZ\d\d$`, []string{"code", "name_en", "name_kk", "name_ru", "iso", "kato", "type", "valid_from", "valid_to", "events"}},
		{Districts, 216, `^KZ\d{6}$`, []string{"code", "name_en", "name_kk", "name_ru", "region", "valid_from", "valid_to"}},
		{Districts2024, 224, `^KZ\d{6}$`, []string{"code", "name_en", "name_kk", "name_ru", "region", "valid_from", "valid_to"}},
		{Centres, 21, `^\d+$`, []string{"code", "name_en", "name_kk", "name_ru", "region"}},
		{Events, 28, `^e\d\d$`, []string{"date", "kind", "title", "description", "place", "region", "source", "evidence", "precision"}},
	}
	for _, tc := range cases {
		t.Run(tc.id, func(t *testing.T) {
			b, ok := m[tc.id]
			require.True(t, ok)
			require.Len(t, b.Features, tc.count)
			seen := map[string]bool{}
			for _, f := range b.Features {
				require.Regexp(t, regexp.MustCompile(tc.idRe), f.ID)
				require.False(t, seen[f.ID], "duplicate id %s", f.ID)
				seen[f.ID] = true
				for _, p := range tc.props {
					_, ok := f.Properties[p]
					require.True(t, ok, "%s %s lacks %q", tc.id, f.ID, p)
				}
				require.NotNil(t, f.Geometry, "%s %s", tc.id, f.ID)
			}
		})
	}
	for _, f := range m[Regions].Features {
		require.Contains(t, []string{"oblast", "city"}, f.Properties["type"], f.ID)
		require.Equal(t, f.ID, f.Properties["code"])
	}
	for _, f := range m[Districts].Features {
		require.Equal(t, f.ID[:4], f.Properties["region"], f.ID)
		require.Equal(t, "2022-06-07", f.Properties["valid_to"], f.ID)
	}
	// Districts of today belong to the regions of today and are still in force.
	regions2024 := map[string]bool{}
	for _, f := range m[Regions2024].Features {
		regions2024[f.ID] = true
	}
	for _, f := range m[Districts2024].Features {
		require.True(t, regions2024[f.String("region")], "%s: region %v", f.ID, f.Properties["region"])
		require.Equal(t, "2022-06-08", f.Properties["valid_from"], f.ID)
		require.Nil(t, f.Properties["valid_to"], f.ID)
	}
	// The 2022 reform: Abay, Zhetysu and Ulytau exist only in the new layout.
	names := func(id string) map[string]bool {
		n := map[string]bool{}
		for _, f := range m[id].Features {
			n[f.String("name_en")] = true
		}
		return n
	}
	old, now := names(Regions), names(Regions2024)
	for _, n := range []string{"Abay", "Zhetysu", "Ulytau"} {
		require.False(t, old[n], n)
		require.True(t, now[n], n)
	}
}

// Events sit where the article puts them and no more precisely; claims
// stay claims; the headline figures are properties of the events that
// report them.
func TestEventsPlacedAndCounted(t *testing.T) {
	m := built(t)
	regions := map[string]*geo.Feature{}
	for _, r := range m[Regions].Features {
		regions[r.ID] = r
	}
	claims, figures := 0, map[string]bool{}
	inRegion := map[string]int{}
	for _, e := range m[Events].Features {
		pt, ok := e.Geometry.(orb.Point)
		require.True(t, ok, e.ID)
		switch e.String("precision") {
		case PrecisionRegion:
			r := regions[e.String("region")]
			require.NotNil(t, r, "%s: region %q", e.ID, e.String("region"))
			require.True(t, planar.MultiPolygonContains(multi(r.Geometry), pt), "%s not inside its region", e.ID)
			require.Equal(t, InteriorPoint(r.Geometry), pt, "%s: a region event sits at the region's interior point", e.ID)
		case PrecisionCountry, PrecisionPlace, PrecisionCity:
		default:
			t.Errorf("%s: precision %q", e.ID, e.String("precision"))
		}
		if e.String("precision") != PrecisionCountry {
			for id, r := range regions {
				if planar.MultiPolygonContains(multi(r.Geometry), pt) {
					inRegion[id]++
				}
			}
		}
		switch e.String("evidence") {
		case "none produced":
			claims++
			require.NotEmpty(t, e.Properties["claimed_by"], "%s: a claim names who made it", e.ID)
		case "reported":
		default:
			t.Errorf("%s: evidence %q", e.ID, e.String("evidence"))
		}
		for k, want := range map[string]float64{"killed": 164, "children_killed": 3, "detained": 7939, "troops": 2050} {
			if v, ok := e.Properties[k]; ok {
				require.EqualValues(t, want, v, "%s: %s", e.ID, k)
				figures[k] = true
			}
		}
		require.Regexp(t, `^2022-01-(0[2-9]|10)$`, e.String("date"), e.ID)
	}
	require.Positive(t, claims, "the coup claim is in the article")
	for _, k := range []string{"killed", "children_killed", "detained", "troops"} {
		require.True(t, figures[k], "figure %q", k)
	}
	for id, r := range regions {
		require.EqualValues(t, inRegion[id], r.Properties["events"], "events count of %s", id)
	}
	require.Positive(t, inRegion["KZ47"], "Mangystau, where it began, has events")
	require.Positive(t, inRegion["KZ75"], "Almaty city has events")
}

func multi(g orb.Geometry) orb.MultiPolygon {
	switch g := g.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{g}
	case orb.MultiPolygon:
		return g
	}
	return nil
}

func TestEnsureImportsOnceAndIndexesNames(t *testing.T) {
	st, err := store.Open(":memory:", nil)
	require.NoError(t, err)
	defer st.Close()
	svc := writes.New(st, nil, NewCounts(st, nil))
	imported, err := Ensure(svc, sources(t), data.EventsGeoJSON, nil)
	require.NoError(t, err)
	require.True(t, imported)
	imported, err = Ensure(svc, sources(t), data.EventsGeoJSON, nil)
	require.NoError(t, err)
	require.False(t, imported, "a store that holds the dataset is used as it is")

	// Boundaries as of a date: 1 January 2024 is in the 2024 layout only.
	day := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for id, want := range map[string]int{Districts: 0, Districts2024: 224, Regions: 0, Regions2024: 20} {
		page, err := st.Items(id, geo.Query{Time: &geo.Interval{Start: day, End: day.Add(24*time.Hour - time.Nanosecond)}})
		require.NoError(t, err)
		require.Equal(t, want, page.Matched, id)
	}

	ix, err := SearchIndex(st, data.AliasesJSON)
	require.NoError(t, err)
	for q, want := range map[string]string{
		"Manghystau": "KZ47", "Mangghystau": "KZ47", "Маңғыстау": "KZ47", "Мангистау": "KZ47",
		"Jambyl": "KZ31", "Zhambyl": "KZ31", "Astana": "KZ71", "Nur-Sultan": "KZ71",
		// Almaty is the city; the region is named as one.
		"Almaty": "KZ75", "Алматы": "KZ75", "Almaty Region": "KZ19",
		"Алматинская область": "KZ19", "Алматы облысы": "KZ19",
	} {
		hits := ix.Search(q, 1)
		require.NotEmpty(t, hits, q)
		require.Equal(t, want, hits[0].ID, q)
		// Astana is the 2024 name, so the 2024 region may come first.
		require.Contains(t, []string{Regions, Regions2024}, hits[0].Collection, q)
	}
}

// A database made before a collection joined the dataset gains it and keeps
// everything else as it is, writes included.
func TestEnsureAddsOnlyMissingCollections(t *testing.T) {
	st, err := store.Open(":memory:", nil)
	require.NoError(t, err)
	defer st.Close()
	all, err := Build(sources(t), data.EventsGeoJSON)
	require.NoError(t, err)
	for _, b := range all {
		if b.Collection.ID != Districts2024 {
			require.NoError(t, st.Import(b.Collection, b.Features, true))
		}
	}
	written := geo.NewFeature("e99", orb.Point{53.0, 44.0}, map[string]any{"title": "written after the import", "date": "2022-01-05"})
	require.NoError(t, st.Put(Events, written))

	svc := writes.New(st, nil, NewCounts(st, nil))
	imported, err := Ensure(svc, sources(t), data.EventsGeoJSON, nil)
	require.NoError(t, err)
	require.True(t, imported)
	require.NoError(t, svc.Reset())
	c, err := st.Collection(Districts2024)
	require.NoError(t, err)
	require.Equal(t, 224, c.Count)
	got, err := st.Feature(Events, "e99")
	require.NoError(t, err, "a written event survives")
	require.Equal(t, "written after the import", got.String("title"))
	// Its region's count follows it (Mangystau).
	r, err := st.Feature(Regions, "KZ47")
	require.NoError(t, err)
	want := 0
	for _, b := range all {
		if b.Collection.ID == Regions {
			for _, f := range b.Features {
				if f.ID == "KZ47" {
					want = f.Properties["events"].(int) + 1
				}
			}
		}
	}
	require.EqualValues(t, want, r.Properties["events"])
}

func TestMissingSources(t *testing.T) {
	_, err := Build(t.TempDir(), data.EventsGeoJSON)
	require.True(t, errors.Is(err, ErrSources), "%v", err)
}
