package state

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/updplan/updplan/engine/addr"
)

// backendKit opens backends on one shared store, so tests can play two
// runs, or a run that died and the one after it.
type backendKit struct {
	// open returns a new backend instance on the test's store.
	open func(t *testing.T) Backend
	// backup returns the state kept as backup by the last Write, or nil.
	backup func(t *testing.T) *State
}

// runBackendContract is the behaviour every Backend must have.
func runBackendContract(t *testing.T, newKit func(t *testing.T) backendKit) {
	ctx := context.Background()

	t.Run("read with nothing stored", func(t *testing.T) {
		b := newKit(t).open(t)
		s, err := b.Read(ctx, testTypes)
		if err != nil || s != nil {
			t.Fatalf("Read = %v, %v; want nil, nil", s, err)
		}
	})

	t.Run("write then read", func(t *testing.T) {
		kit := newKit(t)
		want := sampleState()
		if err := kit.open(t).Write(ctx, want); err != nil {
			t.Fatal(err)
		}
		got, err := kit.open(t).Read(ctx, testTypes)
		if err != nil {
			t.Fatal(err)
		}
		assertSameState(t, got, want)
	})

	t.Run("write keeps the previous state as backup", func(t *testing.T) {
		kit := newKit(t)
		b := kit.open(t)
		first := sampleState()
		if err := b.Write(ctx, first); err != nil {
			t.Fatal(err)
		}
		second := first.DeepCopy()
		second.Serial++
		second.Remove(addr.Instance{Resource: addr.Resource{Type: "site", Name: "main"}})
		if err := b.Write(ctx, second); err != nil {
			t.Fatal(err)
		}
		assertSameState(t, kit.backup(t), first)
		got, err := b.Read(ctx, testTypes)
		if err != nil {
			t.Fatal(err)
		}
		assertSameState(t, got, second)
	})

	t.Run("journal replayed after a crash", func(t *testing.T) {
		kit := newKit(t)
		base := sampleState()
		if err := kit.open(t).Write(ctx, base); err != nil {
			t.Fatal(err)
		}
		dying := kit.open(t)
		j, err := dying.OpenJournal(ctx, base)
		if err != nil {
			t.Fatal(err)
		}
		want := base.DeepCopy()
		edits := []func(){
			func() { r := siteResource("second", "XYZ"); must(t, j.Set(r)); want.Set(r) },
			func() { a := shareResource(addr.IntKey(0), "").Addr; must(t, j.Remove(a)); want.Remove(a) },
			func() { r := shareResource(addr.StrKey("x"), "Renamed"); must(t, j.Set(r)); want.Set(r) },
		}
		for _, edit := range edits {
			edit()
		}
		// The run dies here: no Sync, no Close, no Write.

		next := kit.open(t)
		got, err := next.Read(ctx, testTypes)
		if err != nil {
			t.Fatal(err)
		}
		want.Serial = base.Serial + 1
		assertSameState(t, got, want)

		// The next run continues the journal and dies too.
		j2, err := next.OpenJournal(ctx, got)
		if err != nil {
			t.Fatal(err)
		}
		r := siteResource("third", "DEF")
		must(t, j2.Set(r))
		want.Set(r)
		third := kit.open(t)
		got, err = third.Read(ctx, testTypes)
		if err != nil {
			t.Fatal(err)
		}
		assertSameState(t, got, want)

		// A Write folds the journal in: reading again changes nothing.
		if err := third.Write(ctx, got); err != nil {
			t.Fatal(err)
		}
		again, err := kit.open(t).Read(ctx, testTypes)
		if err != nil {
			t.Fatal(err)
		}
		assertSameState(t, again, want)
	})

	t.Run("journal records from parallel workers", func(t *testing.T) {
		kit := newKit(t)
		base := New()
		j, err := kit.open(t).OpenJournal(ctx, base)
		if err != nil {
			t.Fatal(err)
		}
		const workers = 40
		errs := make(chan error, workers)
		for i := range workers {
			go func() { errs <- j.Set(siteResource(fmt.Sprintf("s%d", i), "ABC")) }()
		}
		for range workers {
			must(t, <-errs)
		}
		got, err := kit.open(t).Read(ctx, testTypes)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Resources) != workers {
			t.Fatalf("replay found %d resources, want %d", len(got.Resources), workers)
		}
	})

	t.Run("journal of a first apply", func(t *testing.T) {
		kit := newKit(t)
		base := New()
		j, err := kit.open(t).OpenJournal(ctx, base)
		if err != nil {
			t.Fatal(err)
		}
		must(t, j.Set(siteResource("main", "ABC")))
		must(t, j.Sync())
		got, err := kit.open(t).Read(ctx, testTypes)
		if err != nil {
			t.Fatal(err)
		}
		if got == nil || got.Lineage != base.Lineage || got.Serial != 1 || len(got.Resources) != 1 {
			t.Fatalf("Read = %+v; want lineage %s, serial 1, one resource", got, base.Lineage)
		}
	})

	t.Run("journal closed then written", func(t *testing.T) {
		kit := newKit(t)
		b := kit.open(t)
		base := sampleState()
		must(t, b.Write(ctx, base))
		j, err := b.OpenJournal(ctx, base)
		if err != nil {
			t.Fatal(err)
		}
		must(t, j.Set(siteResource("second", "XYZ")))
		must(t, j.Close())
		final := base.DeepCopy()
		final.Set(siteResource("second", "XYZ"))
		final.Serial++
		must(t, b.Write(ctx, final))
		got, err := kit.open(t).Read(ctx, testTypes)
		if err != nil {
			t.Fatal(err)
		}
		assertSameState(t, got, final)
	})

	t.Run("journal refuses another lineage", func(t *testing.T) {
		kit := newKit(t)
		b := kit.open(t)
		must(t, b.Write(ctx, sampleState()))
		_, err := b.OpenJournal(ctx, New())
		if err == nil || !strings.Contains(err.Error(), "lineage") {
			t.Fatalf("OpenJournal on another lineage: err = %v", err)
		}
	})

	t.Run("lock contention names the holder", func(t *testing.T) {
		kit := newKit(t)
		first, second := kit.open(t), kit.open(t)
		id, err := first.Lock(ctx, LockInfo{Operation: "OperationTypeApply", Info: "merge 42", Version: "0.1.0"}, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		var seen []LockInfo
		_, err = second.Lock(ctx, LockInfo{Operation: "OperationTypePlan"}, 200*time.Millisecond, func(h LockInfo) { seen = append(seen, h) })
		var le *LockError
		if !errors.As(err, &le) {
			t.Fatalf("second Lock: err = %v, want *LockError", err)
		}
		if le.Holder.ID != id || le.Holder.Operation != "OperationTypeApply" || le.Holder.Who == "" || le.Holder.Created.IsZero() || le.Holder.Info != "merge 42" {
			t.Errorf("holder = %+v, want the first run's lock %s", le.Holder, id)
		}
		if !strings.Contains(err.Error(), id) {
			t.Errorf("error %q does not name the lock ID", err)
		}
		if len(seen) != 1 || seen[0].ID != id {
			t.Errorf("waiting called with %+v, want once with the holder", seen)
		}
		if err := first.Unlock(ctx, "not-the-id"); err == nil {
			t.Error("Unlock with a wrong ID succeeded")
		}
		must(t, first.Unlock(ctx, id))
		id2, err := second.Lock(ctx, LockInfo{Operation: "OperationTypePlan"}, 0, nil)
		if err != nil {
			t.Fatalf("Lock after Unlock: %v", err)
		}
		must(t, second.Unlock(ctx, id2))
	})

	t.Run("waiter gets the lock when the holder lets go", func(t *testing.T) {
		kit := newKit(t)
		first, second := kit.open(t), kit.open(t)
		id, err := first.Lock(ctx, LockInfo{Operation: "OperationTypeApply"}, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		id2, err := second.Lock(ctx, LockInfo{Operation: "OperationTypePlan"}, time.Minute, func(LockInfo) {
			must(t, first.Unlock(ctx, id))
		})
		if err != nil {
			t.Fatalf("waiting Lock: %v", err)
		}
		must(t, second.Unlock(ctx, id2))
	})

	t.Run("force unlock checks the ID", func(t *testing.T) {
		kit := newKit(t)
		b := kit.open(t)
		if err := b.ForceUnlock(ctx, "nothing"); err == nil {
			t.Error("ForceUnlock of an unlocked state succeeded")
		}
		id, err := b.Lock(ctx, LockInfo{Operation: "OperationTypeApply"}, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		other := kit.open(t)
		err = other.ForceUnlock(ctx, "wrong-id")
		if err == nil || !strings.Contains(err.Error(), "does not match") || !strings.Contains(err.Error(), id) {
			t.Errorf("ForceUnlock with a wrong ID: err = %v", err)
		}
		must(t, b.Unlock(ctx, id))
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func assertSameState(t *testing.T, got, want *State) {
	t.Helper()
	if got == nil {
		t.Fatal("no state")
	}
	gb, err := Encode(got)
	if err != nil {
		t.Fatal(err)
	}
	wb, err := Encode(want)
	if err != nil {
		t.Fatal(err)
	}
	if string(gb) != string(wb) {
		t.Fatalf("states differ:\n--- got\n%s\n--- want\n%s", gb, wb)
	}
}
