package archtest

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/updplan/updplan"

type pkg struct {
	ImportPath string
	Deps       []string
}

// listPackages returns every package of the module with its (non-test)
// dependencies inside the module.
func listPackages(t *testing.T) []pkg {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps=false", "-json", module+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		var own []string
		for _, d := range p.Deps {
			if strings.HasPrefix(d, module+"/") {
				own = append(own, strings.TrimPrefix(d, module+"/"))
			}
		}
		p.ImportPath = strings.TrimPrefix(p.ImportPath, module+"/")
		p.Deps = own
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// rule says which of the module's packages a package may depend on.
type rule struct {
	name    string
	applies func(p string) bool
	allowed func(dep string) bool
}

func under(prefix string) func(string) bool {
	return func(p string) bool { return p == prefix || strings.HasPrefix(p, prefix+"/") }
}

func oneOf(list ...string) func(string) bool {
	return func(p string) bool {
		for _, l := range list {
			if p == l {
				return true
			}
		}
		return false
	}
}

func isConcreteProvider(p string) bool {
	return strings.HasPrefix(p, "providers/") && p != "providers/providertest" && p != complianceData &&
		!strings.HasPrefix(p, "providers/internal/")
}

// complianceData is the site database's compliance package: part of the
// sitedb provider, imported by it and by the command line only.
const complianceData = "providers/sitedb/compliance"

var rules = []rule{
	{"the graph knows nothing of the domain", under("engine/graph"), func(string) bool { return false }},
	{"addresses are a leaf", under("engine/addr"), func(string) bool { return false }},
	{"encryption is a leaf: it sees bytes and its own block", under("engine/encryption"), func(string) bool { return false }},
	{"schema is data", under("schema"), oneOf("engine/addr")},
	{"providers is the interface", oneOf("providers"), oneOf("engine/addr", "schema")},
	{"a provider never imports the engine or another provider", isConcreteProvider,
		func(d string) bool {
			// providers/internal holds code shared by providers (the SMB
			// session pool, MS-RPC), not providers.
			return d == "providers" || d == "schema" || d == "engine/addr" || d == complianceData ||
				strings.HasPrefix(d, "providers/internal/")
		}},
	{"only the site database provider uses its compliance data",
		func(p string) bool { return isConcreteProvider(p) && !under("providers/sitedb")(p) },
		func(d string) bool { return d != complianceData }},
	{"the view never imports the engine", under("cmd/updplan/internal/view"),
		oneOf("engine/addr", "engine/plan", "engine/state", "engine/encryption", "schema", "providers")},
	{"the evaluator sees configuration and values, not state, plans or providers", under("engine/eval"),
		oneOf("engine/addr", "engine/config", "engine/encryption", "engine/lang", "schema")},
	{"engine phases do not import the orchestrator or providers",
		func(p string) bool { return strings.HasPrefix(p, "engine/") },
		func(d string) bool { return strings.HasPrefix(d, "engine/") || d == "schema" }},
	{"the engine does not import concrete providers or the command line", oneOf("engine"),
		func(d string) bool { return !isConcreteProvider(d) && !strings.HasPrefix(d, "cmd/") }},
}

func TestImportDirections(t *testing.T) {
	pkgs := listPackages(t)
	if len(pkgs) < 10 {
		t.Fatalf("only %d packages listed", len(pkgs))
	}
	for _, p := range pkgs {
		for _, r := range rules {
			if !r.applies(p.ImportPath) {
				continue
			}
			for _, d := range p.Deps {
				if !r.allowed(d) {
					t.Errorf("%s imports %s: %s", p.ImportPath, d, r.name)
				}
			}
		}
	}
}
