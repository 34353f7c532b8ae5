package view

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/updplan/updplan/providers"
)

func progressEvents() []providers.ProgressEvent {
	cat := inst("catalog", "wsus")
	return []providers.ProgressEvent{
		{Addr: cat, Label: "download wsusscn2.cab", Done: 0, Total: 400 << 20},
		{Addr: cat, Label: "download wsusscn2.cab", Done: 100 << 20, Total: 400 << 20},
		{Addr: cat, Label: `copy to \\DP01\SMSPKGD$`, Done: 0, Total: 400 << 20},
		{Addr: cat, Label: "download wsusscn2.cab", Done: 400 << 20, Total: 400 << 20, Final: true},
		{Addr: cat, Label: `copy to \\DP01\SMSPKGD$`, Done: 200 << 20, Total: 400 << 20},
		// A final event that names no size, as providers used to send.
		{Addr: cat, Label: "copy to PkgSource", Done: 100 << 20, Total: 400 << 20},
		{Addr: cat, Label: "copy to PkgSource", Final: true},
	}
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)

// lastFrame is the last drawing of each bar: the text without terminal
// controls, the last line that names each bar.
func lastFrame(out []byte) map[string]string {
	lines := map[string]string{}
	for _, l := range strings.Split(ansi.ReplaceAllString(string(out), "\n"), "\n") {
		l = strings.TrimSpace(strings.ReplaceAll(l, "\r", ""))
		if name, _, ok := strings.Cut(l, "  "); ok && l != "" {
			lines[name] = l
		}
	}
	return lines
}

func TestProgressTerminal(t *testing.T) {
	var out bytes.Buffer
	p := NewProgress(&out, true)
	for _, ev := range progressEvents() {
		p.Event(ev)
	}
	p.Close()
	n := out.Len()
	p.Event(progressEvents()[0])
	if out.Len() != n {
		t.Errorf("an event after Close was drawn")
	}
	frame := lastFrame(out.Bytes())
	for name, want := range map[string][]string{
		"catalog.wsus: download wsusscn2.cab":   {"400.0 MiB / 400.0 MiB", "done"},
		`catalog.wsus: copy to \\DP01\SMSPKGD$`: {"200.0 MiB / 400.0 MiB"},
		"catalog.wsus: copy to PkgSource":       {"400.0 MiB / 400.0 MiB", "done"},
	} {
		got, ok := frame[name]
		if !ok {
			t.Errorf("no bar %q in:\n%s", name, out.String())
			continue
		}
		for _, w := range want {
			if !strings.Contains(got, w) {
				t.Errorf("bar %q reads %q; want %q in it", name, got, w)
			}
		}
	}
	if strings.Contains(out.String(), "done 0") {
		t.Errorf("a finished bar reads \"done 0\":\n%s", out.String())
	}
}

func TestProgressNotTerminalWritesNothing(t *testing.T) {
	var out bytes.Buffer
	p := NewProgress(&out, false)
	p.Start(5000)
	for _, ev := range progressEvents() {
		p.Event(ev)
	}
	p.Done()
	p.Close()
	if out.Len() != 0 {
		t.Errorf("wrote %q to a non-terminal", out.String())
	}
}

// Many changes get an overall counter; a few do not.
func TestProgressCounter(t *testing.T) {
	for total, want := range map[int]string{CounterFrom + 5: "Applying 25/25", 3: ""} {
		var out bytes.Buffer
		p := NewProgress(&out, true)
		p.Start(total)
		for range total {
			p.Done()
		}
		p.Close()
		got := ansi.ReplaceAllString(out.String(), "")
		if want == "" && strings.Contains(got, "Applying") || want != "" && !strings.Contains(got, want) {
			t.Errorf("%d changes: want %q in %q", total, want, got)
		}
	}
}

// Lines written while bars are drawn come out above them, whole.
func TestProgressWriter(t *testing.T) {
	var out bytes.Buffer
	p := NewProgress(&out, true)
	w := p.Writer()
	w.Write([]byte("before any bar\n"))
	p.Event(progressEvents()[0])
	w.Write([]byte("catalog.wsus: Creating...\n"))
	p.Close()
	w.Write([]byte("after\n"))
	got := ansi.ReplaceAllString(out.String(), "")
	for _, line := range []string{"before any bar\n", "catalog.wsus: Creating...\n", "after\n"} {
		if !strings.Contains(got, line) {
			t.Errorf("%q missing from %q", line, got)
		}
	}
}
