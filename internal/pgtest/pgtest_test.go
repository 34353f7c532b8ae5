package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

func connect(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connecting: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func TestDSNGivesAFreshDatabase(t *testing.T) {
	dsn := DSN(t)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	if u.Hostname() != "127.0.0.1" {
		t.Errorf("host = %q, want 127.0.0.1", u.Hostname())
	}
	if pw, ok := u.User.Password(); !ok || pw == "" {
		t.Errorf("the DSN carries no password")
	}
	if u.User.Username() != Role {
		t.Errorf("user = %q, want %q", u.User.Username(), Role)
	}

	conn := connect(t, dsn)
	ctx := context.Background()
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("new database has %d tables, want 0", n)
	}
	if _, err := conn.Exec(ctx, `CREATE TABLE t (x int)`); err != nil {
		t.Fatal(err)
	}
}

func TestEachCallHasItsOwnDatabase(t *testing.T) {
	a, b := connect(t, DSN(t)), connect(t, DSN(t))
	ctx := context.Background()
	var nameA, nameB string
	if err := a.QueryRow(ctx, `SELECT current_database()`).Scan(&nameA); err != nil {
		t.Fatal(err)
	}
	if err := b.QueryRow(ctx, `SELECT current_database()`).Scan(&nameB); err != nil {
		t.Fatal(err)
	}
	if nameA == nameB {
		t.Fatalf("two DSN calls share database %q", nameA)
	}
}

func TestDatabaseDroppedAtCleanup(t *testing.T) {
	var dbName string
	t.Run("user", func(t *testing.T) {
		conn := connect(t, DSN(t))
		if err := conn.QueryRow(context.Background(), `SELECT current_database()`).Scan(&dbName); err != nil {
			t.Fatal(err)
		}
	})
	if dbName == "" {
		t.Skip("subtest did not get a database")
	}
	conn := connect(t, DSN(t))
	var exists bool
	if err := conn.QueryRow(context.Background(), `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, dbName).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Fatalf("database %q still exists after its test finished", dbName)
	}
}

func TestPasswordIsSet(t *testing.T) {
	conn := connect(t, DSN(t))
	var hasPassword bool
	if err := conn.QueryRow(context.Background(), `SELECT rolpassword IS NOT NULL FROM pg_authid WHERE rolname = $1`, Role).Scan(&hasPassword); err != nil {
		t.Fatal(err)
	}
	if !hasPassword {
		t.Fatalf("role %s has no password", Role)
	}
}

func TestAvailableMatchesBinaries(t *testing.T) {
	ok, why := Available()
	_, err := binDirFunc()
	if ok != (err == nil) && os.Geteuid() != 0 {
		t.Fatalf("Available() = %v, %q; but findBinDir error = %v", ok, why, err)
	}
	if !ok && why == "" {
		t.Fatal("Available() gives no reason")
	}
}

func TestDBSafe(t *testing.T) {
	tests := map[string]struct{ in, want string }{
		"subtest slash":  {"TestX/sub case", "testx_sub_case"},
		"long name":      {"TestAVeryLongNameThatGoesOnAndOnAndOnAndOnAndOnAndOn", "testaverylongnamethatgoesonandonandonandonandonan"[:48]},
		"quotes removed": {`Test"Q'`, "test_q_"},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := dbSafe(tc.in); got != tc.want {
				t.Errorf("dbSafe(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// recordingTB stops at Skip or Fatal like testing.T does, but records the
// call instead of ending the real test.
type recordingTB struct {
	testing.TB
	skipped, failed string
}

type stopped struct{}

func (r *recordingTB) Helper() {}
func (r *recordingTB) Skip(args ...any) {
	r.skipped = fmt.Sprint(args...)
	panic(stopped{})
}
func (r *recordingTB) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
	panic(stopped{})
}

func callDSN(tb *recordingTB) {
	defer func() {
		if v := recover(); v != nil {
			if _, ok := v.(stopped); !ok {
				panic(v)
			}
		}
	}()
	DSN(tb)
}

func TestMissingBinaries(t *testing.T) {
	saved := binDirFunc
	binDirFunc = func() (string, error) { return "", errors.New("not found") }
	t.Cleanup(func() { binDirFunc = saved })

	t.Run("skips", func(t *testing.T) {
		t.Setenv(RequireEnv, "")
		tb := &recordingTB{TB: t}
		callDSN(tb)
		if tb.skipped != "PostgreSQL not installed: apt-get install postgresql" || tb.failed != "" {
			t.Fatalf("skipped = %q, failed = %q", tb.skipped, tb.failed)
		}
	})
	t.Run("fails when servers are required", func(t *testing.T) {
		t.Setenv(RequireEnv, "1")
		tb := &recordingTB{TB: t}
		callDSN(tb)
		if tb.skipped != "" || !strings.Contains(tb.failed, "apt-get install postgresql") {
			t.Fatalf("skipped = %q, failed = %q", tb.skipped, tb.failed)
		}
	})
}
