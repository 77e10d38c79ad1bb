package tiles

import (
	"bytes"
	"compress/gzip"
	"sync"
)

// gzipWriters are reused: a new gzip.Writer allocates its compressor's
// tables, which costs more than compressing a typical tile.
var gzipWriters sync.Pool

// gzipBytes returns b gzip-compressed. Compressed tiles are cached and
// served many times, so the best compression is worth its time.
func gzipBytes(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(b)/2 + 64)
	zw, ok := gzipWriters.Get().(*gzip.Writer)
	if ok {
		zw.Reset(&buf)
	} else {
		var err error
		if zw, err = gzip.NewWriterLevel(&buf, gzip.BestCompression); err != nil {
			return nil, err
		}
	}
	defer gzipWriters.Put(zw)
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
