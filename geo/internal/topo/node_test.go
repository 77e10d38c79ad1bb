package topo

import (
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

func TestNode(t *testing.T) {
	tests := []struct {
		name         string
		grid         bool
		ring         orb.Ring
		want         []orb.Point // nil: the ring is simple
		bad, crossed bool
	}{
		{name: "square", ring: sq(0, 0, 10, 10)},
		{name: "bowtie", ring: orb.Ring{{0, 0}, {10, 10}, {10, 0}, {0, 10}, {0, 0}},
			want: []orb.Point{{0, 0}, {5, 5}, {10, 10}, {10, 0}, {5, 5}, {0, 10}, {0, 0}}, bad: true, crossed: true},
		{name: "bowtie crossing off the grid", ring: orb.Ring{{0, 0}, {3, 3}, {3, 0}, {0, 3}, {0, 0}},
			want: []orb.Point{{0, 0}, {1.5, 1.5}, {3, 3}, {3, 0}, {1.5, 1.5}, {0, 3}, {0, 0}}, bad: true, crossed: true},
		{name: "bowtie crossing rounded onto the grid", grid: true, ring: orb.Ring{{0, 0}, {3, 3}, {3, 0}, {0, 3}, {0, 0}},
			want: []orb.Point{{0, 0}, {2, 2}, {3, 3}, {3, 0}, {2, 2}, {0, 3}, {0, 0}}, bad: true, crossed: true},
		{name: "vertex on its own edge", ring: orb.Ring{{0, 0}, {10, 0}, {10, 10}, {5, 0}, {0, 10}, {0, 0}},
			want: []orb.Point{{0, 0}, {5, 0}, {10, 0}, {10, 10}, {5, 0}, {0, 10}, {0, 0}}, bad: true},
		{name: "ring through its own vertex", ring: orb.Ring{{0, 0}, {10, 0}, {5, 5}, {10, 10}, {0, 10}, {5, 5}, {0, 0}},
			want: []orb.Point{{0, 0}, {10, 0}, {5, 5}, {10, 10}, {0, 10}, {5, 5}, {0, 0}}, bad: true},
		{name: "spike doubling back", ring: orb.Ring{{0, 0}, {10, 0}, {20, 0}, {10, 0}, {10, 10}, {0, 0}},
			want: []orb.Point{{0, 0}, {10, 0}, {20, 0}, {10, 0}, {10, 10}, {0, 0}}, bad: true},
		{name: "spike doubling back past a vertex", ring: orb.Ring{{0, 0}, {10, 0}, {10, 10}, {10, 4}, {0, 0}},
			want: []orb.Point{{0, 0}, {10, 0}, {10, 4}, {10, 10}, {10, 4}, {0, 0}}, bad: true},
		{name: "two vertices on one edge, in order", ring: orb.Ring{{0, 0}, {10, 0}, {10, 5}, {7, 0}, {5, 5}, {3, 0}, {0, 5}, {0, 0}},
			want: []orb.Point{{0, 0}, {3, 0}, {7, 0}, {10, 0}, {10, 5}, {7, 0}, {5, 5}, {3, 0}, {0, 5}, {0, 0}}, bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := Index{Grid: tt.grid}
			noded, bad, crossed := x.Node(tt.ring)
			if bad != tt.bad || crossed != tt.crossed || !slices.Equal(noded, tt.want) {
				t.Errorf("Node = %v, %v, %v, want %v, %v, %v", noded, bad, crossed, tt.want, tt.bad, tt.crossed)
			}
		})
	}
}

func TestNodeAll(t *testing.T) {
	tests := []struct {
		name    string
		polys   []orb.Polygon
		want    []orb.Ring
		crossed bool
	}{
		{name: "apart", polys: []orb.Polygon{{sq(0, 0, 4, 4)}, {sq(10, 0, 14, 4)}},
			want: []orb.Ring{sq(0, 0, 4, 4), sq(10, 0, 14, 4)}},
		{name: "neighbour's corner on an edge", polys: []orb.Polygon{{sq(0, 0, 4, 4)}, {sq(4, 2, 8, 6)}},
			want: []orb.Ring{
				{{0, 0}, {4, 0}, {4, 2}, {4, 4}, {0, 4}, {0, 0}},
				{{4, 2}, {8, 2}, {8, 6}, {4, 6}, {4, 4}, {4, 2}},
			}},
		{name: "hole pressed onto its shell", polys: []orb.Polygon{{sq(0, 0, 8, 8), reversed(sq(2, 0, 4, 2))}},
			want: []orb.Ring{
				{{0, 0}, {2, 0}, {4, 0}, {8, 0}, {8, 8}, {0, 8}, {0, 0}},
				reversed(sq(2, 0, 4, 2)),
			}},
		{name: "crossing", polys: []orb.Polygon{{sq(0, 0, 4, 4)}, {sq(2, 2, 6, 6)}}, crossed: true},
	}
	x := Index{Grid: true}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, crossed := x.NodeAll(tt.polys)
			if crossed != tt.crossed || !slices.EqualFunc(got, tt.want, func(a, b orb.Ring) bool { return slices.Equal(a, b) }) {
				t.Errorf("NodeAll = %v, %v, want %v, %v", got, crossed, tt.want, tt.crossed)
			}
		})
	}
}
