package topo

import (
	"testing"

	"github.com/paulmach/orb"
)

func TestArea(t *testing.T) {
	tests := []struct {
		name string
		ring orb.Ring
		want float64
	}{
		{name: "counter-clockwise square", ring: sq(0, 0, 4, 4), want: 16},
		{name: "clockwise square", ring: reversed(sq(0, 0, 4, 4)), want: -16},
		{name: "flat", ring: orb.Ring{{0, 0}, {4, 0}, {8, 0}, {0, 0}}},
		{name: "bowtie's lobes cancel", ring: orb.Ring{{0, 0}, {4, 4}, {4, 0}, {0, 4}, {0, 0}}},
		{name: "far from the origin", ring: sq(1e8, 1e8, 1e8+1, 1e8+1), want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Area(tt.ring); got != tt.want {
				t.Errorf("Area = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDegenerate(t *testing.T) {
	tests := []struct {
		name string
		ring orb.Ring
		want bool
	}{
		{name: "square", ring: sq(0, 0, 4, 4)},
		{name: "small lon/lat square", ring: sq(76.1, 43.2, 76.1001, 43.2001)},
		{name: "too few points", ring: orb.Ring{{0, 0}, {4, 0}, {0, 0}}, want: true},
		{name: "spike", ring: orb.Ring{{0, 0}, {4, 0}, {8, 0}, {0, 0}}, want: true},
		{name: "sliver", ring: orb.Ring{{0, 0}, {1e6, 0}, {2e6, 1e-5}, {0, 0}}, want: true},
		{name: "thin but real", ring: orb.Ring{{0, 0}, {1000, 0}, {1000, 1}, {0, 1}, {0, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Degenerate(tt.ring); got != tt.want {
				t.Errorf("Degenerate = %v, want %v", got, tt.want)
			}
		})
	}
}
