package share

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/updplan/updplan/providers"
	"github.com/zclconf/go-cty/cty"
)

func TestPathMapping(t *testing.T) {
	tests := map[string]struct {
		server, path string
		want         []string // folders under root
		summary      string
	}{
		"windows path":             {server: "SRV01", path: `D:\ITMU\PkgSource`, want: []string{"SRV01", "D", "ITMU", "PkgSource"}},
		"forward slashes":          {server: "SRV01", path: `D:/ITMU/PkgSource`, want: []string{"SRV01", "D", "ITMU", "PkgSource"}},
		"lower-case drive, server": {server: "srv01", path: `d:\Updates`, want: []string{"SRV01", "D", "Updates"}},
		"drive root":               {server: "SRV01", path: `E:\`, want: []string{"SRV01", "E"}},
		"doubled separators, dot":  {server: "SRV01", path: `D:\\ITMU\.\PkgSource\`, want: []string{"SRV01", "D", "ITMU", "PkgSource"}},
		"posix path":               {server: "files.corp.example", path: "/srv/updates", want: []string{"FILES.CORP.EXAMPLE", "srv", "updates"}},
		"relative":                 {server: "SRV01", path: `ITMU\PkgSource`, summary: "Relative share path"},
		"drive-relative":           {server: "SRV01", path: `D:ITMU`, summary: "Relative share path"},
		"rooted without drive":     {server: "SRV01", path: `\ITMU`, summary: "Relative share path"},
		"unc":                      {server: "SRV01", path: `\\SRV02\PackageSrc`, summary: "Relative share path"},
		"dot dot":                  {server: "SRV01", path: `D:\ITMU\..\..\..\etc`, summary: "Share path leaves its folder"},
		"dot dot posix":            {server: "SRV01", path: "/srv/../../etc", summary: "Share path leaves its folder"},
		"second colon":             {server: "SRV01", path: `D:\ITMU\C:\x`, summary: "Invalid share path"},
		"server with a slash":      {server: "../SRV01", path: `D:\x`, summary: "Invalid server name"},
		"empty server":             {server: "", path: `D:\x`, summary: "Invalid server name"},
	}
	p, _ := open(t)
	d := p.drv.(*localDriver)
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			f, err := d.Locate(tt.server, tt.path)
			if tt.summary != "" {
				pr, ok := err.(*problem)
				if !ok || pr.Summary != tt.summary {
					t.Fatalf("Locate(%q, %q) = %v, want %q", tt.server, tt.path, err, tt.summary)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := folder{Shown: filepath.Join(append([]string{".site"}, tt.want...)...), Real: filepath.Join(append([]string{d.dir}, tt.want...)...)}
			if diff := cmp.Diff(want, f); diff != "" {
				t.Errorf("Locate (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSymlinkConfinement(t *testing.T) {
	p, root := open(t)
	outside := t.TempDir()
	server := filepath.Join(root, "SRV01", "D")
	if err := os.MkdirAll(filepath.Join(server, "Inside"), 0o755); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{
		"Escape":   outside,
		"Relative": filepath.Join("..", "..", ".."),
		"Dangling": filepath.Join(outside, "missing"),
		"Good":     filepath.Join(server, "Inside"),
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(server, name)); err != nil {
			t.Skipf("symbolic links not available: %v", err)
		}
	}
	tests := map[string]string{ // path -> the error summary, "" for none
		`D:\Escape`:           "Share path escapes the root",
		`D:\Escape\Sub\Deep`:  "Share path escapes the root",
		`D:\Relative\Outside`: "Share path escapes the root",
		`D:\Dangling\x`:       "Share path escapes the root",
		`D:\Good\PkgSource`:   "",
		`D:\New\PkgSource`:    "",
	}
	for path, summary := range tests {
		t.Run(path, func(t *testing.T) {
			_, d := plan(t, p, object{addr: at("s")}, shareCfg(map[string]cty.Value{"path": sv(path)}))
			if summaries(d) != summary {
				t.Fatalf("plan of %s: %v, want %q", path, d, summary)
			}
			if summary != "" && !strings.Contains(d.Error(), "symbolic link") {
				t.Errorf("the detail does not say why: %s", d.Error())
			}
		})
	}
	t.Run("link made between plan and apply", func(t *testing.T) {
		cfg := shareCfg(map[string]cty.Value{"path": sv(`D:\Later\PkgSource`), "name": sv("Later")})
		planned, d := plan(t, p, object{addr: at("later")}, cfg)
		if d.HasErrors() {
			t.Fatal(d.Error())
		}
		if err := os.Symlink(outside, filepath.Join(server, "Later")); err != nil {
			t.Fatal(err)
		}
		resp := applyPlanned(p, object{addr: at("later")}, planned, cfg)
		if summaries(resp.Diagnostics) != "Share path escapes the root" || !resp.NewState.IsNull() {
			t.Fatalf("apply: %v", resp.Diagnostics)
		}
		if _, err := os.Stat(filepath.Join(outside, "PkgSource")); !os.IsNotExist(err) {
			t.Errorf("a folder was made outside the root: %v", err)
		}
		if names(t, root, "SRV01") != "" {
			t.Errorf("a share was recorded")
		}
	})
}

func TestBadShareTable(t *testing.T) {
	tests := map[string]struct {
		content string
		summary string
		detail  string
	}{
		"not json":           {content: "{not json", summary: "Corrupt share table", detail: "not a valid share table"},
		"truncated":          {content: `{"format_version": 1, "servers": [{"name": "SRV01", "shares": [`, summary: "Corrupt share table", detail: "not a valid share table"},
		"newer format":       {content: `{"format_version": 2, "servers": []}`, summary: "Corrupt share table", detail: "format_version is 2"},
		"unknown field":      {content: `{"format_version": 1, "servers": [], "extra": 1}`, summary: "Corrupt share table", detail: "unknown field"},
		"duplicate share":    {content: `{"format_version": 1, "servers": [{"name": "SRV01", "shares": [{"name": "A", "path": "D:\\A"}, {"name": "a", "path": "D:\\B"}]}]}`, summary: "Corrupt share table", detail: `share "a" appears twice`},
		"share without path": {content: `{"format_version": 1, "servers": [{"name": "SRV01", "shares": [{"name": "A"}]}]}`, summary: "Corrupt share table", detail: `share "A" has no path`},
		"trailing data":      {content: `{"format_version": 1, "servers": []} {}`, summary: "Corrupt share table", detail: "data after"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			p, root := open(t)
			file := filepath.Join(root, "shares.json")
			if err := os.WriteFile(file, []byte(tt.content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, d := plan(t, p, object{addr: at("s")}, shareCfg(nil))
			if summaries(d) != tt.summary || !strings.Contains(d.Error(), tt.detail) || !strings.Contains(d.Error(), file) {
				t.Errorf("plan: %v, want %q about %s with %q", d, tt.summary, file, tt.detail)
			}
			// Apply (with a plan made before the table broke) fails the same
			// way, leaves the table as it was and creates no share.
			planned := stateNamed(t, shareCfg(nil), "PackageSrc")
			resp := applyPlanned(p, object{addr: at("s")}, planned, shareCfg(nil))
			if summaries(resp.Diagnostics) != tt.summary || !resp.NewState.IsNull() {
				t.Errorf("apply: %v", resp.Diagnostics)
			}
			if b, _ := os.ReadFile(file); string(b) != tt.content {
				t.Errorf("the table was changed to %q", b)
			}
			if leftovers, _ := filepath.Glob(filepath.Join(root, ".shares-*")); len(leftovers) > 0 {
				t.Errorf("temporary files left: %v", leftovers)
			}
		})
	}
}

func TestUnreadableShareTable(t *testing.T) {
	p, root := open(t)
	// A folder where the table should be cannot be read, even by root.
	file := filepath.Join(root, "shares.json")
	if err := os.Mkdir(file, 0o755); err != nil {
		t.Fatal(err)
	}
	_, d := plan(t, p, object{addr: at("s")}, shareCfg(nil))
	if summaries(d) != "Unreadable share table" || !strings.Contains(d.Error(), file) {
		t.Errorf("plan: %v", d)
	}
}

// TestConcurrentApplies creates 50 shares from goroutines, half through a
// second provider on the same root (as a second process would): no update
// is lost.
func TestConcurrentApplies(t *testing.T) {
	p, root := open(t)
	q := openOn(t, root)
	const n = 50
	var wg sync.WaitGroup
	errs := make(chan string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			prov := p
			if i%2 == 1 {
				prov = q
			}
			o := object{addr: at(fmt.Sprintf("s%02d", i))}
			cfg := shareCfg(map[string]cty.Value{"name": sv(fmt.Sprintf("Share%02d", i)), "path": sv(fmt.Sprintf(`D:\Shares\%02d`, i))})
			planned, d := plan(t, prov, o, cfg)
			if d.HasErrors() {
				errs <- d.Error()
				return
			}
			if resp := applyPlanned(prov, o, planned, cfg); resp.Diagnostics.HasErrors() {
				errs <- resp.Diagnostics.Error()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	st := readTable(t, root).server("SRV01")
	if st == nil || len(st.Shares) != n {
		t.Fatalf("the share table holds %d shares, want %d", len(st.Shares), n)
	}
	for i, s := range st.Shares {
		if want := fmt.Sprintf("Share%02d", i); s.Name != want || s.Owner != fmt.Sprintf("share.s%02d", i) {
			t.Errorf("share %d: %s owned by %s", i, s.Name, s.Owner)
		}
	}
}

// TestConcurrentNextFree plans and applies 20 shares that all ask for
// PackageSrc with next_free, from two providers on one root: every share
// gets a name of its own.
func TestConcurrentNextFree(t *testing.T) {
	p, root := open(t)
	q := openOn(t, root)
	const n = 20
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			prov := p
			if i%2 == 1 {
				prov = q
			}
			o := object{addr: at(fmt.Sprintf("s%02d", i))}
			cfg := shareCfg(map[string]cty.Value{"on_name_taken": sv("next_free"), "path": sv(fmt.Sprintf(`D:\Shares\%02d`, i))})
			// Two processes planning at once can pick one name; the loser's
			// apply fails and its next plan picks another.
			for attempt := 0; attempt < n; attempt++ {
				planned, d := plan(t, prov, o, cfg)
				if d.HasErrors() {
					t.Error(d.Error())
					return
				}
				resp := applyPlanned(prov, o, planned, cfg)
				if !resp.Diagnostics.HasErrors() {
					return
				}
				if summaries(resp.Diagnostics) != "Share name taken" {
					t.Error(resp.Diagnostics.Error())
					return
				}
			}
			t.Errorf("%s found no free name", o.addr)
		}()
	}
	wg.Wait()
	st := readTable(t, root).server("SRV01")
	seen := map[string]bool{}
	for _, s := range st.Shares {
		seen[s.Owner] = true
	}
	if len(st.Shares) != n || len(seen) != n {
		t.Errorf("%d shares for %d owners, want %d each: %s", len(st.Shares), len(seen), n, names(t, root, "SRV01"))
	}
}

func TestTableWrittenAtomicallyAndSorted(t *testing.T) {
	p, root := open(t)
	create(t, p, "b", shareCfg(map[string]cty.Value{"server": sv("srv02"), "name": sv("Zeta"), "path": sv(`D:\Z`)}))
	create(t, p, "a", shareCfg(map[string]cty.Value{"name": sv("alpha"), "path": sv(`D:\A`), "access": acl("SMS Admins", "full", "Administrators", "full")}))
	create(t, p, "c", shareCfg(map[string]cty.Value{"name": sv("Beta"), "path": sv(`D:\B`)}))
	raw, err := os.ReadFile(filepath.Join(root, "shares.json"))
	if err != nil {
		t.Fatal(err)
	}
	tbl := readTable(t, root)
	var got []string
	for _, st := range tbl.Servers {
		for _, s := range st.Shares {
			got = append(got, st.Name+`\`+s.Name)
		}
	}
	if diff := cmp.Diff([]string{`SRV01\alpha`, `SRV01\Beta`, `srv02\Zeta`}, got); diff != "" {
		t.Errorf("order of the table (-want +got):\n%s", diff)
	}
	if a := entry(tbl, "SRV01", "alpha"); a.Access[0].Principal != "Administrators" {
		t.Errorf("ACL not sorted: %+v", a.Access)
	}
	if !bytes.HasSuffix(raw, []byte("}\n")) {
		t.Errorf("the table does not end with a newline")
	}
	fi, err := os.Stat(filepath.Join(root, "shares.json"))
	if err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("mode of the table: %v %v", fi.Mode(), err)
	}
	if leftovers, _ := filepath.Glob(filepath.Join(root, ".shares-*")); len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestLockHeldByAnotherHolder(t *testing.T) {
	_, root := open(t)
	held, ok, err := tryLock(filepath.Join(root, "shares.json.lock"))
	if err != nil || !ok {
		t.Fatalf("first lock: %v %v", ok, err)
	}
	if _, ok, err := tryLock(filepath.Join(root, "shares.json.lock")); err != nil || ok {
		t.Fatalf("second lock taken while the first is held: %v %v", ok, err)
	}
	// An apply waiting for the lock gives up when its context ends.
	p := openOn(t, root)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err = p.drv.Edit(ctx, "SRV01", func([]Share) ([]edit, error) { return []edit{{put: &Share{Name: "x", Path: `D:\x`}}}, nil })
	if pr, ok := err.(*problem); !ok || pr.Summary != "Share table lock not taken" {
		t.Errorf("edit with the lock held: %v", err)
	}
	if err := held.unlock(); err != nil {
		t.Fatal(err)
	}
	err = p.drv.Edit(ctxTimeout(t), "SRV01", func([]Share) ([]edit, error) { return []edit{{put: &Share{Name: "x", Path: `D:\x`}}}, nil })
	if err != nil {
		t.Errorf("edit after the lock was released: %v", err)
	}
}

// TestConcurrentProcesses runs two helper processes (this test binary) and
// this process against one root at once: every share of all three lands in
// the table.
func TestConcurrentProcesses(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Skipf("cannot find the test binary: %v", err)
	}
	p, root := open(t)
	const each = 30
	var cmds []*exec.Cmd
	var outs []*bytes.Buffer
	for _, prefix := range []string{"A", "B"} {
		cmd := exec.Command(exe, "-test.run=^TestHelperProcess$")
		cmd.Env = append(os.Environ(), "UPDPLAN_SHARE_HELPER="+root+string(os.PathListSeparator)+prefix+string(os.PathListSeparator)+fmt.Sprint(each))
		out := &bytes.Buffer{}
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, outs = append(cmds, cmd), append(outs, out)
	}
	if err := createMany(p, "C", each); err != nil {
		t.Error(err)
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Errorf("helper %d: %v\n%s", i, err, outs[i])
		}
	}
	st := readTable(t, root).server("SRV01")
	if st == nil || len(st.Shares) != 3*each {
		t.Fatalf("the share table holds %d shares, want %d", len(st.Shares), 3*each)
	}
}

// TestHelperProcess is the other process of TestConcurrentProcesses; it
// does nothing in a normal run.
func TestHelperProcess(t *testing.T) {
	spec := os.Getenv("UPDPLAN_SHARE_HELPER")
	if spec == "" {
		t.Skip("helper process for TestConcurrentProcesses")
	}
	parts := strings.Split(spec, string(os.PathListSeparator))
	var n int
	fmt.Sscan(parts[2], &n)
	if err := createMany(openOn(t, parts[0]), parts[1], n); err != nil {
		t.Fatal(err)
	}
}

// createMany creates n shares named prefix0, prefix1, ... from 5
// goroutines.
func createMany(p *Provider, prefix string, n int) error {
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for w := range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 5 {
				name := fmt.Sprintf("%s%d", prefix, i)
				o := object{addr: at(name)}
				cfg := shareCfg(map[string]cty.Value{"name": sv(name), "path": sv(`D:\Shares\` + name)})
				resp := p.Plan(context.Background(), providers.PlanRequest{TypeName: "share", Addr: o.addr, Prior: cty.NullVal(shareType), Config: cfg, Proposed: providers.ProposedNew(schemaType(), cty.NullVal(shareType), cfg)})
				if resp.Diagnostics.HasErrors() {
					errs <- fmt.Errorf("plan %s: %s", name, resp.Diagnostics.Error())
					continue
				}
				if ar := applyPlanned(p, o, resp.Planned, cfg); ar.Diagnostics.HasErrors() {
					errs <- fmt.Errorf("apply %s: %s", name, ar.Diagnostics.Error())
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs
}
