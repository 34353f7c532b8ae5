// Package cputime reads the CPU time this process has used, for the
// benchmarks that report it beside wall time (a database import's own
// work, apart from the server's).
package cputime
