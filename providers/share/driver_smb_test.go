package share

import (
	"context"
	"net"
	"os"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/internal/sambatest"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/providers/providertest"
	"github.com/zclconf/go-cty/cty"
)

func TestMain(m *testing.M) { os.Exit(sambatest.Main(m)) }

// openSMB returns a share provider with the smb driver on the test server,
// named SITESRV, logged on as the administrator, plus extra server blocks.
func openSMB(t testing.TB, srv *sambatest.Server, extra ...server) *Provider {
	t.Helper()
	blocks := append([]server{serverBlock("SITESRV", srv.Addr, srv.Admin.Name, srv.Admin.Password)}, extra...)
	p := New()
	cfg := providerConfig(map[string]cty.Value{"driver": sv("smb"), "domain": sv(sambatest.NetBIOSName), "timeout_seconds": cty.NumberIntVal(30), "server": servers(blocks...)})
	if d := p.Configure(context.Background(), providers.ConfigureRequest{Config: cfg, WorkingDir: t.TempDir()}); d.HasErrors() {
		t.Fatalf("configure: %s", d.Error())
	}
	t.Cleanup(func() { p.drv.(*smbDriver).pool.Close() })
	return p
}

// smbShare is a share on SITESRV in a fresh folder of the test server.
func smbShare(t testing.TB, srv *sambatest.Server, name string, set map[string]cty.Value) cty.Value {
	vals := map[string]cty.Value{"server": sv("SITESRV"), "name": sv(name), "path": sv(sambatest.WinPath(srv.Folder(t, name)) + `\PkgSource`),
		"access": acl("Administrators", "full", "SMS Admins", "full", srv.Reader.Name, "read")}
	for k, v := range set {
		vals[k] = v
	}
	return shareCfg(vals)
}

func TestSMBConformance(t *testing.T) {
	srv := sambatest.Get(t)
	p := openSMB(t, srv)
	create := smbShare(t, srv, "ConfA", nil)
	update := shareCfg(map[string]cty.Value{"server": sv("SITESRV"), "name": sv("ConfA"), "path": create.GetAttr("path"),
		// Samba stores a user limit but reports every share as unlimited over
		// MS-SRVS, so the limit is not part of the Samba walk.
		"description": sv("ITMU catalog"),
		"access":      acl("Administrators", "full", "SMS Admins", "change", srv.Outsider.Name, "deny")})
	providertest.Run(t, p, providertest.Case{
		Name: "smb_share", Type: "share", Create: create, Update: update,
		Replace: shareCfg(map[string]cty.Value{"server": sv("SITESRV"), "name": sv("ConfA"), "path": sv(sambatest.WinPath(srv.Folder(t, "other")))}),
		Vanish: func(_ context.Context, state cty.Value) error {
			_, err := srv.Net("conf", "delshare", state.GetAttr("actual_name").AsString())
			return err
		},
	})
}

