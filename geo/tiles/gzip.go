package tiles

import (
	"bytes"
	"compress/gzip"
	"io"
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
	defer func() {
		zw.Reset(io.Discard) // the pool must not keep this tile's buffer alive
		gzipWriters.Put(zw)
	}()
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	// Clipped to its length: the cache counts len, so spare capacity
	// would be memory beyond --tile-cache.
	return bytes.Clone(buf.Bytes()), nil
}
