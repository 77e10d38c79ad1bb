package archive

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/protomaps/go-pmtiles/pmtiles"
)

// writePMTiles writes a clustered PMTiles v3 archive: header, root
// directory, metadata, leaf directories, then tile data in tile-id order.
// Identical tiles (the inside of a large district at high zoom) are stored
// once, and runs of them become one directory entry.
func writePMTiles(path string, p *plan, generate func(func(tileData) error) error) error {
	// Tile data goes to a scratch file first: the directories, which come
	// before it, are known only at the end.
	scratch, err := os.CreateTemp("", "kzmap-pmtiles-*.tmp")
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	defer os.Remove(scratch.Name())
	defer scratch.Close()
	w := bufio.NewWriterSize(scratch, 1<<20)

	var entries []pmtiles.EntryV3
	seen := map[[32]byte]pmtiles.EntryV3{} // content hash → where it is
	var offset uint64
	var contents, addressed uint64
	err = generate(func(td tileData) error {
		addressed++
		h := sha256.Sum256(td.data)
		if e, ok := seen[h]; ok {
			if last := &entries[len(entries)-1]; last.Offset == e.Offset && last.TileID+uint64(last.RunLength) == td.id {
				last.RunLength++
				return nil
			}
			entries = append(entries, pmtiles.EntryV3{TileID: td.id, Offset: e.Offset, Length: e.Length, RunLength: 1})
			return nil
		}
		if _, err := w.Write(td.data); err != nil {
			return err
		}
		e := pmtiles.EntryV3{TileID: td.id, Offset: offset, Length: uint32(len(td.data)), RunLength: 1}
		seen[h] = e
		entries = append(entries, e)
		offset += uint64(len(td.data))
		contents++
		return nil
	})
	if err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("archive: %w", err)
	}

	root, leaves, _ := pmtiles.BuildDirectories(entries, 16384-pmtiles.HeaderV3LenBytes, pmtiles.Gzip)
	meta, err := pmtiles.SerializeMetadata(p.metadata(), pmtiles.Gzip)
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	center := p.bound.Center()
	h := pmtiles.HeaderV3{
		SpecVersion:         3,
		RootOffset:          pmtiles.HeaderV3LenBytes,
		RootLength:          uint64(len(root)),
		AddressedTilesCount: addressed,
		TileEntriesCount:    uint64(len(entries)),
		TileContentsCount:   contents,
		Clustered:           true,
		InternalCompression: pmtiles.Gzip,
		TileCompression:     pmtiles.Gzip,
		TileType:            pmtiles.Mvt,
		MinZoom:             uint8(p.minzoom),
		MaxZoom:             uint8(p.maxzoom),
		MinLonE7:            e7(p.bound.Min[0]),
		MinLatE7:            e7(p.bound.Min[1]),
		MaxLonE7:            e7(p.bound.Max[0]),
		MaxLatE7:            e7(p.bound.Max[1]),
		CenterZoom:          uint8(p.metadata()["center"].([]float64)[2]),
		CenterLonE7:         e7(center[0]),
		CenterLatE7:         e7(center[1]),
	}
	h.MetadataOffset = h.RootOffset + h.RootLength
	h.MetadataLength = uint64(len(meta))
	h.LeafDirectoryOffset = h.MetadataOffset + h.MetadataLength
	h.LeafDirectoryLength = uint64(len(leaves))
	h.TileDataOffset = h.LeafDirectoryOffset + h.LeafDirectoryLength
	h.TileDataLength = offset

	out, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	defer out.Close()
	bw := bufio.NewWriterSize(out, 1<<20)
	for _, b := range [][]byte{pmtiles.SerializeHeader(h), root, meta, leaves} {
		if _, err := bw.Write(b); err != nil {
			return fmt.Errorf("archive: %w", err)
		}
	}
	if _, err := scratch.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	if _, err := io.Copy(bw, scratch); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	if err := out.Sync(); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	return out.Close()
}

func e7(v float64) int32 { return int32(math.Round(v * 1e7)) }
