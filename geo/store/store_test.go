package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"kzmap/geo"
)

func TestRoundTripAndReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kz.db")
	var logs bytes.Buffer
	s, err := Open(path, slog.New(slog.NewTextHandler(&logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	fs := importDistricts(t, s)
	want := repaired(t, fs)
	if !strings.Contains(logs.String(), "KZ194400") || !strings.Contains(logs.String(), "KZ196800") {
		t.Errorf("repairs not logged: %s", logs.String())
	}
	if n := strings.Count(logs.String(), "repaired geometry"); n != 2 {
		t.Errorf("%d repairs logged, want 2", n)
	}
	check := func(s *Store, when string) {
		t.Helper()
		c, err := s.Collection("districts")
		if err != nil {
			t.Fatal(err)
		}
		if c.Count != 216 || c.Title != "Districts" || c.GeometryType != "MultiPolygon" {
			t.Errorf("%s: metadata %+v", when, c)
		}
		var b orb.Bound
		for i, f := range fs {
			if i == 0 {
				b = f.Geometry.Bound()
			}
			b = b.Union(f.Geometry.Bound())
		}
		if c.Bound != b {
			t.Errorf("%s: bound %v, want %v", when, c.Bound, b)
		}
		if !sort.SliceIsSorted(c.Fields, func(i, j int) bool { return c.Fields[i].Name < c.Fields[j].Name }) || len(c.Fields) != 15 {
			t.Errorf("%s: fields %v", when, c.Fields)
		}
		for _, fd := range c.Fields {
			wantType := "string"
			if fd.Name == "Year" {
				wantType = "integer"
			}
			if fd.Type != wantType {
				t.Errorf("%s: field %s type %s, want %s", when, fd.Name, fd.Type, wantType)
			}
		}
		for _, f := range fs {
			got, err := s.Feature("districts", f.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !orb.Equal(got.Geometry, want[f.ID]) {
				t.Fatalf("%s: %s geometry differs", when, f.ID)
			}
			if !reflect.DeepEqual(got.Properties, f.Properties) {
				t.Fatalf("%s: %s properties %v, want %v", when, f.ID, got.Properties, f.Properties)
			}
		}
	}
	check(s, "after import")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	check(s2, "after reopen")
	// the spatial index was recreated: a bbox query needs it
	p, err := s2.Items("districts", geo.Query{Boxes: []orb.Bound{{Min: orb.Point{51, 43}, Max: orb.Point{53, 44}}}})
	if err != nil || p.Matched == 0 {
		t.Fatalf("bbox after reopen: %v %v", p.Matched, err)
	}
}

// bruteIntersects: exact geometry meets the box, by definition (with
// orb/planar, which ignores boundaries; random boxes do not hit them).
func bruteIntersects(g orb.Geometry, b orb.Bound) bool {
	var mp orb.MultiPolygon
	switch g := g.(type) {
	case orb.Polygon:
		mp = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		mp = g
	}
	for _, c := range []orb.Point{b.Min, b.Max, {b.Min[0], b.Max[1]}, {b.Max[0], b.Min[1]}} {
		if planar.MultiPolygonContains(mp, c) {
			return true
		}
	}
	sides := b.ToRing()
	o := func(p, q, r orb.Point) float64 { return (q[0]-p[0])*(r[1]-p[1]) - (q[1]-p[1])*(r[0]-p[0]) }
	for _, pg := range mp {
		for _, r := range pg {
			for i := 0; i+1 < len(r); i++ {
				if b.Contains(r[i]) {
					return true
				}
				for j := 0; j+1 < len(sides); j++ {
					a, bb, c, d := r[i], r[i+1], sides[j], sides[j+1]
					if ((o(c, d, a) > 0) != (o(c, d, bb) > 0)) && ((o(a, bb, c) > 0) != (o(a, bb, d) > 0)) {
						return true
					}
				}
			}
		}
	}
	return false
}

func TestBBoxAgainstBruteForce(t *testing.T) {
	s := openMem(t)
	fs := importDistricts(t, s)
	geoms := repaired(t, fs)
	c, _ := s.Collection("districts")
	r := rand.New(rand.NewPCG(11, 12))
	nonEmpty := 0
	for i := 0; i < 200; i++ {
		w, h := 0.05+3*r.Float64()*r.Float64(), 0.05+2*r.Float64()*r.Float64()
		x := c.Bound.Min[0] - 1 + r.Float64()*(c.Bound.Max[0]-c.Bound.Min[0]+2)
		y := c.Bound.Min[1] - 1 + r.Float64()*(c.Bound.Max[1]-c.Bound.Min[1]+2)
		box := orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + w, y + h}}
		p, err := s.Items("districts", geo.Query{Boxes: []orb.Bound{box}})
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, f := range fs {
			if bruteIntersects(geoms[f.ID], box) {
				want = append(want, f.ID)
			}
		}
		sort.Strings(want)
		if got := ids(p.Features); !slices.Equal(got, want) {
			t.Fatalf("box %v: got %v, want %v", box, got, want)
		}
		if p.Matched != len(want) {
			t.Fatalf("matched %d, want %d", p.Matched, len(want))
		}
		if len(want) > 0 {
			nonEmpty++
		}
	}
	if nonEmpty < 100 {
		t.Fatalf("only %d of 200 boxes hit anything", nonEmpty)
	}
}

func TestLookupAgainstBruteForce(t *testing.T) {
	s := openMem(t)
	fs := importDistricts(t, s)
	geoms := repaired(t, fs)
	bounds := map[string]orb.Bound{}
	for id, g := range geoms {
		bounds[id] = g.Bound()
	}
	c, _ := s.Collection("districts")
	r := rand.New(rand.NewPCG(13, 14))
	inside := 0
	for i := 0; i < 10000; i++ {
		p := orb.Point{c.Bound.Min[0] + r.Float64()*(c.Bound.Max[0]-c.Bound.Min[0]), c.Bound.Min[1] + r.Float64()*(c.Bound.Max[1]-c.Bound.Min[1])}
		got, err := s.Lookup("districts", p)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, f := range fs {
			if !bounds[f.ID].Contains(p) {
				continue
			}
			switch g := geoms[f.ID].(type) {
			case orb.Polygon:
				if planar.PolygonContains(g, p) {
					want = append(want, f.ID)
				}
			case orb.MultiPolygon:
				if planar.MultiPolygonContains(g, p) {
					want = append(want, f.ID)
				}
			}
		}
		sort.Strings(want)
		if !slices.Equal(ids(got), want) {
			t.Fatalf("point %v: got %v, want %v", p, ids(got), want)
		}
		if i%10 == 0 {
			viaIndex, err := s.lookupIndexed("districts", p)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(viaIndex), want) {
				t.Fatalf("point %v: BuntDB path %v, want %v", p, ids(viaIndex), want)
			}
		}
		inside += len(want)
	}
	if inside < 3000 {
		t.Fatalf("only %d points inside any district", inside)
	}
}

