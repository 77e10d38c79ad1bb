package writes_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/paulmach/orb"

	"kzmap/geo"
	"kzmap/geo/changes"
	"kzmap/geo/names"
	"kzmap/geo/store"
	"kzmap/geo/writes"
)

// recorder is a follower that records what it is given and, for
// collection "derived", derives a property of every feature it sees
// written, as the region counts do.
type recorder struct {
	st     *store.Store
	got    []string
	resets int
}

func (r *recorder) Apply(chs []geo.Change) []geo.Change {
	var out []geo.Change
	for _, c := range chs {
		r.got = append(r.got, fmt.Sprintf("%s %s/%s", c.Op, c.Collection, c.ID))
		if c.Collection == "derived" && c.Op != geo.OpDelete {
			if err := r.st.Derive(c.Collection, map[string]map[string]any{c.ID: {"n": 1.0}}); err != nil {
				panic(err)
			}
			f, _ := r.st.Feature(c.Collection, c.ID)
			out = append(out, geo.Change{Collection: c.Collection, ID: c.ID, Op: geo.OpReplace, Old: c.New, New: c.New, Feature: f})
		}
	}
	return out
}

func (r *recorder) Reset() error { r.resets++; return nil }

type invalidations struct {
	bounds map[string]orb.Bound
	purged bool
}

func (i *invalidations) Invalidate(coll string, b orb.Bound) { i.bounds[coll] = b }
func (i *invalidations) Purge()                              { i.purged = true }

func TestService(t *testing.T) {
	st, err := store.Open(":memory:", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	pt := func(id string, x float64, name string) *geo.Feature {
		return geo.NewFeature(id, orb.Point{x, 1}, map[string]any{"name": name})
	}
	rec := &recorder{st: st}
	ix := names.NewIndex(nil)
	inv := &invalidations{bounds: map[string]orb.Bound{}}
	hub := changes.New(changes.Options{})
	sub, _, _, err := hub.Subscribe("derived", "")
	must(err)
	svc := writes.New(st, nil, rec, writes.NewNames(ix, st), writes.NewTileCache(inv), writes.NewFeed(hub))

	// Import creates a collection; meta sees that it did not exist.
	chs, err := svc.Import("derived", []*geo.Feature{pt("a", 1, "Alpha"), pt("b", 2, "Beta")}, true,
		func(old geo.Collection, exists bool) geo.Collection {
			if exists {
				t.Error("meta: a new collection exists")
			}
			return geo.Collection{ID: "derived", SearchFields: []string{"name"}}
		})
	must(err)
	if len(chs) != 2 || chs[0].Op != geo.OpCreate || chs[0].Feature.Properties["n"] != 1.0 {
		t.Fatalf("import changes %+v: the derived property must be in the returned feature", chs)
	}
	if hits := ix.Search("Beta", 1); len(hits) != 1 || hits[0].ID != "b" {
		t.Errorf("search after import: %v", hits)
	}
	if got := (<-sub.C()); got.Op != "create" || got.Feature != "a" || got.GeoJSON == nil {
		t.Errorf("feed: %+v", got)
	}
	<-sub.C()
	// One change a feature in the feed, with what the followers derived.
	select {
	case c := <-sub.C():
		t.Errorf("extra feed change %+v", c)
	default:
	}

	// Create refuses a taken id, naming its place in the batch.
	_, err = svc.Create("derived", []*geo.Feature{pt("c", 3, "Gamma"), pt("a", 1, "")})
	var exists *writes.ExistsError
	if !errors.As(err, &exists) || exists.Index != 1 || exists.ID != "a" {
		t.Errorf("create of a taken id: %v", err)
	}
	if _, err := st.Feature("derived", "c"); err == nil {
		t.Error("the batch was written in part")
	}

	// Put: replace, with both bounds; the tiles of both are dropped.
	chs, err = svc.Put("derived", pt("a", 5, "Alpha"))
	must(err)
	if chs[0].Op != geo.OpReplace || chs[0].Old != (orb.Point{1, 1}).Bound() || chs[0].New != (orb.Point{5, 1}).Bound() {
		t.Errorf("replace change %+v", chs[0])
	}
	if b := inv.bounds["derived"]; !b.Contains(orb.Point{1, 1}) || !b.Contains(orb.Point{5, 1}) {
		t.Errorf("tiles invalidated over %v", b)
	}

	// Delete; the index forgets the feature.
	c, err := svc.Delete("derived", "b")
	must(err)
	if c.Op != geo.OpDelete || c.Feature != nil || c.Old != (orb.Point{2, 1}).Bound() {
		t.Errorf("delete change %+v", c)
	}
	if hits := ix.Search("Beta", 1); len(hits) != 0 {
		t.Errorf("search after delete: %v", hits)
	}
	if _, err := svc.Delete("derived", "b"); !errors.Is(err, geo.ErrNoFeature) {
		t.Errorf("delete again: %v", err)
	}

	// Import with replace deletes what the new features leave out, first.
	chs, err = svc.Import("derived", []*geo.Feature{pt("z", 9, "Zeta")}, true,
		func(old geo.Collection, exists bool) geo.Collection { return old })
	must(err)
	if len(chs) != 2 || chs[0].Op != geo.OpDelete || chs[0].ID != "a" || chs[1].Op != geo.OpCreate {
		t.Errorf("replacing import: %+v", chs)
	}

	// Changes made elsewhere go through Apply alike, given the stored
	// feature when they do not carry it.
	rec.got = nil
	must(st.Put("derived", pt("z", 9, "Zed")))
	all := svc.Apply([]geo.Change{{Collection: "derived", ID: "z", Op: geo.OpReplace, Old: orb.Point{9, 1}.Bound(), New: orb.Point{9, 1}.Bound()}})
	if fmt.Sprint(rec.got) != "[replace derived/z]" || len(all) != 1 || all[0].Feature == nil {
		t.Errorf("Apply reached the follower with %v and returned %+v", rec.got, all)
	}
	if hits := ix.Search("Zed", 1); len(hits) != 1 {
		t.Errorf("search after Apply: %v", hits)
	}
	must(svc.Reset())
	if rec.resets != 1 || !inv.purged {
		t.Errorf("Reset: %d resets, purged %v", rec.resets, inv.purged)
	}
}
