package tiles

import (
	"encoding/binary"
	"math"
	"slices"
	"sync"

	"github.com/paulmach/orb"

	"kzmap/geo"
	"kzmap/geo/tiles/internal/world"
)

// The MVT encoder writes the protobuf directly from the tile's geometry
// and each feature's properties encoded once (a feature's properties are
// the same in every tile). orb's mvt.Marshal builds the message as Go
// structs first, sorts and hashes every property of every feature as an
// interface value in every tile and allocates per value: that was about an
// eighth of the cold tile time. The bytes are the same as mvt.Marshal's for
// the same layers (see TestEncodeMatchesOrb): fields in ascending order,
// keys and values numbered in order of first use, a feature's tags in key
// order.

// propTag is one property: its key and its value as an encoded
// vector_tile.Tile.Value message.
type propTag struct {
	key, val string
}

var encodedProperties world.Cache[[]propTag]

// tags returns f's properties (see Properties) encoded, in key order.
func tags(f *geo.Feature) []propTag {
	return encodedProperties.Get(f, tags1)
}

func tags1(f *geo.Feature) []propTag {
	p := Properties(f)
	out := make([]propTag, 0, len(p))
	for k, v := range p {
		out = append(out, propTag{k, string(encodeValue(nil, v))})
	}
	slices.SortFunc(out, func(a, b propTag) int {
		switch {
		case a.key < b.key:
			return -1
		case a.key > b.key:
			return 1
		}
		return 0
	})
	return out
}

// encodeValue appends v (as value gives it) as a Tile.Value message body.
func encodeValue(b []byte, v any) []byte {
	switch v := v.(type) {
	case string:
		b = append(b, 1<<3|2)
		b = binary.AppendUvarint(b, uint64(len(v)))
		return append(b, v...)
	case float64:
		b = append(b, 3<<3|1)
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
	case int64:
		b = append(b, key(6, wireVarint))
		return binary.AppendUvarint(b, uint64(v<<1)^uint64(v>>63))
	case uint64:
		b = append(b, key(5, wireVarint))
		return binary.AppendUvarint(b, v)
	case bool:
		b = append(b, key(7, wireVarint))
		if v {
			return append(b, 1)
		}
		return append(b, 0)
	}
	// value gives nothing else; keep the tile decodable whatever happens.
	b = append(b, 1<<3|2)
	return append(b, 0)
}

// tileLayer is one layer of a tile before encoding.
type tileLayer struct {
	name  string
	feats []tileFeature
}

type tileFeature struct {
	f *geo.Feature
	g orb.Geometry
}

// encoder holds scratch space reused from tile to tile.
type encoder struct {
	out, layer, feat []byte
	geom, tags       []uint32
	keys             map[string]uint32
	keyList          []string
	vals             map[string]uint32
	valList          []string
}

var encoders = sync.Pool{New: func() any {
	return &encoder{keys: map[string]uint32{}, vals: map[string]uint32{}}
}}

// encode returns the tile's protobuf bytes.
func (e *encoder) encode(ls []tileLayer) []byte {
	e.out = e.out[:0]
	for _, l := range ls {
		e.encodeLayer(l)
		e.out = append(e.out, 3<<3|2)
		e.out = binary.AppendUvarint(e.out, uint64(len(e.layer)))
		e.out = append(e.out, e.layer...)
	}
	return slices.Clone(e.out)
}

func (e *encoder) encodeLayer(l tileLayer) {
	clear(e.keys)
	clear(e.vals)
	e.keyList, e.valList = e.keyList[:0], e.valList[:0]
	b := e.layer[:0]
	b = appendString(b, 1, l.name)
	for _, tf := range l.feats {
		typ, ok := e.encodeGeometry(tf.g)
		if !ok {
			continue
		}
		e.tags = e.tags[:0]
		for j, t := range tags(tf.f) {
			// Features of a layer mostly have the same keys, in the
			// same (sorted) order: try the j-th key before the map.
			ki := uint32(j)
			if j >= len(e.keyList) || e.keyList[j] != t.key {
				ki = e.key(t.key)
			}
			e.tags = append(e.tags, ki, e.value(t.val))
		}
		fb := e.feat[:0]
		fb = append(fb, key(1, wireVarint))
		fb = binary.AppendUvarint(fb, FeatureID(tf.f.ID))
		fb = appendPacked(fb, 2, e.tags)
		fb = append(fb, key(3, wireVarint), byte(typ))
		fb = appendPacked(fb, 4, e.geom)
		e.feat = fb
		b = append(b, 2<<3|2)
		b = binary.AppendUvarint(b, uint64(len(fb)))
		b = append(b, fb...)
	}
	for _, k := range e.keyList {
		b = appendString(b, 3, k)
	}
	for _, v := range e.valList {
		b = appendString(b, 4, v)
	}
	b = append(b, key(5, wireVarint))
	b = binary.AppendUvarint(b, Extent)
	b = append(b, key(15, wireVarint), 2) // version 2 (field 15 fits one byte: 0x78)
	e.layer = b
}

