package smbconn

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cloudsoda/go-smb2"
	"github.com/google/go-cmp/cmp"
	"github.com/updplan/updplan/internal/sambatest"
)

func TestMain(m *testing.M) { os.Exit(sambatest.Main(m)) }

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    Location
		wantErr string
		unc     string
		url     string
	}{
		{in: "smb://srv01/ITMU/catalog", want: Location{"srv01", 445, "ITMU", `catalog`}, unc: `\\srv01\ITMU\catalog`, url: "smb://srv01/ITMU/catalog"},
		{in: "smb://127.0.0.1:4455/dp/a/b/", want: Location{"127.0.0.1", 4455, "dp", `a\b`}, unc: `\\127.0.0.1\dp\a\b`, url: "smb://127.0.0.1:4455/dp/a/b"},
		{in: "smb://srv/PackageSrc", want: Location{"srv", 445, "PackageSrc", ""}, unc: `\\srv\PackageSrc`, url: "smb://srv/PackageSrc"},
		{in: `\\SRV01\D$\SMS\PkgSource`, want: Location{"SRV01", 445, "D$", `SMS\PkgSource`}, unc: `\\SRV01\D$\SMS\PkgSource`, url: "smb://SRV01/D$/SMS/PkgSource"},
		{in: `//srv/share`, want: Location{"srv", 445, "share", ""}, unc: `\\srv\share`, url: "smb://srv/share"},
		{in: "smb://srv", wantErr: "names no share"},
		{in: "smb:///share", wantErr: "names no server"},
		{in: "smb://srv:99999/share", wantErr: "not a number from 1 to 65535"},
		{in: "smb://user:secret@srv/share", wantErr: "holds a user"},
		{in: "http://srv/share", wantErr: "is not a UNC path"},
		{in: `\\srv\share\..\x`, wantErr: `holds ".."`},
		{in: `\\\share`, wantErr: "names no server"},
		{in: `srv\share`, wantErr: "is not a UNC path"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := Parse(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Parse(%q) = %+v, %v; want error with %q", tc.in, got, err, tc.wantErr)
				}
				if strings.Contains(err.Error(), "secret") {
					t.Errorf("error repeats the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tc.in, d)
			}
			if got.UNC() != tc.unc || got.String() != tc.url {
				t.Errorf("UNC %q, String %q; want %q, %q", got.UNC(), got.String(), tc.unc, tc.url)
			}
		})
	}
}

