package reader

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
)

// This file writes small shapefiles byte by byte, following the ESRI
// technical description, so that tests and fuzz seeds need no fixtures.

// testShape is one record: typ 0 is a null shape; points are given as parts
// (one part of one point for a Point).
type testShape struct {
	typ   int32
	parts [][]orb.Point
}

func be32(b []byte, v int32) []byte { return binary.BigEndian.AppendUint32(b, uint32(v)) }
func le32(b []byte, v int32) []byte { return binary.LittleEndian.AppendUint32(b, uint32(v)) }
func le64f(b []byte, v float64) []byte {
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
}

func shpHeader(fileType int32, length int, box orb.Bound) []byte {
	h := be32(nil, shpFileCode)
	h = append(h, make([]byte, 20)...)
	h = be32(h, int32(length/2))
	h = le32(h, shpVersion)
	h = le32(h, fileType)
	for _, v := range []float64{box.Min[0], box.Min[1], box.Max[0], box.Max[1], 0, 0, 0, 0} {
		h = le64f(h, v)
	}
	return h
}

func shapeContent(s testShape) []byte {
	c := le32(nil, s.typ)
	if s.typ == shpNull {
		return c
	}
	var all []orb.Point
	for _, p := range s.parts {
		all = append(all, p...)
	}
	box := orb.MultiPoint(all).Bound()
	withZ := s.typ == shpPointZ || s.typ == shpPolyLineZ || s.typ == shpPolygonZ || s.typ == shpMultiPointZ
	withM := withZ || s.typ == shpPointM || s.typ == shpPolyLineM || s.typ == shpPolygonM || s.typ == shpMultiPointM
	switch baseShape(s.typ) {
	case shpPoint:
		c = le64f(le64f(c, all[0][0]), all[0][1])
		if withZ {
			c = le64f(c, 100)
		}
		if withM {
			c = le64f(c, 0)
		}
		return c
	case shpMultiPoint:
		c = le64f(le64f(le64f(le64f(c, box.Min[0]), box.Min[1]), box.Max[0]), box.Max[1])
		c = le32(c, int32(len(all)))
	default:
		c = le64f(le64f(le64f(le64f(c, box.Min[0]), box.Min[1]), box.Max[0]), box.Max[1])
		c = le32(le32(c, int32(len(s.parts))), int32(len(all)))
		start := 0
		for _, p := range s.parts {
			c = le32(c, int32(start))
			start += len(p)
		}
	}
	for _, p := range all {
		c = le64f(le64f(c, p[0]), p[1])
	}
	// Z and M ranges and arrays, which the reader skips.
	if withZ {
		c = le64f(le64f(c, 0), 0)
		for range all {
			c = le64f(c, 100)
		}
	}
	if withM {
		c = le64f(le64f(c, 0), 0)
		for range all {
			c = le64f(c, 0)
		}
	}
	return c
}

// buildSHP returns the .shp and .shx of the shapes.
func buildSHP(fileType int32, shapes []testShape) (shp, shx []byte) {
	var body, index []byte
	off := shpHeaderSize
	box := orb.Bound{}
	for i, s := range shapes {
		for _, p := range s.parts {
			for _, pt := range p {
				box = box.Extend(pt)
			}
		}
		c := shapeContent(s)
		body = be32(be32(body, int32(i+1)), int32(len(c)/2))
		body = append(body, c...)
		index = be32(be32(index, int32(off/2)), int32(len(c)/2))
		off += 8 + len(c)
	}
	shp = append(shpHeader(fileType, shpHeaderSize+len(body), box), body...)
	shx = append(shpHeader(fileType, shpHeaderSize+len(index), box), index...)
	return shp, shx
}

type testField struct {
	name     string
	typ      byte
	length   int
	decimals int
}

