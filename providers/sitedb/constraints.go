package sitedb

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/providers"
)

// constraint is a violation the database raised: which kind, and the
// constraint's name (or, for SQLite's unique indexes, the columns).
type constraint struct {
	kind string // "foreign key", "unique", "check", "not null"
	name string // e.g. collections_refresh; "" when the driver does not say
}

// uniqueAttrs maps a unique index (or SQLite's column list) to the
// attribute it is about.
var uniqueAttrs = map[string]string{
	"collections_site_name": "name", "collections.site, collections.name": "name",
	"programs_package_name": "name", "programs_package_name_key": "name", "programs.package, programs.name": "name",
	"deployment_packages_name": "name", "deployment_packages.name": "name",
	"deployment_packages_source_path": "source_path",
	"packages_share_name":             "share_name",
	"distribution_points_share":       "share",
}

// fkAttrs maps the type of a written row to the attribute its foreign key
// is about (sitedb's migration 0004: one foreign key per type).
var fkAttrs = map[string]string{
	"site": "parent", "program": "package", "advertisement": "program",
	"sync_host": "collection", "deployment": "package",
}

// constraintDiag turns a violation into a diagnostic at the object (and
// at the attribute, where the constraint says which): the database holds
// the same rules as plan, so this happens when the site database changed
// between plan and apply, or a rule could not be checked at plan time. what
// is the explain text, e.g. "create program LAB00001/Scan".
func constraintDiag(c constraint, message, what string) *hcl.Diagnostic {
	verb, rest, _ := strings.Cut(what, " ")
	typeName, _, _ := strings.Cut(rest, " ")
	switch c.kind {
	case "foreign key":
		if verb == "delete" {
			return providers.Errorf("Object still in use",
				"Could not %s: other objects in the site database still refer to it (the programs of a package, the advertisements of a program, the child sites of a site, the sync hosts of a collection, the deployments of a deployment package). Remove or change those objects first, then run the command again.", what)
		}
		attr := fkAttrs[typeName]
		if attr == "" {
			break
		}
		return providers.AttrError(pathAttr(attr), "Refused by the site database",
			fmt.Sprintf("Could not %s: the object `%s` names does not exist in the site database (it was deleted since the plan, or is made by a change that has not been applied). Refer to an object that exists, or plan again.", what, attr))
	case "unique":
		attr := uniqueAttrs[c.name]
		if attr == "" {
			for k, a := range uniqueAttrs {
				if strings.Contains(message, k) {
					attr = a
				}
			}
		}
		if attr == "" {
			break
		}
		return providers.AttrError(pathAttr(attr), "Refused by the site database",
			fmt.Sprintf("Could not %s: another object in the site database already has this %s, which must be unique. Someone made it since the plan; choose another %s, or import that object, and plan again.", what, attr, attr))
	case "check":
		table, attr := "", ""
		for _, k := range []string{"sites", "collections", "packages", "programs", "advertisements", "distribution_points", "sync_hosts", "deployment_packages", "deployments"} {
			if strings.HasPrefix(c.name, k+"_") {
				table, attr = k, strings.TrimPrefix(c.name, k+"_")
			}
		}
		if table == "" {
			break
		}
		return providers.AttrError(pathAttr(attr), "Refused by the site database",
			fmt.Sprintf("Could not %s: the value of `%s` breaks the site database's rule %s. Configuration Manager would refuse it too: correct the value.", what, attr, c.name))
	}
	return providers.Errorf("Refused by the site database", "Could not %s: the site database refused it (%s constraint: %s). Correct the object and run the command again.", what, c.kind, message)
}