func TestCredentialsWithEnv(t *testing.T) {
	env := map[string]string{EnvUsername: "envuser", EnvPassword: "envpw", EnvDomain: "ENVDOM"}
	getenv := func(k string) string { return env[k] }
	for _, tc := range []struct {
		name string
		in   Credentials
		want Credentials
	}{
		{"none", Credentials{}, Credentials{"ENVDOM", "envuser", "envpw"}},
		{"own account", Credentials{Username: "u", Password: "p"}, Credentials{"ENVDOM", "u", "p"}},
		{"own domain", Credentials{Domain: "D"}, Credentials{"D", "envuser", "envpw"}},
		{"all own", Credentials{"D", "u", "p"}, Credentials{"D", "u", "p"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, tc.in.with(getenv)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
	c := Credentials{"D", "u", "hunter2"}
	for _, s := range []string{c.String(), c.Account(), c.GoString()} {
		if strings.Contains(s, "hunter2") {
			t.Errorf("%q shows the password", s)
		}
	}
}

func creds(u sambatest.User) Credentials {
	return Credentials{Domain: sambatest.NetBIOSName, Username: u.Name, Password: u.Password}
}

// TestPool logs on, reuses the session, mounts a share and works in it.
func TestPool(t *testing.T) {
	srv := sambatest.Get(t)
	dir := srv.AddShare(t, "pooltest")
	ctx := context.Background()
	p := NewPool()
	defer p.Close()
	c1, err := p.Get(ctx, srv.Addr, creds(srv.Member))
	if err != nil {
		t.Fatal(err)
	}
	c2, err := p.Get(ctx, srv.Addr, creds(srv.Member))
	if err != nil {
		t.Fatal(err)
	}
	if c1 != c2 {
		t.Error("a second Get dialled again instead of reusing the session")
	}
	sh, err := c1.Mount(ctx, "pooltest")
	if err != nil {
		t.Fatal(err)
	}
	if err := sh.MkdirAll(`a\b`, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := sh.WriteFile(`a\b\f.txt`, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(dir + "/a/b/f.txt"); err != nil || string(b) != "hello" {
		t.Fatalf("file on the server: %q, %v", b, err)
	}
	_, err = sh.Stat(`missing`)
	if KindOf(c1.Check(ctx, "stat", err)) != NotFound {
		t.Errorf("stat of a missing file: %v, want NotFound", err)
	}
}

// TestFaults checks that each failure is classified, worded, bounded in
// time, and free of the password.
func TestFaults(t *testing.T) {
	srv := sambatest.Get(t)
	ctx := context.Background()
	wrong := creds(srv.Member)
	wrong.Password = "Wrong-Secret-42"
	unknown := Credentials{Domain: sambatest.NetBIOSName, Username: "nosuchuser", Password: "Wrong-Secret-42"}

	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close() // never answers
		}
	}()
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := closed.Addr().String()
	closed.Close()

	p := &Pool{Timeout: 2 * time.Second}
	defer p.Close()
	for _, tc := range []struct {
		name  string
		addr  string
		cred  Credentials
		share string
		kind  Kind
		words string
	}{
		{"wrong password", srv.Addr, wrong, "", LogonFailed, `refused the logon of UPDPLANTEST\daemon`},
		{"unknown user", srv.Addr, unknown, "", LogonFailed, "wrong password, unknown user"},
		{"refused port", closedAddr, creds(srv.Member), "", Unreachable, "cannot be reached"},
		{"silent server", silent.Addr().String(), creds(srv.Member), "", Unreachable, "cannot be reached"},
		{"access denied", srv.Addr, creds(srv.Outsider), "C$", AccessDenied, `access denied to UPDPLANTEST\sys`},
		{"no such share", srv.Addr, creds(srv.Member), "nosuchshare", NoSuchShare, "network name not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			c, err := p.Get(ctx, tc.addr, tc.cred)
			if err == nil && tc.share != "" {
				_, err = c.Mount(ctx, tc.share)
			}
			if err == nil {
				t.Fatal("no error")
			}
			if el := time.Since(start); el > 10*time.Second {
				t.Errorf("took %v", el)
			}
			if KindOf(err) != tc.kind || !strings.Contains(err.Error(), tc.words) || !strings.Contains(err.Error(), tc.addr) {
				t.Errorf("error %q (kind %d); want kind %d with %q and the address", err, KindOf(err), tc.kind, tc.words)
			}
			if strings.Contains(err.Error(), "Wrong-Secret-42") || strings.Contains(err.Error(), srv.Member.Password) {
				t.Errorf("error shows a password: %v", err)
			}
		})
	}
}

// TestDropped cuts the TCP connection under a session: the next operation
// reports a dropped connection and the pool dials again afterwards.
func TestDropped(t *testing.T) {
	srv := sambatest.Get(t)
	srv.AddShare(t, "droptest")
	px := sambatest.NewProxy(t, srv.Addr)
	ctx := context.Background()
	p := NewPool()
	defer p.Close()
	c, err := p.Get(ctx, px.Addr, creds(srv.Member))
	if err != nil {
		t.Fatal(err)
	}
	sh, err := c.Mount(ctx, "droptest")
	if err != nil {
		t.Fatal(err)
	}
	px.Cut()
	_, err = sh.Stat(".")
	err = c.Check(ctx, "stat", err)
	if KindOf(err) != Dropped || !strings.Contains(err.Error(), "connection dropped") {
		t.Fatalf("after the cut: %v (kind %d), want Dropped", err, KindOf(err))
	}
	c2, err := p.Get(ctx, px.Addr, creds(srv.Member))
	if err != nil {
		t.Fatal(err)
	}
	if c2 == c {
		t.Fatal("the pool kept the dropped session")
	}
	if _, err := c2.Mount(ctx, "droptest"); err != nil {
		t.Fatal(err)
	}
}

func TestKindOfPlainErrors(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want Kind
	}{
		{context.Canceled, Canceled},
		{os.ErrPermission, AccessDenied},
		{io.EOF, Dropped},
		{errors.New("x"), Other},
		{&Error{Kind: NoSuchShare, Err: errors.New("x")}, NoSuchShare},
		{&smb2.ResponseError{Code: statusDiskFull}, DiskFull},
		{&smb2.ResponseError{Code: statusQuotaExceeded}, DiskFull},
	} {
		if got := KindOf(tc.err); got != tc.want {
			t.Errorf("KindOf(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}
