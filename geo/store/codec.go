package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// A feature's value: the bound as 4 little-endian float64 (min x, min y,
// max x, max y), so that the spatial index reads it without decoding, then
// the geometry as WKB, then the properties as JSON.
const boundSize = 32

var errCorrupt = errors.New("store: corrupt feature value")

func encodeBound(dst []byte, b orb.Bound) []byte {
	var buf [boundSize]byte
	binary.LittleEndian.PutUint64(buf[0:], math.Float64bits(b.Min[0]))
	binary.LittleEndian.PutUint64(buf[8:], math.Float64bits(b.Min[1]))
	binary.LittleEndian.PutUint64(buf[16:], math.Float64bits(b.Max[0]))
	binary.LittleEndian.PutUint64(buf[24:], math.Float64bits(b.Max[1]))
	return append(dst, buf[:]...)
}

func decodeBound(s string) (orb.Bound, bool) {
	if len(s) < boundSize {
		return orb.Bound{}, false
	}
	f := func(i int) float64 {
		var v uint64
		for k := 7; k >= 0; k-- {
			v = v<<8 | uint64(s[i+k])
		}
		return math.Float64frombits(v)
	}
	return orb.Bound{Min: orb.Point{f(0), f(8)}, Max: orb.Point{f(16), f(24)}}, true
}

// rect is the spatial index's rectangle function. BuntDB calls it for
// stored values and for the bounds string given to Intersects, so queries
// pass their box in the same binary form.
func rect(s string) (min, max []float64) {
	b, ok := decodeBound(s)
	if !ok {
		return nil, nil
	}
	return []float64{b.Min[0], b.Min[1]}, []float64{b.Max[0], b.Max[1]}
}

func boundKey(b orb.Bound) string { return string(encodeBound(nil, b)) }

func encodeValue(g orb.Geometry, props map[string]any) (string, error) {
	w, err := wkb.Marshal(g, binary.LittleEndian)
	if err != nil {
		return "", fmt.Errorf("store: encoding geometry: %w", err)
	}
	p, err := json.Marshal(props)
	if err != nil {
		return "", fmt.Errorf("store: encoding properties: %w", err)
	}
	buf := make([]byte, 0, boundSize+len(w)+len(p))
	buf = encodeBound(buf, g.Bound())
	buf = append(buf, w...)
	buf = append(buf, p...)
	return string(buf), nil
}

func decodeValue(s string) (orb.Bound, orb.Geometry, map[string]any, error) {
	b, ok := decodeBound(s)
	if !ok {
		return b, nil, nil, errCorrupt
	}
	r := bytes.NewReader([]byte(s[boundSize:]))
	g, err := wkb.NewDecoder(r).Decode()
	if err != nil {
		return b, nil, nil, fmt.Errorf("%w: geometry: %v", errCorrupt, err)
	}
	rest := s[len(s)-r.Len():]
	props := map[string]any{}
	if err := json.Unmarshal([]byte(rest), &props); err != nil {
		return b, nil, nil, fmt.Errorf("%w: properties: %v", errCorrupt, err)
	}
	if props == nil {
		props = map[string]any{}
	}
	return b, g, props, nil
}
