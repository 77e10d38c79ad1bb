package reader

import (
	"encoding/binary"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/paulmach/orb"

	"kzmap/geo"
)

// Shape types from the ESRI Shapefile Technical Description (1998).
const (
	shpNull        = 0
	shpPoint       = 1
	shpPolyLine    = 3
	shpPolygon     = 5
	shpMultiPoint  = 8
	shpPointZ      = 11
	shpPolyLineZ   = 13
	shpPolygonZ    = 15
	shpMultiPointZ = 18
	shpPointM      = 21
	shpPolyLineM   = 23
	shpPolygonM    = 25
	shpMultiPointM = 28

	shpFileCode   = 9994
	shpVersion    = 1000
	shpHeaderSize = 100
)

// baseShape maps the Z and M variants to their 2D type (we read only X and
// Y), and unknown types (MultiPatch included) to -1.
func baseShape(t int32) int32 {
	switch t {
	case shpNull, shpPoint, shpPolyLine, shpPolygon, shpMultiPoint:
		return t
	case shpPointZ, shpPointM:
		return shpPoint
	case shpPolyLineZ, shpPolyLineM:
		return shpPolyLine
	case shpPolygonZ, shpPolygonM:
		return shpPolygon
	case shpMultiPointZ, shpMultiPointM:
		return shpMultiPoint
	}
	return -1
}

// shpRecord locates one record in the .shp, for checking against the .shx.
type shpRecord struct {
	offset  int // of the record header, in bytes
	content int // content length, in bytes
}

// ReadShapefile reads an ESRI Shapefile: the .shp, the .dbf beside it (its
// attributes, required), the .shx (checked against the .shp when present)
// and the .cpg (the .dbf's encoding; without one, the .dbf's language driver
// id for CP1251/CP866/CP1252, else UTF-8).
//
// Polygons follow GDAL: clockwise rings are outer rings, counter-clockwise
// rings holes of the smallest outer ring containing them; a shape with one
// outer ring becomes a Polygon, with several a MultiPolygon, and rings are
// returned in RFC 7946 orientation. Deleted .dbf records are skipped.
func ReadShapefile(shpPath string) ([]*geo.Feature, error) {
	in := shapefile{shpName: filepath.Base(shpPath)}
	var err error
	if in.shp, err = os.ReadFile(shpPath); err != nil {
		return nil, fmt.Errorf("reader: %w", err)
	}
	if shxPath, ok := sibling(shpPath, ".shx"); ok {
		in.shxName = filepath.Base(shxPath)
		if in.shx, err = os.ReadFile(shxPath); err != nil {
			return nil, fmt.Errorf("reader: %w", err)
		}
	}
	dbfPath, ok := sibling(shpPath, ".dbf")
	if !ok {
		return nil, fmt.Errorf("reader: %s: no .dbf beside it: %w", in.shpName, fs.ErrNotExist)
	}
	in.dbfName = filepath.Base(dbfPath)
	if in.dbf, err = os.ReadFile(dbfPath); err != nil {
		return nil, fmt.Errorf("reader: %w", err)
	}
	if cpgPath, ok := sibling(shpPath, ".cpg"); ok {
		cpg, err := os.ReadFile(cpgPath)
		if err != nil {
			return nil, fmt.Errorf("reader: %w", err)
		}
		if in.dec, ok = cpgDecoder(cpg); !ok {
			return nil, fileErr(filepath.Base(cpgPath), "unknown encoding %q", strings.TrimSpace(string(cpg)))
		}
	}
	return in.decode()
}

// shapefile holds the bytes of one shapefile's parts. shx is nil when there
// is no .shx; dec is nil when there is no .cpg.
type shapefile struct {
	shpName, shxName, dbfName string
	shp, shx, dbf             []byte
	dec                       *textDecoder
}

func (in *shapefile) decode() ([]*geo.Feature, error) {
	geoms, recs, fileType, err := parseSHP(in.shpName, in.shp)
	if err != nil {
		return nil, err
	}
	if in.shx != nil {
		if err := checkSHX(in.shxName, in.shx, recs, fileType, in.shpName); err != nil {
			return nil, err
		}
	}
	dec := in.dec
	if dec == nil {
		dec = decUTF8
		if len(in.dbf) > 29 {
			dec = ldidDecoder(in.dbf[29])
		}
	}
	t, err := parseDBF(in.dbfName, in.dbf, dec)
	if err != nil {
		return nil, err
	}
	if len(t.records) != len(geoms) {
		return nil, fileErr(in.dbfName, "has %d records, %s has %d", len(t.records), in.shpName, len(geoms))
	}
	out := make([]*geo.Feature, 0, len(geoms))
	for i, g := range geoms {
		if t.deleted[i] {
			continue
		}
		props, err := t.props(in.dbfName, i, dec)
		if err != nil {
			return nil, err
		}
		out = append(out, geo.NewFeature("", g, props))
	}
	return out, nil
}

