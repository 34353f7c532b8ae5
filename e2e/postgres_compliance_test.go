package e2e

import (
	"strings"
	"testing"

	"github.com/updplan/updplan/internal/pgtest"
)

// complianceSite is plan_compliance.txtar's site on a PostgreSQL site
// database: a pilot of three declared members and All Systems.
const complianceSite = postgresSite + `
collection "pilot" {
  site    = site.lab.code
  name    = "Pilot"
  members = ["PC01", "PC02", "PC03"]
}

deployment "pilot" {
  site       = site.lab.code
  name       = "Pilot wave"
  updates    = ["KB958644"]
  collection = collection.pilot.id
  start_time = "2026-12-12T02:00:00Z"
}

deployment "all" {
  site       = site.lab.code
  name       = "Everyone"
  updates    = ["KB958644", "KB958687"]
  collection = "SMS00001"
  start_time = "2026-12-19T02:00:00Z"
}
`

// TestPostgresCompliance runs the compliance loop on a PostgreSQL site
// database: scans and memberships imported (a first import, then the same
// file again), each deployment's figures beside it in plan and drift as
// report compliance -by=deployment gives them, nothing in -json or with
// -compliance=false, and a precondition on a data source refusing the
// plan with its figures. plan_compliance.txtar and data.txtar run the same
// on SQLite.
func TestPostgresCompliance(t *testing.T) {
	dsn := pgtest.DSN(t)
	dir := t.TempDir()
	writeFile(t, dir, "main.upd.hcl", complianceSite)
	writeFile(t, dir, "scan.csv", `ResourceID,Name0,UniqueUpdateID,ID,QNumbers,Title,LastStateName,ScanDateTime,LastHWScan
16777220,PC01,u-1,MS08-067,958644,Update,Installed,2026-11-30T08:00:00Z,2026-11-30T09:00:00Z
16777220,PC01,u-2,MS08-068,958687,Update,Required,2026-11-30T08:00:00Z,2026-11-30T09:00:00Z
16777221,PC02,u-1,MS08-067,958644,Update,Required,2026-11-30T08:00:00Z,
16777221,PC02,u-2,MS08-068,958687,Update,Not Required,2026-11-30T08:00:00Z,
`)
	writeFile(t, dir, "members.csv", `CollectionID,ResourceID,Name
SMS00001,16777220,PC01
SMS00001,16777221,PC02
SMS00001,16777222,PC03
SMS00001,16777223,PC04
`)
	env := []string{"UPDPLAN_VAR_dsn=" + dsn}
	run := func(want int, args ...string) result {
		t.Helper()
		r := updplanEnv(t, dir, env, args...)
		if r.code != want {
			t.Fatalf("updplan %s: want exit %d\n%s", strings.Join(args, " "), want, r)
		}
		if strings.Contains(r.stdout+r.stderr, dsn) {
			t.Fatalf("updplan %s printed the DSN", strings.Join(args, " "))
		}
		return r
	}
	contains := func(what, out string, wants ...string) {
		t.Helper()
		for _, w := range wants {
			if !strings.Contains(out, w) {
				t.Errorf("%s lacks %q:\n%s", what, w, out)
			}
		}
	}

	run(0, "apply", "-auto-approve")
	if r := run(0, "plan"); strings.Contains(r.stdout, "compliance:") {
		t.Fatalf("a plan before any import shows compliance:\n%s", r.stdout)
	}
	r := run(0, "inventory", "import", "scan.csv", "members.csv")
	contains("the first import", r.stdout, "scan.csv (scan results): 4 rows: 4 added", "members.csv (collection memberships): 4 rows: 4 added")
	r = run(0, "inventory", "import", "scan.csv")
	contains("the same file again", r.stdout, "4 rows: 0 added, 0 updated, 4 unchanged")

	pilot := "compliance: 2 of 3 clients reported (66.7%), 50.0% compliant, 2 stale"
	all := "compliance: 2 of 4 clients reported (50.0%), 50.0% compliant, 3 stale"
	r = run(0, "plan")
	contains("plan", r.stdout, "# deployment.pilot: "+pilot, "# deployment.all: "+all)
	r = run(0, "report", "compliance", "-by=deployment", "-format=csv")
	contains("report compliance -by=deployment", r.stdout, ",Pilot wave,", ",KB958644,3,2,66.7,2,1,1,0,0,0,50.0,", ",Everyone,SMS00001,KB958644 KB958687,4,2,50.0,3,1,2,0,1,0,50.0,")

	// A pending change: drift shows it with its figures.
	writeFile(t, dir, "main.upd.hcl", strings.Replace(complianceSite, `"Pilot wave"`, `"Pilot wave 2"`, 1))
	r = run(2, "drift")
	contains("drift", r.stdout, "# deployment.pilot will be updated in-place\n  # "+pilot)
	for _, args := range [][]string{{"plan", "-json"}, {"plan", "-compliance=false"}} {
		if r := run(0, args...); strings.Contains(r.stdout, "compliance:") {
			t.Errorf("updplan %s shows compliance:\n%s", strings.Join(args, " "), r.stdout)
		}
	}

	// A precondition on the figures refuses the plan with them.
	writeFile(t, dir, "main.upd.hcl", complianceSite+`
data "compliance" "pilot" {
  site       = site.lab.code
  collection = collection.pilot.id
}

deployment "gated" {
  site       = site.lab.code
  name       = "Gated wave"
  updates    = ["KB958644"]
  collection = collection.pilot.id
  start_time = "2026-12-26T02:00:00Z"
  lifecycle {
    precondition {
      condition     = data.compliance.pilot.reported_percent >= 90
      error_message = "Fewer than 90% of the pilot reported a scan."
    }
  }
}
`)
	r = run(1, "plan")
	contains("a gated plan", r.stderr, "Resource precondition failed", "Fewer than 90% of the pilot reported a scan.", "data.compliance.pilot: clients = 3")
}
