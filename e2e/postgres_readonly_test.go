package e2e

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/updplan/updplan/internal/pgtest"
)

// TestPostgresPlanReadOnly: plan never writes to PostgreSQL. On an empty
// database (site database and state both there) it creates no table and
// runs no migration, and says what creates them; after an apply, a plan
// (with a change pending) leaves every table's rows as they were.
func TestPostgresPlanReadOnly(t *testing.T) {
	dsn := pgtest.DSN(t)
	dir := t.TempDir()
	writeFile(t, dir, "main.upd.hcl", `
updplan {
  backend "postgres" {
    dsn = var.dsn
  }
}

variable "comment" {
  type    = string
  default = "first"
}
`+postgresSite+`
collection "c" {
  site    = site.lab.code
  name    = "All"
  comment = var.comment
}
`)
	env := []string{"UPDPLAN_VAR_dsn=" + dsn}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	snapshot := func() string {
		t.Helper()
		rows, err := conn.Query(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`)
		if err != nil {
			t.Fatal(err)
		}
		tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(tables)
		var b strings.Builder
		for _, name := range tables {
			var sum string
			q := fmt.Sprintf(`SELECT coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '') FROM %s t`, pgx.Identifier{name}.Sanitize())
			if err := conn.QueryRow(ctx, q).Scan(&sum); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s %s\n", name, sum)
		}
		return b.String()
	}

	empty := snapshot()
	r := updplanEnv(t, dir, env, "plan")
	if r.code != 0 || !strings.Contains(r.stderr+r.stdout, "updplan apply") {
		t.Fatalf("plan on an empty database:\n%s", r)
	}
	if got := snapshot(); got != empty {
		t.Fatalf("plan wrote to an empty database: tables now\n%s", got)
	}

	if r := updplanEnv(t, dir, env, "apply", "-auto-approve"); r.code != 0 {
		t.Fatalf("apply:\n%s", r)
	}
	applied := snapshot()
	if r := updplanEnv(t, dir, append(env, "UPDPLAN_VAR_comment=second"), "plan", "-detailed-exitcode"); r.code != 2 {
		t.Fatalf("plan with a change:\n%s", r)
	}
	if got := snapshot(); got != applied {
		t.Fatalf("plan changed rows:\nbefore\n%s\nafter\n%s", applied, got)
	}
}
