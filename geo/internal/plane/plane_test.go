package plane

import (
	"testing"

	"github.com/paulmach/orb"
)

func TestPredicates(t *testing.T) {
	sq := []orb.Point{{0, 0}, {4, 0}, {4, 4}, {0, 4}, {0, 0}}
	tests := []struct {
		name   string
		p      orb.Point
		inRing int
		onEdge bool // on segment {0,0}-{4,0}
	}{
		{name: "inside", p: orb.Point{2, 2}, inRing: 1},
		{name: "outside", p: orb.Point{5, 2}, inRing: -1},
		{name: "outside level with a vertex", p: orb.Point{-1, 4}, inRing: -1},
		{name: "on an edge", p: orb.Point{2, 0}, inRing: 0, onEdge: true},
		{name: "at a vertex", p: orb.Point{4, 0}, inRing: 0, onEdge: true},
		{name: "on the edge's line beyond its end", p: orb.Point{6, 0}, inRing: -1},
		{name: "on another edge", p: orb.Point{0, 2}, inRing: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PointInRing(tt.p, sq); got != tt.inRing {
				t.Errorf("PointInRing = %d, want %d", got, tt.inRing)
			}
			if got := OnSegment(orb.Point{0, 0}, orb.Point{4, 0}, tt.p); got != tt.onEdge {
				t.Errorf("OnSegment = %v, want %v", got, tt.onEdge)
			}
		})
	}
	if a := Area2(sq); a != 32 {
		t.Errorf("Area2 of the 4×4 square = %v, want 32", a)
	}
	if o := Orient(orb.Point{0, 0}, orb.Point{4, 0}, orb.Point{1, 1}); o <= 0 {
		t.Errorf("Orient of a left turn = %v, want > 0", o)
	}
	if o := Orient(orb.Point{0, 0}, orb.Point{4, 0}, orb.Point{8, 0}); o != 0 {
		t.Errorf("Orient of collinear points = %v, want 0", o)
	}
}
