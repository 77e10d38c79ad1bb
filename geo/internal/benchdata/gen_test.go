package benchdata

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// This file makes the fixture in testdata: synthetic districts, points,
// boxes and tiles over Kazakhstan's extent, from fixed seeds. Nothing in it
// comes from the geokz boundary files, which may not be committed.
// `go test ./geo/internal/benchdata -update` writes it again.

var update = flag.Bool("update", false, "rewrite the fixture in testdata")

// The extent, rounded outward to a tenth of a degree, and the grid of
// districts laid over it.
const (
	west, south, east, north = 46.4, 40.5, 87.4, 55.5
	cols, rows               = 16, 13
	cities                   = 8 // cells with a city cut out of them as a hole
)

// lattice is the grid's corners, inner ones moved at random so that no two
// cells have the same shape.
func lattice(r *rand.Rand) [][]orb.Point {
	dx, dy := (east-west)/cols, (north-south)/rows
	nodes := make([][]orb.Point, rows+1)
	for j := range nodes {
		nodes[j] = make([]orb.Point, cols+1)
		for i := range nodes[j] {
			p := orb.Point{west + float64(i)*dx, south + float64(j)*dy}
			if i > 0 && i < cols && j > 0 && j < rows {
				p[0] += (r.Float64() - 0.5) * 0.4 * dx
				p[1] += (r.Float64() - 0.5) * 0.4 * dy
			}
			nodes[j][i] = p
		}
	}
	return nodes
}

// edge is a wiggly line from a to b of 10–60 segments: a sum of two sines
// across the line, tapering to nothing at both ends, at most amp high.
func edge(r *rand.Rand, a, b orb.Point, amp float64) []orb.Point {
	n := 10 + r.IntN(51)
	f1, f2 := 1+r.Float64()*2, 3+r.Float64()*4
	p1, p2 := r.Float64()*2*math.Pi, r.Float64()*2*math.Pi
	nx, ny := -(b[1] - a[1]), b[0]-a[0]
	l := math.Hypot(nx, ny)
	nx, ny = nx/l, ny/l
	out := make([]orb.Point, n+1)
	for k := 0; k <= n; k++ {
		t := float64(k) / float64(n)
		d := amp * math.Sin(math.Pi*t) * (0.7*math.Sin(f1*math.Pi*t+p1) + 0.3*math.Sin(f2*math.Pi*t+p2))
		out[k] = round(orb.Point{a[0] + t*(b[0]-a[0]) + d*nx, a[1] + t*(b[1]-a[1]) + d*ny})
	}
	out[0], out[n] = round(a), round(b)
	return out
}

func round(p orb.Point) orb.Point {
	return orb.Point{math.Round(p[0]*1e4) / 1e4, math.Round(p[1]*1e4) / 1e4}
}

func reversed(ps []orb.Point) []orb.Point {
	out := make([]orb.Point, len(ps))
	for i, p := range ps {
		out[len(ps)-1-i] = p
	}
	return out
}

// syllables make names that read like place names, in Latin and Cyrillic.
var syllables = [][2]string{
	{"ak", "ак"}, {"kol", "коль"}, {"tau", "тау"}, {"su", "су"}, {"bas", "бас"},
	{"zhar", "жар"}, {"kara", "кара"}, {"sar", "сар"}, {"ozen", "озен"},
	{"bulak", "булак"}, {"tobe", "тобе"}, {"kum", "кум"}, {"tal", "тал"},
	{"or", "ор"}, {"sai", "сай"}, {"kent", "кент"}, {"zhol", "жол"}, {"ata", "ата"},
}

func name(r *rand.Rand) (latin, cyrillic string) {
	for k := 2 + r.IntN(2); k > 0; k-- {
		s := syllables[r.IntN(len(syllables))]
		latin += s[0]
		cyrillic += s[1]
	}
	c := []rune(cyrillic)
	return strings.ToUpper(latin[:1]) + latin[1:], strings.ToUpper(string(c[0])) + string(c[1:])
}

// fixtureFeature is a GeoJSON feature of the fixture.
type fixtureFeature struct {
	id, region string
	rings      [][]orb.Point // outer counter-clockwise, holes clockwise
}

// districts returns the grid cells, which share their edges exactly as
// districts do, and the cities cut out of some of them.
func districts() []fixtureFeature {
	r := rand.New(rand.NewPCG(11, 1))
	nodes := lattice(r)
	amp := 0.12 * (north - south) / rows
	// Each edge is made once and used by both cells beside it.
	horiz := make([][][]orb.Point, rows+1) // horiz[j][i]: nodes[j][i] → nodes[j][i+1]
	for j := range horiz {
		horiz[j] = make([][]orb.Point, cols)
		for i := range horiz[j] {
			horiz[j][i] = edge(r, nodes[j][i], nodes[j][i+1], amp)
		}
	}
	vert := make([][][]orb.Point, rows) // vert[j][i]: nodes[j][i] → nodes[j+1][i]
	for j := range vert {
		vert[j] = make([][]orb.Point, cols+1)
		for i := range vert[j] {
			vert[j][i] = edge(r, nodes[j][i], nodes[j+1][i], amp)
		}
	}
	withCity := map[int]bool{}
	for len(withCity) < cities {
		withCity[r.IntN(cols*rows)] = true
	}
	var out []fixtureFeature
	var cityFs []fixtureFeature
	for j := 0; j < rows; j++ {
		for i := 0; i < cols; i++ {
			// Counter-clockwise: along the bottom, up the right, back along
			// the top, down the left.
			var ring []orb.Point
			ring = append(ring, horiz[j][i]...)
			ring = append(ring, vert[j][i+1][1:]...)
			ring = append(ring, reversed(horiz[j+1][i])[1:]...)
			ring = append(ring, reversed(vert[j][i])[1:]...)
			n := j*cols + i
			f := fixtureFeature{id: fmt.Sprintf("S%03d", n+1), region: fmt.Sprintf("R%02d", j+1), rings: [][]orb.Point{ring}}
			if withCity[n] {
				c := orb.Point{
					(nodes[j][i][0] + nodes[j][i+1][0] + nodes[j+1][i][0] + nodes[j+1][i+1][0]) / 4,
					(nodes[j][i][1] + nodes[j][i+1][1] + nodes[j+1][i][1] + nodes[j+1][i+1][1]) / 4,
				}
				city := blob(r, c, 0.12*(north-south)/rows)
				f.rings = append(f.rings, reversed(city))
				cityFs = append(cityFs, fixtureFeature{id: fmt.Sprintf("C%02d", len(cityFs)+1), region: f.region, rings: [][]orb.Point{city}})
			}
			out = append(out, f)
		}
	}
	return append(out, cityFs...)
}

