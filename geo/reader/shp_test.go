package reader

import (
	"encoding/binary"
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"golang.org/x/text/encoding/charmap"

	"kzmap/geo/internal/benchdata"
	"kzmap/geo/internal/geokz"
)

// reversed returns a reversed copy of pts as a ring.
func reversed(pts []orb.Point) orb.Ring {
	r := make(orb.Ring, len(pts))
	for i, p := range pts {
		r[len(pts)-1-i] = p
	}
	return r
}

func TestReadShapefileGeometry(t *testing.T) {
	smallCW := []orb.Point{{1, 1}, {1, 5}, {5, 5}, {5, 1}, {1, 1}}
	touchingHoleCCW := []orb.Point{{0, 2}, {4, 2}, {4, 4}, {0, 4}, {0, 2}}
	tri := []orb.Point{{0, 0}, {1, 1}, {2, 0}}
	cases := []struct {
		name     string
		fileType int32
		shapes   []testShape
		want     []orb.Geometry
	}{
		{
			name:     "polygon with hole",
			fileType: shpPolygon,
			shapes:   []testShape{{shpPolygon, [][]orb.Point{squareCW, holeCCW}}},
			want:     []orb.Geometry{orb.Polygon{reversed(squareCW), reversed(holeCCW)}},
		},
		{
			name:     "two outers, hole listed after both",
			fileType: shpPolygon,
			shapes:   []testShape{{shpPolygon, [][]orb.Point{islandCW, squareCW, hole2CCW}}},
			want: []orb.Geometry{orb.MultiPolygon{
				{reversed(islandCW), reversed(hole2CCW)},
				{reversed(squareCW)},
			}},
		},
		{
			name:     "island inside a hole",
			fileType: shpPolygon,
			shapes:   []testShape{{shpPolygon, [][]orb.Point{squareCW, holeCCW, insideCW}}},
			want: []orb.Geometry{orb.MultiPolygon{
				{reversed(squareCW), reversed(holeCCW)},
				{reversed(insideCW)},
			}},
		},
		{
			name:     "hole goes to the smallest containing outer",
			fileType: shpPolygon,
			shapes:   []testShape{{shpPolygon, [][]orb.Point{squareCW, smallCW, holeCCW}}},
			want: []orb.Geometry{orb.MultiPolygon{
				{reversed(squareCW)},
				{reversed(smallCW), reversed(holeCCW)},
			}},
		},
		{
			name:     "hole touching its outer ring",
			fileType: shpPolygon,
			shapes:   []testShape{{shpPolygon, [][]orb.Point{squareCW, touchingHoleCCW}}},
			want:     []orb.Geometry{orb.Polygon{reversed(squareCW), reversed(touchingHoleCCW)}},
		},
		{
			name:     "orphan hole becomes an outer ring in place",
			fileType: shpPolygon,
			shapes:   []testShape{{shpPolygon, [][]orb.Point{holeCCW, islandCW}}},
			want: []orb.Geometry{orb.MultiPolygon{
				{orb.Ring(holeCCW)},
				{reversed(islandCW)},
			}},
		},
		{
			name:     "single counter-clockwise ring kept as outer",
			fileType: shpPolygon,
			shapes:   []testShape{{shpPolygon, [][]orb.Point{holeCCW}}},
			want:     []orb.Geometry{orb.Polygon{orb.Ring(holeCCW)}},
		},
		{
			name:     "all rings counter-clockwise",
			fileType: shpPolygon,
			shapes:   []testShape{{shpPolygon, [][]orb.Point{reversed(squareCW), reversed(islandCW)}}},
			want:     []orb.Geometry{orb.MultiPolygon{{reversed(squareCW)}, {reversed(islandCW)}}},
		},
		{
			name:     "polygon Z and null",
			fileType: shpPolygonZ,
			shapes:   []testShape{{shpPolygonZ, [][]orb.Point{squareCW, holeCCW}}, {shpNull, nil}},
			want:     []orb.Geometry{orb.Polygon{reversed(squareCW), reversed(holeCCW)}, nil},
		},
		{
			name:     "polygon M",
			fileType: shpPolygonM,
			shapes:   []testShape{{shpPolygonM, [][]orb.Point{islandCW}}},
			want:     []orb.Geometry{orb.Polygon{reversed(islandCW)}},
		},
		{
			name:     "polylines",
			fileType: shpPolyLine,
			shapes:   []testShape{{shpPolyLine, [][]orb.Point{tri}}, {shpPolyLine, [][]orb.Point{tri, tri[:2]}}},
			want: []orb.Geometry{
				orb.LineString(tri),
				orb.MultiLineString{orb.LineString(tri), orb.LineString(tri[:2])},
			},
		},
		{
			name:     "polyline M",
			fileType: shpPolyLineM,
			shapes:   []testShape{{shpPolyLineM, [][]orb.Point{tri}}},
			want:     []orb.Geometry{orb.LineString(tri)},
		},
		{
			name:     "points",
			fileType: shpPoint,
			shapes:   []testShape{{shpPoint, [][]orb.Point{{{71.43, 51.13}}}}, {shpNull, nil}, {shpPoint, [][]orb.Point{{{-180, -90}}}}},
			want:     []orb.Geometry{orb.Point{71.43, 51.13}, nil, orb.Point{-180, -90}},
		},
		{
			name:     "point Z and point M",
			fileType: shpPointZ,
			shapes:   []testShape{{shpPointZ, [][]orb.Point{{{76.9, 43.2}}}}},
			want:     []orb.Geometry{orb.Point{76.9, 43.2}},
		},
		{
			name:     "multipoints",
			fileType: shpMultiPoint,
			shapes:   []testShape{{shpMultiPoint, [][]orb.Point{tri}}, {shpMultiPoint, [][]orb.Point{tri[:1]}}},
			want:     []orb.Geometry{orb.MultiPoint(tri), orb.MultiPoint(tri[:1])},
		},
		{
			name:     "multipoint Z",
			fileType: shpMultiPointZ,
			shapes:   []testShape{{shpMultiPointZ, [][]orb.Point{tri}}},
			want:     []orb.Geometry{orb.MultiPoint(tri)},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			shp, shx := buildSHP(tc.fileType, tc.shapes)
			recs := make([][]string, len(tc.shapes))
			for i := range recs {
				recs[i] = []string{"x"}
			}
			dbf := buildDBF(0, []testField{{"NAME", 'C', 4, 0}}, recs)
			path := writeShapefile(t, t.TempDir(), "t", shp, shx, dbf, nil)
			got, err := ReadShapefile(path)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %d features, want %d", len(got), len(tc.want))
			}
			for i, w := range tc.want {
				if w == nil {
					if got[i].Geometry != nil {
						t.Errorf("feature %d: geometry %v, want nil", i+1, got[i].Geometry)
					}
					continue
				}
				if got[i].Geometry == nil || !orb.Equal(got[i].Geometry, w) {
					t.Errorf("feature %d:\n got %#v\nwant %#v", i+1, got[i].Geometry, w)
				}
			}
		})
	}
}

