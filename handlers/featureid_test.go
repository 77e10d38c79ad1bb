package handlers

import (
	"fmt"
	"strings"
	"testing"
)

func TestNewFeatureIDOrdered(t *testing.T) {
	prev := ""
	for i := range 10000 {
		id := NewFeatureID()
		if !uuid7.MatchString(id) {
			t.Fatalf("id %d %q is not a UUID version 7", i, id)
		}
		if id <= prev {
			t.Fatalf("id %d %q does not sort after the one before, %q", i, id, prev)
		}
		prev = id
	}
}

// TestPostedIDsSortInCreationOrder: the features of one POST, created
// within the same millisecond, get ids that list them in the order sent.
func TestPostedIDsSortInCreationOrder(t *testing.T) {
	e, _, _ := newWriteServer(t, testToken)
	const n = 200
	feats := make([]string, n)
	for i := range feats {
		feats[i] = point("", 51+float64(i)/1000, 41, fmt.Sprintf(`{"seq":%d}`, i))
	}
	rec := write(e, "POST", "/collections/edge/items", `{"type":"FeatureCollection","features":[`+strings.Join(feats, ",")+`]}`)
	if rec.Code != 201 {
		t.Fatalf("POST: %d %s", rec.Code, rec.Body)
	}
	posted := decode[fc](t, rec)
	if len(posted.Features) != n {
		t.Fatalf("POST answered %d features, want %d", len(posted.Features), n)
	}
	for i, f := range posted.Features {
		if f.Properties["seq"] != float64(i) {
			t.Fatalf("answer feature %d has seq %v", i, f.Properties["seq"])
		}
		if i > 0 && f.ID <= posted.Features[i-1].ID {
			t.Fatalf("feature %d id %q does not sort after feature %d's %q", i, f.ID, i-1, posted.Features[i-1].ID)
		}
	}

	// The items list, ordered by id, gives them back in the order sent.
	listed := decode[fc](t, get(e, "/collections/edge/items?limit=1000"))
	seq := 0
	for _, f := range listed.Features {
		s, ok := f.Properties["seq"]
		if !ok {
			continue
		}
		if s != float64(seq) {
			t.Fatalf("items list: seq %v where %d was expected (ids %v)", s, seq, listed.ids())
		}
		seq++
	}
	if seq != n {
		t.Errorf("items list holds %d posted features, want %d", seq, n)
	}
}
