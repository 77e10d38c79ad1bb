package changes

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
)

func publish(h *Hub, coll string, n int) []Change {
	var out []Change
	for i := 0; i < n; i++ {
		out = append(out, h.Publish(Change{Op: OpCreate, Collection: coll, Feature: fmt.Sprintf("%s%d", coll, i)}))
	}
	return out
}

func TestResume(t *testing.T) {
	h := New(Options{Keep: 4})
	if h.Last() != "" {
		t.Errorf("Last before any change = %q", h.Last())
	}
	a := publish(h, "a", 2)  // seq 1, 2
	b := publish(h, "b", 1)  // seq 3
	a2 := publish(h, "a", 1) // seq 4
	if a[0].Seq != 1 || b[0].Seq != 3 || a2[0].Seq != 4 || h.Last() != a2[0].ID {
		t.Fatalf("numbering: %v %v %v last %q", a, b, a2, h.Last())
	}
	cases := []struct {
		name   string
		coll   string
		last   string
		replay []uint64
		gap    bool
	}{
		{"live only", "a", "", nil, false},
		{"from the start of the ring", "a", a[0].ID, []uint64{2, 4}, false},
		{"other collection skipped", "b", a[0].ID, []uint64{3}, false},
		{"up to date", "a", a2[0].ID, nil, false},
		{"another run", "a", "0-1", nil, true},
		{"malformed", "a", "garbage", nil, true},
		{"from the future", "a", a2[0].ID[:len(a2[0].ID)-1] + "9", nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, replay, gap, err := h.Subscribe(tc.coll, tc.last)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			var seqs []uint64
			for _, c := range replay {
				seqs = append(seqs, c.Seq)
			}
			if fmt.Sprint(seqs) != fmt.Sprint(tc.replay) || gap != tc.gap {
				t.Errorf("replay %v gap %v, want %v %v", seqs, gap, tc.replay, tc.gap)
			}
		})
	}
	// Two more changes push seq 1 and 2 out of the ring (Keep 4): resuming
	// from 1 is a gap, and what is kept is replayed.
	publish(h, "a", 2) // seq 5, 6
	s, replay, gap, _ := h.Subscribe("a", a[0].ID)
	defer s.Close()
	if !gap || len(replay) != 3 || replay[0].Seq != 4 {
		t.Errorf("resume from dropped id: gap %v replay %v", gap, replay)
	}
}

func TestLiveOrderAndSlowFollower(t *testing.T) {
	h := New(Options{Buffer: 2})
	fast, _, _, _ := h.Subscribe("a", "")
	slow, _, _, _ := h.Subscribe("a", "")
	var got []uint64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for c := range fast.C() {
			got = append(got, c.Seq)
			if len(got) == 10 {
				return
			}
		}
	}()
	for i := 0; i < 10; i++ {
		h.Publish(Change{Op: OpReplace, Collection: "a", Feature: "x"})
		if i%2 == 1 {
			// Let the fast follower keep up with a buffer of 2.
			for h.pending(fast) > 0 {
			}
		}
	}
	wg.Wait()
	for i, s := range got {
		if s != uint64(i+1) {
			t.Fatalf("fast follower got %v, want 1..10 in order", got)
		}
	}
	// The slow one never read: cut off once its buffer filled, channel closed.
	n := 0
	for range slow.C() {
		n++
	}
	if n != 2 || h.Subscribers() != 1 {
		t.Errorf("slow follower got %d buffered before being cut off; %d subscribers left", n, h.Subscribers())
	}
	fast.Close()
	fast.Close() // twice is harmless
	h.Close()
	if _, _, _, err := h.Subscribe("a", ""); !errors.Is(err, ErrClosed) {
		t.Errorf("Subscribe after Close: %v", err)
	}
}

func (h *Hub) pending(s *Sub) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(s.ch)
}

func TestLargeFeatureNotKept(t *testing.T) {
	h := New(Options{MaxFeatureBytes: 10})
	small := h.Publish(Change{Op: OpCreate, Collection: "a", Feature: "s", GeoJSON: []byte(`{"a":1}`)})
	big := h.Publish(Change{Op: OpCreate, Collection: "a", Feature: "b", GeoJSON: []byte(`{"a":"0123456789"}`)})
	if small.GeoJSON == nil || big.GeoJSON != nil || big.Time.IsZero() {
		t.Errorf("small %q big %q", small.GeoJSON, big.GeoJSON)
	}
}

// TestKeepBytes: the kept changes hold at most KeepBytes of features;
// the oldest give theirs up first and replay without it, live followers
// get every feature.
func TestKeepBytes(t *testing.T) {
	h := New(Options{KeepBytes: 25})
	live, _, _, _ := h.Subscribe("a", "")
	defer live.Close()
	var ids []string
	for i := 0; i < 5; i++ {
		c := h.Publish(Change{Op: OpCreate, Collection: "a", Feature: fmt.Sprint(i), GeoJSON: []byte(`{"n":1234}`)}) // 10 bytes
		ids = append(ids, c.ID)
		if got := <-live.C(); got.GeoJSON == nil {
			t.Errorf("live change %d without its feature", i)
		}
	}
	s, replay, gap, err := h.Subscribe("a", ids[0])
	if err != nil || gap {
		t.Fatal(err, gap)
	}
	defer s.Close()
	var with []string
	for _, c := range replay {
		if c.GeoJSON != nil {
			with = append(with, c.Feature)
		}
	}
	if len(replay) != 4 || fmt.Sprint(with) != "[3 4]" {
		t.Errorf("replayed %d changes, with features %v; want 4, [3 4]", len(replay), with)
	}
	// A feature alone larger than KeepBytes is kept until the next change.
	h.Publish(Change{Op: OpCreate, Collection: "a", Feature: "big", GeoJSON: []byte(strings.Repeat("x", 40))})
	_, replay, _, _ = h.Subscribe("a", ids[4])
	if len(replay) != 1 || replay[0].GeoJSON == nil {
		t.Errorf("the newest change lost its feature: %+v", replay)
	}
}

func BenchmarkPublish(b *testing.B) {
	h := New(Options{})
	s, _, _, _ := h.Subscribe("a", "")
	go func() {
		for range s.C() {
		}
	}()
	for i := 0; i < b.N; i++ {
		h.Publish(Change{Op: OpCreate, Collection: "a", Feature: "x"})
	}
}
