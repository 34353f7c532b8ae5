package catalog

import (
	"bytes"
	"crypto/rand"
	"os"
	"path/filepath"
	"testing"
)

const benchSize = 64 << 20

// BenchmarkStream64MiB streams 64 MiB into a temporary file, hashing it,
// syncs and renames it: one copy to a distribution point.
func BenchmarkStream64MiB(b *testing.B) {
	data := make([]byte, benchSize)
	rand.Read(data)
	p := New()
	dir := b.TempDir()
	b.SetBytes(benchSize)
	b.ResetTimer()
	for range b.N {
		job := &copyJob{to: localFile{filepath.Join(dir, "wsusscn2.cab")}}
		if _, _, err := p.run(copying{jobs: []*copyJob{job}, src: bytes.NewReader(data)}); err != nil || job.err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInspect64MiB hashes a 64 MiB file in full (verify = "full").
func BenchmarkInspect64MiB(b *testing.B) {
	path := filepath.Join(b.TempDir(), "wsusscn2.cab")
	data := make([]byte, benchSize)
	rand.Read(data)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	p := New()
	pr := decodePrivate(nil)
	b.SetBytes(benchSize)
	b.ResetTimer()
	for range b.N {
		if _, err := p.inspect(localFile{path}, pr, true, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkInspectCached64MiB is the same file under verify = "metadata":
// a stat, no read.
func BenchmarkInspectCached64MiB(b *testing.B) {
	path := filepath.Join(b.TempDir(), "wsusscn2.cab")
	data := make([]byte, benchSize)
	rand.Read(data)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.Fatal(err)
	}
	p := New()
	pr := decodePrivate(nil)
	if _, err := p.inspect(localFile{path}, pr, false, nil); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		if _, err := p.inspect(localFile{path}, pr, false, nil); err != nil {
			b.Fatal(err)
		}
	}
}
