package tiles

import (
	"math"
	"net/url"
	"strings"

	"github.com/paulmach/orb"

	"kzmap/geo"
)

// DefaultMaxZoom is the deepest zoom worth serving for kzmap's collections:
// at 14 a grid cell is about 2 m, finer than the source boundaries; clients
// over-zoom beyond it.
const DefaultMaxZoom = 14

// TileJSON returns the TileJSON 3.0.0 document of the vector tiles of the
// given collections, one layer each, served under base (scheme and host, no
// trailing slash): tiles at {base}/tiles/{ids}/{z}/{x}/{y}.mvt, each id
// escaped as a path segment.
func TileJSON(base string, layers []geo.Collection, minzoom, maxzoom int) map[string]any {
	ids := make([]string, len(layers))
	var names, attributions []string
	var bound orb.Bound
	haveBound := false
	vl := make([]map[string]any, 0, len(layers))
	for i, c := range layers {
		ids[i] = url.PathEscape(c.ID)
		names = append(names, firstNonEmpty(c.Title, c.ID))
		if c.Attribution != "" && !contains(attributions, c.Attribution) {
			attributions = append(attributions, c.Attribution)
		}
		if c.Count > 0 && !c.Bound.IsZero() {
			if haveBound {
				bound = bound.Union(c.Bound)
			} else {
				bound, haveBound = c.Bound, true
			}
		}
		fields := map[string]string{"id": "String"}
		for _, f := range c.Fields {
			fields[f.Name] = fieldType(f.Type)
		}
		vl = append(vl, map[string]any{
			"id":          c.ID,
			"description": firstNonEmpty(c.Description, c.Title),
			"fields":      fields,
			"minzoom":     minzoom,
			"maxzoom":     maxzoom,
		})
	}
	if !haveBound {
		bound = orb.Bound{Min: orb.Point{-180, -85.0511287798066}, Max: orb.Point{180, 85.0511287798066}}
	}
	center := bound.Center()
	doc := map[string]any{
		"tilejson":      "3.0.0",
		"name":          strings.Join(names, ", "),
		"scheme":        "xyz",
		"tiles":         []string{base + "/tiles/" + strings.Join(ids, ",") + "/{z}/{x}/{y}.mvt"},
		"minzoom":       minzoom,
		"maxzoom":       maxzoom,
		"bounds":        []float64{round6(bound.Min[0]), round6(bound.Min[1]), round6(bound.Max[0]), round6(bound.Max[1])},
		"center":        []float64{round6(center[0]), round6(center[1]), float64(centerZoom(bound, minzoom, maxzoom))},
		"vector_layers": vl,
	}
	if len(attributions) > 0 {
		doc["attribution"] = strings.Join(attributions, "; ")
	}
	return doc
}

// centerZoom is the zoom at which the bound fills about one 256-pixel tile
// width, within [minzoom, maxzoom].
func centerZoom(b orb.Bound, minzoom, maxzoom int) int {
	w := b.Max[0] - b.Min[0]
	z := 0
	if w > 0 {
		z = int(math.Floor(math.Log2(360 / w)))
	}
	return max(minzoom, min(maxzoom, z))
}

// fieldType maps geo.Field types to the names tippecanoe and Martin write
// in vector_layers.
func fieldType(t string) string {
	switch t {
	case "number", "integer":
		return "Number"
	case "boolean":
		return "Boolean"
	}
	return "String"
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

func contains(ss []string, s string) bool {
	for _, v := range ss {
		if v == s {
			return true
		}
	}
	return false
}

func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }
