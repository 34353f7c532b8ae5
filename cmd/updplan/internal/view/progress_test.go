package view

import (
	"bytes"
	"testing"

	"github.com/updplan/updplan/providers"
)

func progressEvents() []providers.ProgressEvent {
	cat := inst("catalog", "wsus")
	return []providers.ProgressEvent{
		{Addr: cat, Label: "download wsusscn2.cab", Done: 0, Total: 400 << 20},
		{Addr: cat, Label: "download wsusscn2.cab", Done: 1, Total: 400 << 20}, // same rendering: no redraw
		{Addr: cat, Label: "download wsusscn2.cab", Done: 100 << 20, Total: 400 << 20},
		{Addr: cat, Label: `copy to \\DP01\SMSPKGD$`, Done: 0, Total: 400 << 20},
		{Addr: cat, Label: "download wsusscn2.cab", Done: 400 << 20, Total: 400 << 20, Final: true},
		{Addr: cat, Label: "verify signature", Done: 3, Total: 0},
		{Addr: cat, Label: `copy to \\DP01\SMSPKGD$`, Done: 200 << 20, Total: 400 << 20},
		{Addr: cat, Label: "verify signature", Done: 5, Total: 0, Final: true},
	}
}

func TestProgressTerminal(t *testing.T) {
	var out bytes.Buffer
	p := NewProgress(&out, true)
	for _, ev := range progressEvents() {
		p.Event(ev)
	}
	p.Close()
	p.Event(progressEvents()[0])
	checkGolden(t, "progress", out.Bytes())
}

func TestProgressNotTerminalWritesNothing(t *testing.T) {
	var out bytes.Buffer
	p := NewProgress(&out, false)
	for _, ev := range progressEvents() {
		p.Event(ev)
	}
	p.Close()
	if out.Len() != 0 {
		t.Errorf("wrote %q to a non-terminal", out.String())
	}
}
