//go:build !unix

package e2e

import "time"

// cpuTime is not measured here: the bench reports wall time only.
func cpuTime() time.Duration { return 0 }