// blob is a closed counter-clockwise ring of 24–64 points around c, its
// radius varying between 0.6 and 1 times rad.
func blob(r *rand.Rand, c orb.Point, rad float64) []orb.Point {
	n := 24 + r.IntN(41)
	ph := r.Float64() * 2 * math.Pi
	ring := make([]orb.Point, 0, n+1)
	for k := 0; k < n; k++ {
		a := 2 * math.Pi * float64(k) / float64(n)
		d := rad * (0.8 + 0.2*math.Sin(3*a+ph))
		ring = append(ring, round(orb.Point{c[0] + d*math.Cos(a), c[1] + d*math.Sin(a)}))
	}
	return append(ring, ring[0])
}

func coords(ring []orb.Point) string {
	var b bytes.Buffer
	b.WriteByte('[')
	for k, p := range ring {
		if k > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "[%s,%s]", strconv.FormatFloat(p[0], 'f', -1, 64), strconv.FormatFloat(p[1], 'f', -1, 64))
	}
	b.WriteByte(']')
	return b.String()
}

// districtsGeoJSON writes the features one a line.
func districtsGeoJSON() []byte {
	var b bytes.Buffer
	b.WriteString("{\"type\":\"FeatureCollection\",\"features\":[\n")
	r := rand.New(rand.NewPCG(11, 2))
	for k, f := range districts() {
		en, ru := name(r)
		kind := "district"
		if f.id[0] == 'C' {
			kind = "city"
		}
		props, _ := json.Marshal(map[string]any{"code": f.id, "region": f.region, "type": kind,
			"name_en": en, "name_ru": ru, "name_kk": ru})
		var rings []string
		for _, ring := range f.rings {
			rings = append(rings, coords(ring))
		}
		fmt.Fprintf(&b, "{\"type\":\"Feature\",\"id\":%q,\"properties\":%s,\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[%s]}}",
			f.id, props, join(rings))
		if k < cols*rows+cities-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("]}\n")
	return b.Bytes()
}

func join(ss []string) string {
	var b bytes.Buffer
	for i, s := range ss {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s)
	}
	return b.String()
}

// pointsCSV, boxesCSV and tilesTxt follow ../shared/bench/gen.py's formats
// (points uniform in the extent; box centres uniform, sides 0.1–5 degrees;
// every tile of zoom 0–8 meeting the extent), with fewer points.
func pointsCSV() []byte {
	r := rand.New(rand.NewPCG(11, 3))
	var b bytes.Buffer
	for k := 0; k < 2000; k++ {
		fmt.Fprintf(&b, "%.4f,%.4f\n", west+r.Float64()*(east-west), south+r.Float64()*(north-south))
	}
	return b.Bytes()
}

func boxesCSV() []byte {
	r := rand.New(rand.NewPCG(11, 4))
	var b bytes.Buffer
	for k := 0; k < 1000; k++ {
		cx, cy := west+r.Float64()*(east-west), south+r.Float64()*(north-south)
		w, h := 0.1+4.9*r.Float64(), 0.1+4.9*r.Float64()
		fmt.Fprintf(&b, "%.4f,%.4f,%.4f,%.4f\n", cx-w/2, cy-h/2, cx+w/2, cy+h/2)
	}
	return b.Bytes()
}

func tilesTxt() []byte {
	tile := func(lon, lat float64, z int) (int, int) {
		n := 1 << z
		x := int((lon + 180) / 360 * float64(n))
		rad := lat * math.Pi / 180
		y := int((1 - math.Log(math.Tan(rad)+1/math.Cos(rad))/math.Pi) / 2 * float64(n))
		return min(x, n-1), min(y, n-1)
	}
	var b bytes.Buffer
	for z := 0; z <= 8; z++ {
		x0, y0 := tile(west, north, z)
		x1, y1 := tile(east, south, z)
		for x := x0; x <= x1; x++ {
			for y := y0; y <= y1; y++ {
				fmt.Fprintf(&b, "%d/%d/%d\n", z, x, y)
			}
		}
	}
	return b.Bytes()
}

// fixtureFiles is every file of testdata and its content.
func fixtureFiles() map[string][]byte {
	return map[string][]byte{
		"districts.geojson": districtsGeoJSON(),
		"points.csv":        pointsCSV(),
		"bboxes.csv":        boxesCSV(),
		"tiles.txt":         tilesTxt(),
	}
}

func writeFixture() error {
	for name, b := range fixtureFiles() {
		if err := os.WriteFile(filepath.Join("testdata", name), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
