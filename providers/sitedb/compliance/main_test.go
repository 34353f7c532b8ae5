package compliance_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/internal/pgtest"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/providers/sitedb"
	"github.com/updplan/updplan/providers/sitedb/compliance"
	"github.com/zclconf/go-cty/cty"
)

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

// now is the time the tests import at.
var now = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)

// eachDriver runs f on a fresh site database of each driver holding the
// site LAB.
func eachDriver(t *testing.T, f func(t *testing.T, s *compliance.Store)) {
	for _, driver := range []string{"sqlite", "postgres"} {
		t.Run(driver, func(t *testing.T) { f(t, openStore(t, driver)) })
	}
}

func openStore(t testing.TB, driver string) *compliance.Store {
	t.Helper()
	s := func(x string) cty.Value {
		if x == "" {
			return cty.NullVal(cty.String)
		}
		return cty.StringVal(x)
	}
	dsn, path := "", ""
	if driver == "postgres" {
		dsn = pgtest.DSN(t)
	} else {
		path = "site.db"
	}
	cfg := cty.ObjectVal(map[string]cty.Value{"driver": s(driver), "path": s(path), "dsn": s(dsn), "busy_timeout": s("")})
	p := sitedb.New()
	if d := p.Configure(context.Background(), providers.ConfigureRequest{Config: cfg, WorkingDir: t.TempDir()}); d.HasErrors() {
		t.Fatalf("Configure: %s", d.Error())
	}
	t.Cleanup(func() { p.Close() })
	st, d := p.Compliance()
	if d.HasErrors() {
		t.Fatal(d.Error())
	}
	if _, err := st.DB.Exec(`INSERT INTO sites (id, name, server) VALUES ('LAB', 'Lab', 'SITESRV')`); err != nil {
		t.Fatal(err)
	}
	return st
}

func importString(t testing.TB, s *compliance.Store, name, content string) (*compliance.Result, hcl.Diagnostics) {
	t.Helper()
	return s.Import(context.Background(), name, strings.NewReader(content), compliance.ImportOptions{Site: "LAB", Now: now})
}

func mustImport(t testing.TB, s *compliance.Store, name, content string) *compliance.Result {
	t.Helper()
	res, d := importString(t, s, name, content)
	if d.HasErrors() {
		t.Fatalf("import %s: %s", name, d.Error())
	}
	return res
}

func count(t testing.TB, s *compliance.Store, q string) int {
	t.Helper()
	var n int
	if err := s.DB.QueryRow(q).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}
