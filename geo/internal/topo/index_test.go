package topo

import (
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

func sq(x0, y0, x1, y1 float64) orb.Ring {
	return orb.Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}
}

func reversed(r orb.Ring) orb.Ring {
	r = append(orb.Ring{}, r...)
	r.Reverse()
	return r
}

func TestCheck(t *testing.T) {
	hole := reversed
	tests := []struct {
		name  string
		polys []orb.Polygon
		bad   bool
	}{
		{name: "square", polys: []orb.Polygon{{sq(0, 0, 10, 10)}}},
		{name: "square with hole", polys: []orb.Polygon{{sq(0, 0, 10, 10), hole(sq(2, 2, 5, 5))}}},
		{name: "hole touching the shell at one point", polys: []orb.Polygon{{sq(0, 0, 10, 10), hole(orb.Ring{{0, 5}, {5, 2}, {5, 8}, {0, 5}})}}},
		{name: "hole touching the shell at two points", polys: []orb.Polygon{{sq(0, 0, 10, 10), hole(orb.Ring{{0, 5}, {5, 0}, {5, 8}, {0, 5}})}}, bad: true},
		{name: "hole sharing an edge with the shell", polys: []orb.Polygon{{sq(0, 0, 10, 10), hole(sq(0, 2, 5, 5))}}, bad: true},
		{name: "hole crossing the shell", polys: []orb.Polygon{{sq(0, 0, 10, 10), hole(sq(5, 5, 15, 8))}}, bad: true},
		{name: "hole outside", polys: []orb.Polygon{{sq(0, 0, 10, 10), hole(sq(20, 20, 25, 25))}}, bad: true},
		{name: "bowtie", polys: []orb.Polygon{{{{0, 0}, {10, 10}, {10, 0}, {0, 10}, {0, 0}}}}, bad: true},
		{name: "spike", polys: []orb.Polygon{{{{0, 0}, {10, 0}, {20, 0}, {10, 0}, {10, 10}, {0, 0}}}}, bad: true},
		{name: "ring through its own vertex", polys: []orb.Polygon{{{{0, 0}, {10, 0}, {5, 5}, {10, 10}, {0, 10}, {5, 5}, {0, 0}}}}, bad: true},
		{name: "vertex on its own edge", polys: []orb.Polygon{{{{0, 0}, {10, 0}, {10, 10}, {5, 0}, {0, 10}, {0, 0}}}}, bad: true},
		{name: "polygons sharing an edge", polys: []orb.Polygon{{sq(0, 0, 10, 10)}, {sq(10, 0, 20, 10)}}, bad: true},
		{name: "polygons touching at a corner", polys: []orb.Polygon{{sq(0, 0, 10, 10)}, {sq(10, 10, 20, 20)}}},
		{name: "polygons passing through each other at a vertex", polys: []orb.Polygon{
			{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}},
			{{{5, 5}, {20, 0}, {20, 12}, {5, 5}}},
		}, bad: true},
		// Off the grid, as geo/valid uses it: longitudes and latitudes.
		{name: "lon/lat square", polys: []orb.Polygon{{sq(76.1, 43.2, 76.35, 43.45)}}},
		{name: "lon/lat bowtie", polys: []orb.Polygon{{{{76.1, 43.2}, {76.35, 43.45}, {76.35, 43.2}, {76.1, 43.45}, {76.1, 43.2}}}}, bad: true},
		{name: "lon/lat hole a hair inside", polys: []orb.Polygon{{sq(76.1, 43.2, 76.35, 43.45), hole(sq(76.1000001, 43.3, 76.2, 43.4))}}},
		{name: "lon/lat hole on the shell's edge", polys: []orb.Polygon{{sq(76.1, 43.2, 76.35, 43.45), hole(sq(76.1, 43.3, 76.2, 43.4))}}, bad: true},
	}
	for _, grid := range []bool{true, false} {
		x := Index{Grid: grid}
		for _, tt := range tests {
			if grid && !integral(tt.polys) {
				continue
			}
			name := tt.name
			if !grid {
				name += " (off the grid)"
			}
			t.Run(name, func(t *testing.T) {
				if got := x.Check(tt.polys, false) != nil; got != tt.bad {
					t.Errorf("Check bad = %v, want %v", got, tt.bad)
				}
				if got := len(x.Check(tt.polys, true)) > 0; got != tt.bad {
					t.Errorf("Check all bad = %v, want %v", got, tt.bad)
				}
				if ringsSimple(&x, tt.polys) {
					if got := x.CheckBetween(tt.polys) != nil; got != tt.bad {
						t.Errorf("CheckBetween bad = %v, want %v", got, tt.bad)
					}
				}
			})
		}
	}
}

// TestCheckConflicts pins which rings Check names (the tiles drop rings
// and polygons by them).
func TestCheckConflicts(t *testing.T) {
	tests := []struct {
		name  string
		polys []orb.Polygon
		want  []Conflict
	}{
		{name: "valid", polys: []orb.Polygon{{sq(0, 0, 10, 10), reversed(sq(2, 2, 4, 4))}}},
		{name: "second hole outside", polys: []orb.Polygon{{sq(0, 0, 10, 10), reversed(sq(2, 2, 4, 4)), reversed(sq(20, 20, 22, 22))}},
			want: []Conflict{{0, 2}}},
		{name: "neighbours sharing an edge", polys: []orb.Polygon{{sq(0, 0, 10, 10), reversed(sq(2, 2, 4, 4))}, {sq(10, 0, 20, 10)}},
			want: []Conflict{{0, 2}}},
		{name: "bowtie after a square", polys: []orb.Polygon{{sq(-20, 0, -10, 10)}, {{{0, 0}, {10, 10}, {10, 0}, {0, 10}, {0, 0}}}},
			want: []Conflict{{1, 1}}},
	}
	var x Index
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := x.Check(tt.polys, true); !slices.Equal(got, tt.want) {
				t.Errorf("conflicts %v, want %v", got, tt.want)
			}
		})
	}
}

// ringsSimple reports whether each ring of polys is simple on its own,
// which CheckBetween takes for granted.
func ringsSimple(x *Index, polys []orb.Polygon) bool {
	for _, p := range polys {
		for _, r := range p {
			if x.Check([]orb.Polygon{{r}}, false) != nil {
				return false
			}
		}
	}
	return true
}

func integral(polys []orb.Polygon) bool {
	for _, p := range polys {
		for _, r := range p {
			for _, q := range r {
				if q[0] != float64(int(q[0])) || q[1] != float64(int(q[1])) {
					return false
				}
			}
		}
	}
	return true
}
