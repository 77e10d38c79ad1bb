package store

import (
	"math"

	"github.com/paulmach/orb"

	"kzmap/geo"
)

// grid is the in-memory point index behind Lookup: a uniform grid over the
// collection's bound whose cells list, in feature-id order, the features
// that meet the cell, each marked when it covers the whole cell (then a
// point in the cell needs no exact test). It is a read-only mirror of the
// BuntDB spatial index, rebuilt on every write; BuntDB stays the source of
// truth and Items uses its index.
type grid struct {
	b      orb.Bound
	nx, ny int
	sx, sy float64 // cells per degree
	start  []int32 // cell i holds cands[start[i]:start[i+1]]
	cands  []cand
}

type cand struct {
	e    *entry
	full bool
}

// cellsPerFeature sets the grid's resolution: more cells make more of
// them lie wholly inside one polygon.
const cellsPerFeature = 16

func newGrid(b orb.Bound, entries []*entry) *grid {
	g := &grid{b: b, nx: 1, ny: 1}
	w, h := b.Max[0]-b.Min[0], b.Max[1]-b.Min[1]
	if len(entries) > 0 && w > 0 && h > 0 {
		cells := float64(cellsPerFeature * len(entries))
		cells = math.Min(cells, 1<<16)
		// square-ish cells
		g.nx = max(1, int(math.Sqrt(cells*w/h)))
		g.ny = max(1, int(cells)/g.nx)
		g.nx, g.ny = min(g.nx, 1024), min(g.ny, 1024)
	}
	if w > 0 {
		g.sx = float64(g.nx) / w
	}
	if h > 0 {
		g.sy = float64(g.ny) / h
	}

	lists := make([][]cand, g.nx*g.ny)
	for _, e := range entries {
		x0, x1 := g.col(e.bound.Min[0]), g.col(e.bound.Max[0])
		y0, y1 := g.row(e.bound.Min[1]), g.row(e.bound.Max[1])
		single := x0 == x1 && y0 == y1
		for y := y0; y <= y1; y++ {
			for x := x0; x <= x1; x++ {
				cb := g.cell(x, y)
				if !single && !e.prep.IntersectsBound(cb) {
					continue
				}
				lists[y*g.nx+x] = append(lists[y*g.nx+x], cand{e: e, full: e.prep.ContainsBound(cb)})
			}
		}
	}
	g.start = make([]int32, len(lists)+1)
	n := 0
	for i, l := range lists {
		n += len(l)
		g.start[i+1] = int32(n)
	}
	g.cands = make([]cand, 0, n)
	for _, l := range lists {
		g.cands = append(g.cands, l...)
	}
	return g
}

// remap returns the grid with its features replaced by the entries at
// the same positions: for features whose geometries did not change.
func (g *grid) remap(entries []*entry) *grid {
	ng := *g
	ng.cands = make([]cand, len(g.cands))
	for i, c := range g.cands {
		ng.cands[i] = cand{e: entries[c.e.idx], full: c.full}
	}
	return &ng
}

// col and row map a coordinate to its cell, clamped; both are monotonic, so
// a feature listed in the cells of its bound's corners and between is found
// from any point of it.
func (g *grid) col(x float64) int {
	i := int((x - g.b.Min[0]) * g.sx)
	return min(max(i, 0), g.nx-1)
}

func (g *grid) row(y float64) int {
	i := int((y - g.b.Min[1]) * g.sy)
	return min(max(i, 0), g.ny-1)
}

// cell returns cell (x, y) grown by a hair, so that a point the float
// arithmetic of col/row puts in the cell surely lies in the rectangle that
// was tested.
func (g *grid) cell(x, y int) orb.Bound {
	w, h := g.b.Max[0]-g.b.Min[0], g.b.Max[1]-g.b.Min[1]
	cw, ch := w/float64(g.nx), h/float64(g.ny)
	ex, ey := cw*1e-6+1e-12, ch*1e-6+1e-12
	return orb.Bound{
		Min: orb.Point{g.b.Min[0] + float64(x)*cw - ex, g.b.Min[1] + float64(y)*ch - ey},
		Max: orb.Point{g.b.Min[0] + float64(x+1)*cw + ex, g.b.Min[1] + float64(y+1)*ch + ey},
	}
}

// lookup returns the features containing p, in id order.
func (g *grid) lookup(p orb.Point) []*geo.Feature {
	// Written so that NaN compares false.
	if !(p[0] >= g.b.Min[0] && p[0] <= g.b.Max[0] && p[1] >= g.b.Min[1] && p[1] <= g.b.Max[1]) {
		return nil
	}
	i := g.row(p[1])*g.nx + g.col(p[0])
	var out []*geo.Feature
	for _, c := range g.cands[g.start[i]:g.start[i+1]] {
		if c.full || (c.e.bound.Contains(p) && c.e.prep.ContainsPoint(p)) {
			out = append(out, c.e.f)
		}
	}
	return out
}
