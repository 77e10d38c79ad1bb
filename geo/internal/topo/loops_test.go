package topo

import (
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

func TestSplitLoops(t *testing.T) {
	tests := []struct {
		name string
		in   []orb.Point
		want []orb.Ring
	}{
		{name: "simple", in: sq(0, 0, 4, 4), want: []orb.Ring{sq(0, 0, 4, 4)}},
		{name: "figure eight", in: []orb.Point{{0, 0}, {2, 2}, {4, 4}, {4, 0}, {2, 2}, {0, 4}, {0, 0}},
			want: []orb.Ring{{{2, 2}, {4, 4}, {4, 0}, {2, 2}}, {{0, 0}, {2, 2}, {0, 4}, {0, 0}}}},
		{name: "spike", in: []orb.Point{{0, 0}, {4, 0}, {6, 0}, {4, 0}, {4, 4}, {0, 0}},
			want: []orb.Ring{{{4, 0}, {6, 0}, {4, 0}}, {{0, 0}, {4, 0}, {4, 4}, {0, 0}}}},
		{name: "loop inside a loop", in: []orb.Point{{0, 0}, {1, 1}, {2, 1}, {2, 2}, {1, 1}, {0, 3}, {1, 1}, {3, 0}, {0, 0}},
			want: []orb.Ring{{{1, 1}, {2, 1}, {2, 2}, {1, 1}}, {{1, 1}, {0, 3}, {1, 1}}, {{0, 0}, {1, 1}, {3, 0}, {0, 0}}}},
		{name: "a vertex cut away and met again", in: []orb.Point{{0, 0}, {1, 0}, {2, 0}, {2, 1}, {1, 0}, {1, 2}, {2, 0}, {3, 3}, {0, 0}},
			want: []orb.Ring{{{1, 0}, {2, 0}, {2, 1}, {1, 0}}, {{0, 0}, {1, 0}, {1, 2}, {2, 0}, {3, 3}, {0, 0}}}},
		{name: "-0 meets 0", in: []orb.Point{{0, 0}, {2, 0}, {0, 2}, {math.Copysign(0, -1), 0}, {-2, 0}, {0, -2}, {0, 0}},
			want: []orb.Ring{{{0, 0}, {2, 0}, {0, 2}, {0, 0}}, {{0, 0}, {-2, 0}, {0, -2}, {0, 0}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := SplitLoops(tt.in)
			if !slices.EqualFunc(got, tt.want, func(a, b orb.Ring) bool { return slices.Equal(a, b) }) {
				t.Errorf("SplitLoops = %v, want %v", got, tt.want)
			}
		})
	}
}
