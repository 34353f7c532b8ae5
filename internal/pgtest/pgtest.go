package pgtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// RequireEnv names the environment variable that turns a missing server
// into a test failure instead of a skip.
const RequireEnv = "UPDPLAN_REQUIRE_SERVERS"

// Role is the superuser every DSN connects as.
const Role = "updplan"

const skipMessage = "PostgreSQL not installed: apt-get install postgresql"

var (
	mu       sync.Mutex
	running  *cluster
	startErr error
	dbSeq    int
)

// cluster is one running server.
type cluster struct {
	binDir   string
	dir      string // temp dir holding data/, the socket and pg.log
	port     int
	pid      int
	password string
	runAs    *runAs // nil when not root
}

// Main runs the tests of m, then stops the cluster if one was started and
// removes its directory. Call it from TestMain: os.Exit(pgtest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	if err := stop(); err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// Available reports whether a cluster can be started here; when it cannot,
// the string says why and how to fix it.
func Available() (bool, string) {
	if _, err := binDirFunc(); err != nil {
		return false, skipMessage
	}
	if _, err := unprivilegedUser(); err != nil {
		return false, err.Error()
	}
	return true, ""
}

// DSN returns the connection string of a fresh, empty database created for
// tb and dropped when tb finishes. The role has a password, which the DSN
// carries, so tests of redaction have a secret to hide.
func DSN(tb testing.TB) string {
	tb.Helper()
	if ok, why := Available(); !ok {
		if os.Getenv(RequireEnv) == "1" {
			tb.Fatalf("%s (%s=1 makes this a failure)", why, RequireEnv)
		}
		tb.Skip(why)
	}
	c, err := ensure()
	if err != nil {
		tb.Fatalf("starting the test PostgreSQL cluster: %v", err)
	}
	mu.Lock()
	dbSeq++
	name := fmt.Sprintf("t%d_%s", dbSeq, dbSafe(tb.Name()))
	mu.Unlock()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.exec(ctx, `CREATE DATABASE `+pgx.Identifier{name}.Sanitize()); err != nil {
		tb.Fatalf("creating test database %s: %v", name, err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := c.exec(ctx, `DROP DATABASE IF EXISTS `+pgx.Identifier{name}.Sanitize()+` WITH (FORCE)`); err != nil {
			tb.Errorf("dropping test database %s: %v", name, err)
		}
	})
	return c.dsn(name)
}

func (c *cluster) dsn(db string) string {
	return fmt.Sprintf("postgres://%s:%s@127.0.0.1:%d/%s?sslmode=disable", Role, c.password, c.port, db)
}

// exec runs one statement as the superuser in the maintenance database.
func (c *cluster) exec(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, c.dsn("postgres"))
	if err != nil {
		return errors.New(strings.ReplaceAll(err.Error(), c.password, "****"))
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	if err != nil {
		return errors.New(strings.ReplaceAll(err.Error(), c.password, "****"))
	}
	return nil
}

// ensure starts the cluster on first use.
func ensure() (*cluster, error) {
	mu.Lock()
	defer mu.Unlock()
	if running != nil {
		return running, nil
	}
	if startErr != nil {
		return nil, startErr
	}
	c, err := start()
	if err != nil {
		startErr = err
		return nil, err
	}
	running = c
	return c, nil
}

func start() (*cluster, error) {
	binDir, err := binDirFunc()
	if err != nil {
		return nil, errors.New(skipMessage)
	}
	ra, err := unprivilegedUser()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(tempParent(ra), "updplan-pgtest-")
	if err != nil {
		return nil, err
	}
	c := &cluster{binDir: binDir, dir: dir, runAs: ra, password: randomHex(12)}
	if ra != nil {
		if err := os.Chown(dir, ra.uid, ra.gid); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("giving %s to user %s: %w", dir, ra.name, err)
		}
	}
	data := filepath.Join(dir, "data")
	if out, err := c.run("initdb", "-D", data, "-U", Role, "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	// The port is picked free, but another process may take it before the
	// server binds it: try a few.
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		port, err := freePort()
		if err != nil {
			lastErr = err
			continue
		}
		c.port = port
		opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200", port, dir)
		out, err := c.run("pg_ctl", "-D", data, "-o", opts, "-l", filepath.Join(dir, "pg.log"), "-w", "-t", "60", "start")
		if err != nil {
			lastErr = fmt.Errorf("pg_ctl start: %v\n%s\n%s", err, out, c.logTail())
			continue
		}
		pid, err := readPID(filepath.Join(data, "postmaster.pid"))
		if err != nil {
			lastErr = err
			c.stopServer()
			continue
		}
		c.pid = pid
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err = c.setPassword(ctx)
		cancel()
		if err != nil {
			c.stopServer()
			os.RemoveAll(dir)
			return nil, err
		}
		return c, nil
	}
	os.RemoveAll(dir)
	return nil, lastErr
}

