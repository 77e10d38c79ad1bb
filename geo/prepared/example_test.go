package prepared_test

import (
	"fmt"

	"github.com/paulmach/orb"

	"kzmap/geo/prepared"
)

// Prepare a polygon with a hole once, then test points and boxes against
// it many times.
func Example() {
	outer := orb.Ring{{50, 40}, {60, 40}, {60, 50}, {50, 50}, {50, 40}}
	hole := orb.Ring{{54, 44}, {54, 46}, {56, 46}, {56, 44}, {54, 44}}
	p := prepared.New(orb.Polygon{outer, hole})

	for _, pt := range []orb.Point{{52, 42}, {55, 45}, {60, 45}, {61, 45}} {
		fmt.Println(pt, p.ContainsPoint(pt))
	}
	box := orb.Bound{Min: orb.Point{51, 41}, Max: orb.Point{53, 43}}
	fmt.Println("box inside:", p.ContainsBound(box), "meets:", p.IntersectsBound(box))
	inHole := orb.Bound{Min: orb.Point{54.5, 44.5}, Max: orb.Point{55.5, 45.5}}
	fmt.Println("box in the hole meets:", p.IntersectsBound(inHole))
	// Output:
	// [52 42] true
	// [55 45] false
	// [60 45] true
	// [61 45] false
	// box inside: true meets: true
	// box in the hole meets: false
}
