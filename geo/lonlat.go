package geo

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
)

// CheckLonLat says why p is not a WGS 84 longitude/latitude, the only CRS
// RFC 7946 allows and the one every store assumes (nil when it is). The
// readers and geometry validation share it, so a position is refused in the
// same words wherever it comes from.
func CheckLonLat(p orb.Point) error {
	switch {
	case math.IsNaN(p[0]) || math.IsInf(p[0], 0):
		return fmt.Errorf("longitude %v is not a finite number", p[0])
	case math.IsNaN(p[1]) || math.IsInf(p[1], 0):
		return fmt.Errorf("latitude %v is not a finite number", p[1])
	case p[0] < -180 || p[0] > 180:
		return fmt.Errorf("longitude %v is outside -180..180", p[0])
	case p[1] < -90 || p[1] > 90:
		return fmt.Errorf("latitude %v is outside -90..90", p[1])
	}
	return nil
}
