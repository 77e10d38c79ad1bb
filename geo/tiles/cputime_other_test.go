//go:build !unix

package tiles

import "time"

// cpuTime is not measured here: BenchmarkWorkload reports wall time only.
func cpuTime() time.Duration { return 0 }
