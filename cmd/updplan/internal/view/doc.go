// Package view renders everything the command line shows: diagnostics with
// source snippets (human) and in Terraform's JSON shape, plans as a
// Terraform-like diff, plan and state JSON (Terraform's format 1.2 / 1.0),
// the streaming machine-readable UI of -json, drift reports (JSON, JUnit),
// progress on a terminal, and tables.
//
// It decides nothing and reads nothing but its arguments.
package view
