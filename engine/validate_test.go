package engine_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/providers/sitedb"
)

// TestInvalidCorpus validates every file of testdata/invalid alone: the
// errors and warnings must be exactly the `# ERROR: <summary>` and
// `# WARNING: <summary>` markers, on their lines. A file named plan_*.upd.hcl
// holds mistakes only the site database can tell (ids that name nothing):
// it is planned against a new SQLite site database, and the plan must
// leave no object in it.
func TestInvalidCorpus(t *testing.T) {
	paths, err := filepath.Glob("testdata/invalid/*.upd.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 15 {
		t.Fatalf("only %d files", len(paths))
	}
	for _, path := range paths {
		name := filepath.Base(path)
		t.Run(strings.TrimSuffix(name, ".upd.hcl"), func(t *testing.T) {
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for i, line := range strings.Split(string(src), "\n") {
				for _, sev := range []string{"ERROR", "WARNING"} {
					for _, m := range strings.Split(line, "# "+sev+":")[1:] {
						m = strings.SplitN(m, "#", 2)[0]
						want = append(want, fmt.Sprintf("%03d %s: %s", i+1, sev, strings.TrimSpace(m)))
					}
				}
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, name), src, 0o644); err != nil {
				t.Fatal(err)
			}
			planned := strings.HasPrefix(name, "plan_")
			reg := providers.NewRegistry()
			if planned {
				reg = providers.NewRegistry(sitedb.New())
			}
			e := &engine.Engine{Providers: reg, Version: "0.1.0"}
			cfg, diags := e.Load(dir)
			if !diags.HasErrors() && planned {
				_, d := e.Plan(context.Background(), cfg, engine.Inputs{}, engine.PlanOptions{Refresh: true, Lock: true, Parallelism: 10})
				// The site database does not exist: the plan says that
				// apply creates it, and creates nothing itself.
				d = slices.DeleteFunc(d, func(d *hcl.Diagnostic) bool { return d.Summary == "Site database not created yet" })
				diags = append(diags, d...)
				checkNothingWritten(t, filepath.Join(dir, "site.db"))
			} else if !diags.HasErrors() {
				diags = append(diags, e.Validate(context.Background(), cfg, engine.Inputs{})...)
			}
			var got []string
			for _, d := range diags {
				sev := "ERROR"
				if d.Severity == hcl.DiagWarning {
					sev = "WARNING"
				}
				line := 0
				if d.Subject != nil {
					line = d.Subject.Start.Line
				}
				if d.Detail == "" {
					t.Errorf("line %d %q: no detail", line, d.Summary)
				}
				got = append(got, fmt.Sprintf("%03d %s: %s", line, sev, d.Summary))
			}
			sort.Strings(want)
			sort.Strings(got)
			if diff := cmp.Diff(want, got); diff != "" {
				var all strings.Builder
				for _, d := range diags {
					fmt.Fprintf(&all, "%v %s: %s\n", d.Subject, d.Summary, d.Detail)
				}
				t.Errorf("diagnostics differ from the markers (-want +got):\n%s\n%s", diff, all.String())
			}
		})
	}
}

// checkNothingWritten fails when a plan created the site database at
// path: a plan never writes one.
func checkNothingWritten(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the plan created the site database %s (stat: %v)", path, err)
	}
}
