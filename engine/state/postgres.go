package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/encryption"
)

// Postgres keeps states in a PostgreSQL database, one row per workspace.
// The lock is a session advisory lock held on a dedicated connection, so it
// ends with the session of a run that dies; a row in updplan_locks names
// the holder for whoever waits.
//
// The DSN is a secret: it never appears in errors, Describe or lock info.
type Postgres struct {
	enc       *encryption.Target // nil: not encrypted
	pool      *pgxpool.Pool
	workspace string
	where     string   // host:port/database
	secrets   []string // strings to redact from every error
	key       int64    // advisory lock key of the workspace

	mu       sync.Mutex
	lockConn *pgxpool.Conn // the session holding the advisory lock
	lockID   string
	// noTables: opened read-only on a database without the state tables
	// (OpenPostgres); the first write creates them.
	noTables bool
}

var _ Backend = (*Postgres)(nil)

// schemaLockKey serialises table creation between concurrent first runs.
const schemaLockKey int64 = 0x7570_6470_6c61_6e00 // "updplan\0"

var pgSchema = []string{
	`CREATE TABLE IF NOT EXISTS updplan_state (
		workspace  text PRIMARY KEY,
		lineage    text NOT NULL,
		serial     bigint NOT NULL,
		data       text NOT NULL,
		previous   text,
		updated_at timestamptz NOT NULL DEFAULT now()
	)`,
	`CREATE TABLE IF NOT EXISTS updplan_state_journal (
		workspace  text NOT NULL,
		seq        bigserial,
		lineage    text NOT NULL,
		serial     bigint NOT NULL,
		record     text NOT NULL,
		created_at timestamptz NOT NULL DEFAULT now(),
		PRIMARY KEY (workspace, seq)
	)`,
	`CREATE TABLE IF NOT EXISTS updplan_locks (
		workspace   text PRIMARY KEY,
		id          text NOT NULL,
		info        jsonb NOT NULL,
		backend_pid integer NOT NULL,
		created_at  timestamptz NOT NULL DEFAULT now()
	)`,
}

// NewPostgres connects to the database of dsn and creates the state tables
// if they are missing. workspace names the state within the database
// ("default" when empty).
func NewPostgres(ctx context.Context, dsn string, workspace string) (*Postgres, error) {
	return OpenPostgres(ctx, dsn, workspace, false)
}

// OpenPostgres is NewPostgres; with readOnly (plan, drift, console,
// output) it creates nothing: on a database without the state tables the
// state reads as empty and the lock is the advisory lock alone (no holder
// row), and the tables are created by the first write (apply, init).
func OpenPostgres(ctx context.Context, dsn string, workspace string, readOnly bool) (*Postgres, error) {
	if workspace == "" {
		workspace = "default"
	}
	secrets := dsnSecrets(dsn)
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, errors.New("the PostgreSQL connection string is not valid (it is not shown, as it may hold a password). Check its syntax: postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=...")
	}
	if cfg.ConnConfig.Password != "" {
		secrets = append(secrets, cfg.ConnConfig.Password, url.QueryEscape(cfg.ConnConfig.Password), url.PathEscape(cfg.ConnConfig.Password))
	}
	if slog.Default().Enabled(ctx, slog.LevelDebug) {
		cfg.ConnConfig.Tracer = pgTracer{} // statement shapes, never values (postgres_log.go)
	}
	h := fnv.New64a()
	h.Write([]byte("updplan-state:" + workspace))
	p := &Postgres{
		workspace: workspace,
		where:     fmt.Sprintf("%s:%d/%s", cfg.ConnConfig.Host, cfg.ConnConfig.Port, cfg.ConnConfig.Database),
		secrets:   secrets,
		key:       int64(h.Sum64()),
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, p.wrap("connecting to PostgreSQL", err)
	}
	p.pool = pool
	if readOnly {
		var have bool
		err := pool.QueryRow(ctx, `SELECT to_regclass('updplan_state') IS NOT NULL AND to_regclass('updplan_state_journal') IS NOT NULL AND to_regclass('updplan_locks') IS NOT NULL`).Scan(&have)
		if err != nil {
			pool.Close()
			return nil, p.wrap("looking for the state tables", err)
		}
		p.noTables = !have
		return p, nil
	}
	if err := p.createTables(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return p, nil
}

