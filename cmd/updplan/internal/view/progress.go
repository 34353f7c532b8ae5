package view

import (
	"errors"
	"io"
	"math"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/providers"
)

// Progress draws, on a terminal, one bar per long operation (a catalog
// download, a copy to a distribution point) with its rate, its ETA and, once
// done, its final size, and an overall counter of the objects an apply has
// finished ("Applying 812/5000") when there are many. The bars are
// github.com/vbauerster/mpb/v8's. When the output is not a terminal it
// writes nothing at all. It is safe for concurrent use.
type Progress struct {
	mu       sync.Mutex
	w        io.Writer
	terminal bool
	p        *mpb.Progress // started by the first bar
	bars     map[barKey]*progressBar
	counter  *mpb.Bar
	closed   bool
}

type barKey struct {
	addr  addr.Instance
	label string
}

type progressBar struct {
	*mpb.Bar
	total int64 // as last set; 0 while unknown
}

// CounterFrom is the number of changes from which an apply shows the
// overall counter.
const CounterFrom = 20

// refreshRate is how often the bars are redrawn.
const refreshRate = 150 * time.Millisecond

// NewProgress returns a progress display on w; terminal says whether w is a
// terminal (a pipe or file gets nothing).
func NewProgress(w io.Writer, terminal bool) *Progress {
	return &Progress{w: w, terminal: terminal, bars: map[barKey]*progressBar{}}
}

// start starts drawing; nothing is written before the first bar.
func (p *Progress) start() *mpb.Progress {
	if p.p == nil {
		// WithAutoRefresh: the caller decided w is a terminal; mpb sizes
		// the bars to it when it is one it can ask (an *os.File), else to
		// a width of 100.
		p.p = mpb.New(mpb.WithOutput(p.w), mpb.WithAutoRefresh(), mpb.WithWidth(100), mpb.WithRefreshRate(refreshRate))
	}
	return p.p
}

// Start announces an apply of total changes; from CounterFrom on, an
// overall counter is drawn below the bars, advanced by Done.
func (p *Progress) Start(total int) {
	if !p.terminal || total < CounterFrom {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed || p.counter != nil {
		return
	}
	p.counter = p.start().AddBar(int64(total), mpb.BarPriority(math.MaxInt),
		mpb.PrependDecorators(decor.Name("Applying "), decor.CountersNoUnit("%d/%d")),
		mpb.AppendDecorators(decor.Elapsed(decor.ET_STYLE_GO)))
}

// Done counts one finished change on the overall counter.
func (p *Progress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.counter != nil && !p.closed {
		p.counter.Increment()
	}
}

// Event records progress: the bar of (ev.Addr, ev.Label) moves to ev.Done
// of ev.Total (0: unknown), and is complete with ev.Final.
func (p *Progress) Event(ev providers.ProgressEvent) {
	if !p.terminal {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	k := barKey{ev.Addr, ev.Label}
	b := p.bars[k]
	if b == nil {
		name := ev.Label
		if ev.Addr != (addr.Instance{}) {
			name = ev.Addr.String() + ": " + ev.Label
		}
		b = &progressBar{Bar: p.start().AddBar(ev.Total,
			mpb.PrependDecorators(decor.Name(name, decor.WCSyncSpaceR)),
			mpb.AppendDecorators(
				decor.CountersKibiByte("% .1f / % .1f", decor.WCSyncSpace),
				decor.OnComplete(decor.AverageSpeed(decor.SizeB1024(0), "% .1f", decor.WCSyncSpace), ""),
				decor.OnComplete(decor.AverageETA(decor.ET_STYLE_GO, decor.WCSyncSpace), "done"),
			)), total: ev.Total}
		p.bars[k] = b
	}
	if b.Completed() || b.Aborted() {
		return
	}
	if ev.Total > 0 && ev.Total != b.total {
		b.total = ev.Total
		b.SetTotal(ev.Total, false)
	}
	done := ev.Done
	if ev.Final {
		if done == 0 {
			done = b.total // a final event that names no size: all of it
		}
		b.SetCurrent(done)
		b.SetTotal(-1, true) // complete at what was done: the final size
		return
	}
	b.SetCurrent(done)
	if b.total == 0 {
		b.SetTotal(done+1, false) // unknown size: keep the bar open
	}
}

// Writer is w while no bar is drawn; while bars are drawn, what is written
// to it is printed above them.
func (p *Progress) Writer() io.Writer { return progressWriter{p} }

type progressWriter struct{ p *Progress }

func (pw progressWriter) Write(b []byte) (int, error) {
	pw.p.mu.Lock()
	mp := pw.p.p
	if pw.p.closed {
		mp = nil
	}
	pw.p.mu.Unlock()
	if mp != nil {
		n, err := mp.Write(b)
		var done mpb.ErrDone[*mpb.Progress]
		if !errors.As(err, &done) {
			return n, err
		}
	}
	return pw.p.w.Write(b)
}

// Close draws the bars a last time and stops: bars of operations that did
// not finish stay as they were, and later events are ignored.
func (p *Progress) Close() {
	if !p.terminal {
		return
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	mp := p.p
	for _, b := range p.bars {
		if !b.Completed() {
			b.Abort(false)
		}
	}
	if p.counter != nil && !p.counter.Completed() {
		p.counter.Abort(false)
	}
	p.mu.Unlock()
	if mp != nil {
		mp.Wait()
	}
}
