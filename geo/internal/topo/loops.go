package topo

import (
	"math"
	"sync"

	"github.com/paulmach/orb"
)

// SplitLoops cuts a closed point sequence at every repeated vertex into
// closed loops, each visiting every vertex once: the loops of a noded
// ring (see Index.Node) are simple.
func SplitLoops(pts []orb.Point) []orb.Ring {
	var loops []orb.Ring
	pos := pointIndexes.Get().(*pointIndex)
	defer pointIndexes.Put(pos)
	pos.reset(len(pts))
	stack := pos.stack[:0]
	defer func() { pos.stack = stack[:0] }()
	for _, p := range pts[:len(pts)-1] {
		// pos may name a place the stack has since been cut back from:
		// it counts only while the stack still holds p there.
		if i := pos.get(p); i >= 0 && i < len(stack) && stack[i] == p {
			loop := make(orb.Ring, 0, len(stack)-i+1)
			loop = append(loop, stack[i:]...)
			loop = append(loop, p)
			loops = append(loops, loop)
			stack = stack[:i+1]
			continue
		}
		pos.set(p, len(stack))
		stack = append(stack, p)
	}
	last := make(orb.Ring, 0, len(stack)+1)
	last = append(last, stack...)
	return append(loops, append(last, stack[0]))
}

// pointIndex maps points to ints: open addressing over a table twice the
// size of the points put in, cheaper than a Go map for the one-shot
// indexes of a ring (no growth, no deletes, no hashing of floats through
// the runtime).
type pointIndex struct {
	keys  []orb.Point
	vals  []int32 // value+1; 0 marks an empty slot
	shift uint

	stack []orb.Point // SplitLoops' scratch
}

var pointIndexes = sync.Pool{New: func() any { return new(pointIndex) }}

func (x *pointIndex) reset(n int) {
	size, shift := 16, uint(60)
	for size < 2*n {
		size, shift = size*2, shift-1
	}
	if cap(x.keys) < size {
		x.keys, x.vals = make([]orb.Point, size), make([]int32, size)
	}
	x.keys, x.vals, x.shift = x.keys[:size], x.vals[:size], shift
	clear(x.vals)
}

func (x *pointIndex) slot(p orb.Point) int {
	// +0 makes -0 (which rounding gives) hash as 0, which it equals.
	h := (math.Float64bits(p[0]+0)*0x9e3779b97f4a7c15 ^ math.Float64bits(p[1]+0)*0xc2b2ae3d27d4eb4f) >> x.shift
	mask := len(x.vals) - 1
	for i := int(h); ; i = (i + 1) & mask {
		if x.vals[i] == 0 || x.keys[i] == p {
			return i
		}
	}
}

// get returns p's value, or -1.
func (x *pointIndex) get(p orb.Point) int {
	return int(x.vals[x.slot(p)]) - 1
}

func (x *pointIndex) set(p orb.Point, v int) {
	i := x.slot(p)
	x.keys[i], x.vals[i] = p, int32(v)+1
}
