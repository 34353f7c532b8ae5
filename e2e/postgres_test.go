package e2e

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/updplan/updplan/internal/pgtest"
)

// postgresSite is the part the PostgreSQL configurations of these tests
// share: the sitedb provider on var.dsn (UPDPLAN_VAR_dsn) and site "lab".
const postgresSite = `
variable "dsn" {
  type      = string
  sensitive = true
}

provider "sitedb" {
  driver = "postgres"
  dsn    = var.dsn
}

site "lab" {
  code   = "LAB"
  name   = "Lab"
  server = "SITESRV"
}
`

// TestPostgresLifecycle runs a site whose database and state both live in
// PostgreSQL: apply, a no-op plan, a change made by SQL found by drift,
// and the DSN never shown anywhere. The backend's DSN and workspace come
// from a variable and a local (early evaluation).
func TestPostgresLifecycle(t *testing.T) {
	dsn := pgtest.DSN(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	password, _ := u.User.Password()
	dir := t.TempDir()
	writeFile(t, dir, "main.upd.hcl", `
updplan {
  backend "postgres" {
    dsn       = var.dsn # evaluated early: one variable for state and site database
    workspace = local.workspace
  }
}

locals {
  workspace = lower("LAB")
}
`+postgresSite+`
collection "c" {
  count   = 20
  site    = site.lab.code
  name    = "clients ${count.index}"
  comment = "managed"
}
`)
	env := []string{"UPDPLAN_VAR_dsn=" + dsn}
	var all strings.Builder
	run := func(want int, args ...string) result {
		t.Helper()
		r := updplanEnv(t, dir, env, args...)
		all.WriteString(r.stdout + r.stderr)
		if r.code != want {
			t.Fatalf("updplan %s: want exit %d\n%s", strings.Join(args, " "), want, r)
		}
		return r
	}
	run(0, "init")
	r := run(0, "apply", "-auto-approve")
	if !strings.Contains(r.stdout, "21 added") {
		t.Fatalf("apply:\n%s", r)
	}
	run(0, "plan", "-detailed-exitcode")

	// A change made directly in the database is drift.
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), `UPDATE collections SET comment = 'edited by SQL' WHERE name = 'clients 3'`); err != nil {
		t.Fatal(err)
	}
	r = run(2, "drift")
	if !strings.Contains(r.stdout, `collection.c[3] has changed`) || !strings.Contains(r.stdout, `"edited by SQL"`) {
		t.Fatalf("drift:\n%s", r)
	}
	run(2, "plan", "-detailed-exitcode")
	run(0, "apply", "-auto-approve")
	run(0, "drift")
	run(0, "state", "list")
	run(0, "show", "-json")

	for _, secret := range []string{dsn, password} {
		if secret != "" && strings.Contains(all.String(), secret) {
			t.Fatalf("a secret of the DSN appeared in the output")
		}
	}
}