func (c *cluster) setPassword(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, fmt.Sprintf("postgres://%s@127.0.0.1:%d/postgres?sslmode=disable", Role, c.port))
	if err != nil {
		return fmt.Errorf("connecting to the new cluster: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `ALTER ROLE `+pgx.Identifier{Role}.Sanitize()+` PASSWORD '`+c.password+`'`); err != nil {
		return fmt.Errorf("setting the role password: %s", strings.ReplaceAll(err.Error(), c.password, "****"))
	}
	return nil
}

// stop stops the running cluster, if any, and removes its directory.
func stop() error {
	mu.Lock()
	defer mu.Unlock()
	c := running
	running = nil
	if c == nil {
		return nil
	}
	err := c.stopServer()
	if rmErr := os.RemoveAll(c.dir); rmErr != nil && err == nil {
		err = rmErr
	}
	return err
}

// stopServer stops the server with pg_ctl (fast mode) and, should that
// fail, by signalling its PID.
func (c *cluster) stopServer() error {
	out, err := c.run("pg_ctl", "-D", filepath.Join(c.dir, "data"), "-m", "fast", "-w", "-t", "60", "stop")
	if err == nil {
		return nil
	}
	if c.pid > 0 {
		if p, ferr := os.FindProcess(c.pid); ferr == nil {
			_ = p.Kill()
		}
	}
	return fmt.Errorf("pg_ctl stop (pid %d): %v\n%s", c.pid, err, out)
}

func (c *cluster) run(prog string, args ...string) ([]byte, error) {
	cmd := exec.Command(filepath.Join(c.binDir, prog), args...)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	if c.runAs != nil {
		cmd.SysProcAttr = c.runAs.sysProcAttr()
		cmd.Env = append(cmd.Env, "HOME="+c.dir, "USER="+c.runAs.name)
	}
	var buf bytes.Buffer
	cmd.Stdout = &buf
	cmd.Stderr = &buf
	err := cmd.Run()
	return buf.Bytes(), err
}

func (c *cluster) logTail() string {
	b, err := os.ReadFile(filepath.Join(c.dir, "pg.log"))
	if err != nil {
		return ""
	}
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// binDirFunc is findBinDir, replaced by tests of the missing-binaries path.
var binDirFunc = findBinDir

// findBinDir finds the directory of initdb and pg_ctl: the newest
// /usr/lib/postgresql/N/bin, else PATH.
func findBinDir() (string, error) {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return versionOf(dirs[i]) > versionOf(dirs[j]) })
	for _, d := range dirs {
		if isExec(filepath.Join(d, "initdb")) && isExec(filepath.Join(d, "pg_ctl")) && isExec(filepath.Join(d, "postgres")) {
			return d, nil
		}
	}
	p, err := exec.LookPath("initdb")
	if err != nil {
		return "", err
	}
	if p, err = filepath.EvalSymlinks(p); err != nil {
		return "", err
	}
	d := filepath.Dir(p)
	if isExec(filepath.Join(d, "pg_ctl")) && isExec(filepath.Join(d, "postgres")) {
		return d, nil
	}
	return "", errors.New("pg_ctl not found beside initdb")
}

func versionOf(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func isExec(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0
}

// runAs is the unprivileged account the server runs as when the tests run
// as root (initdb refuses root).
type runAs struct {
	name     string
	uid, gid int
}

func unprivilegedUser() (*runAs, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err1 := strconv.Atoi(u.Uid)
		gid, err2 := strconv.Atoi(u.Gid)
		if err1 != nil || err2 != nil {
			continue
		}
		return &runAs{name: name, uid: uid, gid: gid}, nil
	}
	return nil, errors.New("running as root and no unprivileged user (postgres or nobody) exists to run PostgreSQL: create one with useradd")
}

// tempParent picks where the cluster's directory goes: the usual temp dir,
// unless the server's user could not reach it (a TMPDIR under /root).
func tempParent(ra *runAs) string {
	parent := os.TempDir()
	if ra == nil {
		return parent
	}
	for d := parent; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil || fi.Mode().Perm()&0o001 == 0 {
			return "/tmp"
		}
		if d == filepath.Dir(d) {
			return parent
		}
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func readPID(path string) (int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		return 0, fmt.Errorf("reading %s: %w", path, err)
	}
	return pid, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}

var unsafeChars = regexp.MustCompile(`[^a-z0-9_]+`)

// dbSafe turns a test name into part of a database name (at most 63
// bytes in all).
func dbSafe(name string) string {
	s := unsafeChars.ReplaceAllString(strings.ToLower(name), "_")
	if len(s) > 48 {
		s = s[:48]
	}
	return s
}
