package share

import (
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/updplan/updplan/providers/internal/msrpc"
	"github.com/updplan/updplan/providers/internal/smbconn"
)

// Share access masks Windows uses for the rights of a share ACL.
const (
	maskFull   = 0x001f01ff
	maskChange = 0x001301bf
	maskRead   = 0x001200a9
)

// smbServer is one configured file server.
type smbServer struct {
	name    string // as configured
	address string // host:port
	cred    smbconn.Credentials
	drives  map[string]string // drive letter (upper case) -> share[\folder]
}

// smbDriver manages shares on Windows and Samba servers: folders over SMB
// through each drive's administrative share, shares and their ACLs over
// MS-SRVS, principals over MS-LSAT. See the package documentation.
type smbDriver struct {
	pool    *smbconn.Pool
	timeout time.Duration
	servers map[string]*smbServer // by folded name

	mu      sync.Mutex
	edit    map[string]*sync.Mutex       // per server: one edit at a time
	sids    map[string]map[string]string // server -> folded principal -> SID ("" unknown)
	names   map[string]map[string]string // server -> SID -> name
	down    map[string]error             // server -> logon or connection failure of this run
	created map[string]bool              // folders this process created: server|share|path
}

func newSMBDriver(servers []*smbServer, timeout time.Duration) *smbDriver {
	d := &smbDriver{
		pool: &smbconn.Pool{Timeout: timeout}, timeout: timeout, servers: map[string]*smbServer{},
		edit: map[string]*sync.Mutex{}, sids: map[string]map[string]string{}, names: map[string]map[string]string{},
		down: map[string]error{}, created: map[string]bool{},
	}
	for _, s := range servers {
		d.servers[fold(s.name)] = s
	}
	return d
}

// server returns the configured server, or a problem at `server`.
func (d *smbDriver) server(name string) (*smbServer, error) {
	if s, ok := d.servers[fold(name)]; ok {
		return s, nil
	}
	var known []string
	for _, s := range d.servers {
		known = append(known, s.name)
	}
	slices.Sort(known)
	list := "none"
	if len(known) > 0 {
		list = strings.Join(known, ", ")
	}
	return nil, &problem{Summary: "Unknown server", Attr: "server", Detail: fmt.Sprintf(
		"The smb share driver has no server %q (configured: %s). Add a `server` block with name = %q, its address and credentials to the share provider, or correct `server`.", name, list, name)}
}

