package store

import (
	"slices"
	"sort"
	"testing"

	"github.com/paulmach/orb"

	"kzmap/geo"
)

// funcFilter is a geo.Query Filter from a function.
type funcFilter func(*geo.Feature) bool

func (f funcFilter) Match(ft *geo.Feature) bool { return f(ft) }

func TestItemsFilterAndSort(t *testing.T) {
	s := openMem(t)
	importDistricts(t, s)
	west := orb.Bound{Min: orb.Point{50, 40}, Max: orb.Point{60, 50}}
	north := orb.Bound{Min: orb.Point{40, 48}, Max: orb.Point{90, 56}}
	odd := funcFilter(func(f *geo.Feature) bool { return len(f.ID)%2 == 1 })
	items := func(q geo.Query) geo.Page {
		t.Helper()
		p, err := s.Items(districtsMeta.ID, q)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	inWest, inNorth := ids(items(geo.Query{Boxes: []orb.Bound{west}}).Features), ids(items(geo.Query{Boxes: []orb.Bound{north}}).Features)
	if len(inWest) == 0 || len(inNorth) == 0 {
		t.Fatal("test boxes select nothing")
	}

	cases := []struct {
		name string
		q    geo.Query
		want []string
	}{
		{"filter boxes use the index", geo.Query{FilterBoxes: []orb.Bound{west}, Filter: funcFilter(func(*geo.Feature) bool { return true })}, inWest},
		{"bbox and filter boxes", geo.Query{Boxes: []orb.Bound{west}, FilterBoxes: []orb.Bound{north}}, intersect(inWest, inNorth)},
		{"empty filter boxes", geo.Query{FilterBoxes: []orb.Bound{}}, nil},
		{"filter", geo.Query{Boxes: []orb.Bound{west}, Filter: odd}, slices.DeleteFunc(slices.Clone(inWest), func(id string) bool { return len(id)%2 == 0 })},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := items(tc.q)
			if got := ids(p.Features); !slices.Equal(got, tc.want) && (len(got) > 0 || len(tc.want) > 0) || p.Matched != len(tc.want) {
				t.Errorf("got %v (matched %d), want %v", got, p.Matched, tc.want)
			}
		})
	}

	t.Run("sort pages", func(t *testing.T) {
		all := items(geo.Query{SortBy: []geo.SortKey{{Property: "ADM1_EN", Desc: true}}}).Features
		if all[0].Properties["ADM1_EN"] == all[len(all)-1].Properties["ADM1_EN"] {
			t.Fatal("the sort key does not vary")
		}
		if !sort.SliceIsSorted(all, func(i, j int) bool {
			a, _ := all[i].Properties["ADM1_EN"].(string)
			b, _ := all[j].Properties["ADM1_EN"].(string)
			return a > b
		}) {
			t.Fatal("not sorted by -ADM1_EN")
		}
		for i := 1; i < len(all); i++ {
			if all[i].Properties["ADM1_EN"] == all[i-1].Properties["ADM1_EN"] && all[i].ID < all[i-1].ID {
				t.Fatalf("ties not in id order: %s before %s", all[i-1].ID, all[i].ID)
			}
		}
		p := items(geo.Query{SortBy: []geo.SortKey{{Property: "ADM1_EN", Desc: true}}, Offset: 5, Limit: 7})
		if !slices.Equal(ids(p.Features), ids(all[5:12])) || p.Matched != len(all) {
			t.Errorf("page %v, want %v", ids(p.Features), ids(all[5:12]))
		}
	})
}

func intersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}
