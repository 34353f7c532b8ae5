package sambatest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// RequireEnv names the environment variable that turns a missing server
// into a test failure instead of a skip.
const RequireEnv = "UPDPLAN_REQUIRE_SERVERS"

// Packages are the Debian packages the server needs.
const Packages = "samba smbclient samba-common-bin samba-vfs-modules"

const skipMessage = "Samba not installed: apt-get install " + Packages

// NetBIOSName is the server's name, and the domain of its local accounts.
const NetBIOSName = "UPDPLANTEST"

// Workgroup is the server's workgroup.
const Workgroup = "TESTGRP"

// User is an SMB account of the test server.
type User struct {
	Name     string
	Password string
	SID      string
}

// Server is a running private smbd.
type Server struct {
	Dir  string // the temporary directory holding everything
	Conf string // its smb.conf
	Port int
	Addr string // 127.0.0.1:port

	// Admin may manage shares (Unix root). Member is in SMS Admins, Reader
	// and Outsider are in no group.
	Admin, Member, Reader, Outsider User
	// SMSAdmins is the SID of the local group SMS Admins.
	SMSAdmins string

	pid int
}

var (
	mu       sync.Mutex
	running  *Server
	startErr error
	seq      int
)

// Get returns the package's server, starting it on first use. It skips
// the test (fails with UPDPLAN_REQUIRE_SERVERS=1) when Samba is missing.
func Get(tb testing.TB) *Server {
	tb.Helper()
	s, err := ensure()
	if err != nil {
		if errors.Is(err, errMissing) {
			if os.Getenv(RequireEnv) == "1" {
				tb.Fatalf("%v (%s=1)", err, RequireEnv)
			}
			tb.Skip(err.Error())
		}
		tb.Fatalf("starting smbd: %v", err)
	}
	return s
}