// sibling finds the file next to path with the given extension, in lower or
// upper case (shapefiles from Windows often come as KAZ.SHP, KAZ.DBF).
func sibling(path, ext string) (string, bool) {
	stem := strings.TrimSuffix(path, filepath.Ext(path))
	for _, e := range []string{ext, strings.ToUpper(ext)} {
		if st, err := os.Stat(stem + e); err == nil && st.Mode().IsRegular() {
			return stem + e, true
		}
	}
	return "", false
}

// parseHeader checks the 100-byte header shared by .shp and .shx and returns
// the shape type and the length the header declares.
func parseHeader(name string, data []byte) (shapeType int32, length int, err error) {
	if len(data) < shpHeaderSize {
		return 0, 0, fileErr(name, "truncated: %d bytes, a header needs %d", len(data), shpHeaderSize)
	}
	if code := int32(binary.BigEndian.Uint32(data[0:4])); code != shpFileCode {
		return 0, 0, fileErr(name, "file code %d, want %d: not a shapefile", code, shpFileCode)
	}
	if v := int32(binary.LittleEndian.Uint32(data[28:32])); v != shpVersion {
		return 0, 0, fileErr(name, "version %d, want %d", v, shpVersion)
	}
	shapeType = int32(binary.LittleEndian.Uint32(data[32:36]))
	if b := baseShape(shapeType); b < 0 {
		return 0, 0, fileErr(name, "unknown or unsupported shape type %d", shapeType)
	}
	words := int64(int32(binary.BigEndian.Uint32(data[24:28])))
	if words*2 < shpHeaderSize {
		return 0, 0, fileErr(name, "file length %d bytes is shorter than the header", words*2)
	}
	if words*2 > int64(len(data)) {
		return 0, 0, fileErr(name, "truncated: header says %d bytes, file has %d", words*2, len(data))
	}
	// Trailing bytes beyond the declared length are ignored, as GDAL does.
	return shapeType, int(words * 2), nil
}

// parseSHP reads every record of a .shp.
func parseSHP(name string, data []byte) ([]orb.Geometry, []shpRecord, int32, error) {
	fileType, end, err := parseHeader(name, data)
	if err != nil {
		return nil, nil, 0, err
	}
	// Each record takes at least 12 bytes, so this bounds the allocation by
	// the file size rather than by anything the file claims.
	geoms := make([]orb.Geometry, 0, (end-shpHeaderSize)/12)
	recs := make([]shpRecord, 0, (end-shpHeaderSize)/12)
	off := shpHeaderSize
	for n := 1; off < end; n++ {
		if end-off < 8 {
			return nil, nil, 0, recErr(name, n, "truncated record header (%d bytes left)", end-off)
		}
		clen := int64(int32(binary.BigEndian.Uint32(data[off+4:off+8]))) * 2
		if clen < 4 {
			return nil, nil, 0, recErr(name, n, "bad record length %d bytes", clen)
		}
		if clen > int64(end-off-8) {
			return nil, nil, 0, recErr(name, n, "content length %d bytes runs past the end of the file (%d bytes left)", clen, end-off-8)
		}
		content := data[off+8 : off+8+int(clen)]
		g, err := parseShape(content, fileType)
		if err != nil {
			return nil, nil, 0, recErr(name, n, "%v", err)
		}
		geoms = append(geoms, g)
		recs = append(recs, shpRecord{offset: off, content: int(clen)})
		off += 8 + int(clen)
	}
	return geoms, recs, fileType, nil
}

// checkSHX verifies the index agrees with what was read from the .shp: a
// disagreement means one of the two is truncated or was not written with
// the other.
func checkSHX(name string, data []byte, recs []shpRecord, fileType int32, shpName string) error {
	shxType, end, err := parseHeader(name, data)
	if err != nil {
		return err
	}
	if shxType != fileType {
		return fileErr(name, "shape type %d, %s has %d", shxType, shpName, fileType)
	}
	if (end-shpHeaderSize)%8 != 0 {
		return fileErr(name, "bad length %d bytes: not a header plus 8-byte entries", end)
	}
	if n := (end - shpHeaderSize) / 8; n != len(recs) {
		return fileErr(name, "has %d records, %s has %d", n, shpName, len(recs))
	}
	for i, r := range recs {
		e := data[shpHeaderSize+8*i:]
		off := int64(binary.BigEndian.Uint32(e[0:4])) * 2
		clen := int64(binary.BigEndian.Uint32(e[4:8])) * 2
		if off != int64(r.offset) || clen != int64(r.content) {
			return recErr(name, i+1, "offset %d, length %d, but %s has the record at %d with length %d",
				off, clen, shpName, r.offset, r.content)
		}
	}
	return nil
}

