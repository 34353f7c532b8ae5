package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// edit replaces old with new in one file of an example copy; an empty old
// appends new.
type edit struct{ file, old, new string }

// TestHierarchyMistakes makes each mistake of issue 12 to a copy of the
// two-level hierarchy example and checks that plan (or import) refuses it,
// or warns where ConfigMgr itself only warns, and that a refused plan
// writes nothing. The example's README lists the same mistakes.
func TestHierarchyMistakes(t *testing.T) {
	const src = "../examples/two-level-hierarchy"
	tests := []struct {
		name    string
		applied bool     // apply the example before making the mistake
		edits   []edit   // the mistake
		before  []string // commands run before the checked one
		args    []string // the checked command; plan when nil
		code    int
		want    []string // in the output
	}{
		{name: "deployment in a site, collection and package that do not exist",
			edits: []edit{{"deployments.upd.hcl", "", `
deployment "zzz" {
  site       = "ZZZ"
  name       = "Nowhere"
  updates    = ["KB958644"]
  collection = "BR100042"
  package    = "CEN0FFFF"
  start_time = "2026-11-14T02:00:00Z"
}
`}},
			code: 1, want: []string{"Error: Site not found", `No site with code "ZZZ"`, "Error: Unknown collection", `"BR100042"`, "Error: Unknown deployment package", `"CEN0FFFF"`}},
		{name: "program naming no package",
			edits: []edit{{"itmu.upd.hcl", "", `
program "orphan" {
  package      = "LAB00001"
  name         = "Orphan"
  command_line = "orphan.exe"
}
`}},
			code: 1, want: []string{"Error: Unknown package", `"LAB00001"`, "The packages that can be named here"}},
		{name: "sync host in a collection that does not exist",
			edits: []edit{{"itmu.upd.hcl", "mode       = \"unattended\"\n  collection = collection.sync.id", "mode       = \"unattended\"\n  collection = \"CEN0FFFF\""}},
			code:  1, want: []string{"Error: Unknown collection", `"CEN0FFFF"`}},
		{name: "package sent to something that is not a distribution point",
			edits: []edit{{"deployments.upd.hcl", "distribute_to = [for dp in distribution_point.branch : dp.id]", `distribute_to = ["not a NAL path"]`}},
			code:  1, want: []string{"Error: Unknown distribution point", `"not a NAL path"`}},
		{name: "hardware inventory of a site that does not exist",
			edits: []edit{{"sites.upd.hcl", "site     = site.branch.code\n  schedule", "site     = \"ZZZ\"\n  schedule"}},
			code:  1, want: []string{"Error: Site not found", `"ZZZ"`}},
		{name: "advertisement to a collection that does not exist",
			edits: []edit{{"itmu.upd.hcl", "collection = collection.central_clients.id", `collection = "CEN0FFFF"`}},
			code:  1, want: []string{"Error: Unknown collection"}},
		{name: "dependent program that does not exist",
			edits: []edit{{"itmu.upd.hcl", `command_line    = "ScanWrapper.exe /cache /s"`, "command_line    = \"ScanWrapper.exe /cache /s\"\n  dependent_program = \"CEN0FFFF;;nothing\""}},
			code:  1, want: []string{"Error: Unknown package", `"CEN0FFFF;;nothing"`}},
		{name: "import of a collection another address manages", applied: true,
			before: []string{"state rm collection.sync"}, args: []string{"import", "collection.sync", "@central_clients"},
			code: 1, want: []string{"Error: Object managed by another address", "collection.central_clients"}},
		{name: "deployment using a deployment package of the parent site",
			edits: []edit{{"deployments.upd.hcl", "package     = deployment_package.branch_monthly.id", "package     = deployment_package.central.id"}, {"deployments.upd.hcl", "", `
deployment_package "central" {
  site        = site.central.code
  name        = "Central monthly security updates"
  source_path = "\\\\CENSRV\\Updates\\Monthly"
}
`}},
			code: 1, want: []string{"Error: Object of another site", "Only deployment packages of the deployment's own site"}},
		{name: "central advertisement to a collection of the child",
			edits: []edit{{"itmu.upd.hcl", "collection = collection.central_clients.id", "collection = collection.branch_clients.id"}},
			code:  1, want: []string{"Error: Object of another site", "site CEN or a site above it"}},
		{name: "child package sent to the parent's distribution points",
			edits: []edit{{"deployments.upd.hcl", "distribute_to = [for dp in distribution_point.branch : dp.id]", "distribute_to = [for dp in distribution_point.central : dp.id]"}},
			code:  1, want: []string{"Error: Object of another site", "site BR1 or a site below it"}},
		{name: "inventory tool installed at the child site too",
			edits: []edit{{"itmu.upd.hcl", "", `
package "itmu_branch" {
  site = site.branch.code
  name = "Microsoft Updates Tool"
}
`}},
			code: 1, want: []string{"Error: Inventory tool installed twice"}},
		{name: "two Microsoft Updates Tool packages in one site",
			edits: []edit{{"itmu.upd.hcl", "", `
package "itmu_again" {
  site = site.central.code
  name = "Microsoft Updates Tool"
}
`}},
			code: 1, want: []string{"Error: Duplicate inventory tool package"}},
		{name: "sync collection without a sync host",
			edits: []edit{
				{"itmu.upd.hcl", "  members = [\"WKS-SYNC01\"]\n", ""},
				{"itmu.upd.hcl", "sync_host     = sync_host.itmu.computer", `sync_host     = "WKS-SYNC01"`},
				{"itmu.upd.hcl", "sync_host \"itmu\" {", "sync_host \"itmu\" {\n  count      = 0"},
			},
			code: 1, want: []string{"Error: Sync collection without a sync host"}},
		{name: "sync host outside the sync collection",
			edits: []edit{{"itmu.upd.hcl", "mode       = \"unattended\"\n  collection = collection.sync.id", "mode       = \"unattended\"\n  collection = collection.central_clients.id"}},
			code:  1, want: []string{"Error: Sync host outside the sync collection"}},
		{name: "SMS 2003 deployment without a deployment package",
			edits: []edit{{"deployments.upd.hcl", "  package     = deployment_package.branch_monthly.id\n", ""}},
			code:  1, want: []string{"Error: SMS 2003 deployment without a deployment package"}},
		{name: "catalog not on the child's distribution points",
			edits: []edit{{"itmu.upd.hcl", "    [for dp in distribution_point.branch : dp.content_path],\n", ""}},
			code:  1, want: []string{"Error: Catalog missing on a distribution point", "distribution_point.branch"}},
		{name: "scan package renamed", applied: true,
			edits: []edit{{"itmu.upd.hcl", `name         = "Microsoft Updates Tool"`, `name         = "Microsoft Updates Tool 2"`}},
			code:  0, want: []string{"Warning: Scan package changed under existing deployments", "must be replaced"}},
		{name: "site code changed", applied: true,
			edits: []edit{{"sites.upd.hcl", `code   = "BR1"`, `code   = "BR2"`}},
			code:  1, want: []string{"Error: Site code cannot change", "cannot change after install"}},
		{name: "site name changed", applied: true,
			edits: []edit{{"sites.upd.hcl", `name   = "Branch-1"`, `name   = "Branch-One"`}},
			code:  1, want: []string{"Error: Site name cannot change"}},
		{name: "two advertisements with one name",
			edits: []edit{{"itmu.upd.hcl", `name       = "Microsoft Updates Tool Sync"`, `name       = "Microsoft Updates Tool"`}},
			code:  1, want: []string{"Error: Duplicate advertisement name"}},
		{name: "site server name not in ASCII",
			edits: []edit{{"sites.upd.hcl", `server = "BR1SRV"`, `server = "BR1SRVÉ"`}},
			code:  1, want: []string{"Error: Invalid server name"}},
		{name: "hardware inventory every 24 hours",
			edits: []edit{{"sites.upd.hcl", `schedule = "every 1 days"`, `schedule = "every 24 hours"`}},
			code:  0, want: []string{"Plan: 23 to add"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			copyExample(t, src, dir)
			if tt.applied {
				if r := updplan(t, dir, "apply", "-auto-approve"); r.code != 0 {
					t.Fatalf("apply of the example:\n%s", r)
				}
			}
			for _, e := range tt.edits {
				path := filepath.Join(dir, e.file)
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				s := string(b)
				if e.old == "" {
					s += e.new
				} else if !strings.Contains(s, e.old) {
					t.Fatalf("%s does not hold %q", e.file, e.old)
				} else {
					s = strings.Replace(s, e.old, e.new, 1)
				}
				if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			for _, c := range tt.before {
				if r := updplan(t, dir, strings.Fields(c)...); r.code != 0 {
					t.Fatalf("%s:\n%s", c, r)
				}
			}
			args := tt.args
			if args == nil {
				args = []string{"plan"}
			}
			for i, a := range args {
				if name, ok := strings.CutPrefix(a, "@"); ok {
					args[i] = collectionID(t, dir, name)
				}
			}
			before := siteDBRows(t, dir)
			r := updplan(t, dir, args...)
			if r.code != tt.code {
				t.Fatalf("exit %d, want %d:\n%s", r.code, tt.code, r)
			}
			out := r.stdout + r.stderr
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("the output does not say %q:\n%s", w, r)
				}
			}
			if after := siteDBRows(t, dir); after != before {
				t.Errorf("the site database changed:\nbefore: %s\nafter:  %s", before, after)
			}
		})
	}
}