func TestLookupBoundary(t *testing.T) {
	s := openMem(t)
	sq := func(id string, x float64) *geo.Feature {
		return geo.NewFeature(id, orb.Polygon{{{x, 0}, {x + 1, 0}, {x + 1, 1}, {x, 1}, {x, 0}}}, nil)
	}
	if err := s.Import(geo.Collection{ID: "sq"}, []*geo.Feature{sq("b", 1), sq("a", 0), sq("c", 5)}, true); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		p    orb.Point
		want []string
	}{
		{"inside a", orb.Point{0.5, 0.5}, []string{"a"}},
		{"shared edge", orb.Point{1, 0.5}, []string{"a", "b"}},
		{"shared corner", orb.Point{1, 1}, []string{"a", "b"}},
		{"gap", orb.Point{3, 0.5}, []string{}},
		{"outside everything", orb.Point{50, 50}, []string{}},
		{"edge of c", orb.Point{6, 0.25}, []string{"c"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Lookup("sq", tc.p)
			if err != nil {
				t.Fatal(err)
			}
			if got == nil || !slices.Equal(ids(got), tc.want) {
				t.Errorf("Lookup(%v) = %v, want %v", tc.p, ids(got), tc.want)
			}
		})
	}
}

func TestAntimeridianBoxes(t *testing.T) {
	s := openMem(t)
	importDistricts(t, s)
	// bbox=85,40,47,50 crosses the antimeridian and arrives split in two
	east := orb.Bound{Min: orb.Point{85, 40}, Max: orb.Point{180, 50}}
	west := orb.Bound{Min: orb.Point{-180, 40}, Max: orb.Point{47, 50}}
	a, err := s.Items("districts", geo.Query{Boxes: []orb.Bound{east}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Items("districts", geo.Query{Boxes: []orb.Bound{west}})
	if err != nil {
		t.Fatal(err)
	}
	both, err := s.Items("districts", geo.Query{Boxes: []orb.Bound{east, west}})
	if err != nil {
		t.Fatal(err)
	}
	want := append(ids(a.Features), ids(b.Features)...)
	sort.Strings(want)
	want = slices.Compact(want)
	if a.Matched == 0 || b.Matched == 0 || !slices.Equal(ids(both.Features), want) || both.Matched != len(want) {
		t.Fatalf("split box %v, want %v", ids(both.Features), want)
	}
	// overlapping boxes do not repeat features
	c, _ := s.Items("districts", geo.Query{Boxes: []orb.Bound{east, east}})
	if c.Matched != a.Matched {
		t.Fatalf("repeated box matched %d, want %d", c.Matched, a.Matched)
	}
	// the Pacific side alone holds nothing of Kazakhstan
	d, _ := s.Items("districts", geo.Query{Boxes: []orb.Bound{{Min: orb.Point{170, 40}, Max: orb.Point{180, 50}}}})
	if d.Matched != 0 {
		t.Fatalf("box over the Pacific matched %d", d.Matched)
	}
}

func events() []*geo.Feature {
	pt := func(id string, x, y float64, props map[string]any) *geo.Feature {
		return geo.NewFeature(id, orb.Point{x, y}, props)
	}
	return []*geo.Feature{
		pt("e1", 52.9, 43.3, map[string]any{"date": "2022-01-02", "type": "protest", "count": 17.0, "armed": false}),
		pt("e2", 51.2, 43.6, map[string]any{"date": "2022-01-04", "type": "protest", "count": 1000.5, "armed": false}),
		pt("e3", 76.9, 43.2, map[string]any{"date": "2022-01-05T14:00:00+06:00", "type": "clash", "count": 17.0, "armed": true}),
		pt("e4", 71.4, 51.1, map[string]any{"date": "2022-01-07", "end": "2022-01-11", "type": "curfew", "armed": true}),
		pt("e5", 69.6, 42.3, map[string]any{"date": "not a date", "type": "protest"}),
		pt("e6", 69.6, 42.4, map[string]any{"type": "protest", "count": nil}),
		pt("e7", 50.3, 53.2, map[string]any{"date": "2022-01-06", "end": "junk", "type": "clash"}),
	}
}

func TestTimeAndEqualsFilters(t *testing.T) {
	s := openMem(t)
	meta := geo.Collection{ID: "events", TimeStart: "date", TimeEnd: "end"}
	if err := s.Import(meta, events(), true); err != nil {
		t.Fatal(err)
	}
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			panic(err)
		}
		return d
	}
	at := func(s string) time.Time {
		d, err := time.Parse(time.RFC3339, s)
		if err != nil {
			panic(err)
		}
		return d
	}
	cases := []struct {
		name string
		q    geo.Query
		want []string
	}{
		{"all", geo.Query{}, []string{"e1", "e2", "e3", "e4", "e5", "e6", "e7"}},
		{"instant on a dated day", geo.Query{Time: &geo.Interval{Start: at("2022-01-02T12:00:00Z"), End: at("2022-01-02T12:00:00Z")}}, []string{"e1"}},
		{"interval", geo.Query{Time: &geo.Interval{Start: day("2022-01-03"), End: day("2022-01-06")}}, []string{"e2", "e3"}},
		{"interval ending at midnight", geo.Query{Time: &geo.Interval{Start: day("2022-01-03"), End: day("2022-01-05")}}, []string{"e2"}},
		{"date-time with offset, before", geo.Query{Time: &geo.Interval{Start: at("2022-01-05T08:00:01Z"), End: at("2022-01-05T23:00:00Z")}}, []string{}},
		{"date-time with offset, on", geo.Query{Time: &geo.Interval{Start: at("2022-01-05T08:00:00Z"), End: at("2022-01-05T08:00:00Z")}}, []string{"e3"}},
		{"inside an extent", geo.Query{Time: &geo.Interval{Start: day("2022-01-09"), End: day("2022-01-09")}}, []string{"e4"}},
		{"open start", geo.Query{Time: &geo.Interval{End: day("2022-01-02")}}, []string{"e1"}},
		{"open end", geo.Query{Time: &geo.Interval{Start: day("2022-01-06")}}, []string{"e4"}},
		{"QGIS extremes", geo.Query{Time: &geo.Interval{Start: at("0000-01-01T00:00:00Z"), End: at("9999-12-31T00:00:00Z")}}, []string{"e1", "e2", "e3", "e4"}},
		{"equals string", geo.Query{Equals: map[string]string{"type": "clash"}}, []string{"e3", "e7"}},
		{"equals integer-valued number", geo.Query{Equals: map[string]string{"count": "17"}}, []string{"e1", "e3"}},
		{"equals fraction", geo.Query{Equals: map[string]string{"count": "1000.5"}}, []string{"e2"}},
		{"equals bool", geo.Query{Equals: map[string]string{"armed": "true"}}, []string{"e3", "e4"}},
		{"equals null as empty", geo.Query{Equals: map[string]string{"count": ""}}, []string{"e6"}},
		{"equals missing property", geo.Query{Equals: map[string]string{"nope": "x"}}, []string{}},
		{"equals two", geo.Query{Equals: map[string]string{"type": "protest", "armed": "false"}}, []string{"e1", "e2"}},
		{"time and equals and box", geo.Query{
			Time:   &geo.Interval{Start: day("2022-01-01"), End: day("2022-01-31")},
			Equals: map[string]string{"type": "protest"},
			Boxes:  []orb.Bound{{Min: orb.Point{51, 43}, Max: orb.Point{52, 44}}},
		}, []string{"e2"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := s.Items("events", tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(p.Features), tc.want) || p.Matched != len(tc.want) {
				t.Errorf("got %v (matched %d), want %v", ids(p.Features), p.Matched, tc.want)
			}
		})
	}
	c, _ := s.Collection("events")
	types := map[string]string{}
	for _, f := range c.Fields {
		types[f.Name] = f.Type
	}
	want := map[string]string{"armed": "boolean", "count": "number", "date": "string", "end": "string", "type": "string"}
	if !reflect.DeepEqual(types, want) || c.GeometryType != "Point" {
		t.Errorf("fields %v geometry %s", c.Fields, c.GeometryType)
	}
}

