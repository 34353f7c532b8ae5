package sambatest

import (
	"os"
	"strings"
	"testing"
)

func TestMain(m *testing.M) { os.Exit(Main(m)) }

// TestServer checks the server from outside: users log on, the share ACL of
// a plain share is enforced, C$ is the administrator's, and MS-SRVS share
// management runs the net conf scripts.
func TestServer(t *testing.T) {
	s := Get(t)
	dir := s.AddShare(t, "dp1")
	if err := os.WriteFile(dir+"/hello.txt", []byte("hi"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		user  User
		cmds  string
		want  string
		fails bool
	}{
		{"member reads", s.Member, "ls", "hello.txt", false},
		{"member writes", s.Member, "mkdir sub; ls", "sub", false},
		{"reader cannot write", s.Reader, "mkdir sub2", "NT_STATUS_ACCESS_DENIED", true},
		{"outsider refused", s.Outsider, "ls", "NT_STATUS_ACCESS_DENIED", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := s.SMBClient(tc.user, "dp1", tc.cmds)
			if (err != nil || strings.Contains(out, "NT_STATUS_")) != tc.fails || !strings.Contains(out, tc.want) {
				t.Errorf("smbclient as %s %q: err %v, want failure %v and %q in\n%s", tc.user.Name, tc.cmds, err, tc.fails, tc.want, out)
			}
		})
	}
	if out, err := s.SMBClient(s.Outsider, "C$", "ls"); err == nil {
		t.Errorf("outsider mounted C$:\n%s", out)
	}
	if out, err := s.SMBClient(s.Admin, "C$", "ls "+strings.ReplaceAll(dir, "/", `\`)+`\*`); err != nil || !strings.Contains(out, "hello.txt") {
		t.Errorf("admin on C$: %v\n%s", err, out)
	}

	folder := s.Folder(t, "rpc")
	out, err := s.RPCClient(s.Admin, "netshareadd "+folder+" rpcshare 0 made-by-rpc")
	if err != nil {
		t.Fatalf("netshareadd: %v\n%s", err, out)
	}
	out, err = s.RPCClient(s.Admin, "netsharegetinfo rpcshare 502")
	if err != nil || !strings.Contains(out, `path:	`+WinPath(folder)) {
		t.Fatalf("netsharegetinfo: %v\n%s", err, out)
	}
	if out, err := s.RPCClient(s.Admin, "netsharedel rpcshare"); err != nil {
		t.Fatalf("netsharedel: %v\n%s", err, out)
	}
	if out, _ := s.List(s.Admin); strings.Contains(out, "rpcshare") {
		t.Errorf("rpcshare still listed:\n%s", out)
	}
	if out, err := s.RPCClient(s.Member, "lookupnames 'SMS Admins'"); err != nil || !strings.Contains(out, s.SMSAdmins) {
		t.Errorf("lookupnames: %v\n%s", err, out)
	}
}

// TestStop checks that stopping leaves no daemon of the server running,
// including the RPC workers the test above made smbd start.
func TestStop(t *testing.T) {
	s := Get(t)
	if out, err := s.RPCClient(s.Admin, "netshareenumall"); err != nil {
		t.Fatalf("netshareenumall: %v\n%s", err, out)
	}
	if len(s.daemons()) < 2 {
		t.Fatalf("expected smbd and samba-dcerpcd, found %v", s.daemons())
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if left := s.daemons(); len(left) != 0 {
		t.Errorf("daemons left: %v", left)
	}
	if _, err := os.Stat(s.Dir); !os.IsNotExist(err) {
		t.Errorf("%s not removed: %v", s.Dir, err)
	}
}
