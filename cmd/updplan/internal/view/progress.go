package view

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/providers"
)

// Progress draws one bar per long operation (a catalog download, a copy to
// a distribution point) on a terminal, redrawing the bars in place. When the
// output is not a terminal it writes nothing at all. It is safe for
// concurrent use.
type Progress struct {
	mu       sync.Mutex
	w        io.Writer
	terminal bool
	bars     []*bar
	drawn    int // lines drawn by the last redraw
	closed   bool
}

type bar struct {
	addr        addr.Instance
	label       string
	done, total int64
	final       bool
	shown       string // the last rendering, to skip redraws that change nothing
}

// NewProgress returns a progress display on w; terminal says whether w is a
// terminal (a pipe or file gets nothing).
func NewProgress(w io.Writer, terminal bool) *Progress {
	return &Progress{w: w, terminal: terminal}
}

// Event records progress and redraws the bars when what they show changed.
func (p *Progress) Event(ev providers.ProgressEvent) {
	if !p.terminal {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	var b *bar
	for _, x := range p.bars {
		if x.addr == ev.Addr && x.label == ev.Label {
			b = x
		}
	}
	if b == nil {
		b = &bar{addr: ev.Addr, label: ev.Label}
		p.bars = append(p.bars, b)
	}
	b.done, b.total, b.final = ev.Done, ev.Total, b.final || ev.Final
	if b.render() == b.shown {
		return
	}
	p.redraw()
}

// Close stops the display: the bars stay on screen as last drawn and later
// events are ignored.
func (p *Progress) Close() {
	if !p.terminal {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
}

// redraw moves the cursor back over the previous drawing and draws every bar.
func (p *Progress) redraw() {
	var s strings.Builder
	if p.drawn > 0 {
		fmt.Fprintf(&s, "\x1b[%dA", p.drawn)
	}
	for _, b := range p.bars {
		b.shown = b.render()
		s.WriteString("\r\x1b[K" + b.shown + "\n")
	}
	p.drawn = len(p.bars)
	io.WriteString(p.w, s.String())
}

const barWidth = 30

func (b *bar) render() string {
	name := b.label
	if b.addr != (addr.Instance{}) {
		// A bar of no object (an inventory file) shows its label alone.
		name = b.addr.String() + ": " + b.label
	}
	switch {
	case b.total > 0:
		done := min(b.done, b.total)
		pct := int(done * 100 / b.total)
		fill := int(done * barWidth / b.total)
		body := strings.Repeat("=", fill)
		if fill < barWidth {
			body += ">" + strings.Repeat(" ", barWidth-fill-1)
		}
		if b.final {
			body, pct = strings.Repeat("=", barWidth), 100
		}
		return fmt.Sprintf("%s [%s] %3d%% %s / %s", name, body, pct, amount(done, b.total), amount(b.total, b.total))
	case b.final:
		return fmt.Sprintf("%s done %s", name, amount(b.done, b.done))
	}
	return fmt.Sprintf("%s %s", name, amount(b.done, b.done))
}

// amount prints n in the binary unit that suits scale (a total of 1 KiB or
// more is bytes), so that small steps of a large total do not redraw; plain
// counts below that.
func amount(n, scale int64) string {
	if scale < 1024 {
		return fmt.Sprint(n)
	}
	units := []string{"KiB", "MiB", "GiB", "TiB"}
	div := float64(1024)
	i := 0
	for float64(scale) >= div*1024 && i < len(units)-1 {
		div *= 1024
		i++
	}
	return fmt.Sprintf("%.1f %s", float64(n)/div, units[i])
}