func TestTimeFilterIgnoredWithoutTimeProperty(t *testing.T) {
	s := openMem(t)
	if err := s.Import(geo.Collection{ID: "plain"}, events(), true); err != nil {
		t.Fatal(err)
	}
	p, _ := s.Items("plain", geo.Query{Time: &geo.Interval{Start: time.Now()}})
	if p.Matched != 7 {
		t.Fatalf("matched %d, want all 7", p.Matched)
	}
}

func TestOffsetLimit(t *testing.T) {
	s := openMem(t)
	importDistricts(t, s)
	all, _ := s.Items("districts", geo.Query{})
	if all.Matched != 216 || len(all.Features) != 216 || !sort.StringsAreSorted(ids(all.Features)) {
		t.Fatalf("all: matched %d, %d features", all.Matched, len(all.Features))
	}
	cases := []struct {
		offset, limit int
		from, to      int
	}{
		{0, 10, 0, 10}, {10, 10, 10, 20}, {210, 10, 210, 216}, {216, 10, 216, 216}, {500, 10, 216, 216}, {5, 0, 5, 216}, {-3, 2, 0, 2},
	}
	for _, tc := range cases {
		p, _ := s.Items("districts", geo.Query{Offset: tc.offset, Limit: tc.limit})
		if p.Matched != 216 || !slices.Equal(ids(p.Features), ids(all.Features[tc.from:tc.to])) {
			t.Errorf("offset %d limit %d: matched %d, %d features", tc.offset, tc.limit, p.Matched, len(p.Features))
		}
	}
	// paging with a filter counts the filtered matches
	box := []orb.Bound{{Min: orb.Point{68, 40}, Max: orb.Point{72, 44}}}
	full, _ := s.Items("districts", geo.Query{Boxes: box})
	p, _ := s.Items("districts", geo.Query{Boxes: box, Offset: 2, Limit: 3})
	if p.Matched != full.Matched || full.Matched < 6 || !slices.Equal(ids(p.Features), ids(full.Features[2:5])) {
		t.Errorf("filtered page: matched %d of %d, %v", p.Matched, full.Matched, ids(p.Features))
	}
}

