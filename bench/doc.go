// Package bench holds the whole-process benchmarks of updplan, side by side
// with Terraform: gen writes the same configuration shape for both tools,
// measure runs a command and reports its wall time and peak memory, and
// run.sh puts them together. catalog.sh sets the catalog's distribution
// (local distribution points, and SMB ones through the Go benchmark
// BenchmarkSMBDistribution) against an administrator's shell script.
// compliance.sh sets `updplan inventory import` against sqlite3's .import
// and (BenchmarkImportPostgres) psql's \copy, and times the compliance
// report and a plan with a data source. Engine
// and provider benchmarks are Go benchmarks in their packages (go test
// -bench).
package bench