func TestReadShapefileProperties(t *testing.T) {
	shp, shx, dbf := sampleShapefile()
	got, err := ReadShapefile(writeShapefile(t, t.TempDir(), "t", shp, shx, dbf, []byte("UTF-8")))
	if err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{
		{"NAME": "Almaty", "POP": int64(2000900), "AREA": 682.5, "CAPITAL": true, "FOUNDED": "1854-02-04"},
		{"NAME": "Two isles", "POP": int64(12), "AREA": 125.0, "CAPITAL": false, "FOUNDED": nil},
		{"NAME": "Nothing", "POP": nil, "AREA": nil, "CAPITAL": nil, "FOUNDED": nil},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d features, want %d", len(got), len(want))
	}
	for i, w := range want {
		if got[i].ID != "" {
			t.Errorf("feature %d: ID %q, want \"\"", i+1, got[i].ID)
		}
		if !reflect.DeepEqual(got[i].Properties, w) {
			t.Errorf("feature %d: properties\n got %#v\nwant %#v", i+1, got[i].Properties, w)
		}
	}
	if got[2].Geometry != nil {
		t.Errorf("feature 3: null shape read as %v", got[2].Geometry)
	}
}

func TestReadShapefileDeletedRecord(t *testing.T) {
	shp, shx, _ := sampleShapefile()
	dbf := buildDBF(0, sampleFields, [][]string{
		{"Almaty", "1", "1", "T", ""},
		{"*DEL*Gone", "2", "2", "F", ""},
		{"Kept", "3", "3", "F", ""},
	})
	got, err := ReadShapefile(writeShapefile(t, t.TempDir(), "t", shp, shx, dbf, nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].String("NAME") != "Almaty" || got[1].String("NAME") != "Kept" {
		t.Fatalf("want Almaty and Kept, got %d features", len(got))
	}
	if got[1].Geometry != nil {
		t.Errorf("Kept should carry record 3's null shape, got %v", got[1].Geometry)
	}
}

func TestReadShapefileEncoding(t *testing.T) {
	cp1251, err := charmap.Windows1251.NewEncoder().String("Алматы")
	if err != nil {
		t.Fatal(err)
	}
	latin1, err := charmap.ISO8859_1.NewEncoder().String("Zürich")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		cpg  []byte // nil: no .cpg
		ldid byte
		raw  string
		want string
	}{
		{"utf-8 cpg", []byte("UTF-8"), 0, "Қазақстан", "Қазақстан"},
		{"no cpg defaults to utf-8", nil, 0, "Қазақстан", "Қазақстан"},
		{"cp1251 cpg", []byte("CP1251"), 0, cp1251, "Алматы"},
		{"windows-1251 cpg with newline", []byte("windows-1251\r\n"), 0, cp1251, "Алматы"},
		{"ansi 1251 cpg", []byte("ANSI 1251"), 0, cp1251, "Алматы"},
		{"bare code page number", []byte("1251"), 0, cp1251, "Алматы"},
		{"cp1251 from language driver id", nil, 0xC9, cp1251, "Алматы"},
		{"cpg wins over language driver id", []byte("UTF-8"), 0xC9, "Алматы", "Алматы"},
		{"latin1 cpg", []byte("LATIN1"), 0, latin1, "Zürich"},
		{"iso-8859-1 cpg", []byte("ISO-8859-1"), 0, latin1, "Zürich"},
		{"utf-8 cut inside a character", []byte("UTF-8"), 0, "Аb"[:1], "\uFFFD"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			shp, shx := buildSHP(shpPoint, []testShape{{shpPoint, [][]orb.Point{{{1, 2}}}}})
			dbf := buildDBF(tc.ldid, []testField{{"NAME", 'C', 30, 0}}, [][]string{{tc.raw}})
			got, err := ReadShapefile(writeShapefile(t, t.TempDir(), "t", shp, shx, dbf, tc.cpg))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got[0].String("NAME") != tc.want {
				t.Fatalf("NAME = %q, want %q", got[0].String("NAME"), tc.want)
			}
		})
	}
}