// ensureTables creates the state tables before a write when a read-only
// open found none.
func (p *Postgres) ensureTables(ctx context.Context) error {
	p.mu.Lock()
	missing := p.noTables
	p.mu.Unlock()
	if !missing {
		return nil
	}
	if err := p.createTables(ctx); err != nil {
		return err
	}
	p.mu.Lock()
	p.noTables = false
	p.mu.Unlock()
	return nil
}

// tablesMissing reports whether a read-only open found no state tables.
func (p *Postgres) tablesMissing() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.noTables
}

func (p *Postgres) createTables(ctx context.Context) error {
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, schemaLockKey); err != nil {
			return err
		}
		for _, stmt := range pgSchema {
			if _, err := tx.Exec(ctx, stmt); err != nil {
				return err
			}
		}
		return nil
	})
	return p.wrap("creating the state tables", err)
}

// dsnSecrets returns the DSN and its password in the forms it may take in
// an error message.
func dsnSecrets(dsn string) []string {
	out := []string{dsn}
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		if pw, ok := u.User.Password(); ok {
			out = append(out, pw, url.QueryEscape(pw), url.PathEscape(pw))
		}
	}
	for _, f := range strings.Fields(dsn) {
		if v, ok := strings.CutPrefix(f, "password="); ok {
			out = append(out, v, strings.Trim(v, "'"))
		}
	}
	return out
}

// redact removes every secret from s.
func (p *Postgres) redact(s string) string {
	for _, sec := range p.secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "****")
		}
	}
	return s
}

// pgError carries a pgx error's text with the secrets removed. It unwraps
// only to context errors and the server's SQLSTATE error, never to the
// original, which may hold the DSN.
type pgError struct {
	msg   string
	cause error
}

func (e *pgError) Error() string { return e.msg }
func (e *pgError) Unwrap() error { return e.cause }

func (p *Postgres) wrap(doing string, err error) error {
	if err == nil {
		return nil
	}
	var cause error
	var pgErr *pgconn.PgError
	switch {
	case errors.Is(err, context.Canceled):
		cause = context.Canceled
	case errors.Is(err, context.DeadlineExceeded):
		cause = context.DeadlineExceeded
	case errors.As(err, &pgErr):
		c := *pgErr
		c.Message, c.Detail, c.Hint = p.redact(c.Message), p.redact(c.Detail), p.redact(c.Hint)
		cause = &c
	}
	return &pgError{msg: p.redact(fmt.Sprintf("%s (%s): %v", doing, p.where, err)), cause: cause}
}

// Describe names the database and workspace, never the DSN.
func (p *Postgres) Describe() string {
	return fmt.Sprintf("PostgreSQL state %q on %s", p.workspace, p.where)
}

// Close releases the lock if this backend holds it and closes the pool.
func (p *Postgres) Close() error {
	p.mu.Lock()
	id := p.lockID
	p.mu.Unlock()
	var err error
	if id != "" {
		err = p.Unlock(context.Background(), id)
	}
	p.pool.Close()
	return err
}

// SetEncryption makes p encrypt the state and each journal record it
// writes with t, and read what t (or its fallback) can open.
func (p *Postgres) SetEncryption(t *encryption.Target) { p.enc = t }

