package cputime

import (
	"runtime"
	"testing"
	"time"
)

// TestProcessGrows: spinning for a while shows as CPU time.
func TestProcessGrows(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("not measured on " + runtime.GOOS)
	}
	before := Process()
	for start := time.Now(); time.Since(start) < 50*time.Millisecond; {
	}
	if got := Process() - before; got < 10*time.Millisecond {
		t.Fatalf("50 ms of spinning used %v of CPU time", got)
	}
}
