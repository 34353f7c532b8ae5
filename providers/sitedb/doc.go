// Package sitedb is the site database provider: sites, collections,
// packages, programs, advertisements, distribution points, the sync host,
// hardware inventory, deployment packages and deployments of a
// Configuration Manager 2007 site, kept in an embedded SQLite file (the
// default) or in PostgreSQL.
//
// It owns the database schema (embedded, numbered migrations under
// migrations/), the ConfigMgr-style object ids (ids.go), the rules that need
// the database (unique names, unused source paths, irreversible changes) and
// the group-commit writer that lets concurrent Apply calls share one
// transaction.
//
// It does not parse HCL, order changes or keep state: the engine does. It
// does not check rules that need only one object's value (those are in
// package schema) and it never talks to a real ConfigMgr site server.
package sitedb
