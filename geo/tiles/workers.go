package tiles

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"

	"kzmap/geo"
	"kzmap/geo/tiles/internal/world"
)

// parallelPoints is the number of source points in a tile's polygons from
// which the tile's features are built on several cores. Below it the
// hand-over costs more than it saves. On the benchmark workload 15 of the
// 715 tiles are above it (zooms 0–2: all 3; zooms 3–4: 3 of 6; zooms 5–7:
// 9 of 196; zoom 8: none): tiles that show the whole country or a region
// of it, which a cold cache makes their first viewer wait for and which
// everyone loads first. Built on two cores, the workload takes about a fifth less wall
// time, for a few per cent more CPU time.
const parallelPoints = 8000

// maxWorkers bounds the cores one tile takes: the server has other
// requests to answer.
const maxWorkers = 4

// builderSet is the polygon builders of one tile: the first does all the
// work of most tiles; the others help with heavy ones. With arenas, the
// rings they make live in the builders until the tile is encoded, so the
// set is released only then.
type builderSet struct {
	pbs   []*polygonBuilder
	arena bool
	frame world.Frame
	tol   float64
}

func newBuilderSet(frame world.Frame, tol float64, arena bool) *builderSet {
	bs := &builderSet{arena: arena, frame: frame, tol: tol}
	bs.get(0)
	return bs
}

// get returns builder k, taking it from the pool on first use.
func (bs *builderSet) get(k int) *polygonBuilder {
	for len(bs.pbs) <= k {
		pb := builders.Get().(*polygonBuilder)
		pb.frame, pb.tol = bs.frame, bs.tol
		pb.arena, pb.useArena = pb.arena[:0], bs.arena
		bs.pbs = append(bs.pbs, pb)
	}
	return bs.pbs[k]
}

func (bs *builderSet) release() {
	for _, pb := range bs.pbs {
		pb.useArena = false
		builders.Put(pb)
	}
	bs.pbs = nil
}

// featureJob is one feature of a tile and, once built, its polygons on
// the grid (nil when nothing of them is left, or when it has none: other
// geometries are drawn by build's caller).
type featureJob struct {
	f *geo.Feature
	w *world.Geometry
	g orb.Geometry
}

// build fills in the polygons of every job. The result does not depend on
// which builder made which: each feature is made from its own points only.
func (bs *builderSet) build(jobs []featureJob) {
	points := 0
	for _, j := range jobs {
		points += j.w.Points
	}
	workers := min(runtime.GOMAXPROCS(0), maxWorkers, len(jobs))
	if points < parallelPoints || workers < 2 {
		pb := bs.get(0)
		for i := range jobs {
			if jobs[i].w.Polygonal() {
				jobs[i].g = pb.geometry(jobs[i].w)
			}
		}
		return
	}
	var (
		next   atomic.Int64
		wg     sync.WaitGroup
		failed atomic.Value
	)
	for k := range workers {
		pb := bs.get(k)
		wg.Go(func() {
			// A panic here would take the whole server down: it goes
			// back to the request's goroutine, whose recovery answers 500.
			defer func() {
				if r := recover(); r != nil {
					failed.CompareAndSwap(nil, fmt.Sprint(r))
				}
			}()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(jobs) {
					return
				}
				if jobs[i].w.Polygonal() {
					jobs[i].g = pb.geometry(jobs[i].w)
				}
			}
		})
	}
	wg.Wait()
	if r := failed.Load(); r != nil {
		panic("tiles: building polygons: " + r.(string))
	}
}
