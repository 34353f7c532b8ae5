package state

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/updplan/updplan/engine/addr"
)

func bigState(n int) *State {
	s := New()
	for i := range n {
		s.Set(shareResource(addr.IntKey(i), fmt.Sprintf("PackageSrc_%d", i)))
	}
	return s
}

// BenchmarkJournalSet1000 is the journal cost of an apply of 1,000 objects:
// each is durable on its own, and nothing rewrites the whole state.
func BenchmarkJournalSet1000(b *testing.B) {
	ctx := context.Background()
	base := bigState(1000)
	l := NewLocal(filepath.Join(b.TempDir(), DefaultLocalPath))
	if err := l.Write(ctx, base); err != nil {
		b.Fatal(err)
	}
	resources := base.Sorted()
	b.ReportAllocs()
	for b.Loop() {
		j, err := l.OpenJournal(ctx, base)
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range resources {
			if err := j.Set(r); err != nil {
				b.Fatal(err)
			}
		}
		if err := j.Close(); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := l.Write(ctx, base); err != nil { // folds the journal away
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkWrite10000 is one atomic write of a state of 10,000 objects.
func BenchmarkWrite10000(b *testing.B) {
	ctx := context.Background()
	s := bigState(10000)
	l := NewLocal(filepath.Join(b.TempDir(), DefaultLocalPath))
	b.ReportAllocs()
	for b.Loop() {
		if err := l.Write(ctx, s); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRead10000 is reading back a state of 10,000 objects.
func BenchmarkRead10000(b *testing.B) {
	ctx := context.Background()
	l := NewLocal(filepath.Join(b.TempDir(), DefaultLocalPath))
	if err := l.Write(ctx, bigState(10000)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.Read(ctx, testTypes); err != nil {
			b.Fatal(err)
		}
	}
}
