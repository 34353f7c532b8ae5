package engine_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine"
	"github.com/updplan/updplan/providers"
)

// TestInvalidCorpus validates every file of testdata/invalid alone: the
// errors and warnings must be exactly the `# ERROR: <summary>` and
// `# WARNING: <summary>` markers, on their lines.
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
			e := &engine.Engine{Providers: providers.NewRegistry(), Version: "0.1.0"}
			cfg, diags := e.Load(dir)
			if !diags.HasErrors() {
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