// Read returns the stored state with the journal replayed, or nil.
func (p *Postgres) Read(ctx context.Context, types TypeFunc) (*State, error) {
	if p.tablesMissing() {
		return nil, nil // nothing was ever written here
	}
	var data string
	var header *journalHeader
	var records [][]byte
	err := pgx.BeginTxFunc(ctx, p.pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `SELECT data FROM updplan_state WHERE workspace = $1`, p.workspace).Scan(&data)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT lineage, serial, record FROM updplan_state_journal WHERE workspace = $1 ORDER BY seq`, p.workspace)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var h journalHeader
			var serial int64
			var rec string
			if err := rows.Scan(&h.Lineage, &serial, &rec); err != nil {
				return err
			}
			h.Journal, h.Serial = JournalFormatVersion, uint64(serial)
			if header == nil {
				header = &h
			} else if *header != h {
				return ownError{fmt.Errorf("the journal mixes records of two applies (%s serial %d and %s serial %d)", header.Lineage, header.Serial, h.Lineage, h.Serial)}
			}
			records = append(records, []byte(rec))
		}
		return rows.Err()
	})
	var own ownError
	if errors.As(err, &own) {
		return nil, fmt.Errorf("%s: %w", p.Describe(), own.error)
	}
	if err != nil {
		return nil, p.wrap("reading the state", err)
	}
	var stored *State
	if data != "" {
		plain, err := p.enc.Open("state", []byte(data))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.Describe(), err)
		}
		stored, err = Decode(plain, types)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p.Describe(), err)
		}
	}
	if header == nil {
		return stored, nil
	}
	where := "of " + p.Describe()
	if records, err = openRecords(p.enc, records, where); err != nil {
		return nil, err
	}
	verdict, err := judgeJournal(stored, *header, where)
	if err != nil {
		return nil, err
	}
	if verdict == journalStale {
		return stored, nil
	}
	return replayJournal(stored, *header, records, types, where)
}

// Write stores s in one transaction: the previous state moves to the
// previous column and the journal is cleared.
func (p *Postgres) Write(ctx context.Context, s *State) error {
	if err := p.ensureTables(ctx); err != nil {
		return err
	}
	b, err := Encode(s)
	if err != nil {
		return err
	}
	if b, err = p.enc.Seal("state", b); err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `
			INSERT INTO updplan_state (workspace, lineage, serial, data, previous, updated_at)
			VALUES ($1, $2, $3, $4, NULL, now())
			ON CONFLICT (workspace) DO UPDATE SET
				lineage = EXCLUDED.lineage, serial = EXCLUDED.serial, data = EXCLUDED.data,
				previous = updplan_state.data, updated_at = now()`,
			p.workspace, s.Lineage, int64(s.Serial), string(b))
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM updplan_state_journal WHERE workspace = $1`, p.workspace)
		return err
	})
	return p.wrap("writing the state", err)
}

