// Package reader turns source files (GeoJSON, ESRI Shapefile) into
// geo.Features. Readers validate what they read: a broken file gives one
// error naming the file, the record or feature and the reason, never a panic
// or a half-read layer.
package reader

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"kzmap/geo"
)

// ErrFormat is wrapped by every error caused by the content of a file (as
// opposed to failing to open or read it).
var ErrFormat = errors.New("reader: invalid file format")

// formatError is one problem in one file. The message reads
// "reader: kaz.shp: record 17: ring not closed".
type formatError struct {
	file string // base name of the file
	unit string // "record", "feature" or "" for the file as a whole
	n    int    // 1-based number of the record or feature
	msg  string
}

func (e *formatError) Error() string {
	if e.unit == "" {
		return fmt.Sprintf("reader: %s: %s", e.file, e.msg)
	}
	return fmt.Sprintf("reader: %s: %s %d: %s", e.file, e.unit, e.n, e.msg)
}

func (e *formatError) Unwrap() error { return ErrFormat }

func fileErr(file, format string, args ...any) error {
	return &formatError{file: file, msg: fmt.Sprintf(format, args...)}
}

func recErr(file string, n int, format string, args ...any) error {
	return &formatError{file: file, unit: "record", n: n, msg: fmt.Sprintf(format, args...)}
}

// ReadFile reads a .geojson/.json or .shp file (with its .shx/.dbf/.cpg
// beside it) into features.
func ReadFile(path string) ([]*geo.Feature, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".geojson", ".json":
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("reader: %w", err)
		}
		defer f.Close()
		return ReadGeoJSON(f, filepath.Base(path))
	case ".shp":
		return ReadShapefile(path)
	default:
		return nil, fileErr(filepath.Base(path), "unknown file type (want .geojson, .json or .shp)")
	}
}
