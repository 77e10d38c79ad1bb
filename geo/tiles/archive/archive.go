// Package archive writes the vector tiles of collections into single-file
// archives for offline use and static hosting: PMTiles v3 or MBTiles 1.3.
package archive

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"github.com/protomaps/go-pmtiles/pmtiles"

	"kzmap/geo"
	"kzmap/geo/tiles"
)

// Errors Write returns for bad arguments; check them with errors.Is.
var (
	ErrFormat = errors.New("archive: file name must end in .pmtiles or .mbtiles")
	ErrZoom   = errors.New("archive: bad zoom range")
	ErrEmpty  = errors.New("archive: the layers have no features")
)

// Collections is what Write uses, when the source offers it, to describe
// layers (title, attribution, fields); a geo.Store does.
type Collections interface {
	Collection(id string) (geo.Collection, error)
}

// Write makes the vector tiles of layers for zooms minzoom..maxzoom over
// the union bound of their features and writes them to path, as PMTiles v3
// when path ends in .pmtiles or MBTiles 1.3 when it ends in .mbtiles. Tiles
// are gzipped MVT; empty tiles are left out. The archive is built in a
// temporary file next to path and renamed over it only when complete.
// progress, when not nil, is called from one goroutine as tiles are done.
func Write(path string, src tiles.Source, layers []string, minzoom, maxzoom int, progress func(done, total int)) error {
	var format func(string, *plan, func(func(tileData) error) error) error
	switch strings.ToLower(filepath.Ext(path)) {
	case ".pmtiles":
		format = writePMTiles
	case ".mbtiles":
		format = writeMBTiles
	default:
		return fmt.Errorf("%w: %s", ErrFormat, path)
	}
	if minzoom < 0 || maxzoom > tiles.MaxZoom || minzoom > maxzoom {
		return fmt.Errorf("%w: %d..%d (want 0 ≤ min ≤ max ≤ %d)", ErrZoom, minzoom, maxzoom, tiles.MaxZoom)
	}
	if len(layers) == 0 {
		return fmt.Errorf("%w: no layers", ErrEmpty)
	}
	p, err := newPlan(src, layers, minzoom, maxzoom)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	tmpName := tmp.Name()
	tmp.Close()
	ok := false
	defer func() {
		if !ok {
			os.Remove(tmpName)
		}
	}()
	if err := format(tmpName, p, func(each func(tileData) error) error { return p.generate(src, progress, each) }); err != nil {
		return err
	}
	if err := os.Rename(tmpName, path); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	ok = true
	return nil
}

// plan is what an archive's metadata says about its tiles.
type plan struct {
	layers           []string
	collections      []geo.Collection
	bound            orb.Bound
	minzoom, maxzoom int
}

func newPlan(src tiles.Source, layers []string, minzoom, maxzoom int) (*plan, error) {
	p := &plan{layers: layers, minzoom: minzoom, maxzoom: maxzoom}
	have := false
	for _, name := range layers {
		page, err := src.Items(name, geo.Query{})
		if err != nil {
			return nil, fmt.Errorf("archive: layer %s: %w", name, err)
		}
		c := geo.Collection{ID: name, Title: name, Count: len(page.Features)}
		if cs, ok := src.(Collections); ok {
			if meta, err := cs.Collection(name); err == nil {
				c = meta
			}
		}
		if len(c.Fields) == 0 {
			c.Fields = fieldsOf(page.Features)
		}
		var lb orb.Bound
		lhave := false
		for _, f := range page.Features {
			if f.Geometry == nil {
				continue
			}
			if b := f.Geometry.Bound(); lhave {
				lb = lb.Union(b)
			} else {
				lb, lhave = b, true
			}
		}
		if !lhave {
			continue
		}
		if have {
			p.bound = p.bound.Union(lb)
		} else {
			p.bound, have = lb, true
		}
		c.Bound, c.Count = lb, len(page.Features)
		p.collections = append(p.collections, c)
	}
	if !have {
		return nil, fmt.Errorf("%w: %s", ErrEmpty, strings.Join(layers, ","))
	}
	return p, nil
}

