// Package compliance owns the compliance data of the site database: it
// loads what clients reported (scan results exported from
// v_GS_PatchStatusEx with v_R_System and v_GS_WORKSTATION_STATUS, and
// collection memberships from v_FullCollectionMembership) into the tables
// of migrations 0003, 0005 and 0007, and answers the questions asked of
// that data: the reports of `updplan report compliance|clients` and the
// figures of the `data "compliance"` data source.
//
// Files are read as a stream (CSV or JSON lines, UTF-8 or UTF-16 with a
// byte order mark) and validated row by row, in one transaction per file,
// so a file that fails leaves nothing behind and memory stays bounded
// whatever the file's size. A scan-result file whose rows of each client
// are together (as exports list them) is imported in one pass
// (single.go): each client's rows are resolved in memory and written
// straight into the tables, compared in Go with the client's stored rows
// (SQLite) or copied with COPY (PostgreSQL), while another goroutine
// reads and validates. Any other file, and collection memberships, are
// staged in a temporary table (PostgreSQL: COPY through pgx) and merged
// with set-based SQL (import.go).
//
// It does not open databases or run migrations (package sitedb does and
// hands it a Store), and it knows nothing of HCL configurations, the state
// or how reports are rendered (cmd/updplan does that).
package compliance
