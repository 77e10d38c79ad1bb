package world

import (
	"math"
	"runtime"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"kzmap/geo"
)

func TestPoint(t *testing.T) {
	tests := []struct {
		name string
		in   orb.Point
		want orb.Point
	}{
		{name: "origin", in: orb.Point{0, 0}, want: orb.Point{0.5, 0.5}},
		{name: "west edge", in: orb.Point{-180, 0}, want: orb.Point{0, 0.5}},
		{name: "north edge", in: orb.Point{0, MaxLat}, want: orb.Point{0.5, 0}},
		{name: "beyond the pole clamps", in: orb.Point{180, -90}, want: orb.Point{1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Point(tt.in)
			if math.Abs(got[0]-tt.want[0]) > 1e-9 || math.Abs(got[1]-tt.want[1]) > 1e-9 {
				t.Errorf("Point(%v) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestCacheFollowsFeatures(t *testing.T) {
	var c Cache[int]
	calls := 0
	mk := func(*geo.Feature) int { calls++; return calls }
	f := geo.NewFeature("a", orb.Point{1, 2}, nil)
	if a, b := c.Get(f, mk), c.Get(f, mk); a != 1 || b != 1 || calls != 1 {
		t.Fatalf("got %d, %d after %d calls; want one computation", a, b, calls)
	}
	runtime.KeepAlive(f)
	f = nil
	// The entry goes once the feature is collected.
	for i := 0; i < 50 && c.Len() > 0; i++ {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if n := c.Len(); n != 0 {
		t.Errorf("%d entries left after the feature was collected", n)
	}
}