func TestErrors(t *testing.T) {
	s := openMem(t)
	importDistricts(t, s)
	if _, err := s.Collection("nope"); !errors.Is(err, geo.ErrNoCollection) {
		t.Errorf("Collection: %v", err)
	}
	if _, err := s.Items("nope", geo.Query{}); !errors.Is(err, geo.ErrNoCollection) {
		t.Errorf("Items: %v", err)
	}
	if _, err := s.Lookup("nope", orb.Point{}); !errors.Is(err, geo.ErrNoCollection) {
		t.Errorf("Lookup: %v", err)
	}
	if _, err := s.Feature("nope", "x"); !errors.Is(err, geo.ErrNoCollection) {
		t.Errorf("Feature: %v", err)
	}
	if _, err := s.Feature("districts", "KZ000000"); !errors.Is(err, geo.ErrNoFeature) {
		t.Errorf("Feature: %v", err)
	}
	if err := s.Put("nope", geo.NewFeature("x", orb.Point{1, 1}, nil)); !errors.Is(err, geo.ErrNoCollection) {
		t.Errorf("Put: %v", err)
	}
	if err := s.Delete("nope", "x"); !errors.Is(err, geo.ErrNoCollection) {
		t.Errorf("Delete: %v", err)
	}
	if err := s.Delete("districts", "KZ000000"); !errors.Is(err, geo.ErrNoFeature) {
		t.Errorf("Delete: %v", err)
	}
	bad := []struct {
		name string
		c    geo.Collection
		fs   []*geo.Feature
		msg  string
	}{
		{"empty id", geo.Collection{ID: "x"}, []*geo.Feature{geo.NewFeature("", orb.Point{1, 1}, nil)}, "empty id"},
		{"duplicate id", geo.Collection{ID: "x"}, []*geo.Feature{geo.NewFeature("a", orb.Point{1, 1}, nil), geo.NewFeature("a", orb.Point{2, 2}, nil)}, `feature 1 ("a")`},
		{"no geometry", geo.Collection{ID: "x"}, []*geo.Feature{geo.NewFeature("a", nil, nil)}, "no geometry"},
		{"latitude", geo.Collection{ID: "x"}, []*geo.Feature{geo.NewFeature("a", orb.Point{1, 95}, nil)}, `collection "x" feature 0 ("a")`},
		{"collection id with colon", geo.Collection{ID: "a:b"}, nil, "collection id"},
		{"collection id with glob", geo.Collection{ID: "a*"}, nil, "collection id"},
		{"empty collection id", geo.Collection{}, nil, "collection id"},
		{"unencodable property", geo.Collection{ID: "x"}, []*geo.Feature{geo.NewFeature("a", orb.Point{1, 1}, map[string]any{"f": math.NaN()})}, "properties"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			err := s.Import(tc.c, tc.fs, true)
			if !errors.Is(err, geo.ErrInvalid) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err = %v, want geo.ErrInvalid mentioning %q", err, tc.msg)
			}
			if _, err := s.Collection(tc.c.ID); !errors.Is(err, geo.ErrNoCollection) {
				t.Fatalf("failed import left collection %q behind", tc.c.ID)
			}
		})
	}
	// a failed first import leaves no index behind: importing again works
	if err := s.Import(geo.Collection{ID: "x"}, []*geo.Feature{geo.NewFeature("a", orb.Point{1, 1}, nil)}, true); err != nil {
		t.Fatal(err)
	}
}

