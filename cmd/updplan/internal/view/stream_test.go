package view

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/providers"
	"github.com/zclconf/go-cty/cty"
)

// fakeClock advances one second per reading, so that elapsed times and
// timestamps are fixed.
func fakeClock() func() time.Time {
	t := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	return func() time.Time {
		t = t.Add(time.Second)
		return t
	}
}

func TestStream(t *testing.T) {
	var out bytes.Buffer
	s := newStream(&out, "0.1.0", fakeClock())
	p := mixedPlan()
	diags, files := diagFixture(t)
	s.Diagnostics(diags[:2], files)
	s.RefreshStart(inst("share", "pkgsrc"))
	s.RefreshComplete(inst("share", "pkgsrc"))
	s.Plan(p)
	site := p.Change(inst("site", "main"))
	s.ApplyStart(site)
	s.ApplyProgress(providers.ProgressEvent{Addr: site.Addr, Label: `copy to \\DP01\SMSPKGD$`, Done: 512, Total: 1024})
	s.ApplyComplete(site, 1500*time.Millisecond)
	coll := p.Change(inst("collection", "clients"))
	s.ApplyStart(coll)
	s.ApplyErrored(coll, 3*time.Second)
	s.ChangeSummary(1, 0, 0, "apply")
	s.Outputs([]Output{{Name: "db_password", Value: cty.StringVal(secret), Sensitive: true}, {Name: "share_unc", Value: cty.StringVal(`\\SRV01\PackageSrc`)}})
	s.Log("Releasing state lock.")

	if strings.Contains(out.String(), secret) {
		t.Errorf("stream holds a secret")
	}
	checkGolden(t, "stream.jsonl", out.Bytes())

	var types []string
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		for _, k := range []string{"@level", "@message", "@module", "@timestamp", "type"} {
			if _, ok := m[k]; !ok {
				t.Errorf("line %q lacks %s", sc.Text(), k)
			}
		}
		if m["@module"] != "updplan.ui" {
			t.Errorf("@module = %v", m["@module"])
		}
		types = append(types, m["type"].(string))
	}
	want := "version diagnostic diagnostic refresh_start refresh_complete resource_drift resource_drift " +
		"planned_change planned_change planned_change planned_change planned_change planned_change planned_change planned_change " +
		"outputs change_summary apply_start apply_progress apply_complete apply_start apply_errored change_summary outputs log"
	if got := strings.Join(types, " "); got != want {
		t.Errorf("message types\n got: %s\nwant: %s", got, want)
	}
}

func TestStreamDiagnosticLevels(t *testing.T) {
	var out bytes.Buffer
	s := newStream(&out, "0.1.0", fakeClock())
	s.Diagnostics(hcl.Diagnostics{{Severity: hcl.DiagWarning, Summary: "W"}, {Severity: hcl.DiagError, Summary: "E"}}, nil)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 || !strings.Contains(lines[1], `"@level":"warn"`) || !strings.Contains(lines[1], `"@message":"Warning: W"`) || !strings.Contains(lines[2], `"@level":"error"`) {
		t.Errorf("got:\n%s", out.String())
	}
}

// Engine hooks call the stream from many goroutines: every line must stay
// one whole JSON object.
func TestStreamConcurrent(t *testing.T) {
	var out bytes.Buffer
	s := NewStream(&out, "0.1.0")
	p := mixedPlan()
	done := make(chan struct{})
	for _, c := range p.Changes {
		go func() {
			defer func() { done <- struct{}{} }()
			s.ApplyStart(c)
			for i := range 20 {
				s.ApplyProgress(providers.ProgressEvent{Addr: c.Addr, Label: "step", Done: int64(i), Total: 20})
			}
			s.ApplyComplete(c, time.Second)
		}()
	}
	for range p.Changes {
		<-done
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if want := 1 + len(p.Changes)*22; len(lines) != want {
		t.Fatalf("%d lines, want %d", len(lines), want)
	}
	for _, l := range lines {
		if !json.Valid([]byte(l)) {
			t.Fatalf("invalid line %q", l)
		}
	}
}
