// Package sitedb is the site database provider: sites, collections,
// packages, programs, advertisements, distribution points, the sync host,
// hardware inventory, deployment packages and deployments of a
// Configuration Manager 2007 site, kept in an embedded SQLite file (the
// default) or in PostgreSQL.
//
// It owns the database schema (embedded, numbered migrations under
// migrations/), the ConfigMgr-style object ids (ids.go), the rules that need
// the database (unique names, unused source paths, irreversible changes),
// the constraints the database itself holds (migration 0004; a violation
// becomes a diagnostic at the object, constraints.go), the inventory the
// engine's reference checks read (inventory.go) and the group-commit writer
// that lets concurrent Apply calls share one transaction.
//
// It does not parse HCL, order changes or keep state: the engine does. It
// does not check rules that need only one object's value, nor whether an id
// names an object of an allowed site (those are in package schema, the
// latter with this provider's inventory) and it never talks to a real ConfigMgr site server.
package sitedb
