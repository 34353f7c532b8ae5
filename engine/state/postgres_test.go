package state

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/updplan/updplan/internal/pgtest"
)

func postgresKit(t *testing.T) backendKit {
	dsn := pgtest.DSN(t)
	return backendKit{
		open: func(t *testing.T) Backend {
			p, err := NewPostgres(context.Background(), dsn, "default")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { p.Close() })
			return p
		},
		backup: func(t *testing.T) *State {
			conn := pgConn(t, dsn)
			var prev *string
			err := conn.QueryRow(context.Background(), `SELECT previous FROM updplan_state WHERE workspace = 'default'`).Scan(&prev)
			if err != nil {
				t.Fatal(err)
			}
			if prev == nil {
				return nil
			}
			s, err := Decode([]byte(*prev), testTypes)
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	}
}

func pgConn(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func TestPostgresContract(t *testing.T) { runBackendContract(t, postgresKit) }

func TestPostgresWorkspacesAreSeparate(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	a, err := NewPostgres(ctx, dsn, "site-a")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := NewPostgres(ctx, dsn, "site-b")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	must(t, a.Write(ctx, sampleState()))
	if s, err := b.Read(ctx, testTypes); err != nil || s != nil {
		t.Fatalf("workspace site-b sees %v, %v", s, err)
	}
	idA, err := a.Lock(ctx, LockInfo{Operation: "OperationTypeApply"}, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	idB, err := b.Lock(ctx, LockInfo{Operation: "OperationTypeApply"}, 0, nil)
	if err != nil {
		t.Fatalf("the lock of site-a blocks site-b: %v", err)
	}
	must(t, a.Unlock(ctx, idA))
	must(t, b.Unlock(ctx, idB))
}

func TestPostgresLockFreedWhenSessionEnds(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	holder, err := NewPostgres(ctx, dsn, "default")
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	id, err := holder.Lock(ctx, LockInfo{Operation: "OperationTypeApply", Who: "ci@runner-7"}, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	next, err := NewPostgres(ctx, dsn, "default")
	if err != nil {
		t.Fatal(err)
	}
	defer next.Close()
	_, err = next.Lock(ctx, LockInfo{Operation: "OperationTypePlan"}, 0, nil)
	var le *LockError
	if !errors.As(err, &le) || le.Holder.ID != id || le.Holder.Who != "ci@runner-7" {
		t.Fatalf("Lock while held: err = %v; want a LockError naming ci@runner-7 and %s", err, id)
	}
	if err := next.ForceUnlock(ctx, id); err == nil || !strings.Contains(err.Error(), "live database session") {
		t.Fatalf("ForceUnlock of a live session: err = %v", err)
	}

	// The holder's session dies (a killed run, a dropped connection).
	admin := pgConn(t, dsn)
	var pid int32
	must(t, admin.QueryRow(ctx, `SELECT backend_pid FROM updplan_locks WHERE workspace = 'default'`).Scan(&pid))
	var ok bool
	must(t, admin.QueryRow(ctx, `SELECT pg_terminate_backend($1, 30000)`, pid).Scan(&ok))
	if !ok {
		t.Fatal("pg_terminate_backend failed")
	}

	id2, err := next.Lock(ctx, LockInfo{Operation: "OperationTypePlan", Who: "me@here"}, time.Minute, nil)
	if err != nil {
		t.Fatalf("Lock after the holder's session ended: %v", err)
	}
	var who string
	must(t, admin.QueryRow(ctx, `SELECT info->>'Who' FROM updplan_locks WHERE workspace = 'default'`).Scan(&who))
	if who != "me@here" {
		t.Errorf("holder row names %q, want the new holder me@here", who)
	}
	if err := holder.Unlock(ctx, id); err == nil {
		t.Error("Unlock by the dead session succeeded")
	}
	must(t, next.Unlock(ctx, id2))
}

func TestPostgresForceUnlockDeadHolder(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	p, err := NewPostgres(ctx, dsn, "default")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	// A row left by a session that is gone.
	_, err = pgConn(t, dsn).Exec(ctx, `INSERT INTO updplan_locks (workspace, id, info, backend_pid) VALUES ('default', 'dead-id', '{"ID":"dead-id","Who":"ghost@host"}', 1)`)
	must(t, err)
	if err := p.ForceUnlock(ctx, "other"); err == nil || !strings.Contains(err.Error(), "ghost@host") {
		t.Fatalf("ForceUnlock with a wrong ID: err = %v", err)
	}
	must(t, p.ForceUnlock(ctx, "dead-id"))
	if err := p.ForceUnlock(ctx, "dead-id"); err == nil || !strings.Contains(err.Error(), "not locked") {
		t.Fatalf("second ForceUnlock: err = %v", err)
	}
}

func TestPostgresNeverShowsTheDSN(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	password, _ := u.User.Password()
	if password == "" {
		t.Fatal("the test DSN has no password to hide")
	}
	leaks := func(t *testing.T, what, text string) {
		t.Helper()
		if strings.Contains(text, password) {
			t.Errorf("%s shows the password: %s", what, text)
		}
	}

	t.Run("connection refused", func(t *testing.T) {
		bad := *u
		bad.Host = "127.0.0.1:1"
		_, err := NewPostgres(ctx, bad.String(), "default")
		if err == nil {
			t.Fatal("connecting to port 1 succeeded")
		}
		leaks(t, "the error", err.Error())
		leaks(t, "the error (%+v)", fmt.Sprintf("%+v", err))
		for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
			leaks(t, "a wrapped error", e.Error())
		}
		if !strings.Contains(err.Error(), "127.0.0.1") {
			t.Errorf("the error %q does not say where it tried to connect", err)
		}
	})
	t.Run("malformed DSN", func(t *testing.T) {
		_, err := NewPostgres(ctx, "postgres://updplan:"+password+"@127.0.0.1:notaport/db", "default")
		if err == nil {
			t.Fatal("a malformed DSN was accepted")
		}
		leaks(t, "the error", err.Error())
	})
	t.Run("keyword form", func(t *testing.T) {
		_, err := NewPostgres(ctx, "host=127.0.0.1 port=1 user=updplan password="+password+" dbname=x connect_timeout=5", "default")
		if err == nil {
			t.Fatal("connecting to port 1 succeeded")
		}
		leaks(t, "the error", err.Error())
	})
	t.Run("describe and lock info", func(t *testing.T) {
		p, err := NewPostgres(ctx, dsn, "default")
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		leaks(t, "Describe()", p.Describe())
		id, err := p.Lock(ctx, LockInfo{Operation: "OperationTypeApply", Path: dsn, Info: "dsn " + dsn}, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		var row string
		must(t, pgConn(t, dsn).QueryRow(ctx, `SELECT info::text FROM updplan_locks`).Scan(&row))
		leaks(t, "the lock row", row)
		other, err := NewPostgres(ctx, dsn, "default")
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		_, err = other.Lock(ctx, LockInfo{}, 0, nil)
		if err == nil {
			t.Fatal("second Lock succeeded")
		}
		leaks(t, "the lock error", err.Error())
		must(t, p.Unlock(ctx, id))
	})
	t.Run("server error", func(t *testing.T) {
		p, err := NewPostgres(ctx, dsn, "default")
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		// A state row the decoder rejects, then a query error.
		_, err = pgConn(t, dsn).Exec(ctx, `INSERT INTO updplan_state (workspace, lineage, serial, data) VALUES ('default', 'l', 1, '{"version": 1')`)
		must(t, err)
		_, err = p.Read(ctx, testTypes)
		if err == nil || !strings.Contains(err.Error(), "truncated") || !strings.Contains(err.Error(), `PostgreSQL state "default"`) {
			t.Fatalf("Read of a truncated state: err = %v", err)
		}
		leaks(t, "the decode error", err.Error())
	})
}

func TestPostgresErrorsAreRedacted(t *testing.T) {
	tests := map[string]struct {
		dsn, password string
	}{
		"url":             {"postgres://u:pa%24%24word@db:5432/x", "pa$$word"},
		"url plain":       {"postgres://u:s3cr3t-pw@db:5432/x", "s3cr3t-pw"},
		"keyword":         {"host=db user=u password=s3cr3t-pw dbname=x", "s3cr3t-pw"},
		"keyword, quoted": {"host=db user=u password='s3cr3t-pw' dbname=x", "s3cr3t-pw"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			p := &Postgres{where: "db:5432/x", secrets: dsnSecrets(tc.dsn)}
			inner := fmt.Errorf("failed to connect to %s with password %s (escaped %s)", tc.dsn, tc.password, url.QueryEscape(tc.password))
			err := p.wrap("connecting", inner)
			for e := error(err); e != nil; e = errors.Unwrap(e) {
				if strings.Contains(e.Error(), tc.password) || strings.Contains(e.Error(), url.QueryEscape(tc.password)) {
					t.Fatalf("error shows the password: %s", e)
				}
			}
			if errors.Is(err, inner) {
				t.Fatal("the original error, with the DSN, is reachable through Unwrap")
			}
			if !strings.Contains(err.Error(), "connecting (db:5432/x)") {
				t.Errorf("error %q lost its context", err)
			}
		})
	}
	p := &Postgres{where: "db:5432/x"}
	if err := p.wrap("reading", fmt.Errorf("read: %w", context.Canceled)); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled context is no longer recognisable: %v", err)
	}
}

// BenchmarkPostgresJournalSet1000 is the journal cost of an apply of 1,000
// objects on PostgreSQL: one committed insert per object.
func BenchmarkPostgresJournalSet1000(b *testing.B) {
	ctx := context.Background()
	p, err := NewPostgres(ctx, pgtest.DSN(b), "default")
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	base := bigState(1000)
	if err := p.Write(ctx, base); err != nil {
		b.Fatal(err)
	}
	resources := base.Sorted()
	b.ReportAllocs()
	for b.Loop() {
		j, err := p.OpenJournal(ctx, base)
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
		if err := p.Write(ctx, base); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// TestPostgresLogsStatementShapes: with debug logging on, every statement
// of the backend is logged by its shape; no argument (the state document,
// a sensitive output), no DSN and no password reaches the log.
func TestPostgresLogsStatementShapes(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	var buf bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	defer slog.SetDefault(prev)
	p, err := NewPostgres(ctx, dsn, "logged")
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	id, err := p.Lock(ctx, LockInfo{Operation: "OperationTypeApply"}, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	must(t, p.Write(ctx, sampleState()))
	if _, err := p.Read(ctx, testTypes); err != nil {
		t.Fatal(err)
	}
	must(t, p.Unlock(ctx, id))
	log := buf.String()
	for _, want := range []string{`statement="SELECT data FROM updplan_state WHERE workspace = $1"`, "pg_try_advisory_lock($1)", "INSERT INTO updplan_state", "backend=postgres", "args=1"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q:\n%s", want, log)
		}
	}
	u, _ := url.Parse(dsn)
	pw, _ := u.User.Password()
	for _, secret := range []string{"s3cret", "logged", dsn, pw, "5a0cfd43"} {
		if secret != "" && strings.Contains(log, secret) {
			t.Errorf("the log holds %q", secret)
		}
	}
}
