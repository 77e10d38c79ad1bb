package main

import (
	"flag"
	"fmt"

	"kzmap/geo/store"
)

// compactFlags say when serve compacts the database file while it runs.
type compactFlags struct {
	ratio, minMB *float64
}

func addCompactFlags(fs *flag.FlagSet) *compactFlags {
	d := store.DefaultOptions()
	return &compactFlags{
		ratio: fs.Float64("compact-ratio", d.CompactRatio, "compact the database file while serving once it is this many times its live data (0: only when opened)"),
		minMB: fs.Float64("compact-min", float64(d.CompactMin)/(1<<20), "never compact a database file smaller than this many MB"),
	}
}

// check validates the flags after parsing.
func (c *compactFlags) check() error {
	if r := *c.ratio; r != 0 && !(r > 1 && r <= 1000) {
		return fmt.Errorf("--compact-ratio %v: want 0 (off) or a number above 1", r)
	}
	if m := *c.minMB; !(m >= 0 && m <= 1<<20) {
		return fmt.Errorf("--compact-min %v: want 0 or more (MB)", m)
	}
	return nil
}

func (c *compactFlags) options() store.Options {
	return store.Options{CompactRatio: *c.ratio, CompactMin: int64(*c.minMB * (1 << 20))}
}