// TestSMBApplyChecked applies a share and checks it from outside: listed,
// the DACL exactly as declared, a member of SMS Admins writes, a read grant
// cannot, an outsider is refused. Then drift: an ACL edited by hand and the
// share deleted by hand read as changed and gone, and apply puts them back.
func TestSMBApplyChecked(t *testing.T) {
	srv := sambatest.Get(t)
	p := openSMB(t, srv)
	cfg := smbShare(t, srv, "Checked", nil)
	o := create(t, p, "checked", cfg)
	if got := o.attr("unc"); got != `\\SITESRV\Checked` {
		t.Errorf("unc %q", got)
	}
	if out, err := srv.List(srv.Admin); err != nil || !strings.Contains(out, "Checked") {
		t.Errorf("smbclient -L: %v\n%s", err, out)
	}
	out, err := srv.RPCClient(srv.Admin, "netsharegetinfo Checked 502")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"S-1-5-32-544", srv.SMSAdmins, srv.Reader.SID, "Num ACEs:\t3"} {
		if !strings.Contains(out, want) {
			t.Errorf("netsharegetinfo lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "S-1-1-0") {
		t.Errorf("the share grants Everyone:\n%s", out)
	}
	if out, err := srv.SMBClient(srv.Member, "Checked", "mkdir by-member"); err != nil {
		t.Errorf("SMS Admins member cannot write: %v\n%s", err, out)
	}
	if out, _ := srv.SMBClient(srv.Reader, "Checked", "mkdir by-reader"); !strings.Contains(out, "NT_STATUS_ACCESS_DENIED") {
		t.Errorf("a read grant could write:\n%s", out)
	}
	if out, _ := srv.SMBClient(srv.Outsider, "Checked", "ls"); !strings.Contains(out, "NT_STATUS_ACCESS_DENIED") {
		t.Errorf("an outsider got in:\n%s", out)
	}
	if st := read(t, p, o); !st.RawEquals(o.state) {
		t.Errorf("read after apply differs:\n%#v\n%#v", st, o.state)
	}

	// ACL edited by hand.
	if out, err := srv.RPCClient(srv.Admin, "netsharesetinfo Checked x"); err != nil {
		t.Logf("rpcclient netsharesetinfo: %v\n%s", err, out)
	}
	if _, err := runSharesec(srv, "Checked", "S-1-1-0:ALLOWED/0x0/FULL"); err != nil {
		t.Fatal(err)
	}
	drifted := read(t, p, o)
	if !strings.Contains(drifted.GetAttr("access").GoString(), "Everyone") {
		t.Errorf("the hand-edited ACL does not show: %#v", drifted.GetAttr("access"))
	}
	o.state = drifted
	o = apply(t, p, o, cfg)
	if out, _ := srv.RPCClient(srv.Admin, "netsharegetinfo Checked 502"); strings.Contains(out, "S-1-1-0") || !strings.Contains(out, srv.SMSAdmins) {
		t.Errorf("apply did not repair the ACL:\n%s", out)
	}

	// Share deleted by hand.
	if out, err := srv.Net("conf", "delshare", "Checked"); err != nil {
		t.Fatalf("net conf delshare: %v\n%s", err, out)
	}
	if st := read(t, p, o); !st.IsNull() {
		t.Fatalf("a deleted share reads as %#v", st)
	}
	o = create(t, p, "checked", cfg)
	if out, _ := srv.List(srv.Admin); !strings.Contains(out, "Checked") {
		t.Errorf("apply did not make the share again:\n%s", out)
	}

	// Import by \\SERVER\NAME, then destroy.
	resp := p.Import(context.Background(), providers.ImportRequest{TypeName: "share", Addr: at("imported"), ID: `\\SITESRV\Checked`})
	if resp.Diagnostics.HasErrors() {
		t.Fatal(resp.Diagnostics.Error())
	}
	if got := resp.State.GetAttr("path").AsString(); !samePath(got, cfg.GetAttr("path").AsString()) {
		t.Errorf("imported path %q", got)
	}
	apply(t, p, o, cty.NullVal(shareType))
	if out, _ := srv.List(srv.Admin); strings.Contains(out, "Checked") {
		t.Errorf("destroy left the share:\n%s", out)
	}
}

func runSharesec(srv *sambatest.Server, share, acl string) (string, error) {
	return srv.Sharesec(share, "--replace="+acl)
}

// TestSMBNextFree takes PackageSrc_1 when PackageSrc is a share updplan does
// not manage.
func TestSMBNextFree(t *testing.T) {
	srv := sambatest.Get(t)
	srv.AddShare(t, "NfSrc")
	p := openSMB(t, srv)
	o := create(t, p, "nf", smbShare(t, srv, "NfSrc", map[string]cty.Value{"on_name_taken": sv("next_free")}))
	if got := o.attr("actual_name"); got != "NfSrc_1" {
		t.Errorf("actual_name %q, want NfSrc_1", got)
	}
	_, d := plan(t, p, object{addr: at("taken")}, smbShare(t, srv, "NfSrc", nil))
	if summaries(d) != "Share name taken" {
		t.Errorf("plan of a taken name: %q", summaries(d))
	}
	apply(t, p, o, cty.NullVal(shareType))
}

// TestSMBFaults: each failure is a diagnostic at the right attribute that
// names the server, and the password appears nowhere; the objects of
// another server still apply.
func TestSMBFaults(t *testing.T) {
	srv := sambatest.Get(t)
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := closed.Addr().String()
	closed.Close()
	p := openSMB(t, srv,
		serverBlock("WRONGPW", srv.Addr, srv.Admin.Name, "Not-The-Password-77"),
		serverBlock("DOWN", deadAddr, srv.Admin.Name, "Not-The-Password-77"),
		serverBlock("MEMBER", srv.Addr, srv.Member.Name, srv.Member.Password),
	)
	for _, tc := range []struct {
		name, server, principal string
		summary, attr, words    string
	}{
		{"wrong password", "WRONGPW", "Administrators", "SMB logon refused", "server", `WRONGPW (` + srv.Addr + `) refused the logon of UPDPLANTEST\root`},
		{"unreachable", "DOWN", "Administrators", "File server unreachable", "server", "could not be reached"},
		{"access denied", "MEMBER", "Administrators", "Access denied on the file server", "server", `denied UPDPLANTEST\daemon access`},
		{"unknown principal", "SITESRV", "No Such Group", "Unknown principal", "access", `knows no account or group "No Such Group"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := smbShare(t, srv, "Fault"+strings.ReplaceAll(tc.name, " ", ""), map[string]cty.Value{"server": sv(tc.server), "access": acl(tc.principal, "full")})
			o := object{addr: at("fault")}
			planned, d := plan(t, p, o, cfg)
			if !d.HasErrors() {
				resp := applyPlanned(p, o, planned, cfg)
				d = resp.Diagnostics
				if !resp.NewState.IsNull() {
					t.Errorf("a failed apply returned %#v", resp.NewState)
				}
			}
			if summaries(d) != tc.summary {
				t.Fatalf("summary %q, want %q: %s", summaries(d), tc.summary, d.Error())
			}
			if got := attrOf(d[0]); got != tc.attr {
				t.Errorf("diagnostic at %q, want %q", got, tc.attr)
			}
			if !strings.Contains(d.Error(), tc.words) {
				t.Errorf("diagnostic lacks %q: %s", tc.words, d.Error())
			}
			for _, secret := range []string{"Not-The-Password-77", srv.Admin.Password, srv.Member.Password} {
				if strings.Contains(d.Error(), secret) {
					t.Errorf("a diagnostic shows a password: %s", d.Error())
				}
			}
		})
	}
	o := create(t, p, "good", smbShare(t, srv, "StillApplies", nil))
	apply(t, p, o, cty.NullVal(shareType))
}

func attrOf(d *hcl.Diagnostic) string {
	path, _ := providers.PathOf(d)
	for _, step := range path {
		if ga, ok := step.(cty.GetAttrStep); ok {
			return ga.Name
		}
	}
	return ""
}

// TestSMBAddRefused: an account that may write the folder but not manage
// shares gets access denied on NetrShareAdd; the diagnostic says the folder
// made for the share is kept, and the next apply with an administrator
// converges.
func TestSMBAddRefused(t *testing.T) {
	srv := sambatest.Get(t)
	srv.AddShare(t, "MemberDrive")
	member := withDrives(serverBlock("MEMBERSRV", srv.Addr, srv.Member.Name, srv.Member.Password), map[string]cty.Value{"C": sv("MemberDrive")})
	p := openSMB(t, srv, member)
	cfg := smbShare(t, srv, "Refused", map[string]cty.Value{"server": sv("MEMBERSRV")})
	planned, d := plan(t, p, object{addr: at("refused")}, cfg)
	if d.HasErrors() {
		t.Fatal(d.Error())
	}
	resp := applyPlanned(p, object{addr: at("refused")}, planned, cfg)
	d = resp.Diagnostics
	if summaries(d) != "Access denied on the file server" || !strings.Contains(d.Error(), "was created for the share and is kept") || !strings.Contains(d.Error(), "MEMBERSRV") {
		t.Fatalf("diagnostics: %s", d.Error())
	}
	if !resp.NewState.IsNull() {
		t.Errorf("a refused create returned %#v", resp.NewState)
	}
	if out, _ := srv.List(srv.Admin); strings.Contains(out, "Refused") {
		t.Errorf("the share exists after a refused add:\n%s", out)
	}
}

// TestSMBDropped cuts the connection under the provider: the next call is a
// "connection dropped" diagnostic at `server`, and the one after dials again.
func TestSMBDropped(t *testing.T) {
	srv := sambatest.Get(t)
	px := sambatest.NewProxy(t, srv.Addr)
	p := openSMB(t, srv, serverBlock("VIAPROXY", px.Addr, srv.Admin.Name, srv.Admin.Password))
	o := create(t, p, "dropped", smbShare(t, srv, "Dropped", map[string]cty.Value{"server": sv("VIAPROXY")}))
	px.Cut()
	resp := p.Read(context.Background(), providers.ReadRequest{TypeName: "share", Addr: o.addr, Prior: o.state, Private: o.private})
	if summaries(resp.Diagnostics) != "Connection to the file server dropped" || attrOf(resp.Diagnostics[0]) != "server" {
		t.Fatalf("read after the cut: %s", resp.Diagnostics.Error())
	}
	if st := read(t, p, o); !st.RawEquals(o.state) {
		t.Errorf("read after redialling differs: %#v", st)
	}
	apply(t, p, o, cty.NullVal(shareType))
}

// TestSMBUnmanagedSettings: caching and folder_enumeration are not managed
// by the smb driver, so a plan that sets them is refused at the attribute.
func TestSMBUnmanagedSettings(t *testing.T) {
	srv := sambatest.Get(t)
	p := openSMB(t, srv)
	_, d := plan(t, p, object{addr: at("cache")}, smbShare(t, srv, "Cache", map[string]cty.Value{"caching": sv("none"), "folder_enumeration": sv("access_based")}))
	if summaries(d) != "Setting not supported by the smb driver; Setting not supported by the smb driver" {
		t.Fatalf("diagnostics: %s", d.Error())
	}
	if attrOf(d[0]) != "caching" || attrOf(d[1]) != "folder_enumeration" {
		t.Errorf("at %q and %q", attrOf(d[0]), attrOf(d[1]))
	}
}