// dump captures everything a reader can see, for before/after comparisons.
func dump(t *testing.T, s *Store) string {
	t.Helper()
	var b bytes.Buffer
	for _, c := range s.Collections() {
		j, _ := json.Marshal(c)
		b.Write(j)
		p, err := s.Items(c.ID, geo.Query{})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range p.Features {
			b.Write(f.GeoJSON())
		}
	}
	return b.String()
}

func TestImportAllOrNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kz.db")
	s, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	fs := importDistricts(t, s)
	before := dump(t, s)

	// a batch whose 50th feature is bad: the first 49 overwrite districts
	// with points, then a NaN fails the transaction
	batch := make([]*geo.Feature, 60)
	for i := range batch {
		batch[i] = geo.NewFeature(fs[i].ID, orb.Point{70, 45}, map[string]any{"changed": true})
	}
	batch[49] = geo.NewFeature(fs[49].ID, orb.Polygon{{{70, 45}, {math.NaN(), 45}, {71, 46}, {70, 45}}}, nil)
	for _, replace := range []bool{false, true} {
		err = s.Import(districtsMeta, batch, replace)
		if !errors.Is(err, geo.ErrInvalid) || !strings.Contains(err.Error(), `feature 49 ("`+fs[49].ID+`")`) || !strings.Contains(err.Error(), "districts") {
			t.Fatalf("replace=%v: err = %v", replace, err)
		}
		if after := dump(t, s); after != before {
			t.Fatalf("replace=%v: failed import changed the store", replace)
		}
	}
	// also into a new collection
	if err := s.Import(geo.Collection{ID: "other"}, batch, true); !errors.Is(err, geo.ErrInvalid) {
		t.Fatalf("err = %v", err)
	}
	s.Close()

	s2, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if after := dump(t, s2); after != before {
		t.Fatal("after reopen the store differs from before the failed imports")
	}
}

