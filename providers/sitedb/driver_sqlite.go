package sitedb

import (
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/providers"
	"modernc.org/sqlite"
)

// SQLite result codes (primary codes, the low byte of an extended code).
const (
	sqliteBusy     = 5
	sqliteLocked   = 6
	sqliteReadOnly = 8
	sqliteCantOpen = 14
	sqliteNotADB   = 26
	sqliteCorrupt  = 11
	sqliteFull     = 13
	// sqliteConstraint is a violated constraint; the extended code says
	// which kind.
	sqliteConstraint = 19
)

func sqliteDialect(path string, busy time.Duration) *dialect {
	return &dialect{
		name:   "sqlite",
		inJSON: "SELECT value FROM json_each(?)",
		tables: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
		explain: func(err error, what string) *hcl.Diagnostic {
			return explainSQLite(err, what, path, busy)
		},
	}
}

// sqliteDSN is the modernc.org/sqlite data source of a file: WAL so readers
// never wait for the writer, a busy timeout for other writers, immediate
// write transactions so a lock upgrade never fails half-way. The WAL is
// checkpointed every 10,000 pages (40 MB) instead of SQLite's 1,000: a
// checkpoint syncs the file inside a commit, and at the default every few
// hundred group commits of a large apply waited for one (measured: about
// half the throughput of BenchmarkApplyCollections10k). Closing the last
// connection checkpoints and removes the WAL.
func sqliteDSN(path string, busy time.Duration) string {
	u := url.URL{Scheme: "file", Opaque: path}
	return u.String() + fmt.Sprintf("?_pragma=journal_mode(WAL)&_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=wal_autocheckpoint(10000)&_txlock=immediate", busy.Milliseconds())
}

// sqliteReadOnlyDSN opens an existing file for reading only: query_only
// makes SQLite refuse every statement that would change the database, and
// the journal mode is left as it is. (mode=ro is not used: a read-only
// connection to a WAL database leaves its -wal and -shm files behind,
// where the last ordinary connection removes them when it closes.)
func sqliteReadOnlyDSN(path string, busy time.Duration) string {
	u := url.URL{Scheme: "file", Opaque: path}
	return u.String() + fmt.Sprintf("?_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)&_pragma=query_only(1)", busy.Milliseconds())
}

func openSQLite(path string, busy time.Duration, readOnly bool) (*store, hcl.Diagnostics) {
	d := sqliteDialect(path, busy)
	if dir := filepath.Dir(path); dir != "" {
		if _, err := os.Stat(dir); err != nil {
			return nil, hcl.Diagnostics{providers.AttrError(pathAttr("path"), "Site database folder missing",
				fmt.Sprintf("The folder %s of the SQLite site database does not exist. Create it, or set path in the sitedb provider block to a file in an existing folder.", dir))}
		}
	}
	dsn := sqliteDSN(path, busy)
	if readOnly {
		dsn = sqliteReadOnlyDSN(path, busy)
	} else if err := createPrivate(path); err != nil {
		return nil, hcl.Diagnostics{d.explain(err, "create the site database")}
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, hcl.Diagnostics{d.explain(err, "open the site database")}
	}
	return &store{db: db, d: d}, nil
}

// createPrivate creates a missing database file readable by its owner
// only (0600): it holds attribute values. SQLite would create it 0644.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// openScratch opens an empty SQLite database in a new file of the
// system's temporary folder: what a read-only run reads when the site
// database does not exist yet.
func openScratch() (*store, hcl.Diagnostics) {
	f, err := os.CreateTemp("", "updplan-empty-site-*.db")
	if err != nil {
		return nil, hcl.Diagnostics{providers.Errorf("Cannot make a scratch database",
			"plan reads a site database that does not exist yet as an empty one, in a scratch file of the temporary folder, but could not create it: %s. Check that the temporary folder (TMPDIR) is writable.", errText(err))}
	}
	f.Close()
	s, diags := openSQLite(f.Name(), time.Second, false)
	if diags.HasErrors() {
		os.Remove(f.Name())
		return nil, diags
	}
	s.scratch = f.Name()
	return s, nil
}

// errText is an error's text without the path *fs.PathError repeats.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}

func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() & 0xff
	}
	return 0
}

// SQLite's extended result codes of constraint violations.
var sqliteConstraints = map[int]string{787: "foreign key", 2067: "unique", 1555: "unique", 275: "check", 1299: "not null"}

func explainSQLite(err error, what, path string, busy time.Duration) *hcl.Diagnostic {
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqliteConstraint {
		kind := sqliteConstraints[se.Code()]
		msg := se.Error()
		name := ""
		if i := strings.Index(msg, "CHECK constraint failed: "); i >= 0 {
			name = strings.Fields(msg[i+len("CHECK constraint failed: "):] + " ")[0]
		}
		if kind != "" {
			return constraintDiag(constraint{kind: kind, name: strings.TrimRight(name, ")")}, msg, what)
		}
	}
	switch sqliteCode(err) {
	case sqliteBusy, sqliteLocked:
		return providers.Errorf("Site database locked",
			"Could not %s: the SQLite file %s stayed locked by another process for longer than busy_timeout (%s). Another updplan apply, or a tool holding a write transaction, is using it. Wait for it to finish and run the command again, or raise busy_timeout in the sitedb provider block.", what, path, busy)
	case sqliteReadOnly:
		return providers.Errorf("Site database read-only",
			"Could not %s: the SQLite file %s (or its folder, which must hold the -wal and -shm files) is read-only. Give the user running updplan write access to both, or point path in the sitedb provider block at a writable copy.", what, path)
	case sqliteCantOpen:
		return providers.Errorf("Site database cannot be opened",
			"Could not %s: the SQLite file %s cannot be opened or created. Check that the folder exists and that the user running updplan may write to it.", what, path)
	case sqliteNotADB:
		return providers.Errorf("Not a SQLite database",
			"Could not %s: %s is not a SQLite database file. Point path in the sitedb provider block at the site database, or move the file away so a new database is created.", what, path)
	case sqliteCorrupt:
		return providers.Errorf("Site database damaged",
			"Could not %s: the SQLite file %s is damaged (%s). Restore it from a backup.", what, path, err)
	case sqliteFull:
		return providers.Errorf("Disk full",
			"Could not %s: the disk holding %s is full. Free some space and run the command again.", what, path)
	}
	return providers.Errorf("Site database error", "Could not %s in the SQLite file %s: %s. Check the file and run the command again.", what, path, err)
}