// Locate maps a Windows path to the share and folder it is reached through:
// D:\SMS\PkgSource is SMS\PkgSource on the share D$ (or the drive's
// drive_shares entry). local_path is the path on the server.
func (d *smbDriver) Locate(server, path string) (folder, error) {
	srv, err := d.server(server)
	if err != nil {
		return folder{}, err
	}
	if len(path) < 3 || !isLetter(path[0]) || path[1] != ':' || (path[2] != '\\' && path[2] != '/') {
		return folder{}, pathFault("Share path without a drive", fmt.Sprintf("The smb share driver shares folders by their path on the server, with its drive, e.g. \"D:\\\\SMS\\\\PkgSource\"; %q has none. On a Samba server, the Unix path /srv/updates is written \"C:\\\\srv\\\\updates\".", path))
	}
	segs, err := pathSegments(path)
	if err != nil {
		return folder{}, err
	}
	drive := segs[0]
	share := srv.drives[drive]
	if share == "" {
		share = drive + "$"
	}
	base, sub, _ := strings.Cut(share, `\`)
	rel := strings.Join(append(splitNonEmpty(sub), segs[1:]...), `\`)
	shown := drive + `:\` + strings.Join(segs[1:], `\`)
	return folder{Shown: shown, Real: srv.name + "|" + base + "|" + rel}, nil
}

func splitNonEmpty(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == '\\' || r == '/' })
}

// folderOn undoes Locate's Real.
func (d *smbDriver) folderOn(f folder) (*smbServer, string, string, error) {
	parts := strings.SplitN(f.Real, "|", 3)
	if len(parts) != 3 {
		return nil, "", "", fmt.Errorf("malformed folder %q", f.Real)
	}
	srv, err := d.server(parts[0])
	return srv, parts[1], parts[2], err
}

// conn returns the server's pooled session. A server that refused the
// logon or could not be reached earlier in the run fails at once with the
// same problem.
func (d *smbDriver) conn(ctx context.Context, srv *smbServer) (*smbconn.Conn, error) {
	d.mu.Lock()
	err := d.down[fold(srv.name)]
	d.mu.Unlock()
	if err != nil {
		return nil, err
	}
	c, err := d.pool.Get(ctx, srv.address, srv.cred)
	if err != nil {
		err = d.explain(srv, err)
		if k := smbconn.KindOf(err); k == smbconn.LogonFailed || k == smbconn.Unreachable {
			d.mu.Lock()
			d.down[fold(srv.name)] = err
			d.mu.Unlock()
		}
		return nil, err
	}
	return c, nil
}

// explain turns an SMB or RPC failure into a problem that names the server
// and what to do. The password is never part of it.
func (d *smbDriver) explain(srv *smbServer, err error) error {
	var pr *problem
	if errors.As(err, &pr) {
		return err
	}
	who := fmt.Sprintf("server %s (%s)", srv.name, srv.address)
	var win msrpc.WinError
	var fault msrpc.Fault
	switch {
	case errors.As(err, &win) && win == msrpc.ErrAccessDenied, errors.As(err, &fault) && fault == 5:
		return &problem{Summary: "Access denied on the file server", Attr: "server", Detail: fmt.Sprintf(
			"The %s refused the account %s: %v. Managing shares needs a member of the server's Administrators (or Server Operators) group; creating folders needs write access to the drive's administrative share. Use such an account in the share provider's server block, or grant those rights.", who, srv.cred.Account(), err)}
	}
	switch smbconn.KindOf(err) {
	case smbconn.LogonFailed:
		return &problem{Summary: "SMB logon refused", Attr: "server", Detail: fmt.Sprintf(
			"The %s refused the logon of %s: wrong password, unknown user, or a disabled, locked or expired account. Check domain, username and password in the share provider's server block (or UPDPLAN_SMB_DOMAIN, UPDPLAN_SMB_USERNAME and UPDPLAN_SMB_PASSWORD) and run the command again.", who, srv.cred.Account())}
	case smbconn.Unreachable:
		return &problem{Summary: "File server unreachable", Attr: "server", Detail: fmt.Sprintf(
			"The %s could not be reached: %v. Check the address in the share provider's server block, that the server is up, and that a firewall lets SMB (TCP 445) through; then run the command again.", who, errors.Unwrap(err))}
	case smbconn.AccessDenied:
		return &problem{Summary: "Access denied on the file server", Attr: "server", Detail: fmt.Sprintf(
			"The %s denied %s access: %v. The account needs to be an administrator of the server (shares are managed over MS-SRVS, folders are made through the drive's administrative share). Use such an account, or grant it those rights.", who, srv.cred.Account(), err)}
	case smbconn.Dropped:
		return &problem{Summary: "Connection to the file server dropped", Attr: "server", Detail: fmt.Sprintf(
			"The connection to the %s broke during the run: %v. Nothing is left half-changed on the server by updplan; run the command again once the server is reachable.", who, err)}
	case smbconn.Canceled:
		return &problem{Summary: "Canceled", Detail: fmt.Sprintf("The work on the %s was canceled before it finished. Run the command again.", who)}
	}
	return &problem{Summary: "File server failure", Attr: "server", Detail: fmt.Sprintf(
		"The %s answered with an error: %v. Check the server's event log or Samba log, then run the command again.", who, err)}
}

// rpc opens a pipe of the server and binds iface on it; done closes it.
func (d *smbDriver) rpc(ctx context.Context, srv *smbServer, pipe string, iface msrpc.Interface) (*msrpc.Client, func(), error) {
	c, err := d.conn(ctx, srv)
	if err != nil {
		return nil, nil, err
	}
	f, err := c.OpenPipe(ctx, pipe)
	if err != nil {
		return nil, nil, d.explain(srv, err)
	}
	cl, err := msrpc.Bind(f, iface)
	if err != nil {
		f.Close()
		return nil, nil, d.explain(srv, c.Check(ctx, "bind "+iface.Name, err))
	}
	return cl, func() { f.Close() }, nil
}

// withPolicy runs f on an LSA policy handle of the server, opened on its
// lsarpc pipe and closed afterwards.
func (d *smbDriver) withPolicy(ctx context.Context, srv *smbServer, f func(*msrpc.Policy) error) error {
	cl, done, err := d.rpc(ctx, srv, "lsarpc", msrpc.LSARPC)
	if err != nil {
		return err
	}
	defer done()
	pol, err := msrpc.OpenPolicy(cl, srv.name)
	if err != nil {
		return d.explain(srv, err)
	}
	err = f(pol)
	_ = pol.Close()
	if err != nil {
		return d.explain(srv, err)
	}
	return nil
}

// ctx bounds an operation that has no context of its own.
func (d *smbDriver) ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 2*d.timeout)
}

func (d *smbDriver) FolderExists(f folder) (bool, error) {
	srv, share, rel, err := d.folderOn(f)
	if err != nil {
		return false, err
	}
	ctx, cancel := d.ctx()
	defer cancel()
	c, err := d.conn(ctx, srv)
	if err != nil {
		return false, err
	}
	sh, err := c.Mount(ctx, share)
	if err != nil {
		return false, d.folderProblem(srv, share, rel, err)
	}
	fi, err := sh.Stat(statName(rel))
	if err != nil {
		if smbconn.KindOf(c.Check(ctx, "stat", err)) == smbconn.NotFound {
			return false, nil
		}
		return false, d.folderProblem(srv, share, rel, c.Check(ctx, "stat", err))
	}
	return fi.IsDir(), nil
}

func statName(rel string) string {
	if rel == "" {
		return "."
	}
	return rel
}

func (d *smbDriver) folderProblem(srv *smbServer, share, rel string, err error) error {
	if smbconn.KindOf(err) == smbconn.NoSuchShare {
		return pathFault("No share for the drive's folders", fmt.Sprintf(
			"Server %s (%s) has no share %q to reach the folder %s through. Enable the administrative shares of the server, or name a share of the drive in the share provider's server block: drive_shares = { D = \"Data\" }.", srv.name, srv.address, share, rel))
	}
	return d.explain(srv, err)
}

func (d *smbDriver) MakeFolder(f folder) error {
	srv, share, rel, err := d.folderOn(f)
	if err != nil {
		return err
	}
	if ok, err := d.FolderExists(f); err != nil || ok {
		return err
	}
	ctx, cancel := d.ctx()
	defer cancel()
	c, err := d.conn(ctx, srv)
	if err != nil {
		return err
	}
	sh, err := c.Mount(ctx, share)
	if err != nil {
		return d.folderProblem(srv, share, rel, err)
	}
	if err := sh.MkdirAll(rel, 0o755); err != nil {
		err = c.Check(ctx, "create the folder", err)
		if smbconn.KindOf(err) == smbconn.AccessDenied || smbconn.KindOf(err) == smbconn.NotFound {
			return pathFault("Cannot create the share folder", fmt.Sprintf("Creating %s on server %s through \\\\%s\\%s\\%s failed: %v. Check that the account may write there, or create the folder by hand.", f.Shown, srv.name, srv.name, share, rel, err))
		}
		return d.explain(srv, err)
	}
	d.mu.Lock()
	d.created[f.Real] = true
	d.mu.Unlock()
	return nil
}

// Servers are the configured servers.
func (d *smbDriver) Servers(context.Context) ([]string, error) {
	var out []string
	for _, s := range d.servers {
		out = append(out, s.name)
	}
	slices.SortFunc(out, func(a, b string) int { return strings.Compare(fold(a), fold(b)) })
	return out, nil
}

// Shares lists the disk shares of the server (NetrShareEnum level 502),
// special and hidden administrative shares left out, with ACL principals
// named as the server names them.
func (d *smbDriver) Shares(ctx context.Context, server string) ([]Share, error) {
	srv, err := d.server(server)
	if err != nil {
		return nil, err
	}
	cl, done, err := d.rpc(ctx, srv, "srvsvc", msrpc.SrvSvc)
	if err != nil {
		return nil, err
	}
	defer done()
	infos, err := msrpc.NewShares(cl).Enum(srv.name)
	if err != nil {
		return nil, d.explain(srv, err)
	}
	var out []Share
	var sids []string
	for _, in := range infos {
		if in.Type != msrpc.TypeDisk {
			continue
		}
		s := Share{Name: in.Name, Path: in.Path, Description: in.Remark, FolderEnumeration: "unrestricted", Caching: "manual", Access: []ACE{}}
		if in.MaxUses != msrpc.Unlimited {
			s.ConcurrentUserLimit = int64(in.MaxUses)
		}
		if in.SD != nil {
			sd, err := msrpc.DecodeSecurityDescriptor(in.SD)
			if err != nil {
				return nil, d.explain(srv, fmt.Errorf("the security descriptor of share %s cannot be read: %v", in.Name, err))
			}
			for _, a := range sd.DACL {
				sid := a.SID.String()
				s.Access = append(s.Access, ACE{Principal: sid, SID: sid, Rights: rightsOf(a)})
				sids = append(sids, sid)
			}
		}
		out = append(out, s)
	}
	names, err := d.namesOf(ctx, srv, sids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		for j := range out[i].Access {
			if n := names[out[i].Access[j].SID]; n != "" {
				out[i].Access[j].Principal = n
			}
		}
		slices.SortFunc(out[i].Access, func(a, b ACE) int { return strings.Compare(fold(a.Principal), fold(b.Principal)) })
	}
	slices.SortFunc(out, func(a, b Share) int { return strings.Compare(fold(a.Name), fold(b.Name)) })
	return out, nil
}

// rightsOf names an ACE's rights; a mask that is none of the three is
// written in hex, so that it shows as drift.
func rightsOf(a msrpc.ACE) string {
	if a.Type == msrpc.AccessDenied {
		return "deny"
	}
	switch a.Mask {
	case maskFull:
		return "full"
	case maskChange:
		return "change"
	case maskRead:
		return "read"
	}
	return fmt.Sprintf("0x%08x", a.Mask)
}

// namesOf names SIDs as the server does (LsarLookupSids): DOMAIN\name, or
// the name alone for well-known and BUILTIN groups. Unknown SIDs keep their
// S-1-... form.
func (d *smbDriver) namesOf(ctx context.Context, srv *smbServer, sids []string) (map[string]string, error) {
	k := fold(srv.name)
	d.mu.Lock()
	cache := d.names[k]
	if cache == nil {
		cache = map[string]string{}
		d.names[k] = cache
	}
	var want []msrpc.SID
	seen := map[string]bool{}
	for _, s := range sids {
		if _, ok := cache[s]; !ok && !seen[s] {
			seen[s] = true
			if sid, err := msrpc.ParseSID(s); err == nil {
				want = append(want, sid)
			}
		}
	}
	d.mu.Unlock()
	if len(want) > 0 {
		var res []msrpc.Translated
		err := d.withPolicy(ctx, srv, func(pol *msrpc.Policy) (err error) {
			res, err = pol.LookupSids(want)
			return err
		})
		if err != nil {
			return nil, err
		}
		full := make([]string, len(res))
		var bare []string
		for i, r := range res {
			if !r.Found() {
				continue
			}
			full[i] = r.Name
			if r.Domain != "" && !strings.EqualFold(r.Domain, "BUILTIN") && !strings.EqualFold(r.Domain, "NT AUTHORITY") {
				full[i] = r.Domain + `\` + r.Name
				bare = append(bare, r.Name)
			}
		}
		// The shortest spelling that names the same SID on the server: the
		// server's own accounts and groups (SMS Admins) without its domain.
		back, err := d.Resolve(ctx, srv.name, bare)
		if err != nil {
			return nil, err
		}
		d.mu.Lock()
		for i, r := range res {
			name := full[i]
			if name != "" && back[fold(r.Name)] == want[i].String() {
				name = r.Name
			}
			cache[want[i].String()] = name
		}
		d.mu.Unlock()
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make(map[string]string, len(sids))
	for _, s := range sids {
		out[s] = cache[s]
	}
	return out, nil
}

// Resolve returns the SID each principal stands for on the server
// (LsarLookupNames; a principal written as a SID is itself), "" for those
// the server does not know.
func (d *smbDriver) Resolve(ctx context.Context, server string, principals []string) (map[string]string, error) {
	srv, err := d.server(server)
	if err != nil {
		return nil, err
	}
	k := fold(srv.name)
	d.mu.Lock()
	cache := d.sids[k]
	if cache == nil {
		cache = map[string]string{}
		d.sids[k] = cache
	}
	var want []string
	for _, p := range principals {
		if _, ok := cache[fold(p)]; ok {
			continue
		}
		if sid, err := msrpc.ParseSID(p); err == nil {
			cache[fold(p)] = sid.String()
			continue
		}
		if !slices.Contains(want, p) {
			want = append(want, p)
		}
	}
	d.mu.Unlock()
	if len(want) > 0 {
		var res []msrpc.Translated
		err := d.withPolicy(ctx, srv, func(pol *msrpc.Policy) (err error) {
			res, err = pol.LookupNames(want)
			return err
		})
		if err != nil {
			return nil, err
		}
		d.mu.Lock()
		for i, r := range res {
			sid := ""
			if r.Found() && r.Use != msrpc.UseDomain {
				sid = r.SID.String()
			}
			cache[fold(want[i])] = sid
		}
		d.mu.Unlock()
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make(map[string]string, len(principals))
	for _, p := range principals {
		out[fold(p)] = cache[fold(p)]
	}
	return out, nil
}

// securityDescriptor builds the share's DACL: deny entries first, as
// Windows orders them.
func (d *smbDriver) securityDescriptor(ctx context.Context, srv *smbServer, aces []ACE) ([]byte, error) {
	var principals []string
	for _, a := range aces {
		principals = append(principals, a.Principal)
	}
	sids, err := d.Resolve(ctx, srv.name, principals)
	if err != nil {
		return nil, err
	}
	var unknown []string
	sd := msrpc.SecurityDescriptor{DACL: []msrpc.ACE{}}
	var allows []msrpc.ACE
	for _, a := range aces {
		s := sids[fold(a.Principal)]
		if s == "" {
			unknown = append(unknown, fmt.Sprintf("%q", a.Principal))
			continue
		}
		sid, _ := msrpc.ParseSID(s)
		switch a.Rights {
		case "deny":
			sd.DACL = append(sd.DACL, msrpc.ACE{Type: msrpc.AccessDenied, Mask: maskFull, SID: sid})
		case "full":
			allows = append(allows, msrpc.ACE{Type: msrpc.AccessAllowed, Mask: maskFull, SID: sid})
		case "change":
			allows = append(allows, msrpc.ACE{Type: msrpc.AccessAllowed, Mask: maskChange, SID: sid})
		default:
			allows = append(allows, msrpc.ACE{Type: msrpc.AccessAllowed, Mask: maskRead, SID: sid})
		}
	}
	if len(unknown) > 0 {
		return nil, &problem{Summary: "Unknown principal", Attr: "access", Detail: fmt.Sprintf(
			"Server %s (%s) knows no account or group %s, so the share ACL cannot name it. Check the spelling (a domain account is written DOMAIN\\\\name), create the group on the server (e.g. the local group SMS Admins), or write the principal as a SID (S-1-5-...).", srv.name, srv.address, strings.Join(unknown, ", "))}
	}
	sd.DACL = append(sd.DACL, allows...)
	return sd.Encode(), nil
}

// Edit decides on the server's current shares and makes the edits over
// MS-SRVS, one edit of a server at a time.
func (d *smbDriver) Edit(ctx context.Context, server string, decide func([]Share) ([]edit, error)) error {
	srv, err := d.server(server)
	if err != nil {
		return err
	}
	d.mu.Lock()
	m := d.edit[fold(srv.name)]
	if m == nil {
		m = &sync.Mutex{}
		d.edit[fold(srv.name)] = m
	}
	d.mu.Unlock()
	m.Lock()
	defer m.Unlock()
	current, err := d.Shares(ctx, srv.name)
	if err != nil {
		return err
	}
	edits, err := decide(current)
	if err != nil || len(edits) == 0 {
		return err
	}
	cl, done, err := d.rpc(ctx, srv, "srvsvc", msrpc.SrvSvc)
	if err != nil {
		return err
	}
	defer done()
	api := msrpc.NewShares(cl)
	for _, e := range edits {
		if e.put == nil {
			if err := api.Del(srv.name, e.remove); err != nil && !msrpc.IsNoSuchShare(err) {
				return d.explain(srv, err)
			}
			continue
		}
		if err := d.put(ctx, srv, api, current, *e.put); err != nil {
			return err
		}
	}
	return nil
}

// put publishes s: NetrShareAdd with its security descriptor when the name
// is free, else NetrShareSetInfo 502 and 1501. A server that keeps the old
// path after a SetInfo (Samba's RPC workers may) gets the share deleted and
// added again with the same security descriptor.
func (d *smbDriver) put(ctx context.Context, srv *smbServer, api *msrpc.Shares, current []Share, s Share) error {
	sd, err := d.securityDescriptor(ctx, srv, s.Access)
	if err != nil {
		return err
	}
	info := msrpc.ShareInfo{Name: s.Name, Type: msrpc.TypeDisk, Remark: s.Description, MaxUses: msrpc.Unlimited, Path: windowsPath(s.Path), SD: sd}
	if s.ConcurrentUserLimit > 0 {
		info.MaxUses = uint32(s.ConcurrentUserLimit)
	}
	old := find(current, s.Name)
	if old == nil {
		return d.add(ctx, srv, api, info)
	}
	if err := api.SetInfo(srv.name, s.Name, info); err != nil {
		return d.explainPut(srv, info, err)
	}
	// Samba 4.17 does not always store the descriptor of a level-502
	// SetInfo; level 1501 sets it alone, on Windows too.
	if err := api.SetSecurity(srv.name, s.Name, sd); err != nil {
		return d.explainPut(srv, info, err)
	}
	if samePath(old.Path, info.Path) {
		return nil
	}
	got, err := api.GetInfo(srv.name, s.Name)
	if err != nil {
		return d.explain(srv, err)
	}
	if samePath(got.Path, info.Path) {
		return nil
	}
	if err := api.Del(srv.name, s.Name); err != nil && !msrpc.IsNoSuchShare(err) {
		return d.explain(srv, err)
	}
	return d.add(ctx, srv, api, info)
}

// addSettle is how long a NetrShareAdd refused as a duplicate is tried
// again. 1.5 s was not always enough on a loaded machine (CI, with the
// race detector: a share deleted by hand still refused after it).
const addSettle = 5 * time.Second

// add publishes info with NetrShareAdd, the name being free when the apply
// listed the server's shares. A Samba RPC worker that has not yet taken in
// a share deleted a moment before (by this apply's replace, or the one
// before it: the delete share command ran, the worker's share table is
// reloaded on a message that has not reached it; a share deleted by
// hand, in the registry, waits for its next reload) refuses the name as
// taken: the add is tried again for up to addSettle before the name is
// reported taken. A share made since the plan is reported after that wait.
func (d *smbDriver) add(ctx context.Context, srv *smbServer, api *msrpc.Shares, info msrpc.ShareInfo) error {
	err := api.Add(srv.name, info)
	deadline := time.Now().Add(addSettle)
	for wait := 100 * time.Millisecond; err != nil && msrpc.IsDuplicate(err) && time.Now().Before(deadline); wait = min(2*wait, time.Second) {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		err = api.Add(srv.name, info)
	}
	if err != nil {
		return d.explainPut(srv, info, err)
	}
	return nil
}

// explainPut words a refused NetrShareAdd/SetInfo, and says when the
// folder made for it stays behind.
func (d *smbDriver) explainPut(srv *smbServer, info msrpc.ShareInfo, err error) error {
	var pr *problem
	var win msrpc.WinError
	switch {
	case msrpc.IsDuplicate(err):
		pr = &problem{Summary: "Share name taken", Attr: "name", Detail: fmt.Sprintf("Server %s already has a share named %q (made since the plan). Run plan again to pick a name.", srv.name, info.Name)}
	case errors.As(err, &win) && (win == msrpc.ErrInvalidName || win == msrpc.ErrInvalidParameter):
		pr = &problem{Summary: "Share refused by the server", Attr: "name", Detail: fmt.Sprintf("Server %s refused the share %q with path %s: %v. Check that the name is one the server accepts and the path is a folder of one of its drives.", srv.name, info.Name, info.Path, err)}
	case errors.As(err, &win) && (win == msrpc.ErrFileNotFound || win == msrpc.ErrPathNotFound || win == msrpc.ErrBadDev):
		pr = &problem{Summary: "Share folder missing", Attr: "path", Detail: fmt.Sprintf("Server %s says the folder %s of share %q does not exist: %v. Check that drive_shares maps the drive to the share of its root, so that the folder updplan creates is the one the server shares.", srv.name, info.Path, info.Name, err)}
	default:
		e := d.explain(srv, err)
		errors.As(e, &pr)
	}
	d.mu.Lock()
	made := false
	for k := range d.created {
		if strings.HasPrefix(k, srv.name+"|") && samePath(d.shownOf(k), info.Path) {
			made = true
		}
	}
	d.mu.Unlock()
	if made {
		pr.Detail += fmt.Sprintf(" The folder %s was created for the share and is kept; the next apply shares it.", info.Path)
	}
	return pr
}

// shownOf turns a folder's Real back into the server's path, for matching.
func (d *smbDriver) shownOf(real string) string {
	parts := strings.SplitN(real, "|", 3)
	if len(parts) != 3 {
		return ""
	}
	srv := d.servers[fold(parts[0])]
	if srv == nil {
		return ""
	}
	for drive, sh := range srv.drives {
		base, sub, _ := strings.Cut(sh, `\`)
		if strings.EqualFold(base, parts[1]) {
			rest := strings.TrimPrefix(strings.TrimPrefix(parts[2], strings.Join(splitNonEmpty(sub), `\`)), `\`)
			return drive + `:\` + rest
		}
	}
	if len(parts[1]) == 2 && parts[1][1] == '$' {
		return strings.ToUpper(parts[1][:1]) + `:\` + parts[2]
	}
	return ""
}

// windowsPath writes a path with backslashes.
func windowsPath(p string) string { return strings.ReplaceAll(p, "/", `\`) }

// smbAddress adds the SMB port to an address without one.
func smbAddress(a string) string {
	if _, _, err := net.SplitHostPort(a); err == nil {
		return a
	}
	return net.JoinHostPort(strings.Trim(a, "[]"), "445")
}
