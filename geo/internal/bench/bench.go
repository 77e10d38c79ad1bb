// Package bench locates the shared benchmark workload and the peers'
// results (../shared/bench's gen.py, postgis.sh and nginx.sh write them)
// for the benchmarks and comparisons of the geo packages.
package bench

import (
	"os"
	"path/filepath"
)

// Dirs are the results and workload folders, named as make bench names
// them (BENCH_OUT, WORKLOAD); by default under the temporary directory's
// kzmap-bench.
func Dirs() (results, workload string) {
	results = os.Getenv("BENCH_OUT")
	if results == "" {
		results = filepath.Join(os.TempDir(), "kzmap-bench", "results")
	}
	workload = os.Getenv("WORKLOAD")
	if workload == "" {
		workload = filepath.Join(filepath.Dir(results), "workload")
	}
	return results, workload
}