func (e *encoder) key(k string) uint32 {
	if i, ok := e.keys[k]; ok {
		return i
	}
	i := uint32(len(e.keyList))
	e.keys[k] = i
	e.keyList = append(e.keyList, k)
	return i
}

func (e *encoder) value(v string) uint32 {
	if i, ok := e.vals[v]; ok {
		return i
	}
	i := uint32(len(e.valList))
	e.vals[v] = i
	e.valList = append(e.valList, v)
	return i
}

func appendString(b []byte, field int, s string) []byte {
	b = append(b, byte(field<<3|2))
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// appendPacked appends a packed repeated uint32 field, nothing when empty
// (as gogo/protobuf does).
func appendPacked(b []byte, field int, vs []uint32) []byte {
	if len(vs) == 0 {
		return b
	}
	n := 0
	for _, v := range vs {
		n += varintLen(v)
	}
	b = append(b, byte(field<<3|2))
	b = binary.AppendUvarint(b, uint64(n))
	for _, v := range vs {
		for v >= 0x80 {
			b = append(b, byte(v)|0x80)
			v >>= 7
		}
		b = append(b, byte(v))
	}
	return b
}

func varintLen(v uint32) int {
	switch {
	case v < 1<<7:
		return 1
	case v < 1<<14:
		return 2
	case v < 1<<21:
		return 3
	case v < 1<<28:
		return 4
	}
	return 5
}

// MVT geometry types and commands.
const (
	typePoint   = 1
	typeLine    = 2
	typePolygon = 3

	cmdMoveTo    = 1
	cmdLineTo    = 2
	cmdClosePath = 7
)

// encodeGeometry puts g's commands into e.geom, as orb/encoding/mvt does
// (a closed ring's last point is left to ClosePath).
func (e *encoder) encodeGeometry(g orb.Geometry) (typ int, ok bool) {
	e.geom = e.geom[:0]
	var x, y int32
	points := func(ps []orb.Point) {
		for _, p := range ps {
			px, py := int32(p[0]), int32(p[1])
			dx, dy := px-x, py-y
			x, y = px, py
			e.geom = append(e.geom, uint32((dx<<1)^(dx>>31)), uint32((dy<<1)^(dy>>31)))
		}
	}
	cmd := func(c, n int) {
		e.geom = append(e.geom, uint32(n)<<3|uint32(c))
	}
	line := func(ls []orb.Point) {
		cmd(cmdMoveTo, 1)
		points(ls[:1])
		cmd(cmdLineTo, len(ls)-1)
		points(ls[1:])
	}
	ring := func(r orb.Ring) {
		cmd(cmdMoveTo, 1)
		points(r[:1])
		rest := r[1:]
		if r.Closed() {
			rest = r[1 : len(r)-1]
		}
		cmd(cmdLineTo, len(rest))
		points(rest)
		cmd(cmdClosePath, 1)
	}
	switch g := g.(type) {
	case orb.Point:
		cmd(cmdMoveTo, 1)
		points([]orb.Point{g})
		return typePoint, true
	case orb.MultiPoint:
		cmd(cmdMoveTo, len(g))
		points(g)
		return typePoint, true
	case orb.LineString:
		line(g)
		return typeLine, true
	case orb.MultiLineString:
		for _, ls := range g {
			line(ls)
		}
		return typeLine, true
	case orb.Polygon:
		for _, r := range g {
			ring(r)
		}
		return typePolygon, true
	case orb.MultiPolygon:
		for _, p := range g {
			for _, r := range p {
				ring(r)
			}
		}
		return typePolygon, true
	}
	return 0, false
}

// wireVarint is protobuf's wire type of varints.
const wireVarint = 0

// key is a protobuf field key: the field number and its wire type.
func key(field, wire byte) byte { return field<<3 | wire }
