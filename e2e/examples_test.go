package e2e

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/updplan/updplan/internal/pgtest"
	"github.com/updplan/updplan/internal/sambatest"
)

var update = flag.Bool("update", false, "rewrite the examples' plan.golden files")

// TestExamples validates and plans every example on an empty site and
// compares the plan with the example's plan.golden.
func TestExamples(t *testing.T) {
	dirs, err := filepath.Glob("../examples/*")
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) < 4 {
		t.Fatalf("only %d examples", len(dirs))
	}
	for _, src := range dirs {
		name := filepath.Base(src)
		t.Run(name, func(t *testing.T) {
			if _, err := os.Stat(filepath.Join(src, "README.md")); err != nil {
				t.Errorf("example without a README: %v", err)
			}
			dir := t.TempDir()
			copyExample(t, src, dir)
			env := []string{}
			if name == "postgres" {
				dsn := pgtest.DSN(t)
				env = append(env, "UPDPLAN_BACKEND_DSN="+dsn, "UPDPLAN_VAR_site_db_dsn="+dsn)
			}
			if name == "smb-server" {
				srv := sambatest.Get(t)
				env = append(env, "UPDPLAN_VAR_smb_address="+srv.Addr, "UPDPLAN_SMB_PASSWORD="+srv.Admin.Password,
					"UPDPLAN_SMB_USERNAME="+srv.Admin.Name, "UPDPLAN_SMB_DOMAIN="+sambatest.NetBIOSName)
			}
			if r := updplanEnv(t, dir, env, "validate"); r.code != 0 {
				t.Fatalf("validate:\n%s", r)
			}
			r := updplanEnv(t, dir, env, "plan")
			if r.code != 0 {
				t.Fatalf("plan:\n%s", r)
			}
			golden := filepath.Join(src, "plan.golden")
			if *update {
				if err := os.WriteFile(golden, []byte(r.stdout), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./e2e -run Examples -update)", err)
			}
			if diff := cmp.Diff(string(want), r.stdout); diff != "" {
				t.Errorf("plan differs from plan.golden (-want +got; refresh with -update):\n%s", diff)
			}
			for _, secret := range secrets(env) {
				if v := secret[strings.Index(secret, "=")+1:]; strings.Contains(r.stdout+r.stderr, v) {
					t.Errorf("the plan shows a secret from %s", secret[:strings.Index(secret, "=")])
				}
			}
			checkPlanJSON(t, dir, env)
		})
	}
}

// secrets are the settings of env that hold a secret (DSNs and passwords);
// addresses and account names may show.
func secrets(env []string) []string {
	var out []string
	for _, e := range env {
		name := e[:strings.Index(e, "=")]
		if strings.Contains(name, "DSN") || strings.Contains(name, "dsn") || strings.Contains(name, "PASSWORD") {
			out = append(out, e)
		}
	}
	return out
}

// checkPlanJSON saves the example's plan and checks that terraform-json
// reads show -json of it, with the shapes policy tools rely on: a
// provider_config entry for every resource's provider, sensitive_values
// on every planned resource, *_sensitive masks that are objects (or false
// for a null side), and no secret.
func checkPlanJSON(t *testing.T, dir string, env []string) {
	t.Helper()
	if r := updplanEnv(t, dir, env, "plan", "-out=example.plan"); r.code != 0 {
		t.Fatalf("plan -out:\n%s", r)
	}
	r := updplanEnv(t, dir, env, "show", "-json", "example.plan")
	if r.code != 0 {
		t.Fatalf("show -json:\n%s", r)
	}
	for _, secret := range secrets(env) {
		if v := secret[strings.Index(secret, "=")+1:]; strings.Contains(r.stdout, v) {
			t.Errorf("show -json shows a secret from %s", secret[:strings.Index(secret, "=")])
		}
	}
	var p tfjson.Plan
	if err := json.Unmarshal([]byte(r.stdout), &p); err != nil {
		t.Fatalf("terraform-json cannot read show -json: %v", err)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if p.Config == nil || p.Config.RootModule == nil || len(p.Config.RootModule.Resources) == 0 {
		t.Fatalf("configuration missing: %+v", p.Config)
	}
	for _, cr := range p.Config.RootModule.Resources {
		if pc := p.Config.ProviderConfigs[cr.ProviderConfigKey]; pc == nil || pc.FullName == "" {
			t.Errorf("%s: provider_config has no entry %q", cr.Address, cr.ProviderConfigKey)
		}
	}
	if len(p.PlannedValues.RootModule.Resources) == 0 {
		t.Errorf("planned_values has no resources")
	}
	for _, pr := range p.PlannedValues.RootModule.Resources {
		if len(pr.SensitiveValues) == 0 || pr.SensitiveValues[0] != '{' {
			t.Errorf("%s: sensitive_values = %s, want an object", pr.Address, pr.SensitiveValues)
		}
	}
	for _, rc := range p.ResourceChanges {
		for side, m := range map[string]any{"before_sensitive": rc.Change.BeforeSensitive, "after_sensitive": rc.Change.AfterSensitive} {
			null := (side == "before_sensitive" && rc.Change.Before == nil) || (side == "after_sensitive" && rc.Change.After == nil)
			if _, obj := m.(map[string]any); !obj && !(null && m == false) {
				t.Errorf("%s: %s = %v, want an object", rc.Address, side, m)
			}
		}
	}
}

// copyExample copies an example's sources, leaving out what a run leaves
// behind (site database, state, the local file server).
func copyExample(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		base := d.Name()
		if rel != "." && (base == ".site" || strings.HasPrefix(base, "site.db") || strings.HasPrefix(base, "updplan.state") || base == "plan.golden") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}
