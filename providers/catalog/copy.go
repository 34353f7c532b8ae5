package catalog

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"sync"
	"sync/atomic"
)

// copyJob is one copy of the catalog to make: into the destination or onto
// one distribution point. Each fails alone.
type copyJob struct {
	name  string // the destination or distribution point as written
	to    catalogFile
	cur   string // SHA-256 of what it holds now ("" for nothing)
	label string // of its progress events

	tmp    tempFile
	landed bool // committed under the final name
	err    error
}

// copying is one pass over the catalog's bytes that lands them on every
// job at once: read once, hashed once (unless its stamp vouches for it),
// signature-checked once.
type copying struct {
	jobs []*copyJob
	// src is streamed to every job; it may be nil when clone serves them
	// all.
	src io.Reader
	// clone, when set, is a local file known to hold the catalog (its
	// stamp verified): local jobs get it through the kernel's copy path
	// and src (an open reader of clone) serves the others.
	clone string
	size  int64 // expected size, for progress (0: unknown)
	// check receives every byte of src, when the signature is checked.
	check io.Writer
	// accept is called once every job has its bytes, with the SHA-256 and
	// size of src (0 when nothing streamed; the SHA-256 is "" then, and
	// when clone is set: its stamp vouches for the bytes); an error
	// refuses the catalog everywhere.
	accept   func(sha string, n int64) error
	progress func(job *copyJob, done int64)
}

// copyChunk is what the stream reads at a time; copyBuffers of them are in
// flight, so that reading, hashing and the writers overlap. A buffer is
// reused only when every writer is done with it, so the slowest writer sets
// the pace within copyBuffers chunks: 16 MiB of slack lets eight SMB copies
// on one session each wait for its own server round trips instead of in
// lockstep (bench/catalog.sh: 1 GiB to 8 loopback shares, median of 5,
// 13.8 s with 4 buffers, 11.3 s with 16; smbclient 9.8-10.3 s). An SMB
// copy keeps writesInFlight of its chunks' writes outstanding.
const (
	copyChunk   = 1 << 20
	copyBuffers = 16
)

// run fills a temporary file per job, then, when accept agrees, renames
// each into place (skipping a job that turns out to hold the catalog
// already). A job whose writing fails fails alone (job.err); the error
// returned is the one that refuses the catalog everywhere, and then no job
// lands.
func (p *Provider) run(c copying) (sha string, n int64, err error) {
	live := c.jobs[:0:0]
	for _, j := range c.jobs {
		if j.tmp, j.err = j.to.Create(); j.err == nil {
			live = append(live, j)
		}
	}
	var kernel, streamed []*copyJob
	for _, j := range live {
		if _, ok := j.tmp.(*localTemp); ok && c.clone != "" {
			kernel = append(kernel, j)
		} else {
			streamed = append(streamed, j)
		}
	}
	if c.clone != "" && len(streamed) > 0 && c.src == nil {
		f, err := os.Open(c.clone)
		if err != nil {
			for _, j := range live {
				j.tmp.Abort()
				j.err = err
			}
			return "", 0, err
		}
		defer f.Close()
		c.src = countingReader{f, &p.bytesRead}
	}
	var wg sync.WaitGroup
	for _, j := range kernel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			j.err = p.cloneInto(j, c.clone, c.size, c.progress)
		}()
	}
	if c.src != nil {
		// A source clone vouches for (its stamp verified) is not hashed
		// again: its stamp, checked once every copy has its bytes, says
		// whether it changed, as it does for the kernel's copies.
		sha, n, err = p.stream(c.src, streamed, c.check, c.progress, c.clone == "")
	}
	wg.Wait()
	if err == nil && c.accept != nil {
		err = c.accept(sha, n)
	}
	if err != nil {
		for _, j := range live {
			j.tmp.Abort()
			if j.err == nil {
				j.err = err
			}
		}
		return sha, n, err
	}
	for _, j := range live {
		if j.err != nil || (sha != "" && j.cur == sha) {
			j.tmp.Abort() // failed, or already in place: leave the file alone
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if j.err = j.tmp.Commit(); j.err == nil {
				j.landed = true
			}
		}()
	}
	wg.Wait()
	return sha, n, nil
}

// stream reads r once, hashing it when hashing is set (sha is "" otherwise)
// and feeding check, and writes every chunk to every job's temporary file,
// each job (and the check) in its own goroutine. A job whose write fails
// drops out; the others go on.
func (p *Provider) stream(r io.Reader, jobs []*copyJob, check io.Writer, progress func(*copyJob, int64), hashing bool) (sha string, n int64, err error) {
	feeds := make([]chan piece, len(jobs))
	var writers sync.WaitGroup
	for i, j := range jobs {
		feed := make(chan piece, copyBuffers)
		feeds[i] = feed
		writers.Add(1)
		go func() {
			defer writers.Done()
			if wa, ok := pipelined(j.tmp); ok {
				p.writePipelined(j, wa, feed, progress)
				return
			}
			var written int64
			for pc := range feed {
				if j.err == nil {
					j.err = p.write(j, pc.b, &written)
					if j.err == nil && progress != nil {
						progress(j, written)
					}
				}
				pc.done.Done()
			}
		}()
	}
	// The hash and the signature check (which hashes the bytes too) each
	// take the chunks on a goroutine of their own: on a core of its own,
	// beside the reading.
	hashInto := func(w io.Writer) {
		feed := make(chan piece, copyBuffers)
		feeds = append(feeds, feed)
		writers.Add(1)
		go func() {
			defer writers.Done()
			for pc := range feed {
				w.Write(pc.b)
				pc.done.Done()
			}
		}()
	}
	if check != nil {
		hashInto(check)
	}
	var h hash.Hash
	if hashing {
		h = sha256.New()
		hashInto(h)
	}
	defer func() {
		for _, f := range feeds {
			close(f)
		}
		writers.Wait() // the hash has every chunk
		if err == nil && h != nil {
			sha = hex.EncodeToString(h.Sum(nil))
		}
	}()
	var bufs [copyBuffers][]byte
	var inUse [copyBuffers]sync.WaitGroup
	for i := 0; ; i++ {
		k := i % copyBuffers
		inUse[k].Wait() // every writer is done with this buffer
		if bufs[k] == nil {
			bufs[k] = make([]byte, copyChunk)
		}
		m, rerr := io.ReadFull(r, bufs[k])
		if m > 0 {
			if n+int64(m) > p.maxSize {
				return "", n, fmt.Errorf("the catalog is larger than %d bytes", p.maxSize)
			}
			n += int64(m)
			b := bufs[k][:m]
			for _, f := range feeds {
				inUse[k].Add(1)
				f <- piece{b, &inUse[k]}
			}
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return "", n, rerr
		}
	}
	return "", n, nil // sha is set once the hash has every chunk
}