func TestImportMergeAndReplace(t *testing.T) {
	s := openMem(t)
	c := geo.Collection{ID: "ev", TimeStart: "date"}
	if err := s.Import(c, events()[:3], true); err != nil {
		t.Fatal(err)
	}
	// without replace: e3 overwritten, e4 added, e1 and e2 kept
	upd := []*geo.Feature{
		geo.NewFeature("e3", orb.Point{1, 1}, map[string]any{"date": "2022-01-09"}),
		geo.NewFeature("e4", orb.Point{2, 2}, nil),
	}
	if err := s.Import(c, upd, false); err != nil {
		t.Fatal(err)
	}
	p, _ := s.Items("ev", geo.Query{})
	if !slices.Equal(ids(p.Features), []string{"e1", "e2", "e3", "e4"}) {
		t.Fatalf("merge: %v", ids(p.Features))
	}
	if f, _ := s.Feature("ev", "e3"); f.Properties["date"] != "2022-01-09" {
		t.Fatalf("e3 not overwritten: %v", f.Properties)
	}
	m, _ := s.Collection("ev")
	if m.Count != 4 || m.Bound != (orb.Bound{Min: orb.Point{1, 1}, Max: orb.Point{52.9, 43.6}}) {
		t.Fatalf("metadata after merge: %+v", m)
	}
	// with replace: only the new ones
	if err := s.Import(c, upd, true); err != nil {
		t.Fatal(err)
	}
	p, _ = s.Items("ev", geo.Query{})
	if !slices.Equal(ids(p.Features), []string{"e3", "e4"}) {
		t.Fatalf("replace: %v", ids(p.Features))
	}
	// the old features are gone from the spatial index too
	q, _ := s.Items("ev", geo.Query{Boxes: []orb.Bound{{Min: orb.Point{50, 40}, Max: orb.Point{60, 50}}}})
	if q.Matched != 0 {
		t.Fatalf("replaced features still indexed: %v", ids(q.Features))
	}
}