// buildDBF returns a dBase III table; a record whose first value starts with
// "*DEL*" is written with the deletion flag (and that prefix removed).
func buildDBF(ldid byte, fields []testField, records [][]string) []byte {
	rlen := 1
	for _, f := range fields {
		rlen += f.length
	}
	hlen := 32 + 32*len(fields) + 1
	h := make([]byte, 32)
	h[0] = 0x03
	h[1], h[2], h[3] = 122, 1, 5
	binary.LittleEndian.PutUint32(h[4:], uint32(len(records)))
	binary.LittleEndian.PutUint16(h[8:], uint16(hlen))
	binary.LittleEndian.PutUint16(h[10:], uint16(rlen))
	h[29] = ldid
	for _, f := range fields {
		d := make([]byte, 32)
		copy(d, f.name)
		d[11] = f.typ
		d[16] = byte(f.length)
		d[17] = byte(f.decimals)
		h = append(h, d...)
	}
	h = append(h, 0x0D)
	for _, r := range records {
		flag := byte(' ')
		if len(r) > 0 && len(r[0]) >= 5 && r[0][:5] == "*DEL*" {
			flag = '*'
			r = append([]string{r[0][5:]}, r[1:]...)
		}
		h = append(h, flag)
		for i, f := range fields {
			v := []byte(r[i])
			cell := make([]byte, f.length)
			for j := range cell {
				cell[j] = ' '
			}
			if f.typ == 'N' || f.typ == 'F' {
				copy(cell[max(0, f.length-len(v)):], v) // numbers are right-aligned
			} else {
				copy(cell, v)
			}
			h = append(h, cell...)
		}
	}
	return append(h, 0x1A)
}

// writeShapefile writes the parts into dir as name.shp etc.; nil parts are
// left out. It returns the .shp path.
func writeShapefile(t testing.TB, dir, name string, shp, shx, dbf, cpg []byte) string {
	t.Helper()
	for ext, b := range map[string][]byte{".shp": shp, ".shx": shx, ".dbf": dbf, ".cpg": cpg} {
		if b == nil {
			continue
		}
		if err := os.WriteFile(filepath.Join(dir, name+ext), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dir, name+".shp")
}

// Rings in ESRI orientation: outer clockwise, holes counter-clockwise.
var (
	squareCW     = []orb.Point{{0, 0}, {0, 10}, {10, 10}, {10, 0}, {0, 0}}
	holeCCW      = []orb.Point{{2, 2}, {4, 2}, {4, 4}, {2, 4}, {2, 2}}
	islandCW     = []orb.Point{{20, 0}, {20, 5}, {25, 5}, {25, 0}, {20, 0}}
	hole2CCW     = []orb.Point{{21, 1}, {22, 1}, {22, 2}, {21, 2}, {21, 1}}
	insideCW     = []orb.Point{{2.5, 2.5}, {2.5, 3.5}, {3.5, 3.5}, {3.5, 2.5}, {2.5, 2.5}}
	sampleFields = []testField{
		{"NAME", 'C', 20, 0},
		{"POP", 'N', 9, 0},
		{"AREA", 'N', 12, 3},
		{"CAPITAL", 'L', 1, 0},
		{"FOUNDED", 'D', 8, 0},
	}
)

// sampleShapefile is the small valid polygon layer the broken-file tests
// corrupt and the fuzz seeds start from: a square with a hole, an island
// pair (one with a hole of its own), and a null shape.
func sampleShapefile() (shp, shx, dbf []byte) {
	shp, shx = buildSHP(shpPolygon, []testShape{
		{shpPolygon, [][]orb.Point{squareCW, holeCCW}},
		{shpPolygon, [][]orb.Point{islandCW, squareCW, hole2CCW}},
		{shpNull, nil},
	})
	dbf = buildDBF(0, sampleFields, [][]string{
		{"Almaty", "2000900", "682.5", "T", "18540204"},
		{"Two isles", "12", "125.0", "F", ""},
		{"Nothing", "", "", "?", "00000000"},
	})
	return shp, shx, dbf
}
