//go:build !unix

package sitedb

import "time"

// cpuTime is not measured here: the cpu-µs/object metric reads 0.
func cpuTime() time.Duration { return 0 }