// OpenJournal starts the journal of an apply, or continues one that Read
// replayed; a journal already folded into the state is cleared.
func (p *Postgres) OpenJournal(ctx context.Context, base *State) (Journal, error) {
	if err := p.ensureTables(ctx); err != nil {
		return nil, err
	}
	if base == nil {
		return nil, errors.New("a journal needs the state it starts from; this is a bug in updplan")
	}
	j := &pgJournal{p: p, lineage: base.Lineage, serial: base.Serial}
	err := pgx.BeginFunc(ctx, p.pool, func(tx pgx.Tx) error {
		var stored *State
		var lineage string
		var serial int64
		err := tx.QueryRow(ctx, `SELECT lineage, serial FROM updplan_state WHERE workspace = $1`, p.workspace).Scan(&lineage, &serial)
		switch {
		case err == nil:
			stored = &State{Lineage: lineage, Serial: uint64(serial)}
			if lineage != base.Lineage {
				return ownError{fmt.Errorf("the apply starts from a state of lineage %s, but %s holds lineage %s; this is a bug in updplan", base.Lineage, p.Describe(), lineage)}
			}
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		err = tx.QueryRow(ctx, `SELECT lineage, serial FROM updplan_state_journal WHERE workspace = $1 ORDER BY seq LIMIT 1`, p.workspace).Scan(&lineage, &serial)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		h := journalHeader{Journal: JournalFormatVersion, Lineage: lineage, Serial: uint64(serial)}
		where := "of " + p.Describe()
		if h.Lineage != base.Lineage {
			return ownError{fmt.Errorf("the journal %s belongs to another state (lineage %s, not %s). If that state is gone, delete its rows from updplan_state_journal, then run the command again", where, h.Lineage, base.Lineage)}
		}
		verdict := journalReplay
		if stored != nil {
			if verdict, err = judgeJournal(stored, h, where); err != nil {
				return ownError{err}
			}
		}
		if verdict == journalReplay {
			j.serial = h.Serial // continue it
			return nil
		}
		_, err = tx.Exec(ctx, `DELETE FROM updplan_state_journal WHERE workspace = $1`, p.workspace)
		return err
	})
	var own ownError
	if errors.As(err, &own) {
		return nil, own.error
	}
	if err != nil {
		return nil, p.wrap("starting the journal", err)
	}
	return j, nil
}

// ownError carries a message of this package out of a transaction, so it
// is not mistaken for a driver error.
type ownError struct{ error }

// pgJournal inserts one row per record; each insert commits on its own,
// so every record is durable when Set or Remove returns.
type pgJournal struct {
	p       *Postgres
	lineage string
	serial  uint64

	mu     sync.Mutex
	closed bool
}

func (j *pgJournal) Set(r *Resource) error {
	b, err := encodeSet(r)
	if err != nil {
		return err
	}
	return j.insert(b)
}

func (j *pgJournal) Remove(a addr.Instance) error {
	b, err := encodeRemove(a)
	if err != nil {
		return err
	}
	return j.insert(b)
}

func (j *pgJournal) insert(rec []byte) error {
	rec, err := j.p.enc.Seal("journal", rec)
	if err != nil {
		return err
	}
	j.mu.Lock()
	closed := j.closed
	j.mu.Unlock()
	if closed {
		return errors.New("the journal is closed; this is a bug in updplan")
	}
	_, err = j.p.pool.Exec(context.Background(),
		`INSERT INTO updplan_state_journal (workspace, lineage, serial, record) VALUES ($1, $2, $3, $4)`,
		j.p.workspace, j.lineage, int64(j.serial), string(rec))
	return j.p.wrap("writing the journal", err)
}

// Sync has nothing left to do: every record was committed when it was made.
func (j *pgJournal) Sync() error { return nil }

func (j *pgJournal) Close() error {
	j.mu.Lock()
	j.closed = true
	j.mu.Unlock()
	return nil
}

// Lock takes the workspace's advisory lock with pg_try_advisory_lock in a
// retry loop on a connection kept until Unlock (a blocking
// pg_advisory_lock with a deadline would make pgx close the connection),
// then records the holder in updplan_locks.
func (p *Postgres) Lock(ctx context.Context, info LockInfo, timeout time.Duration, waiting func(holder LockInfo)) (string, error) {
	p.mu.Lock()
	held := p.lockID
	p.mu.Unlock()
	if held != "" {
		return "", fmt.Errorf("the state lock is already held by this run (ID %s); this is a bug in updplan", held)
	}
	info = completeLockInfo(info, p.Describe())
	info.Path = p.Describe()
	info.Info = p.redact(info.Info)
	conn, err := p.pool.Acquire(ctx)
	if err != nil {
		return "", p.wrap("connecting to take the state lock", err)
	}
	deadline := time.Now().Add(timeout)
	notified := false
	poll := 20 * time.Millisecond
	for {
		var ok bool
		if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, p.key).Scan(&ok); err != nil {
			conn.Release()
			return "", p.wrap("taking the state lock", err)
		}
		if ok {
			if p.tablesMissing() {
				// Read-only on a database without the tables: the
				// advisory lock alone, nothing written.
				p.mu.Lock()
				p.lockConn, p.lockID = conn, info.ID
				p.mu.Unlock()
				return info.ID, nil
			}
			if err := p.recordHolder(ctx, conn, info); err != nil {
				conn.Hijack().Close(context.Background()) // ends the session, and with it the lock
				return "", err
			}
			p.mu.Lock()
			p.lockConn, p.lockID = conn, info.ID
			p.mu.Unlock()
			return info.ID, nil
		}
		holder, live, err := p.holder(ctx)
		// A holder that has just taken the advisory lock records itself
		// a moment later: give it that moment before naming nobody.
		for grace := time.Now().Add(holderWriteGrace); err == nil && !live && time.Now().Before(grace); {
			time.Sleep(10 * time.Millisecond)
			holder, live, err = p.holder(ctx)
		}
		if err != nil {
			conn.Release()
			return "", err
		}
		if live && !notified && waiting != nil {
			waiting(*holder)
			notified = true
		}
		if !time.Now().Before(deadline) {
			conn.Release()
			return "", &LockError{Holder: holderOrUnknown(holder, p.Describe())}
		}
		select {
		case <-ctx.Done():
			conn.Release()
			return "", &LockError{Holder: holderOrUnknown(holder, p.Describe()), Err: ctx.Err()}
		case <-time.After(min(poll, time.Until(deadline))):
		}
		poll = min(poll*2, 500*time.Millisecond)
	}
}

