// Package report renders the reports of `updplan report` from one model
// (Report: a title, columns, rows and charts) in four formats: an ASCII
// table, CSV, JSON and one self-contained HTML page with inline CSS and
// SVG charts, no script and nothing fetched from the network.
//
// It does not query anything: cmd/updplan builds a Report from the site
// database (package compliance) or the state and hands it here.
package report
