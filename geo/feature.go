package geo

import (
	"encoding/json"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// Feature is the normalised form every reader produces and every store keeps.
// Once a Feature has been handed to a Store it must not be modified: stores
// and handlers share it between goroutines and cache its encoding.
type Feature struct {
	ID         string
	Geometry   orb.Geometry
	Properties map[string]any

	once sync.Once
	json []byte
}

// NewFeature returns a feature with the given id, geometry and properties.
func NewFeature(id string, g orb.Geometry, props map[string]any) *Feature {
	if props == nil {
		props = map[string]any{}
	}
	return &Feature{ID: id, Geometry: g, Properties: props}
}

// GeoJSON returns the RFC 7946 encoding of the feature. It is computed once:
// items responses are mostly concatenations of these bytes.
func (f *Feature) GeoJSON() []byte {
	f.once.Do(func() {
		f.json = f.Encode(nil)
	})
	return f.json
}

// Encode returns the RFC 7946 encoding of the feature, keeping only the named
// properties when keep is not nil.
func (f *Feature) Encode(keep []string) []byte {
	props := f.Properties
	if keep != nil {
		props = make(map[string]any, len(keep))
		for _, k := range keep {
			if v, ok := f.Properties[k]; ok {
				props[k] = v
			}
		}
	}
	gf := geojson.Feature{Type: "Feature", ID: f.ID, Properties: props}
	if f.Geometry != nil {
		gf.Geometry = f.Geometry
	}
	b, err := json.Marshal(&gf)
	if err != nil {
		// Properties come from our readers (strings, numbers, bools, nil),
		// which always encode; a failure here is a programming error.
		panic("geo: encoding feature " + f.ID + ": " + err.Error())
	}
	return b
}

// String returns a property as a string, or "" when it is missing or not a string.
func (f *Feature) String(name string) string {
	s, _ := f.Properties[name].(string)
	return s
}