func (p *Postgres) recordHolder(ctx context.Context, conn *pgxpool.Conn, info LockInfo) error {
	b, err := json.Marshal(info)
	if err != nil {
		return err
	}
	_, err = conn.Exec(ctx, `
		INSERT INTO updplan_locks (workspace, id, info, backend_pid, created_at)
		VALUES ($1, $2, $3, pg_backend_pid(), now())
		ON CONFLICT (workspace) DO UPDATE SET
			id = EXCLUDED.id, info = EXCLUDED.info, backend_pid = EXCLUDED.backend_pid, created_at = EXCLUDED.created_at`,
		p.workspace, info.ID, string(b))
	return p.wrap("recording the state lock holder", err)
}

// holder reads the holder row; live says whether its session still holds
// the advisory lock (a row left by a dead session is stale).
func (p *Postgres) holder(ctx context.Context) (*LockInfo, bool, error) {
	if p.tablesMissing() {
		return nil, false, nil
	}
	var raw []byte
	var live bool
	err := p.pool.QueryRow(ctx, `
		SELECT l.info::text, EXISTS (
			SELECT 1 FROM pg_locks k
			WHERE k.locktype = 'advisory' AND k.granted AND k.pid = l.backend_pid
			  AND k.objsubid = 1 AND k.classid::bigint = $2 AND k.objid::bigint = $3)
		FROM updplan_locks l WHERE l.workspace = $1`,
		p.workspace, int64(uint64(p.key)>>32), int64(uint64(p.key)&0xffffffff)).Scan(&raw, &live)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, p.wrap("reading the state lock holder", err)
	}
	var info LockInfo
	if err := json.Unmarshal(raw, &info); err != nil {
		return nil, false, fmt.Errorf("the lock holder row of %s is not valid: %v", p.Describe(), err)
	}
	return &info, live, nil
}

// Unlock releases the lock taken with id. Should the session fail, it is
// closed, which releases the lock as surely.
func (p *Postgres) Unlock(ctx context.Context, id string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.lockConn == nil {
		return fmt.Errorf("cannot unlock %s: this run does not hold its lock", p.Describe())
	}
	if id != p.lockID {
		return fmt.Errorf("cannot unlock %s: the lock ID %q is not this run's lock (ID %s)", p.Describe(), id, p.lockID)
	}
	conn := p.lockConn
	p.lockConn, p.lockID = nil, ""
	var err error
	if !p.noTables { // p.mu is held
		_, err = conn.Exec(ctx, `DELETE FROM updplan_locks WHERE workspace = $1 AND id = $2`, p.workspace, id)
	}
	if err == nil {
		var released bool
		err = conn.QueryRow(ctx, `SELECT pg_advisory_unlock($1)`, p.key).Scan(&released)
		if err == nil && !released {
			err = errors.New("the session no longer held the lock")
		}
	}
	if err != nil {
		conn.Hijack().Close(context.Background())
		return p.wrap("releasing the state lock (its session was closed, which releases it)", err)
	}
	conn.Release()
	return nil
}

// ForceUnlock removes the holder row of a run that died, if its ID
// matches. It terminates nothing: the advisory lock of a dead run ended
// with its session, and a live session keeps its lock until it ends.
func (p *Postgres) ForceUnlock(ctx context.Context, id string) error {
	p.mu.Lock()
	own := p.lockID
	p.mu.Unlock()
	if own != "" && own == id {
		return p.Unlock(ctx, id)
	}
	holder, live, err := p.holder(ctx)
	if err != nil {
		return err
	}
	if holder == nil {
		return fmt.Errorf("%s is not locked", p.Describe())
	}
	if holder.ID != id {
		return fmt.Errorf("lock ID %q does not match the lock on %s, which is:\n  %s\nCheck the ID and run force-unlock again", id, p.Describe(), holder.String())
	}
	if live {
		var pid int32
		_ = p.pool.QueryRow(ctx, `SELECT backend_pid FROM updplan_locks WHERE workspace = $1`, p.workspace).Scan(&pid)
		return fmt.Errorf("lock %s on %s belongs to a live database session (backend PID %d, run by %s). updplan does not end sessions: stop that run, and the lock goes with its session; if the session is stuck, a database administrator can end it with SELECT pg_terminate_backend(%d)", id, p.Describe(), pid, holder.Who, pid)
	}
	_, err = p.pool.Exec(ctx, `DELETE FROM updplan_locks WHERE workspace = $1 AND id = $2`, p.workspace, id)
	return p.wrap("removing the lock holder row", err)
}
