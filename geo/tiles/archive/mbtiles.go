package archive

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"

	_ "modernc.org/sqlite" // pure-Go SQLite driver "sqlite"
)

// writeMBTiles writes an MBTiles 1.3 file: metadata and tiles tables, rows
// in TMS order (row 0 at the south), tile_data gzipped MVT.
func writeMBTiles(path string, p *plan, generate func(func(tileData) error) error) (err error) {
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	defer func() {
		if cerr := db.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("archive: %w", cerr)
		}
	}()
	// One connection: the pragmas below are per connection, and the whole
	// file is written in one transaction anyway.
	db.SetMaxOpenConns(1)
	for _, q := range []string{
		// The file is a temporary one until renamed: no journal is needed.
		`PRAGMA journal_mode = OFF`,
		`PRAGMA synchronous = OFF`,
		`CREATE TABLE metadata (name TEXT, value TEXT)`,
		`CREATE UNIQUE INDEX name ON metadata (name)`,
		`CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)`,
		`CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row)`,
	} {
		if _, err := db.Exec(q); err != nil {
			return fmt.Errorf("archive: %s: %w", q, err)
		}
	}
	tx, err := db.Begin()
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	defer tx.Rollback()
	meta := p.metadata()
	vl, err := json.Marshal(map[string]any{"vector_layers": meta["vector_layers"]})
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	b := p.bound
	c := meta["center"].([]float64)
	rows := [][2]string{
		{"name", meta["name"].(string)},
		{"format", "pbf"},
		{"type", "overlay"},
		{"version", "1"},
		{"description", "kzmap: " + meta["name"].(string)},
		{"bounds", fmt.Sprintf("%s,%s,%s,%s", num(b.Min[0]), num(b.Min[1]), num(b.Max[0]), num(b.Max[1]))},
		{"center", fmt.Sprintf("%s,%s,%d", num(c[0]), num(c[1]), int(c[2]))},
		{"minzoom", strconv.Itoa(p.minzoom)},
		{"maxzoom", strconv.Itoa(p.maxzoom)},
		{"json", string(vl)},
	}
	if a, ok := meta["attribution"].(string); ok {
		rows = append(rows, [2]string{"attribution", a})
	}
	for _, r := range rows {
		if _, err := tx.Exec(`INSERT INTO metadata (name, value) VALUES (?, ?)`, r[0], r[1]); err != nil {
			return fmt.Errorf("archive: metadata %s: %w", r[0], err)
		}
	}
	ins, err := tx.Prepare(`INSERT INTO tiles (zoom_level, tile_column, tile_row, tile_data) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	defer ins.Close()
	err = generate(func(td tileData) error {
		t := td.tile
		row := (uint64(1) << t.Z) - 1 - uint64(t.Y)
		_, err := ins.Exec(int(t.Z), int64(t.X), int64(row), td.data)
		return err
	})
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	return nil
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', 6, 64) }