func TestPutDelete(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kz.db")
	s, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := geo.Collection{ID: "ev", TimeStart: "date"}
	if err := s.Import(c, events()[:2], true); err != nil {
		t.Fatal(err)
	}
	inBox := func(s *Store, b orb.Bound) []string {
		p, err := s.Items("ev", geo.Query{Boxes: []orb.Bound{b}})
		if err != nil {
			t.Fatal(err)
		}
		return ids(p.Features)
	}
	far := orb.Bound{Min: orb.Point{80, 50}, Max: orb.Point{81, 51}}
	if err := s.Put("ev", geo.NewFeature("new", orb.Point{80.5, 50.5}, map[string]any{"date": "2022-01-08", "n": 3.0})); err != nil {
		t.Fatal(err)
	}
	if got := inBox(s, far); !slices.Equal(got, []string{"new"}) {
		t.Fatalf("after put: %v", got)
	}
	if got, _ := s.Lookup("ev", orb.Point{80.5, 50.5}); !slices.Equal(ids(got), []string{"new"}) {
		t.Fatalf("lookup after put: %v", ids(got))
	}
	// overwrite moves it
	if err := s.Put("ev", geo.NewFeature("new", orb.Point{10, 10}, nil)); err != nil {
		t.Fatal(err)
	}
	if got := inBox(s, far); len(got) != 0 {
		t.Fatalf("old position still indexed: %v", got)
	}
	if m, _ := s.Collection("ev"); m.Count != 3 || m.Bound.Min != (orb.Point{10, 10}) {
		t.Fatalf("metadata after overwrite: %+v", m)
	}
	if err := s.Put("ev", geo.NewFeature("bad", orb.Point{math.Inf(1), 0}, nil)); !errors.Is(err, geo.ErrInvalid) {
		t.Fatalf("bad put: %v", err)
	}
	if err := s.Delete("ev", "e1"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Feature("ev", "e1"); !errors.Is(err, geo.ErrNoFeature) {
		t.Fatalf("deleted feature: %v", err)
	}
	before := dump(t, s)
	s.Close()
	s2, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if after := dump(t, s2); after != before {
		t.Fatalf("reopen differs:\n%s\n%s", before, after)
	}
	if m, _ := s2.Collection("ev"); m.Count != 2 {
		t.Fatalf("count after reopen %d", m.Count)
	}
	if got := inBox(s2, orb.Bound{Min: orb.Point{9, 9}, Max: orb.Point{11, 11}}); !slices.Equal(got, []string{"new"}) {
		t.Fatalf("index after reopen: %v", got)
	}
}

func TestConcurrentReadsDuringWrites(t *testing.T) {
	s := openMem(t)
	if err := s.Import(geo.Collection{ID: "ev"}, events(), true); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 200; i++ {
			id := "w" + string(rune('a'+i%26))
			if err := s.Put("ev", geo.NewFeature(id, orb.Point{float64(i % 90), 45}, nil)); err != nil {
				t.Error(err)
				return
			}
			if i%3 == 0 {
				s.Delete("ev", id)
			}
		}
	}()
	for {
		select {
		case <-done:
			return
		default:
		}
		p, err := s.Items("ev", geo.Query{Boxes: []orb.Bound{{Min: orb.Point{0, 40}, Max: orb.Point{90, 50}}}})
		if err != nil || !sort.StringsAreSorted(ids(p.Features)) {
			t.Fatalf("items: %v", err)
		}
		if _, err := s.Lookup("ev", orb.Point{5, 45}); err != nil {
			t.Fatal(err)
		}
	}
}

// A null end is a boundary still in force; an absent end makes an instant.
func TestNullEndIsOpen(t *testing.T) {
	s := openMem(t)
	meta := geo.Collection{ID: "regions", TimeStart: "valid_from", TimeEnd: "valid_to"}
	pt := func(id string, x, y float64, props map[string]any) *geo.Feature {
		return geo.NewFeature(id, orb.Point{x, y}, props)
	}
	fs := []*geo.Feature{
		pt("now", 70, 45, map[string]any{"valid_from": "2022-06-08", "valid_to": nil}),
		pt("old", 70, 45, map[string]any{"valid_from": "2018-06-19", "valid_to": "2022-06-07"}),
		pt("day", 70, 45, map[string]any{"valid_from": "2020-01-01"}),
	}
	if err := s.Import(meta, fs, true); err != nil {
		t.Fatal(err)
	}
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			panic(err)
		}
		return d
	}
	cases := []struct {
		name string
		at   string
		want []string
	}{
		{"today", "2026-11-26", []string{"now"}},
		{"january 2022", "2022-01-05", []string{"old"}},
		{"the dated day", "2020-01-01", []string{"day", "old"}},
		{"before everything", "2010-01-01", []string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d := day(tc.at)
			p, err := s.Items("regions", geo.Query{Time: &geo.Interval{Start: d, End: d}})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(p.Features), tc.want) {
				t.Errorf("got %v, want %v", ids(p.Features), tc.want)
			}
		})
	}
}