// Main runs the tests and stops the server afterwards. Use it in TestMain:
// os.Exit(sambatest.Main(m)).
func Main(m *testing.M) int {
	code := m.Run()
	if err := stop(); err != nil {
		fmt.Fprintf(os.Stderr, "sambatest: stopping smbd: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// Stop stops the server if one was started (for a TestMain that runs the
// tests itself, e.g. beside pgtest.Main).
func Stop() error { return stop() }

var errMissing = errors.New(skipMessage)

func ensure() (*Server, error) {
	mu.Lock()
	defer mu.Unlock()
	if running != nil {
		return running, nil
	}
	if startErr != nil {
		return nil, startErr
	}
	s, err := start()
	if err != nil {
		startErr = err
		return nil, err
	}
	running = s
	return s, nil
}

// binaries the server and its checks need.
var binaries = []string{"smbd", "net", "pdbedit", "smbclient", "rpcclient", "sharesec"}

func start() (*Server, error) {
	for _, b := range binaries {
		if _, err := lookPath(b); err != nil {
			return nil, fmt.Errorf("%w (%s is missing)", errMissing, b)
		}
	}
	if os.Geteuid() != 0 {
		return nil, fmt.Errorf("%w; the tests must run as root so that smbd can log on several test users", errMissing)
	}
	dir, err := os.MkdirTemp("", "updplan-sambatest-")
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	s := &Server{Dir: dir, Conf: filepath.Join(dir, "smb.conf")}
	fail := func(err error) (*Server, error) {
		s.stopDaemons()
		os.RemoveAll(dir)
		return nil, err
	}
	for _, sub := range []string{"lock", "state", "cache", "private", "pid", "ncalrpc", "bind", "log", "shares"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return fail(err)
		}
	}
	if err := s.writeScripts(); err != nil {
		return fail(err)
	}
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		port, err := freePort()
		if err != nil {
			lastErr = err
			continue
		}
		s.Port, s.Addr = port, net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		if err := os.WriteFile(s.Conf, []byte(s.config()), 0o644); err != nil {
			return fail(err)
		}
		if attempt == 0 {
			if err := s.provision(); err != nil {
				return fail(err)
			}
		}
		if err := s.startDaemon(); err != nil {
			lastErr = err
			s.stopDaemons()
			continue
		}
		return s, nil
	}
	return fail(lastErr)
}

func (s *Server) config() string {
	d := s.Dir
	return fmt.Sprintf(`[global]
  workgroup = %s
  netbios name = %s
  server role = standalone server
  interfaces = 127.0.0.1
  bind interfaces only = yes
  smb ports = %d
  disable netbios = yes
  lock directory = %s/lock
  state directory = %s/state
  cache directory = %s/cache
  private dir = %s/private
  pid directory = %s/pid
  ncalrpc dir = %s/ncalrpc
  binddns dir = %s/bind
  log file = %s/log/log.%%m
  log level = 1
  passdb backend = tdbsam:%s/private/passdb.tdb
  map to guest = Never
  server min protocol = SMB2_02
  load printers = no
  printing = bsd
  printcap name = /dev/null
  disable spoolss = yes
  add share command = %s/add-share.sh
  change share command = %s/change-share.sh
  delete share command = %s/delete-share.sh
  registry shares = yes
  include = registry
`, Workgroup, NetBIOSName, s.Port, d, d, d, d, d, d, d, d, d, d, d, d)
}

// writeScripts writes the share management scripts smbd runs for MS-SRVS
// calls. Arguments: CONFIGFILE SHARENAME PATH COMMENT MAXUSERS (delete:
// CONFIGFILE SHARENAME).
func (s *Server) writeScripts() error {
	scripts := map[string]string{
		"add-share.sh": `#!/bin/sh
max=$5; [ "$max" -gt 0 ] 2>/dev/null || max=0
net -s "$1" conf addshare "$2" "$3" writeable=y guest_ok=n "$4" &&
net -s "$1" conf setparm "$2" "max connections" "$max" &&
exec net -s "$1" conf setparm "$2" "force user" root
`,
		"change-share.sh": `#!/bin/sh
max=$5; [ "$max" -gt 0 ] 2>/dev/null || max=0
net -s "$1" conf setparm "$2" path "$3" &&
net -s "$1" conf setparm "$2" comment "$4" &&
exec net -s "$1" conf setparm "$2" "max connections" "$max"
`,
		"delete-share.sh": `#!/bin/sh
exec net -s "$1" conf delshare "$2"
`,
	}
	for name, text := range scripts {
		if err := os.WriteFile(filepath.Join(s.Dir, name), []byte(text), 0o755); err != nil {
			return err
		}
	}
	return nil
}

// provision creates the accounts, the group and the C$ share.
func (s *Server) provision() error {
	users := []struct {
		u    *User
		unix string
	}{{&s.Admin, "root"}, {&s.Member, "daemon"}, {&s.Reader, "bin"}, {&s.Outsider, "sys"}}
	for _, x := range users {
		x.u.Name, x.u.Password = x.unix, "Pw-"+randomHex(8)
		in := strings.NewReader(x.u.Password + "\n" + x.u.Password + "\n")
		if out, err := s.runIn(in, "pdbedit", "-s", s.Conf, "-a", "-u", x.unix, "-t"); err != nil {
			return fmt.Errorf("pdbedit -a %s: %v\n%s", x.unix, err, out)
		}
		out, err := s.run("pdbedit", "-s", s.Conf, "-L", "-v", "-u", x.unix)
		if err != nil {
			return fmt.Errorf("pdbedit -L %s: %v\n%s", x.unix, err, out)
		}
		m := regexp.MustCompile(`User SID:\s*(S-[0-9-]+)`).FindSubmatch(out)
		if m == nil {
			return fmt.Errorf("pdbedit -L %s: no SID in\n%s", x.unix, out)
		}
		x.u.SID = string(m[1])
	}
	out, err := s.run("net", "-s", s.Conf, "groupmap", "add", "ntgroup=SMS Admins", "unixgroup=adm", "type=local")
	if err != nil {
		return fmt.Errorf("net groupmap add: %v\n%s", err, out)
	}
	out, err = s.run("net", "-s", s.Conf, "groupmap", "list")
	if err != nil {
		return fmt.Errorf("net groupmap list: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`SMS Admins \((S-[0-9-]+)\)`).FindSubmatch(out)
	if m == nil {
		return fmt.Errorf("net groupmap list: no SMS Admins in\n%s", out)
	}
	s.SMSAdmins = string(m[1])
	if out, err := s.run("net", "-s", s.Conf, "groupmap", "addmem", s.SMSAdmins, s.Member.SID); err != nil {
		return fmt.Errorf("net groupmap addmem: %v\n%s", err, out)
	}
	if out, err := s.run("net", "-s", s.Conf, "conf", "addshare", "C$", "/", "writeable=y", "guest_ok=n", "administrative share"); err != nil {
		return fmt.Errorf("net conf addshare C$: %v\n%s", err, out)
	}
	if out, err := s.run("net", "-s", s.Conf, "conf", "setparm", "C$", "force user", "root"); err != nil {
		return fmt.Errorf("net conf setparm C$: %v\n%s", err, out)
	}
	// Only the administrator may use C$, as on Windows.
	if out, err := s.run("sharesec", "-s", s.Conf, "C$", "--replace="+s.Admin.SID+":ALLOWED/0x0/FULL,S-1-5-32-544:ALLOWED/0x0/FULL"); err != nil {
		return fmt.Errorf("sharesec C$: %v\n%s", err, out)
	}
	return nil
}

// startDaemon starts smbd and waits until it accepts connections.
func (s *Server) startDaemon() error {
	smbd, _ := lookPath("smbd")
	logf, err := os.Create(filepath.Join(s.Dir, "log", "smbd.out"))
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd := exec.Command(smbd, "-s", s.Conf, "-F", "--no-process-group", "--debug-stdout", "-d", "1")
	cmd.Dir = s.Dir
	cmd.Stdout, cmd.Stderr = logf, logf
	// smbd signals its whole process group when it stops: give it its own.
	cmd.SysProcAttr = ownGroup()
	if err := cmd.Start(); err != nil {
		return err
	}
	s.pid = cmd.Process.Pid
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("smbd exited: %v\n%s", err, s.logTail())
		default:
		}
		c, err := net.DialTimeout("tcp", s.Addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return fmt.Errorf("smbd did not listen on %s within 20s\n%s", s.Addr, s.logTail())
}

func (s *Server) logTail() string {
	b, _ := os.ReadFile(filepath.Join(s.Dir, "log", "smbd.out"))
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

func stop() error {
	mu.Lock()
	defer mu.Unlock()
	s := running
	running = nil
	if s == nil {
		return nil
	}
	err := s.stopDaemons()
	if rmErr := os.RemoveAll(s.Dir); rmErr != nil && err == nil {
		err = rmErr
	}
	return err
}

// stopDaemons stops every process whose command line names this server's
// smb.conf (smbd and its children, samba-dcerpcd and its rpcd_* workers,
// which re-parent to PID 1), each by PID: SIGTERM, then SIGKILL after 5s.
func (s *Server) stopDaemons() error {
	pids := s.daemons()
	if s.pid > 0 && !containsPID(pids, s.pid) {
		pids = append(pids, s.pid)
	}
	for _, pid := range pids {
		signal(pid, syscall.SIGTERM)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if len(s.daemons()) == 0 {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	left := s.daemons()
	for _, pid := range left {
		signal(pid, syscall.SIGKILL)
	}
	if len(left) > 0 {
		return fmt.Errorf("killed daemons that ignored SIGTERM: %v", left)
	}
	return nil
}

// daemons lists the running processes that name s.Conf on their command
// line.
func (s *Server) daemons() []int {
	entries, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !bytes.Contains(cmdline, []byte(s.Conf)) {
			continue
		}
		// A zombie (exited, not yet reaped) has an empty command line, so it
		// is not listed.
		pids = append(pids, pid)
	}
	return pids
}

func signal(pid int, sig os.Signal) {
	if p, err := os.FindProcess(pid); err == nil {
		_ = p.Signal(sig)
	}
}

func containsPID(pids []int, pid int) bool {
	for _, p := range pids {
		if p == pid {
			return true
		}
	}
	return false
}

// Folder creates a fresh empty folder for the calling test under the
// server's directory and returns its Unix path.
func (s *Server) Folder(tb testing.TB, name string) string {
	tb.Helper()
	mu.Lock()
	seq++
	n := seq
	mu.Unlock()
	p := filepath.Join(s.Dir, "shares", fmt.Sprintf("%s-%d", name, n))
	if err := os.MkdirAll(p, 0o755); err != nil {
		tb.Fatal(err)
	}
	return p
}

// WinPath is how the server names a Unix path over MS-SRVS: /x/y is
// C:\x\y.
func WinPath(unix string) string { return "C:" + strings.ReplaceAll(unix, "/", `\`) }

// AddShare publishes a plain share of a fresh folder (a distribution point,
// say) named name, writable by Admin and Member, readable by Reader, and
// returns the folder. The share is removed at the end of the test.
func (s *Server) AddShare(tb testing.TB, name string) string {
	tb.Helper()
	dir := s.Folder(tb, name)
	if out, err := s.Net("conf", "addshare", name, dir, "writeable=y", "guest_ok=n", "updplan test share"); err != nil {
		tb.Fatalf("net conf addshare %s: %v\n%s", name, err, out)
	}
	if out, err := s.Net("conf", "setparm", name, "force user", "root"); err != nil {
		tb.Fatalf("net conf setparm %s: %v\n%s", name, err, out)
	}
	acl := fmt.Sprintf("%s:ALLOWED/0x0/FULL,%s:ALLOWED/0x0/FULL,%s:ALLOWED/0x0/READ", s.Admin.SID, s.SMSAdmins, s.Reader.SID)
	if out, err := s.run("sharesec", "-s", s.Conf, name, "--replace="+acl); err != nil {
		tb.Fatalf("sharesec %s: %v\n%s", name, err, out)
	}
	tb.Cleanup(func() { _, _ = s.Net("conf", "delshare", name) })
	return dir
}

// Net runs `net -s smb.conf ARGS...` on the server's configuration.
func (s *Server) Net(args ...string) (string, error) {
	out, err := s.run("net", append([]string{"-s", s.Conf}, args...)...)
	return string(out), err
}

// Sharesec runs `sharesec -s smb.conf SHARE ARGS...` (the share ACL by
// hand, as Computer Management would change it).
func (s *Server) Sharesec(share string, args ...string) (string, error) {
	out, err := s.run("sharesec", append([]string{"-s", s.Conf, share}, args...)...)
	return string(out), err
}

// SMBClient runs smbclient as user on share with the commands cmds (`-c`)
// and returns what it printed.
func (s *Server) SMBClient(u User, share, cmds string) (string, error) {
	out, err := s.run("smbclient", "-s", s.Conf, "//127.0.0.1/"+share, "-p", strconv.Itoa(s.Port), "-U", u.Name+"%"+u.Password, "-c", cmds)
	return string(out), err
}

// List runs `smbclient -L` as user and returns what it printed.
func (s *Server) List(u User) (string, error) {
	out, err := s.run("smbclient", "-s", s.Conf, "-L", "//127.0.0.1", "-p", strconv.Itoa(s.Port), "-U", u.Name+"%"+u.Password)
	return string(out), err
}

// RPCClient runs rpcclient as user with the commands cmds (`-c`) and
// returns what it printed.
func (s *Server) RPCClient(u User, cmds string) (string, error) {
	out, err := s.run("rpcclient", "-s", s.Conf, "-p", strconv.Itoa(s.Port), "127.0.0.1", "-U", u.Name+"%"+u.Password, "-c", cmds)
	return string(out), err
}

func (s *Server) run(prog string, args ...string) ([]byte, error) { return s.runIn(nil, prog, args...) }

func (s *Server) runIn(stdin *strings.Reader, prog string, args ...string) ([]byte, error) {
	p, err := lookPath(prog)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, p, args...)
	cmd.Dir = s.Dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	if stdin != nil {
		cmd.Stdin = stdin
	}
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err = cmd.Run()
	return buf.Bytes(), err
}

// lookPath finds a Samba program in PATH or the sbin folders tests may lack
// in PATH.
func lookPath(prog string) (string, error) {
	if p, err := exec.LookPath(prog); err == nil {
		return p, nil
	}
	for _, d := range []string{"/usr/sbin", "/usr/bin", "/sbin"} {
		p := filepath.Join(d, prog)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p, nil
		}
	}
	return "", fmt.Errorf("%s not found", prog)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Proxy forwards TCP connections to the server until Cut, to break a
// connection under a client.
type Proxy struct {
	Addr  string
	mu    sync.Mutex
	conns []net.Conn
}

// NewProxy listens on a free loopback port and forwards to target; it is
// closed at the end of the test.
func NewProxy(tb testing.TB, target string) *Proxy {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	px := &Proxy{Addr: l.Addr().String()}
	tb.Cleanup(func() { l.Close(); px.Cut() })
	go func() {
		for {
			in, err := l.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				in.Close()
				continue
			}
			px.mu.Lock()
			px.conns = append(px.conns, in, out)
			px.mu.Unlock()
			go func() { _, _ = io.Copy(out, in); out.Close() }()
			go func() { _, _ = io.Copy(in, out); in.Close() }()
		}
	}()
	return px
}

// Cut closes every forwarded connection; new ones are still accepted.
func (px *Proxy) Cut() {
	px.mu.Lock()
	defer px.mu.Unlock()
	for _, c := range px.conns {
		c.Close()
	}
	px.conns = nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