// collectionID is the id of the collection a resource of the example
// manages, from the owner the site database records.
func collectionID(t *testing.T, dir, name string) string {
	t.Helper()
	db := openSiteDB(t, dir)
	defer db.Close()
	var id string
	if err := db.QueryRow(`SELECT id FROM collections WHERE owner = ?`, "collection."+name).Scan(&id); err != nil {
		t.Fatalf("collection.%s: %v", name, err)
	}
	return id
}

// siteDBRows counts the objects and id counters of the site database in
// dir; an empty database and none at all count the same.
func siteDBRows(t *testing.T, dir string) string {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, "site.db")); err != nil {
		return "no site database" // configuring the provider makes an empty one
	}
	db := openSiteDB(t, dir)
	defer db.Close()
	var b strings.Builder
	total := 0
	for _, table := range []string{"id_counter", "sites", "collections", "packages", "programs", "advertisements", "distribution_points", "sync_hosts", "hardware_inventories", "deployment_packages", "deployments"} {
		var n int
		if err := db.QueryRow(`SELECT COUNT(*) FROM "` + table + `"`).Scan(&n); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		total += n
		b.WriteString(fmt.Sprintf("%s=%d ", table, n))
	}
	if total == 0 {
		return "no site database"
	}
	return b.String()
}