// A write is in the file when Put returns: a copy of the file taken then,
// as a crash would leave it (no Close), opens with the write in it.
func TestPutIsInTheFileOnReturn(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.db")
	s, err := Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	meta := geo.Collection{ID: "events"}
	if err := s.Import(meta, []*geo.Feature{geo.NewFeature("a", orb.Point{70, 45}, nil)}, true); err != nil {
		t.Fatal(err)
	}
	if err := s.Put("events", geo.NewFeature("b", orb.Point{71, 46}, map[string]any{"n": 1.0})); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	crashed := filepath.Join(dir, "crashed.db")
	if err := os.WriteFile(crashed, b, 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Open(crashed, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	f, err := c.Feature("events", "b")
	if err != nil {
		t.Fatal(err)
	}
	if f.Properties["n"] != 1.0 {
		t.Errorf("properties %v", f.Properties)
	}
}

// TestCollectionTime: the store keeps each collection's time extent by the
// rules of datetime queries, through writes.
func TestCollectionTime(t *testing.T) {
	day := func(s string) time.Time {
		d, err := time.Parse(time.DateOnly, s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	dated := func(id, start string, end any) *geo.Feature {
		props := map[string]any{"start": start}
		if end != "absent" {
			props["end"] = end
		}
		return geo.NewFeature(id, orb.Point{1, 1}, props)
	}
	meta := geo.Collection{ID: "t", Title: "T", TimeStart: "start", TimeEnd: "end"}
	tests := []struct {
		name  string
		feats []*geo.Feature
		want  geo.Interval
	}{
		{name: "no dated feature", feats: []*geo.Feature{geo.NewFeature("a", orb.Point{1, 1}, nil)}},
		{name: "a date without an end lasts the day",
			feats: []*geo.Feature{dated("a", "2022-01-02", "absent"), dated("b", "2022-01-10", "absent")},
			want:  geo.Interval{Start: day("2022-01-02"), End: day("2022-01-11").Add(-time.Nanosecond)}},
		{name: "an end date lasts its day",
			feats: []*geo.Feature{dated("a", "2022-01-02", "2022-01-05")},
			want:  geo.Interval{Start: day("2022-01-02"), End: day("2022-01-06").Add(-time.Nanosecond)}},
		{name: "a date-time is an instant",
			feats: []*geo.Feature{dated("a", "2022-01-02T10:00:00Z", "absent")},
			want:  geo.Interval{Start: day("2022-01-02").Add(10 * time.Hour), End: day("2022-01-02").Add(10 * time.Hour)}},
		{name: "a null end is still running",
			feats: []*geo.Feature{dated("a", "2018-06-19", "2022-06-07"), dated("b", "2022-06-08", nil)},
			want:  geo.Interval{Start: day("2018-06-19")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openMem(t)
			if err := s.Import(meta, tt.feats, true); err != nil {
				t.Fatal(err)
			}
			c, err := s.Collection("t")
			if err != nil {
				t.Fatal(err)
			}
			if !c.Time.Start.Equal(tt.want.Start) || !c.Time.End.Equal(tt.want.End) {
				t.Errorf("Time = %v .. %v, want %v .. %v", c.Time.Start, c.Time.End, tt.want.Start, tt.want.End)
			}
		})
	}
	// A write moves the extent.
	s := openMem(t)
	if err := s.Import(meta, []*geo.Feature{dated("a", "2022-01-02", "absent")}, true); err != nil {
		t.Fatal(err)
	}
	if err := s.Put("t", dated("b", "2021-12-31", "absent")); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.Collection("t"); !c.Time.Start.Equal(day("2021-12-31")) {
		t.Errorf("after a write Start = %v", c.Time.Start)
	}
}