// piece is a chunk of the catalog on its way to a writer; done is told
// when the writer is through with b.
type piece struct {
	b    []byte
	done *sync.WaitGroup
}

// writesInFlight is how many writes a remote copy keeps outstanding: one
// at a time, each waits for its server round trip; several keep the
// connection busy (each is charged its own SMB credits).
const writesInFlight = 4

// pipelined returns the copies written with writePipelined: those over
// SMB, where each write waits for a server round trip. A local temporary
// file writes in order through its Write, which starts the write-back as
// it goes (localTemp; its embedded *os.File has a WriteAt too).
func pipelined(t tempFile) (io.WriterAt, bool) {
	st, ok := t.(*smbTemp)
	return st, ok
}

// writePipelined writes the pieces of feed at their offsets with up to
// writesInFlight writes outstanding. The first failure stops the job;
// the pieces after it are released unwritten.
func (p *Provider) writePipelined(j *copyJob, wa io.WriterAt, feed <-chan piece, progress func(*copyJob, int64)) {
	var (
		mu      sync.Mutex
		written int64
		off     int64
		wg      sync.WaitGroup
	)
	slots := make(chan struct{}, writesInFlight)
	failed := func() bool {
		mu.Lock()
		defer mu.Unlock()
		return j.err != nil
	}
	for pc := range feed {
		// A slot first, then the check: once the failure is recorded no
		// other write starts (a piece that passed the check before
		// waiting for its slot would have).
		slots <- struct{}{}
		if failed() {
			<-slots
			pc.done.Done()
			continue
		}
		wg.Add(1)
		go func(pc piece, at int64) {
			defer func() { <-slots; wg.Done(); pc.done.Done() }()
			_, err := wa.WriteAt(pc.b, at)
			mu.Lock()
			defer mu.Unlock()
			if j.err != nil {
				return
			}
			if err == nil {
				written += int64(len(pc.b))
				if p.onCopy != nil {
					err = p.onCopy(j.tmp.Name(), written)
				}
			}
			if err != nil {
				j.err = err
				return
			}
			if progress != nil {
				progress(j, written)
			}
		}(pc, off)
		off += int64(len(pc.b))
	}
	wg.Wait()
}

// write writes b to the job's temporary file.
func (p *Provider) write(j *copyJob, b []byte, written *int64) error {
	if _, err := j.tmp.Write(b); err != nil {
		return err
	}
	*written += int64(len(b))
	if p.onCopy != nil {
		return p.onCopy(j.tmp.Name(), *written)
	}
	return nil
}

// cloneInto copies the local file from (size bytes) into the job's local
// temporary file through the kernel (a reflink, or copy_file_range), or
// with read and write where the platform has neither.
func (p *Provider) cloneInto(j *copyJob, from string, size int64, progress func(*copyJob, int64)) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst := j.tmp.(*localTemp).File
	var hookErr error
	report := func(done int64) bool {
		if p.onCopy != nil {
			if hookErr = p.onCopy(j.tmp.Name(), done); hookErr != nil {
				return false
			}
		}
		if progress != nil {
			progress(j, done)
		}
		return true
	}
	n, err := kernelCopy(dst, src, size, report)
	p.bytesRead.Add(n)
	if hookErr != nil {
		return hookErr
	}
	if err != nil {
		return err
	}
	if n != size {
		return errChangedUnderUs
	}
	return nil
}

// plainCopy copies size bytes from src to dst with read and write.
func plainCopy(dst, src *os.File, size int64, report func(int64) bool) (int64, error) {
	buf := make([]byte, copyChunk)
	var n int64
	for n < size {
		k, err := src.Read(buf[:min(int64(len(buf)), size-n)])
		if k > 0 {
			if _, werr := dst.Write(buf[:k]); werr != nil {
				return n, werr
			}
			writeBehind(dst, n, int64(k))
			n += int64(k)
			if !report(n) {
				return n, nil
			}
		}
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

var errChangedUnderUs = errors.New("the catalog changed while it was being copied")

// countingReader counts the catalog bytes the provider reads.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(b []byte) (int, error) {
	k, err := c.r.Read(b)
	c.n.Add(int64(k))
	return k, err
}

// removeIfOurs removes f when its SHA-256 is want: the copy updplan placed.
// It reports whether something else was found there and kept.
func (p *Provider) removeIfOurs(f catalogFile, want string, pr *private) (kept bool, err error) {
	st, err := p.inspect(f, pr, true, nil)
	if errors.Is(err, errMissing) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if want == "" || st.SHA256 != want {
		return true, nil
	}
	delete(pr.Files, f.Key())
	return false, f.Remove()
}