// recordOffset returns where record n (1-based) of a well-formed .shp starts.
func recordOffset(shp []byte, n int) int {
	off := shpHeaderSize
	for i := 1; i < n; i++ {
		off += 8 + 2*int(binary.BigEndian.Uint32(shp[off+4:]))
	}
	return off
}

func putBE(b []byte, off int, v int32) { binary.BigEndian.PutUint32(b[off:], uint32(v)) }
func putLE(b []byte, off int, v int32) { binary.LittleEndian.PutUint32(b[off:], uint32(v)) }
func putF64(b []byte, off int, v float64) {
	binary.LittleEndian.PutUint64(b[off:], math.Float64bits(v))
}

// setLength rewrites a .shp/.shx header's file length to the slice's length.
func setLength(b []byte) []byte {
	putBE(b, 24, int32(len(b)/2))
	return b
}

func TestReadShapefileBroken(t *testing.T) {
	// Offsets into the sample's record 1 content: a polygon of 2 parts and
	// 10 points, content starting 8 bytes after the record header.
	c1 := recordOffset(func() []byte { s, _, _ := sampleShapefile(); return s }(), 1) + 8
	const numParts, numPoints, partStarts = 36, 40, 44
	points := partStarts + 2*4
	type files struct{ shp, shx, dbf, cpg []byte }
	cases := []struct {
		name   string
		mutate func(f *files)
		want   []string // substrings of the error
	}{
		{"empty shp", func(f *files) { f.shp = []byte{} },
			[]string{"t.shp: truncated: 0 bytes"}},
		{"truncated shp", func(f *files) { f.shp = f.shp[:len(f.shp)-30] },
			[]string{"t.shp: truncated: header says"}},
		{"truncated shp, header length fixed", func(f *files) { f.shp = setLength(f.shp[:len(f.shp)-30]) },
			[]string{"t.shp: record 2: content length", "runs past the end of the file"}},
		{"cut inside a record header", func(f *files) {
			f.shp = setLength(f.shp[:recordOffset(f.shp, 3)+4])
		}, []string{"t.shp: record 3: truncated record header"}},
		{"wrong file code", func(f *files) { putBE(f.shp, 0, 9995) },
			[]string{"t.shp: file code 9995, want 9994"}},
		{"wrong version", func(f *files) { putLE(f.shp, 28, 999) },
			[]string{"t.shp: version 999"}},
		{"unknown shape type", func(f *files) { putLE(f.shp, 32, 2) },
			[]string{"t.shp: unknown or unsupported shape type 2"}},
		{"multipatch", func(f *files) { putLE(f.shp, 32, 31) },
			[]string{"t.shp: unknown or unsupported shape type 31"}},
		{"record of another shape type", func(f *files) { putLE(f.shp, recordOffset(f.shp, 2)+8, shpPoint) },
			[]string{"t.shp: record 2: shape type 1 in a file of shape type 5"}},
		{"bad record length", func(f *files) { putBE(f.shp, recordOffset(f.shp, 2)+4, 1) },
			[]string{"t.shp: record 2: bad record length 2 bytes"}},
		{"negative record length", func(f *files) { putBE(f.shp, recordOffset(f.shp, 2)+4, -8) },
			[]string{"t.shp: record 2: bad record length -16 bytes"}},
		{"content length beyond file", func(f *files) { putBE(f.shp, recordOffset(f.shp, 2)+4, 100000) },
			[]string{"t.shp: record 2: content length 200000 bytes runs past the end"}},
		{"point count beyond record", func(f *files) { putLE(f.shp, c1+numPoints, 1000) },
			[]string{"t.shp: record 1: bad record length 212 bytes for 2 parts and 1000 points"}},
		{"huge point count", func(f *files) { putLE(f.shp, c1+numPoints, math.MaxInt32) },
			[]string{"t.shp: record 1: bad record length"}},
		{"negative part count", func(f *files) { putLE(f.shp, c1+numParts, -1) },
			[]string{"t.shp: record 1: negative part count -1"}},
		{"empty part", func(f *files) { putLE(f.shp, c1+partStarts+4, 0) },
			[]string{"t.shp: record 1: part 1 is empty or starts out of order"}},
		{"first part not at zero", func(f *files) { putLE(f.shp, c1+partStarts, 2) },
			[]string{"t.shp: record 1: first part starts at point 2"}},
		{"ring not closed", func(f *files) { putF64(f.shp, c1+points+4*16, 0.5) },
			[]string{"t.shp: record 1: part 1: ring not closed"}},
		{"ring of 3 points", func(f *files) {
			f.shp, f.shx = buildSHP(shpPolygon, []testShape{
				{shpPolygon, [][]orb.Point{squareCW}},
				{shpPolygon, [][]orb.Point{squareCW, {{1, 1}, {2, 2}, {1, 1}}}},
				{shpNull, nil},
			})
		}, []string{"t.shp: record 2: part 2: ring has 3 points, want at least 4"}},
		{"polyline part of one point", func(f *files) {
			f.shp, f.shx = buildSHP(shpPolyLine, []testShape{
				{shpPolyLine, [][]orb.Point{{{1, 1}, {2, 2}}}}, {shpNull, nil},
				{shpPolyLine, [][]orb.Point{{{1, 1}, {2, 2}}, {{3, 3}}}},
			})
		}, []string{"t.shp: record 3: part 2 has 1 point, want at least 2"}},
		{"NaN coordinate", func(f *files) { putF64(f.shp, c1+points+2*16, math.NaN()) },
			[]string{"t.shp: record 1: point 3: longitude NaN is not a finite number"}},
		{"infinite coordinate", func(f *files) { putF64(f.shp, c1+points+16+8, math.Inf(1)) },
			[]string{"t.shp: record 1: point 2: latitude +Inf is not a finite number"}},
		{"projected coordinates", func(f *files) { putF64(f.shp, c1+points, 500000) },
			[]string{"t.shp: record 1: point 1: longitude 500000 is outside -180..180"}},
		{"shx truncated", func(f *files) { f.shx = f.shx[:len(f.shx)-3] },
			[]string{"t.shx: truncated: header says"}},
		{"shx record count", func(f *files) { f.shx = setLength(f.shx[:len(f.shx)-8]) },
			[]string{"t.shx: has 2 records, t.shp has 3"}},
		{"shx bad length", func(f *files) { f.shx = setLength(f.shx[:len(f.shx)-4]) },
			[]string{"t.shx: bad length"}},
		{"shx wrong offset", func(f *files) { putBE(f.shx, shpHeaderSize+8, 1000) },
			[]string{"t.shx: record 2: offset 2000"}},
		{"shx wrong file code", func(f *files) { putBE(f.shx, 0, 0) },
			[]string{"t.shx: file code 0"}},
		{"shx of another shape type", func(f *files) { putLE(f.shx, 32, shpPoint) },
			[]string{"t.shx: shape type 1, t.shp has 5"}},
		{"dbf record count", func(f *files) {
			f.dbf = buildDBF(0, sampleFields, [][]string{{"a", "1", "1", "T", ""}, {"b", "2", "2", "F", ""}})
		}, []string{"t.dbf: has 2 records, t.shp has 3"}},
		{"dbf truncated", func(f *files) { f.dbf = f.dbf[:len(f.dbf)-50] },
			[]string{"t.dbf: truncated: 3 records of"}},
		{"dbf shorter than its header", func(f *files) { f.dbf = f.dbf[:20] },
			[]string{"t.dbf: truncated: 20 bytes"}},
		{"dbf header cut", func(f *files) { f.dbf = f.dbf[:100] },
			[]string{"t.dbf: truncated: header length"}},
		{"dbf descriptors not terminated", func(f *files) { f.dbf[32+32*len(sampleFields)] = 'X' },
			[]string{"t.dbf: field descriptor 6 runs past the header"}},
		{"dbf fields wider than records", func(f *files) { binary.LittleEndian.PutUint16(f.dbf[10:], 20) },
			[]string{"t.dbf: fields take"}},
		{"dbf zero-width field", func(f *files) { f.dbf[32+16] = 0 },
			[]string{"t.dbf: field NAME has length 0"}},
		{"dbf bad number", func(f *files) {
			f.dbf = buildDBF(0, sampleFields, [][]string{{"a", "1", "1", "T", ""}, {"b", "12x", "2", "F", ""}, {"c", "", "", "", ""}})
		}, []string{"t.dbf: record 2: field POP: bad number \"12x\""}},
		{"dbf bad date", func(f *files) {
			f.dbf = buildDBF(0, sampleFields, [][]string{{"a", "1", "1", "T", "2022-01-"}, {"b", "2", "2", "F", ""}, {"c", "", "", "", ""}})
		}, []string{"t.dbf: record 1: field FOUNDED: bad date"}},
		{"dbf bad logical", func(f *files) {
			f.dbf = buildDBF(0, sampleFields, [][]string{{"a", "1", "1", "T", ""}, {"b", "2", "2", "F", ""}, {"c", "", "", "X", ""}})
		}, []string{"t.dbf: record 3: field CAPITAL: bad logical \"X\""}},
		{"unknown cpg", func(f *files) { f.cpg = []byte("KOI8-R") },
			[]string{"t.cpg: unknown encoding \"KOI8-R\""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var f files
			f.shp, f.shx, f.dbf = sampleShapefile()
			tc.mutate(&f)
			_, err := ReadShapefile(writeShapefile(t, t.TempDir(), "t", f.shp, f.shx, f.dbf, f.cpg))
			checkFormatErr(t, err, tc.want)
		})
	}
}

