package topo

import (
	"math"
	"sync"

	"github.com/paulmach/orb"
)

// Trace cancels the edges that run both ways among the closed rings (where
// two rings share a stretch of boundary with opposite turns, as a polygon
// and its neighbour, or a shell and a hole pressed onto it) and links the
// other edges into closed loops, split at repeated vertices (SplitLoops),
// without the degenerate ones. The rings must be noded: where they meet,
// they have vertices in common (see Index.NodeAll). The loops keep the
// rings' turn, so with shells and holes wound oppositely the result's
// shells and holes are told apart by the sign of their area.
func Trace(rings []orb.Ring) []orb.Ring {
	n := 0
	for _, r := range rings {
		n += max(len(r)-1, 0)
	}
	if n == 0 {
		return nil
	}
	count := edgeIndexes.Get().(*edgeIndex)
	defer edgeIndexes.Put(count)
	count.reset(n)
	edges := make([][2]orb.Point, 0, n)
	for _, r := range rings {
		for k := 0; k+1 < len(r); k++ {
			e := [2]orb.Point{r[k], r[k+1]}
			count.add(e, 1)
			edges = append(edges, e)
		}
	}
	keep := edges[:0] // edges is read ahead of keep
	for _, e := range edges {
		rev := [2]orb.Point{e[1], e[0]}
		switch {
		case count.get(e) > 0 && count.get(rev) > 0:
			count.add(e, -1)
			count.add(rev, -1)
		case count.get(e) > 0:
			count.add(e, -1)
			keep = append(keep, e)
		}
	}
	// Edges leaving each point, in the order kept: a list per point.
	from := pointIndexes.Get().(*pointIndex)
	defer pointIndexes.Put(from)
	from.reset(len(keep))
	next := make([]int32, len(keep))
	for i := len(keep) - 1; i >= 0; i-- {
		next[i] = int32(from.get(keep[i][0]))
		from.set(keep[i][0], i)
	}
	used := make([]bool, len(keep))
	nextFrom := func(p orb.Point) int {
		for i := from.get(p); i >= 0; i = int(next[i]) {
			if !used[i] {
				return i
			}
		}
		return -1
	}
	var out []orb.Ring
	for i, e := range keep {
		if used[i] {
			continue
		}
		used[i] = true
		loop := []orb.Point{e[0]}
		for cur := e; cur[1] != e[0]; {
			loop = append(loop, cur[1])
			k := nextFrom(cur[1])
			if k < 0 {
				break // an open chain cannot happen with closed input rings
			}
			used[k] = true
			cur = keep[k]
		}
		loop = append(loop, e[0])
		if len(loop) < 4 {
			continue
		}
		for _, l := range SplitLoops(loop) {
			if !Degenerate(l) {
				out = append(out, l)
			}
		}
	}
	return out
}

// edgeIndex counts directed edges, as pointIndex indexes points. Counts
// may go below zero: a zero-length edge is its own reverse and cancels
// twice.
type edgeIndex struct {
	keys  [][2]orb.Point
	full  []bool
	vals  []int32
	shift uint
}

var edgeIndexes = sync.Pool{New: func() any { return new(edgeIndex) }}

func (x *edgeIndex) reset(n int) {
	size, shift := 16, uint(60)
	for size < 2*n {
		size, shift = size*2, shift-1
	}
	if cap(x.keys) < size {
		x.keys, x.full, x.vals = make([][2]orb.Point, size), make([]bool, size), make([]int32, size)
	}
	x.keys, x.full, x.vals, x.shift = x.keys[:size], x.full[:size], x.vals[:size], shift
	clear(x.full)
	clear(x.vals)
}

func (x *edgeIndex) slot(e [2]orb.Point) int {
	h := math.Float64bits(e[0][0]+0)*0x9e3779b97f4a7c15 ^ math.Float64bits(e[0][1]+0)*0xc2b2ae3d27d4eb4f
	h ^= math.Float64bits(e[1][0]+0)*0x165667b19e3779f9 ^ math.Float64bits(e[1][1]+0)*0x27d4eb2f165667c5
	h >>= x.shift
	mask := len(x.vals) - 1
	for i := int(h); ; i = (i + 1) & mask {
		if !x.full[i] || x.keys[i] == e {
			return i
		}
	}
}

func (x *edgeIndex) get(e [2]orb.Point) int {
	return int(x.vals[x.slot(e)])
}

func (x *edgeIndex) add(e [2]orb.Point, d int) {
	i := x.slot(e)
	x.keys[i], x.full[i] = e, true
	x.vals[i] += int32(d)
}