// parseShape decodes one record's content (shape type onwards).
func parseShape(c []byte, fileType int32) (orb.Geometry, error) {
	st := int32(binary.LittleEndian.Uint32(c[0:4]))
	if st == shpNull {
		return nil, nil
	}
	if st != fileType {
		return nil, fmt.Errorf("shape type %d in a file of shape type %d", st, fileType)
	}
	switch baseShape(st) {
	case shpPoint:
		if len(c) < 20 {
			return nil, fmt.Errorf("bad record length %d bytes, a point needs 20", len(c))
		}
		return readPoint(c[4:])
	case shpMultiPoint:
		if len(c) < 40 {
			return nil, fmt.Errorf("bad record length %d bytes, a multipoint needs at least 40", len(c))
		}
		n := int64(int32(binary.LittleEndian.Uint32(c[36:40])))
		if n < 0 || 40+16*n > int64(len(c)) {
			return nil, fmt.Errorf("bad record length %d bytes for %d points", len(c), n)
		}
		if n == 0 {
			return nil, nil
		}
		mp := make(orb.MultiPoint, n)
		for i := range mp {
			p, err := readPoint(c[40+16*i:])
			if err != nil {
				return nil, err
			}
			mp[i] = p
		}
		return mp, nil
	case shpPolyLine, shpPolygon:
		return parseParts(c, baseShape(st) == shpPolygon)
	}
	// parseHeader rejected unknown types, and st equals the file's type.
	return nil, fmt.Errorf("unknown shape type %d", st)
}

func readPoint(b []byte) (orb.Point, error) {
	p := orb.Point{
		math.Float64frombits(binary.LittleEndian.Uint64(b[0:8])),
		math.Float64frombits(binary.LittleEndian.Uint64(b[8:16])),
	}
	return p, geo.CheckLonLat(p)
}

// parseParts decodes a PolyLine or Polygon: box, part count, point count,
// part starts, points (then Z and M arrays, which are ignored).
func parseParts(c []byte, isPolygon bool) (orb.Geometry, error) {
	if len(c) < 44 {
		return nil, fmt.Errorf("bad record length %d bytes, a poly shape needs at least 44", len(c))
	}
	np := int64(int32(binary.LittleEndian.Uint32(c[36:40])))
	npts := int64(int32(binary.LittleEndian.Uint32(c[40:44])))
	if np < 0 || npts < 0 {
		return nil, fmt.Errorf("negative part count %d or point count %d", np, npts)
	}
	if 44+4*np+16*npts > int64(len(c)) {
		return nil, fmt.Errorf("bad record length %d bytes for %d parts and %d points", len(c), np, npts)
	}
	if np == 0 {
		if npts != 0 {
			return nil, fmt.Errorf("%d points in no parts", npts)
		}
		return nil, nil
	}
	starts := make([]int, np+1)
	for i := range np {
		starts[i] = int(int32(binary.LittleEndian.Uint32(c[44+4*i:])))
	}
	starts[np] = int(npts)
	if starts[0] != 0 {
		return nil, fmt.Errorf("first part starts at point %d, want 0", starts[0])
	}
	for i := range np {
		if starts[i+1] <= starts[i] {
			return nil, fmt.Errorf("part %d is empty or starts out of order", i+1)
		}
	}
	pts := make([]orb.Point, npts)
	base := 44 + 4*np
	for i := range pts {
		p, err := readPoint(c[base+16*int64(i):])
		if err != nil {
			return nil, fmt.Errorf("point %d: %w", i+1, err)
		}
		pts[i] = p
	}
	if !isPolygon {
		mls := make(orb.MultiLineString, np)
		for i := range mls {
			ls := orb.LineString(pts[starts[i]:starts[i+1]:starts[i+1]])
			if len(ls) < 2 {
				return nil, fmt.Errorf("part %d has %d point, want at least 2", i+1, len(ls))
			}
			mls[i] = ls
		}
		if len(mls) == 1 {
			return mls[0], nil
		}
		return mls, nil
	}
	rings := make([]orb.Ring, np)
	for i := range rings {
		r := orb.Ring(pts[starts[i]:starts[i+1]:starts[i+1]])
		if len(r) < 4 {
			return nil, fmt.Errorf("part %d: ring has %d points, want at least 4", i+1, len(r))
		}
		if r[0] != r[len(r)-1] {
			return nil, fmt.Errorf("part %d: ring not closed", i+1)
		}
		rings[i] = r
	}
	return organizeRings(rings), nil
}