func checkFormatErr(t *testing.T, err error, want []string) {
	t.Helper()
	if err == nil {
		t.Fatal("no error")
	}
	if !errors.Is(err, ErrFormat) {
		t.Errorf("error %q does not wrap ErrFormat", err)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "reader: ") || strings.Contains(msg, "\n") {
		t.Errorf("error %q is not one line starting with \"reader: \"", msg)
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q does not contain %q", msg, w)
		}
	}
}

func TestReadShapefileMissingParts(t *testing.T) {
	shp, shx, dbf := sampleShapefile()
	t.Run("no dbf", func(t *testing.T) {
		_, err := ReadShapefile(writeShapefile(t, t.TempDir(), "t", shp, shx, nil, nil))
		if !errors.Is(err, fs.ErrNotExist) || errors.Is(err, ErrFormat) {
			t.Fatalf("got %v, want a not-exist error", err)
		}
	})
	t.Run("no shp", func(t *testing.T) {
		_, err := ReadShapefile(filepath.Join(t.TempDir(), "none.shp"))
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("got %v, want a not-exist error", err)
		}
	})
	t.Run("no shx is fine", func(t *testing.T) {
		got, err := ReadShapefile(writeShapefile(t, t.TempDir(), "t", shp, nil, dbf, nil))
		if err != nil || len(got) != 3 {
			t.Fatalf("got %d features, %v; want 3", len(got), err)
		}
	})
	t.Run("upper-case siblings", func(t *testing.T) {
		dir := t.TempDir()
		for ext, b := range map[string][]byte{".shp": shp, ".SHX": shx, ".DBF": dbf, ".CPG": []byte("CP1251")} {
			if err := os.WriteFile(filepath.Join(dir, "T"+ext), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := ReadFile(filepath.Join(dir, "T.shp"))
		if err != nil || len(got) != 3 {
			t.Fatalf("got %d features, %v; want 3", len(got), err)
		}
	})
	t.Run("unknown extension", func(t *testing.T) {
		_, err := ReadFile("regions.csv")
		checkFormatErr(t, err, []string{"regions.csv: unknown file type"})
	})
}

// TestReadShapefileRealBroken corrupts copies of the regional centres layer.
func TestReadShapefileRealBroken(t *testing.T) {
	src := filepath.Join(geokz.Dir(t), "shp", "kaz_admcntr_adm1_2018")
	read := func(ext string) []byte {
		b, err := os.ReadFile(src + ext)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	name := "kaz_admcntr_adm1_2018"
	cases := []struct {
		name   string
		mutate func(shp, shx []byte) ([]byte, []byte)
		want   []string
	}{
		{"truncated", func(shp, shx []byte) ([]byte, []byte) { return shp[:len(shp)-8], shx },
			[]string{name + ".shp: truncated: header says 604 bytes, file has 596"}},
		{"last record cut, length fixed", func(shp, shx []byte) ([]byte, []byte) { return setLength(shp[:len(shp)-8]), shx },
			[]string{name + ".shp: record 18: content length 20 bytes runs past the end of the file (12 bytes left)"}},
		{"last record dropped", func(shp, shx []byte) ([]byte, []byte) {
			return setLength(shp[:len(shp)-28]), setLength(shx[:len(shx)-8])
		}, []string{name + ".dbf: has 18 records, " + name + ".shp has 17"}},
		{"point not finite", func(shp, shx []byte) ([]byte, []byte) {
			putF64(shp, recordOffset(shp, 5)+12, math.NaN())
			return shp, shx
		}, []string{name + ".shp: record 5: longitude NaN is not a finite number"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			shp, shx := tc.mutate(read(".shp"), read(".shx"))
			path := writeShapefile(t, t.TempDir(), name, shp, shx, read(".dbf"), read(".cpg"))
			_, err := ReadShapefile(path)
			checkFormatErr(t, err, tc.want)
		})
	}
}

// BenchmarkReadShapefileAdm2 reads the 2018 district layer (216 polygons,
// about 1 MB of .shp), or where it is absent the 216 of benchdata's fixture.
func BenchmarkReadShapefileAdm2(b *testing.B) {
	path := benchShapefile(b)
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	b.ReportAllocs()
	for b.Loop() {
		fs, err := ReadShapefile(path)
		if err != nil || len(fs) != 216 {
			b.Fatalf("%d features, %v", len(fs), err)
		}
	}
}

// benchShapefile returns the geokz 2018 districts' .shp, or writes
// benchdata's fixture districts as a shapefile where the shared data is
// absent.
func benchShapefile(b *testing.B) string {
	if geokz.Present() {
		return filepath.Join(geokz.Dir(b), "shp", "kaz_admbnda_adm2_2018.shp")
	}
	var shapes []testShape
	var records [][]string
	for _, f := range benchdata.Districts(b) {
		var parts [][]orb.Point
		for _, r := range f.Geometry.(orb.Polygon) {
			parts = append(parts, reversed(r)) // ESRI: outer rings clockwise
		}
		shapes = append(shapes, testShape{shpPolygon, parts})
		records = append(records, []string{f.ID, f.Properties["name_en"].(string)})
	}
	shp, shx := buildSHP(shpPolygon, shapes)
	dbf := buildDBF(0, []testField{{"CODE", 'C', 8, 0}, {"NAME_EN", 'C', 40, 0}}, records)
	return writeShapefile(b, b.TempDir(), "districts", shp, shx, dbf, []byte("UTF-8"))
}
