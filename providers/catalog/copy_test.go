package catalog

import (
	"bytes"
	"errors"
	"math/rand"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// memAt is a temporary file written at offsets, recording how many writes
// were outstanding at once; failAt makes the write at that offset fail.
type memAt struct {
	mu       sync.Mutex
	data     []byte
	writes   int
	inFlight atomic.Int32
	most     int32
	failAt   int64
}

func (m *memAt) WriteAt(b []byte, off int64) (int, error) {
	n := m.inFlight.Add(1)
	defer m.inFlight.Add(-1)
	time.Sleep(time.Millisecond) // a server round trip
	m.mu.Lock()
	defer m.mu.Unlock()
	m.most = max(m.most, n)
	m.writes++
	if off == m.failAt {
		return 0, errors.New("the server refused the write")
	}
	if end := off + int64(len(b)); end > int64(len(m.data)) {
		m.data = append(m.data, make([]byte, end-int64(len(m.data)))...)
	}
	copy(m.data[off:], b)
	return len(b), nil
}

func (m *memAt) Write(b []byte) (int, error) {
	return 0, errors.New("Write called: the writes go by offset")
}
func (m *memAt) Name() string  { return "mem" }
func (m *memAt) Commit() error { return nil }
func (m *memAt) Abort()        {}

// feedPieces sends src in chunks of size n (the last shorter), each with
// its own WaitGroup the writer must release, and returns them.
func feedPieces(src []byte, n int) (chan piece, []*sync.WaitGroup) {
	feed := make(chan piece, len(src)/n+1)
	var dones []*sync.WaitGroup
	for off := 0; off < len(src); off += n {
		wg := &sync.WaitGroup{}
		wg.Add(1)
		dones = append(dones, wg)
		feed <- piece{src[off:min(off+n, len(src))], wg}
	}
	close(feed)
	return feed, dones
}

// TestWritePipelined: the pieces land at their offsets, several writes
// are outstanding at once (never more than writesInFlight), progress
// only grows, and every piece is released.
func TestWritePipelined(t *testing.T) {
	src := make([]byte, 100*1000+123)
	rand.New(rand.NewSource(1)).Read(src)
	m := &memAt{failAt: -1}
	j := &copyJob{tmp: m}
	feed, dones := feedPieces(src, 1000)
	var last int64
	p := &Provider{}
	p.writePipelined(j, m, feed, func(_ *copyJob, done int64) {
		if done < last {
			t.Errorf("progress went back from %d to %d", last, done)
		}
		last = done
	})
	for _, wg := range dones {
		wg.Wait() // hangs (the test times out) if a piece was not released
	}
	if j.err != nil {
		t.Fatal(j.err)
	}
	if !bytes.Equal(m.data, src) {
		t.Fatalf("the file differs from the source (%d bytes against %d)", len(m.data), len(src))
	}
	if last != int64(len(src)) {
		t.Errorf("progress ended at %d, want %d", last, len(src))
	}
	if m.most < 2 || m.most > writesInFlight {
		t.Errorf("at most %d writes were outstanding, want 2 to %d", m.most, writesInFlight)
	}
}

// TestWritePipelinedFails: the first failed write fails the job, the
// pieces after it are released without being written, and onCopy's error
// (a test's fault) stops it the same way.
func TestWritePipelinedFails(t *testing.T) {
	src := make([]byte, 50*1000)
	t.Run("write", func(t *testing.T) {
		// The pieces go one at a time; the ones after the 11th only once
		// its write (the refused one) is through. None of them may be
		// written: 11 writes in all.
		m := &memAt{failAt: 10 * 1000}
		j := &copyJob{tmp: m}
		buffered, dones := feedPieces(src, 1000)
		feed := make(chan piece)
		done := make(chan struct{})
		go func() {
			(&Provider{}).writePipelined(j, m, feed, nil)
			close(done)
		}()
		i := 0
		for pc := range buffered {
			feed <- pc
			if i == 10 {
				for _, wg := range dones[:11] {
					wg.Wait()
				}
			}
			i++
		}
		close(feed)
		<-done
		for _, wg := range dones {
			wg.Wait()
		}
		if j.err == nil || j.err.Error() != "the server refused the write" {
			t.Fatalf("job error %v, want the refused write", j.err)
		}
		if m.writes != 11 {
			t.Errorf("%d writes with a failure at the 11th, want 11 (none after it)", m.writes)
		}
	})
	t.Run("onCopy", func(t *testing.T) {
		m := &memAt{failAt: -1}
		j := &copyJob{tmp: m}
		feed, dones := feedPieces(src, 1000)
		stop := errors.New("killed mid-copy")
		p := &Provider{onCopy: func(_ string, written int64) error {
			if written >= 5000 {
				return stop
			}
			return nil
		}}
		p.writePipelined(j, m, feed, nil)
		for _, wg := range dones {
			wg.Wait()
		}
		if !errors.Is(j.err, stop) {
			t.Fatalf("job error %v, want %v", j.err, stop)
		}
	})
}

// TestPipelinedOnlyOverSMB: only a copy over SMB takes the pipelined
// writes; a local one keeps writing in order through localTemp.Write
// (its write-back), although its *os.File has a WriteAt.
func TestPipelinedOnlyOverSMB(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "copy")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, c := range []struct {
		tmp  tempFile
		want bool
	}{
		{&localTemp{File: f}, false},
		{&smbTemp{}, true},
		{&memAt{}, false},
	} {
		if _, got := pipelined(c.tmp); got != c.want {
			t.Errorf("pipelined(%T) = %v, want %v", c.tmp, got, c.want)
		}
	}
}
