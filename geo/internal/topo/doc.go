// Package topo is the polygon topology engine that geo/valid (repair at
// import, on longitude/latitude) and geo/tiles (rings made valid after
// simplifying and snapping to the tile grid) share: finding where rings
// cross, touch or overlap (Index.Check), inserting the points where they
// meet as vertices (Index.Node, Index.NodeAll), cutting a noded ring into
// simple loops at its repeated vertices (SplitLoops), tracing the union of
// rings whose shared edges cancel (Trace), and telling loops of next to no
// area (Degenerate).
//
// Coordinates are float64 and the predicates are those of geo/internal/plane:
// exact on the integer tile grid, as good as float64 allows elsewhere. An
// Index with Grid set keeps every point it makes on the integer grid.
// The policy (how many rounds of noding, what a loop becomes, what to drop)
// stays with the callers.
package topo
