package smbconn

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/cloudsoda/go-smb2"
)

// Environment variables that give credentials to every server without its
// own.
const (
	EnvUsername = "UPDPLAN_SMB_USERNAME"
	EnvPassword = "UPDPLAN_SMB_PASSWORD"
	EnvDomain   = "UPDPLAN_SMB_DOMAIN"
)

// DefaultTimeout bounds dialling and logging on to a server, and each
// operation a caller runs without a deadline of its own.
const DefaultTimeout = 20 * time.Second

// Credentials are an SMB account. The password is never part of any text
// this package makes.
type Credentials struct {
	Domain, Username, Password string
}

// Account is DOMAIN\user (or user), for messages.
func (c Credentials) Account() string {
	switch {
	case c.Username == "":
		return "(anonymous)"
	case c.Domain == "":
		return c.Username
	default:
		return c.Domain + `\` + c.Username
	}
}

// String is Account: a Credentials printed by mistake shows no password.
func (c Credentials) String() string { return c.Account() }

// GoString keeps %#v from printing the password.
func (c Credentials) GoString() string { return fmt.Sprintf("smbconn.Credentials{%q}", c.Account()) }

// WithEnv fills what c lacks from the environment: username and password
// together when c has neither, the domain when c has none.
func (c Credentials) WithEnv() Credentials {
	return c.with(os.Getenv)
}

func (c Credentials) with(getenv func(string) string) Credentials {
	if c.Username == "" && c.Password == "" {
		c.Username, c.Password = getenv(EnvUsername), getenv(EnvPassword)
	}
	if c.Domain == "" {
		c.Domain = getenv(EnvDomain)
	}
	return c
}

// Pool holds one session per server address and account, dialled on first
// use and shared by every caller until Close. It is safe for concurrent
// use.
type Pool struct {
	// Timeout bounds dial and logon (DefaultTimeout when zero).
	Timeout time.Duration

	mu    sync.Mutex
	conns map[string]*Conn
}

// NewPool returns an empty pool.
func NewPool() *Pool { return &Pool{conns: map[string]*Conn{}} }

func (p *Pool) timeout() time.Duration {
	if p.Timeout > 0 {
		return p.Timeout
	}
	return DefaultTimeout
}

// Conn is a logged-on session to one server, with the shares mounted on it.
type Conn struct {
	Address string
	cred    Credentials
	pool    *Pool
	key     string

	dial   sync.Mutex // held while dialling
	mu     sync.Mutex // guards the fields below
	sess   *smb2.Session
	shares map[string]*smb2.Share // by folded share name
	err    error                  // set when the conn is discarded
}

// Get returns the pool's session to address as cred, dialling and logging
// on when there is none (bounded by the pool's timeout and ctx).
func (p *Pool) Get(ctx context.Context, address string, cred Credentials) (*Conn, error) {
	key := strings.ToLower(address) + "\x00" + strings.ToLower(cred.Domain) + "\x00" + strings.ToLower(cred.Username) + "\x00" + cred.Password
	p.mu.Lock()
	if p.conns == nil {
		p.conns = map[string]*Conn{}
	}
	c, ok := p.conns[key]
	if !ok {
		c = &Conn{Address: address, cred: cred, pool: p, key: key, shares: map[string]*smb2.Share{}}
		p.conns[key] = c
	}
	p.mu.Unlock()
	if err := c.connect(ctx); err != nil {
		p.discard(c)
		return nil, err
	}
	return c, nil
}

// maxCredits bounds the SMB credits a session asks the server for: a 1 MiB
// write is charged 16, and go-smb2's default of 128 lets only eight be
// outstanding on a connection, too few for the copies to the several
// distribution points of one server, which share its connection.
const maxCredits = 1024

// connect dials and logs on unless the conn has a session.
func (c *Conn) connect(ctx context.Context) (err error) {
	c.dial.Lock()
	defer c.dial.Unlock()
	c.mu.Lock()
	done := c.sess != nil
	c.mu.Unlock()
	if done {
		return nil
	}
	defer logSMB(ctx, "smb logon", time.Now(), &err, "server", c.Address, "account", c.cred.Account())
	ctx, cancel := context.WithTimeout(ctx, c.pool.timeout())
	defer cancel()
	d := &smb2.Dialer{MaxCreditBalance: maxCredits, Initiator: &smb2.NTLMInitiator{User: c.cred.Username, Password: c.cred.Password, Domain: c.cred.Domain}}
	var nd net.Dialer
	tcp, err := nd.DialContext(ctx, "tcp", c.Address)
	if err != nil {
		return c.wrap(ctx, "connect", err)
	}
	// The dialer honours ctx only between requests; a deadline on the
	// socket bounds a server that accepts and then says nothing.
	if dl, ok := ctx.Deadline(); ok {
		_ = tcp.SetDeadline(dl)
	}
	sess, err := d.DialConn(ctx, tcp, c.Address)
	if err != nil {
		tcp.Close()
		if ctx.Err() == context.DeadlineExceeded || isTimeout(err) {
			return &Error{Kind: Unreachable, Server: c.Address, Account: c.cred.Account(), Op: "log on",
				Err: fmt.Errorf("no SMB answer within %v (is it an SMB server, and is the port right?)", c.pool.timeout())}
		}
		return c.wrap(ctx, "log on", err)
	}
	_ = tcp.SetDeadline(time.Time{})
	c.mu.Lock()
	c.sess = sess
	c.mu.Unlock()
	return nil
}

// Account is the account the conn logged on as.
func (c *Conn) Account() string { return c.cred.Account() }

// Session is the logged-on session bound to ctx.
func (c *Conn) Session(ctx context.Context) (*smb2.Session, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sess == nil {
		if c.err != nil {
			return nil, c.err
		}
		return nil, c.wrap(ctx, "use the session", errors.New("not connected"))
	}
	return c.sess.WithContext(ctx), nil
}

// Mount returns the share named name (without server), tree-connected once
// per conn, bound to ctx.
func (c *Conn) Mount(ctx context.Context, name string) (*smb2.Share, error) {
	k := strings.ToLower(name)
	c.mu.Lock()
	sh, ok := c.shares[k]
	c.mu.Unlock()
	if ok {
		return sh.WithContext(ctx), nil
	}
	sess, err := c.Session(ctx)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	sh, err = sess.Mount(name)
	logSMB(ctx, "smb tree connect", start, &err, "server", c.Address, "share", name)
	if err != nil {
		return nil, c.Check(ctx, fmt.Sprintf(`connect to the share \\%s\%s`, c.Address, name), err)
	}
	c.mu.Lock()
	if old, ok := c.shares[k]; ok {
		c.mu.Unlock()
		_ = sh.Umount()
		return old.WithContext(ctx), nil
	}
	c.shares[k] = sh
	c.mu.Unlock()
	return sh.WithContext(ctx), nil
}

// OpenPipe opens the named pipe name (e.g. "srvsvc") of the IPC$ share for
// reading and writing.
func (c *Conn) OpenPipe(ctx context.Context, name string) (*smb2.File, error) {
	ipc, err := c.Mount(ctx, "IPC$")
	if err != nil {
		return nil, err
	}
	f, err := ipc.OpenFile(name, os.O_RDWR, 0o666)
	if err != nil {
		return nil, c.Check(ctx, `open the pipe \PIPE\`+name, err)
	}
	return f, nil
}

// Check classifies err from an operation op on this conn (nil stays nil).
// When the connection dropped, the conn is discarded from its pool, so the
// next Get dials again.
func (c *Conn) Check(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	e := c.wrap(ctx, op, err)
	if KindOf(e) == Dropped {
		c.pool.discard(c)
	}
	return e
}

func (c *Conn) wrap(ctx context.Context, op string, err error) error {
	var already *Error
	if errors.As(err, &already) {
		return err
	}
	return &Error{Kind: classify(ctx, err), Server: c.Address, Account: c.cred.Account(), Op: op, Err: scrub(err, c.cred.Password)}
}

// discard drops c from the pool and closes its session.
func (p *Pool) discard(c *Conn) {
	p.mu.Lock()
	if p.conns[c.key] == c {
		delete(p.conns, c.key)
	}
	p.mu.Unlock()
	c.close()
}

func (c *Conn) close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = &Error{Kind: Dropped, Server: c.Address, Account: c.cred.Account(), Op: "use the session", Err: errors.New("the session was closed")}
	}
	for k, sh := range c.shares {
		_ = sh.Umount()
		delete(c.shares, k)
	}
	var err error
	if c.sess != nil {
		err = c.sess.Logoff()
		c.sess = nil
	}
	return err
}

// Close logs every session off.
func (p *Pool) Close() error {
	p.mu.Lock()
	conns := p.conns
	p.conns = map[string]*Conn{}
	p.mu.Unlock()
	var errs []error
	for _, c := range conns {
		if err := c.close(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Kind is what went wrong, in terms a user can act on.
type Kind int

const (
	Other        Kind = iota
	LogonFailed       // wrong password, unknown user, disabled or locked account
	Unreachable       // no route, refused, no answer in time
	AccessDenied      // the account lacks a right
	NoSuchShare       // network name not found
	NotFound          // a file or folder is missing
	Dropped           // the connection broke after it was made
	Canceled          // the caller's context ended
	DiskFull          // the share's disk is full, or the account's quota spent
)

// Error is a classified SMB failure.
type Error struct {
	Kind    Kind
	Server  string // address
	Account string
	Op      string // what was being done: "log on", "connect to the share \\h\s", ...
	Err     error
}

func (e *Error) Unwrap() error { return e.Err }

func (e *Error) Error() string {
	var what string
	switch e.Kind {
	case LogonFailed:
		what = fmt.Sprintf("the server refused the logon of %s: wrong password, unknown user, or a disabled, locked or expired account (%v)", e.Account, e.Err)
	case Unreachable:
		what = fmt.Sprintf("the server cannot be reached: %v", e.Err)
	case AccessDenied:
		what = fmt.Sprintf("access denied to %s", e.Account)
	case NoSuchShare:
		what = "the server has no share of that name (network name not found)"
	case NotFound:
		what = "not found"
	case Dropped:
		what = fmt.Sprintf("the connection dropped: %v", e.Err)
	case Canceled:
		what = fmt.Sprintf("canceled: %v", e.Err)
	case DiskFull:
		what = "no space left on the share's disk (the disk is full or the account's quota is spent)"
	default:
		what = e.Err.Error()
	}
	return fmt.Sprintf("%s: %s: %s", e.Server, e.Op, what)
}

// KindOf is the kind of err: the Kind of an *Error in its chain, else its
// classification.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	if err == nil {
		return Other
	}
	return classify(context.Background(), err)
}

// NTSTATUS codes ([MS-ERREF] 2.3).
const (
	statusAccessDenied       = 0xC0000022
	statusLogonFailure       = 0xC000006D
	statusAccountRestriction = 0xC000006E
	statusPasswordExpired    = 0xC0000071
	statusAccountDisabled    = 0xC0000072
	statusAccountLockedOut   = 0xC0000234
	statusNoSuchUser         = 0xC0000064
	statusWrongPassword      = 0xC000006A
	statusBadNetworkName     = 0xC00000CC
	statusNetworkNameDeleted = 0xC00000C9
	statusUserSessionDeleted = 0xC0000203
	statusConnectionReset    = 0xC000020D
	statusNotFound           = 0xC0000034
	statusPathNotFound       = 0xC000003A
	statusDiskFull           = 0xC000007F
	statusQuotaExceeded      = 0xC0000044
)

func classify(ctx context.Context, err error) Kind {
	var re *smb2.ResponseError
	if errors.As(err, &re) {
		switch re.Code {
		case statusLogonFailure, statusAccountRestriction, statusPasswordExpired, statusAccountDisabled, statusAccountLockedOut, statusNoSuchUser, statusWrongPassword:
			return LogonFailed
		case statusAccessDenied:
			return AccessDenied
		case statusBadNetworkName:
			return NoSuchShare
		case statusNetworkNameDeleted, statusUserSessionDeleted, statusConnectionReset:
			return Dropped
		case statusNotFound, statusPathNotFound:
			return NotFound
		case statusDiskFull, statusQuotaExceeded:
			return DiskFull
		}
		return Other
	}
	if errors.Is(err, context.Canceled) || (ctx != nil && errors.Is(ctx.Err(), context.Canceled)) {
		return Canceled
	}
	var te *smb2.TransportError
	switch {
	case errors.Is(err, os.ErrPermission):
		return AccessDenied
	case errors.Is(err, os.ErrNotExist):
		return NotFound
	case errors.As(err, &te), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, net.ErrClosed):
		return Dropped
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return Unreachable
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) {
		return Unreachable
	}
	return Other
}

// isTimeout reports a timeout of the network, also inside a
// *smb2.TransportError (which does not unwrap).
func isTimeout(err error) bool {
	var te *smb2.TransportError
	if errors.As(err, &te) {
		err = te.Err
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout() || errors.Is(err, context.DeadlineExceeded)
}

// scrub keeps a password out of an error's text, should a library ever put
// it there.
func scrub(err error, password string) error {
	if password == "" || !strings.Contains(err.Error(), password) {
		return err
	}
	return scrubbed{err, strings.ReplaceAll(err.Error(), password, "****")}
}

type scrubbed struct {
	err  error
	text string
}

func (s scrubbed) Error() string { return s.text }
func (s scrubbed) Unwrap() error { return s.err }

// logSMB logs an SMB request at debug level (UPDPLAN_LOG=debug): what,
// the server and share or account name, timing and outcome; never a
// password.
func logSMB(ctx context.Context, msg string, start time.Time, err *error, attrs ...any) {
	if !slog.Default().Enabled(ctx, slog.LevelDebug) {
		return
	}
	slog.Log(ctx, slog.LevelDebug, msg, append(attrs, "elapsed", time.Since(start), "ok", *err == nil)...)
}
