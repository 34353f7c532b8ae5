package msrpc

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/updplan/updplan/internal/sambatest"
	"github.com/updplan/updplan/providers/internal/smbconn"
)

func TestMain(m *testing.M) { os.Exit(sambatest.Main(m)) }

// bindTo opens pipe on the test server as u and binds iface.
func bindTo(t *testing.T, srv *sambatest.Server, u sambatest.User, pipe string, iface Interface) *Client {
	t.Helper()
	ctx := context.Background()
	pool := smbconn.NewPool()
	t.Cleanup(func() { pool.Close() })
	conn, err := pool.Get(ctx, srv.Addr, smbconn.Credentials{Domain: sambatest.NetBIOSName, Username: u.Name, Password: u.Password})
	if err != nil {
		t.Fatal(err)
	}
	f, err := conn.OpenPipe(ctx, pipe)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	c, err := Bind(f, iface)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestShareLifecycle adds a share with an exact DACL, reads it back,
// changes it at level 1501 and 502, lists it and deletes it, checking each
// step with rpcclient and smbclient.
func TestShareLifecycle(t *testing.T) {
	srv := sambatest.Get(t)
	sh := NewShares(bindTo(t, srv, srv.Admin, "srvsvc", SrvSvc))
	dir := srv.Folder(t, "lifecycle")
	smsAdmins, _ := ParseSID(srv.SMSAdmins)
	reader, _ := ParseSID(srv.Reader.SID)
	outsider, _ := ParseSID(srv.Outsider.SID)
	sd := SecurityDescriptor{DACL: []ACE{
		{Type: AccessAllowed, Mask: 0x1f01ff, SID: smsAdmins},
		{Type: AccessAllowed, Mask: 0x1200a9, SID: reader},
	}}
	if err := sh.Add("127.0.0.1", ShareInfo{Name: "lifecycle", Path: sambatest.WinPath(dir), Remark: "first", MaxUses: Unlimited, SD: sd.Encode()}); err != nil {
		t.Fatalf("NetrShareAdd: %v", err)
	}
	t.Cleanup(func() { _, _ = srv.Net("conf", "delshare", "lifecycle") })
	out, err := srv.RPCClient(srv.Admin, "netsharegetinfo lifecycle 502")
	if err != nil || !strings.Contains(out, srv.SMSAdmins) || !strings.Contains(out, srv.Reader.SID) || strings.Contains(out, "S-1-1-0") {
		t.Fatalf("rpcclient netsharegetinfo: %v\n%s", err, out)
	}
	if out, err := srv.SMBClient(srv.Member, "lifecycle", "mkdir m"); err != nil {
		t.Errorf("member cannot write: %v\n%s", err, out)
	}
	if out, err := srv.SMBClient(srv.Reader, "lifecycle", "mkdir r"); err == nil && !strings.Contains(out, "NT_STATUS_ACCESS_DENIED") {
		t.Errorf("reader could write:\n%s", out)
	}
	if out, err := srv.SMBClient(srv.Outsider, "lifecycle", "ls"); err == nil {
		t.Errorf("outsider got in:\n%s", out)
	}

	info, err := sh.GetInfo("127.0.0.1", "lifecycle")
	if err != nil {
		t.Fatalf("NetrShareGetInfo: %v", err)
	}
	got, err := DecodeSecurityDescriptor(info.SD)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(sd.DACL, got.DACL); d != "" || info.Path != sambatest.WinPath(dir) || info.Remark != "first" {
		t.Errorf("GetInfo: path %q remark %q, DACL (-want +got):\n%s", info.Path, info.Remark, d)
	}

	sd2 := SecurityDescriptor{DACL: []ACE{
		{Type: AccessDenied, Mask: 0x1f01ff, SID: outsider},
		{Type: AccessAllowed, Mask: 0x1301bf, SID: smsAdmins},
	}}
	if err := sh.SetSecurity("127.0.0.1", "lifecycle", sd2.Encode()); err != nil {
		t.Fatalf("NetrShareSetInfo 1501: %v", err)
	}
	info, _ = sh.GetInfo("127.0.0.1", "lifecycle")
	got, _ = DecodeSecurityDescriptor(info.SD)
	if d := cmp.Diff(sd2.DACL, got.DACL); d != "" {
		t.Errorf("after 1501 (-want +got):\n%s", d)
	}

	dir2 := srv.Folder(t, "lifecycle2")
	info.Path, info.Remark = sambatest.WinPath(dir2), "second"
	if err := sh.SetInfo("127.0.0.1", "lifecycle", info); err != nil {
		t.Fatalf("NetrShareSetInfo 502: %v", err)
	}
	// Samba's RPC worker may go on serving the old path for a while; its
	// registry has the new one at once.
	if out, err := srv.Net("conf", "showshare", "lifecycle"); err != nil || !strings.Contains(out, dir2) || !strings.Contains(out, "second") {
		t.Errorf("after 502: %v\n%s", err, out)
	}

	all, err := sh.Enum("127.0.0.1")
	if err != nil {
		t.Fatalf("NetrShareEnum: %v", err)
	}
	var names []string
	for _, s := range all {
		names = append(names, s.Name)
	}
	if !strings.Contains(strings.Join(names, ","), "lifecycle") || !strings.Contains(strings.Join(names, ","), "C$") {
		t.Errorf("NetrShareEnum: %v", names)
	}

	if err := sh.Add("127.0.0.1", ShareInfo{Name: "lifecycle", Path: sambatest.WinPath(dir), MaxUses: Unlimited}); !IsDuplicate(err) {
		t.Errorf("second add: %v, want a duplicate", err)
	}
	if err := sh.Add("127.0.0.1", ShareInfo{Name: "nofolder", Path: sambatest.WinPath(dir + "/missing"), MaxUses: Unlimited}); err == nil {
		t.Error("add of a missing folder succeeded")
	}
	if err := sh.Del("127.0.0.1", "lifecycle"); err != nil {
		t.Fatalf("NetrShareDel: %v", err)
	}
	if _, err := sh.GetInfo("127.0.0.1", "lifecycle"); !IsNoSuchShare(err) {
		t.Errorf("GetInfo after delete: %v, want no such share", err)
	}
}

func TestAccessDenied(t *testing.T) {
	srv := sambatest.Get(t)
	sh := NewShares(bindTo(t, srv, srv.Member, "srvsvc", SrvSvc))
	dir := srv.Folder(t, "denied")
	err := sh.Add("127.0.0.1", ShareInfo{Name: "denied", Path: sambatest.WinPath(dir), MaxUses: Unlimited})
	if err != ErrAccessDenied {
		t.Errorf("NetrShareAdd as a non-administrator: %v, want %v", err, ErrAccessDenied)
	}
}

func TestLookup(t *testing.T) {
	srv := sambatest.Get(t)
	c := bindTo(t, srv, srv.Member, "lsarpc", LSARPC)
	p, err := OpenPolicy(c, "127.0.0.1")
	if err != nil {
		t.Fatalf("LsarOpenPolicy2: %v", err)
	}
	defer p.Close()
	names := []string{"SMS Admins", sambatest.NetBIOSName + `\SMS Admins`, "Administrators", "Everyone", srv.Member.Name, "No Such Group"}
	res, err := p.LookupNames(names)
	if err != nil {
		t.Fatalf("LsarLookupNames: %v", err)
	}
	var got []string
	for _, r := range res {
		if r.Found() {
			got = append(got, r.SID.String())
		} else {
			got = append(got, "unknown")
		}
	}
	want := []string{srv.SMSAdmins, srv.SMSAdmins, "S-1-5-32-544", "S-1-1-0", srv.Member.SID, "unknown"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("LookupNames (-want +got):\n%s", d)
	}
	var sids []SID
	for _, s := range []string{srv.SMSAdmins, "S-1-5-32-544", "S-1-1-0", "S-1-5-21-1-2-3-4444"} {
		sid, _ := ParseSID(s)
		sids = append(sids, sid)
	}
	back, err := p.LookupSids(sids)
	if err != nil {
		t.Fatalf("LsarLookupSids: %v", err)
	}
	got = nil
	for _, r := range back {
		if r.Found() {
			got = append(got, r.Domain+`\`+r.Name)
		} else {
			got = append(got, "unknown")
		}
	}
	want = []string{sambatest.NetBIOSName + `\SMS Admins`, `BUILTIN\Administrators`, `\Everyone`, "unknown"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("LookupSids (-want +got):\n%s", d)
	}
}