// fieldsOf infers property types when the source gives no collection
// metadata.
func fieldsOf(fs []*geo.Feature) []geo.Field {
	types := map[string]string{}
	for _, f := range fs {
		for k, v := range f.Properties {
			t := "string"
			switch v.(type) {
			case nil:
				continue
			case float64, float32, int, int64:
				t = "number"
			case bool:
				t = "boolean"
			}
			if old, ok := types[k]; ok && old != t {
				t = "string"
			}
			types[k] = t
		}
	}
	out := make([]geo.Field, 0, len(types))
	for k, t := range types {
		out = append(out, geo.Field{Name: k, Type: t})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// tileData is one finished tile: gzipped MVT.
type tileData struct {
	tile maptile.Tile
	id   uint64 // PMTiles tile id: zoom, then Hilbert order
	data []byte
}

// tileRange returns the tiles of zoom z meeting b, as column and row bounds.
func tileRange(b orb.Bound, z int) (x0, y0, x1, y1 uint32) {
	lo := maptile.At(orb.Point{b.Min[0], b.Max[1]}, maptile.Zoom(z))
	hi := maptile.At(orb.Point{b.Max[0], b.Min[1]}, maptile.Zoom(z))
	return lo.X, lo.Y, hi.X, hi.Y
}

// batch bounds how many finished tiles wait in memory to be written in order.
const batch = 1024

// generate makes every non-empty tile of the plan, calling each in PMTiles
// tile-id order. A tile whose buffered bound meets no feature has no
// non-empty descendants (children's buffered bounds lie within their
// parent's), so deeper zooms only look under tiles that met something.
func (p *plan) generate(src tiles.Source, progress func(done, total int), each func(tileData) error) error {
	total := 0
	for z := p.minzoom; z <= p.maxzoom; z++ {
		x0, y0, x1, y1 := tileRange(p.bound, z)
		total += int(x1-x0+1) * int(y1-y0+1)
	}
	done := 0
	report := func() {
		if progress != nil {
			progress(done, total)
		}
	}
	var live map[maptile.Tile]bool // tiles of the previous zoom that met a feature
	for z := p.minzoom; z <= p.maxzoom; z++ {
		x0, y0, x1, y1 := tileRange(p.bound, z)
		var cands []tileData
		for x := x0; x <= x1; x++ {
			for y := y0; y <= y1; y++ {
				t := maptile.New(x, y, maptile.Zoom(z))
				if live != nil && !live[t.Parent()] {
					continue
				}
				cands = append(cands, tileData{tile: t, id: pmtiles.ZxyToID(uint8(z), x, y)})
			}
		}
		done += int(x1-x0+1)*int(y1-y0+1) - len(cands)
		report()
		sort.Slice(cands, func(i, j int) bool { return cands[i].id < cands[j].id })
		next := map[maptile.Tile]bool{}
		for start := 0; start < len(cands); start += batch {
			chunk := cands[start:min(start+batch, len(cands))]
			met, err := p.render(src, chunk)
			if err != nil {
				return err
			}
			for i, td := range chunk {
				if met[i] {
					next[td.tile] = true
				}
				if td.data != nil {
					if err := each(td); err != nil {
						return err
					}
				}
			}
			done += len(chunk)
			report()
		}
		live = next
	}
	return nil
}

// render fills in chunk's data in parallel and reports which tiles met a
// feature (a tile can meet features that all collapse on its grid).
func (p *plan) render(src tiles.Source, chunk []tileData) ([]bool, error) {
	met := make([]bool, len(chunk))
	errs := make([]error, len(chunk))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			for i := range next {
				td := &chunk[i]
				b, err := tiles.MVT(src, p.layers, td.tile)
				if err != nil {
					errs[i] = err
					continue
				}
				if b == nil {
					met[i], errs[i] = p.meets(src, td.tile)
					continue
				}
				met[i] = true
				buf.Reset()
				zw.Reset(&buf)
				zw.Write(b)
				if err := zw.Close(); err != nil {
					errs[i] = err
					continue
				}
				td.data = bytes.Clone(buf.Bytes())
			}
		}()
	}
	for i := range chunk {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	return met, nil
}

func (p *plan) meets(src tiles.Source, t maptile.Tile) (bool, error) {
	q := geo.Query{Boxes: []orb.Bound{tiles.Bound(t)}, Limit: 1}
	for _, name := range p.layers {
		page, err := src.Items(name, q)
		if err != nil {
			return false, err
		}
		if len(page.Features) > 0 {
			return true, nil
		}
	}
	return false, nil
}

// metadata is the TileJSON-like description both formats store.
func (p *plan) metadata() map[string]any {
	doc := tiles.TileJSON("", p.collections, p.minzoom, p.maxzoom)
	delete(doc, "tiles")
	delete(doc, "tilejson")
	delete(doc, "scheme")
	doc["format"] = "pbf"
	doc["type"] = "overlay"
	doc["version"] = "1"
	return doc
}
