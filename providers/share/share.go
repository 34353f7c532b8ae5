package share

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/gocty"
)

// maxNameLen is the longest share name (schema rule shareName).
const maxNameLen = 80

var (
	shareType = schema.Share.ResourceType("share").Block.ImpliedType()
	aceType   = shareType.AttributeType("access").ElementType()
)

// Read returns the share as the table has it: gone when its entry or its
// folder is missing. Attributes the server does not know (name,
// on_name_taken, allow_broad_access) come from the prior state; an ACL that
// differs from the prior one only in order or in the case of principals is
// the prior one.
func (p *Provider) Read(ctx context.Context, req providers.ReadRequest) providers.ReadResponse {
	if d := p.ready(req.TypeName); d != nil {
		return providers.ReadResponse{NewState: req.Prior, Diagnostics: d}
	}
	prior, _ := req.Prior.UnmarkDeep()
	if prior.IsNull() {
		return providers.ReadResponse{NewState: prior}
	}
	shares, err := p.drv.Shares(ctx, str(prior, "server"))
	if err != nil {
		return providers.ReadResponse{NewState: req.Prior, Private: req.Private, Diagnostics: hcl.Diagnostics{diagOf(err, nil)}}
	}
	return p.readFrom(ctx, shares, req)
}

// ReadMany reads the share table once per server.
func (p *Provider) ReadMany(ctx context.Context, reqs []providers.ReadRequest) []providers.ReadResponse {
	out := make([]providers.ReadResponse, len(reqs))
	type tableOf struct {
		shares []Share
		err    error
	}
	servers := map[string]tableOf{}
	for i, req := range reqs {
		prior, _ := req.Prior.UnmarkDeep()
		if p.ready(req.TypeName) != nil || prior.IsNull() {
			out[i] = p.Read(ctx, req)
			continue
		}
		server := str(prior, "server")
		t, ok := servers[fold(server)]
		if !ok {
			t.shares, t.err = p.drv.Shares(ctx, server)
			servers[fold(server)] = t
		}
		if t.err != nil {
			out[i] = providers.ReadResponse{NewState: req.Prior, Private: req.Private, Diagnostics: hcl.Diagnostics{diagOf(t.err, nil)}}
			continue
		}
		out[i] = p.readFrom(ctx, t.shares, req)
	}
	return out
}

// readFrom answers req from the shares of its server. The prior state is
// not null.
func (p *Provider) readFrom(ctx context.Context, shares []Share, req providers.ReadRequest) providers.ReadResponse {
	prior, _ := req.Prior.UnmarkDeep()
	gone := providers.ReadResponse{NewState: cty.NullVal(shareType)}
	server := str(prior, "server")
	s := find(shares, str(prior, "actual_name"))
	if s == nil {
		return gone
	}
	f, err := p.drv.Locate(server, s.Path)
	if err == nil {
		var ok bool
		if ok, err = p.drv.FolderExists(f); err == nil && !ok {
			return gone
		}
	}
	if err != nil {
		var pr *problem
		if errors.As(err, &pr) {
			err = fault(pr.Summary, fmt.Sprintf("In the share table, the share %s\\%s has a path the driver refuses. %s", server, s.Name, pr.Detail))
		}
		return providers.ReadResponse{NewState: req.Prior, Private: req.Private, Diagnostics: hcl.Diagnostics{diagOf(err, nil)}}
	}
	desc := cty.StringVal(s.Description)
	if s.Description == "" && prior.GetAttr("description").IsNull() {
		desc = cty.NullVal(cty.String)
	}
	path := cty.StringVal(s.Path)
	if pp := str(prior, "path"); samePath(pp, s.Path) {
		path = cty.StringVal(pp) // the server's spelling of the same folder
	}
	sids, err := p.priorSIDs(ctx, server, prior.GetAttr("access"))
	if err != nil {
		return providers.ReadResponse{NewState: req.Prior, Private: req.Private, Diagnostics: hcl.Diagnostics{diagOf(err, nil)}}
	}
	v := cty.ObjectVal(map[string]cty.Value{
		"server":                prior.GetAttr("server"),
		"name":                  prior.GetAttr("name"),
		"on_name_taken":         prior.GetAttr("on_name_taken"),
		"allow_broad_access":    prior.GetAttr("allow_broad_access"),
		"path":                  path,
		"description":           desc,
		"concurrent_user_limit": cty.NumberIntVal(s.ConcurrentUserLimit),
		"folder_enumeration":    cty.StringVal(s.FolderEnumeration),
		"caching":               cty.StringVal(s.Caching),
		"access":                accessValue(s.Access, prior.GetAttr("access"), sids),
		"actual_name":           cty.StringVal(s.Name),
		"unc":                   cty.StringVal(unc(server, s.Name)),
		"local_path":            cty.StringVal(f.Shown),
	})
	return providers.ReadResponse{NewState: v, Private: []byte(s.ID)}
}

// priorSIDs resolves the principals of the prior ACL to SIDs when the
// driver names principals by SID (nil otherwise).
func (p *Provider) priorSIDs(ctx context.Context, server string, prior cty.Value) (map[string]string, error) {
	r, ok := p.drv.(resolver)
	if !ok || prior.IsNull() || !prior.IsWhollyKnown() || prior.LengthInt() == 0 {
		return nil, nil
	}
	var principals []string
	for _, e := range prior.AsValueSlice() {
		principals = append(principals, str(e, "principal"))
	}
	return r.Resolve(ctx, server, principals)
}

// accessValue is the ACL as a set, spelling each principal as prior does
// when they are equal ignoring case, or stand for the same SID (sids: the
// SIDs of prior's principals, by folded principal). An empty ACL keeps
// prior's form (null or an empty set).
func accessValue(aces []ACE, prior cty.Value, sids map[string]string) cty.Value {
	if len(aces) == 0 {
		if prior.IsNull() {
			return cty.NullVal(cty.Set(aceType))
		}
		return cty.SetValEmpty(aceType)
	}
	spelling := map[string]string{}
	bySID := map[string]string{}
	if !prior.IsNull() && prior.IsWhollyKnown() {
		for _, e := range prior.AsValueSlice() {
			pr := str(e, "principal")
			spelling[fold(pr)] = pr
			if sid := sids[fold(pr)]; sid != "" {
				bySID[sid] = pr
			}
		}
	}
	elems := make([]cty.Value, len(aces))
	for i, a := range aces {
		principal := a.Principal
		if s, ok := bySID[a.SID]; ok && a.SID != "" {
			principal = s
		} else if s, ok := spelling[fold(principal)]; ok {
			principal = s
		}
		elems[i] = cty.ObjectVal(map[string]cty.Value{"principal": cty.StringVal(principal), "rights": cty.StringVal(a.Rights)})
	}
	return cty.SetVal(elems)
}

// Plan fills actual_name, unc and local_path from the share table: the
// share keeps the name it has; a new or renamed share takes its name, or
// with next_free the lowest free NAME_n.
func (p *Provider) Plan(ctx context.Context, req providers.PlanRequest) providers.PlanResponse {
	if d := p.ready(req.TypeName); d != nil {
		return providers.PlanResponse{Planned: req.Proposed, Diagnostics: d}
	}
	cfg, _ := req.Config.UnmarkDeep()
	if cfg.IsNull() {
		return providers.PlanResponse{Planned: cty.NullVal(shareType)}
	}
	proposed, _ := req.Proposed.UnmarkDeep()
	prior, _ := req.Prior.UnmarkDeep()
	vals := proposed.AsValueMap()
	for _, name := range []string{"actual_name", "unc", "local_path"} {
		vals[name] = cty.UnknownVal(cty.String)
	}
	var diags hcl.Diagnostics
	server, sok := known(cfg, "server")
	name, nok := known(cfg, "name")
	path, pok := known(cfg, "path")
	mode, mok := known(cfg, "on_name_taken")
	if sok && pok {
		if f, err := p.drv.Locate(server, path); err != nil {
			diags = append(diags, diagOf(err, cty.GetAttrPath("path")))
		} else {
			vals["local_path"] = cty.StringVal(f.Shown)
		}
	}
	if _, isSMB := p.drv.(*smbDriver); isSMB {
		for _, ad := range [][2]string{{"caching", "manual"}, {"folder_enumeration", "unrestricted"}} {
			attr, def := ad[0], ad[1]
			if v, ok := known(cfg, attr); ok && v != "" && v != def {
				diags = append(diags, providers.AttrError(cty.GetAttrPath(attr), "Setting not supported by the smb driver",
					fmt.Sprintf("The smb share driver manages a share's path, description, user limit and ACL; it does not set %s (it would need NetrShareSetInfo level 1005, which it does not send), so %q would show as drift forever. Remove %s, or set it on the server by hand.", attr, v, attr)))
			}
		}
	}
	if sok && nok && mok {
		reviewed := ""
		if req.Reviewed != cty.NilVal {
			r, _ := req.Reviewed.UnmarkDeep()
			reviewed, _ = known(r, "actual_name")
		}
		actual, d := p.pickName(ctx, req.Addr.String(), prior, reviewed, server, name, mode)
		if d != nil {
			diags = append(diags, d)
		} else {
			vals["actual_name"] = cty.StringVal(actual)
			vals["unc"] = cty.StringVal(unc(server, actual))
		}
	}
	return providers.PlanResponse{Planned: cty.ObjectVal(vals), Diagnostics: diags}
}

// pickName chooses the share name owner plans on server, and reserves it
// in this process so that no other share of the run plans it too. reviewed
// is the name of the reviewed plan when an apply plans again ("" before).
func (p *Provider) pickName(ctx context.Context, owner string, prior cty.Value, reviewed, server, name, mode string) (string, *hcl.Diagnostic) {
	if !prior.IsNull() {
		if pa, ok := known(prior, "actual_name"); ok && fold(str(prior, "server")) == fold(server) && fits(pa, name, mode) {
			// Reserved, so that the create planned next for a replacement
			// knows the name is this share's even when the table names no
			// owner (an imported share).
			p.mu.Lock()
			p.reserve(owner, server, pa)
			p.mu.Unlock()
			return pa, nil
		}
	}
	shares, err := p.drv.Shares(ctx, server)
	if err != nil {
		return "", diagOf(err, nil)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	actual, err := choose(shares, owner, server, name, mode, reviewed, func(cand string) string { return p.reservedBy(server, cand) })
	if err != nil {
		return "", diagOf(err, cty.GetAttrPath("name"))
	}
	p.reserve(owner, server, actual)
	return actual, nil
}

// choose returns name when no one else holds it; else, with next_free, the
// lowest free name_n. A share owned by owner is free to it, and so is one
// with no owner that owner reserved (its prior state names it: an imported
// share). reservedBy names who reserved a candidate in this run ("" for no
// one). reviewed, the name of the reviewed plan, is chosen again while it
// fits the configuration and is free: the shares of a saved plan keep
// their names whatever order another process plans them in.
func choose(shares []Share, owner, server, name, mode, reviewed string, reservedBy func(string) string) (string, error) {
	holder := func(cand string) string {
		r := reservedBy(cand)
		if s := find(shares, cand); s != nil && s.Owner != owner && (s.Owner != "" || r != owner) {
			if s.Owner == "" {
				return fmt.Sprintf("a share updplan does not manage (path %s)", s.Path)
			}
			return fmt.Sprintf("%s (path %s)", s.Owner, s.Path)
		}
		if r != "" && r != owner {
			return r + " (planned in this run)"
		}
		return ""
	}
	if reviewed != "" && fits(reviewed, name, mode) && holder(reviewed) == "" {
		return reviewed, nil
	}
	h := holder(name)
	if h == "" {
		return name, nil
	}
	if mode != "next_free" {
		return "", fault("Share name taken", fmt.Sprintf(
			"The share name %q on server %q is held by %s, and share names are unique per server (ignoring case). Choose another name, set on_name_taken = \"next_free\" to take the next free one (%s_1, %s_2, ...), or adopt the existing share with `updplan import` and the id %s\\%s.",
			name, server, h, name, name, server, name))
	}
	for i := 1; ; i++ {
		cand := name + "_" + strconv.Itoa(i)
		if len(cand) > maxNameLen {
			return "", fault("No free share name", fmt.Sprintf("Every name from %q to %q on server %q is taken, and longer names exceed %d characters. Choose a shorter or another name.", name, name+"_"+strconv.Itoa(i-1), server, maxNameLen))
		}
		if holder(cand) == "" {
			return cand, nil
		}
	}
}

// fits reports whether actual is a name the configuration could have
// chosen: the name itself, or with next_free NAME_n.
func fits(actual, name, mode string) bool {
	a, n := fold(actual), fold(name)
	if a == n {
		return true
	}
	if mode != "next_free" || !strings.HasPrefix(a, n+"_") {
		return false
	}
	num := a[len(n)+1:]
	return num != "" && num[0] != '0' && strings.Trim(num, "0123456789") == ""
}

// Apply creates, updates or deletes one share. A create finds a share of
// the planned name owned by the same address (an apply killed before state
// caught up) and adopts it.
func (p *Provider) Apply(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	if d := p.ready(req.TypeName); d != nil {
		return providers.ApplyResponse{NewState: req.Prior, Diagnostics: d}
	}
	planned, _ := req.Planned.UnmarkDeep()
	if planned.IsNull() {
		return p.remove(ctx, req)
	}
	return p.put(ctx, req)
}

// put makes a share as the configuration says: folder first, then the
// share table entry.
func (p *Provider) put(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	failed := func(diags ...*hcl.Diagnostic) providers.ApplyResponse {
		return providers.ApplyResponse{NewState: req.Prior, Private: req.PlannedPrivate, Diagnostics: diags}
	}
	cfg, _ := req.Config.UnmarkDeep()
	planned, _ := req.Planned.UnmarkDeep()
	prior, _ := req.Prior.UnmarkDeep()
	if cfg.IsNull() || !cfg.IsWhollyKnown() {
		return failed(providers.Error("Configuration not known at apply", "The share's configuration still holds values known only after apply. This is a bug in the engine."))
	}
	want, err := shareOf(cfg)
	if err != nil {
		return failed(providers.Errorf("Invalid share configuration", "The share's configuration cannot be read: %v. This is a bug in the engine.", err))
	}
	server, name, mode := str(cfg, "server"), str(cfg, "name"), str(cfg, "on_name_taken")
	owner := req.Addr.String()
	// From now on the table says whose the name is; after a failure the
	// next plan chooses again.
	defer func() {
		p.mu.Lock()
		p.release(owner)
		p.mu.Unlock()
	}()
	f, err := p.drv.Locate(server, want.Path)
	if err != nil {
		return failed(diagOf(err, cty.GetAttrPath("path")))
	}
	if err := p.drv.MakeFolder(f); err != nil {
		return failed(diagOf(err, cty.GetAttrPath("path")))
	}
	var priorName string
	if !prior.IsNull() && fold(str(prior, "server")) == fold(server) {
		priorName = str(prior, "actual_name")
	}
	plannedName, _ := known(planned, "actual_name")
	var made Share
	err = p.drv.Edit(ctx, server, func(current []Share) ([]edit, error) {
		actual := plannedName
		if actual == "" {
			var err error
			if actual, err = choose(current, owner, server, name, mode, "", func(string) string { return "" }); err != nil {
				return nil, err
			}
		}
		s := want
		s.Name, s.Owner, s.RequestedName, s.OnNameTaken = actual, owner, name, mode
		s.AllowBroadAccess = cfg.GetAttr("allow_broad_access").True()
		old, existing := find(current, priorName), find(current, actual)
		switch {
		case existing != nil && existing == old:
			s.ID, s.Created = existing.ID, existing.Created
		case existing != nil && existing.Owner == owner:
			s.ID, s.Created = newID(), existing.Created
		case existing != nil:
			return nil, fault("Share name taken", fmt.Sprintf("The share name %q on server %q was free when the plan was made, but is now held by %s (path %s). Run plan again to pick a name.", actual, server, ownerText(existing.Owner), existing.Path))
		default:
			s.ID, s.Created = newID(), time.Now().UTC()
		}
		var edits []edit
		if old != nil && fold(old.Name) != fold(actual) {
			edits = append(edits, edit{remove: old.Name})
		}
		made = s
		return append(edits, edit{put: &s}), nil
	})
	if err != nil {
		return failed(diagOf(err, cty.GetAttrPath("name")))
	}
	if _, isSMB := p.drv.(*smbDriver); isSMB {
		// A real server keeps no id: a delete goes by name and path.
		made.ID = ""
	}
	vals := cfg.AsValueMap()
	vals["actual_name"] = cty.StringVal(made.Name)
	vals["unc"] = cty.StringVal(unc(server, made.Name))
	vals["local_path"] = cty.StringVal(f.Shown)
	return providers.ApplyResponse{NewState: cty.ObjectVal(vals), Private: []byte(made.ID)}
}

func ownerText(owner string) string {
	if owner == "" {
		return "a share updplan does not manage"
	}
	return owner
}

// remove deletes the share's entry, never its folder. An entry that is no
// longer the one in state (taken over by a create_before_destroy
// replacement, or made again by hand) stays.
func (p *Provider) remove(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	prior, _ := req.Prior.UnmarkDeep()
	p.mu.Lock()
	p.release(req.Addr.String())
	p.mu.Unlock()
	if prior.IsNull() {
		return providers.ApplyResponse{NewState: cty.NullVal(shareType)}
	}
	id, path := string(req.PlannedPrivate), str(prior, "path")
	err := p.drv.Edit(ctx, str(prior, "server"), func(current []Share) ([]edit, error) {
		s := find(current, str(prior, "actual_name"))
		if s == nil || (id != "" && s.ID != id) || (id == "" && !samePath(s.Path, path)) {
			return nil, nil
		}
		return []edit{{remove: s.Name}}, nil
	})
	if err != nil {
		return providers.ApplyResponse{NewState: req.Prior, Private: req.PlannedPrivate, Diagnostics: hcl.Diagnostics{diagOf(err, nil)}}
	}
	return providers.ApplyResponse{NewState: cty.NullVal(shareType)}
}

// Import adopts a share by its actual name: `SERVER\NAME`, `\\SERVER\NAME`,
// or `NAME` when one server has a share of that name.
func (p *Provider) Import(ctx context.Context, req providers.ImportRequest) providers.ImportResponse {
	if d := p.ready(req.TypeName); d != nil {
		return providers.ImportResponse{State: cty.NullVal(shareType), Diagnostics: d}
	}
	fail := func(d *hcl.Diagnostic) providers.ImportResponse {
		return providers.ImportResponse{State: cty.NullVal(shareType), Diagnostics: hcl.Diagnostics{d}}
	}
	server, name, withServer := strings.Cut(strings.TrimPrefix(req.ID, `\\`), `\`)
	if !withServer {
		server, name = "", server
	}
	servers, err := p.drv.Servers(ctx)
	if err != nil {
		return fail(diagOf(err, nil))
	}
	var holders []string
	var shares []Share
	for _, srv := range servers {
		if withServer && fold(srv) != fold(server) {
			continue
		}
		ss, err := p.drv.Shares(ctx, srv)
		if err != nil {
			return fail(diagOf(err, nil))
		}
		if find(ss, name) != nil {
			holders, shares = append(holders, srv), ss
		}
	}
	switch {
	case len(holders) == 0 && withServer:
		return fail(providers.Errorf("Share not found", "Server %q has no share named %q. Check the id: it is the share's actual name, as SERVER\\NAME, e.g. SRV01\\PackageSrc.", server, name))
	case len(holders) == 0:
		return fail(providers.Errorf("Share not found", "No server has a share named %q. Check the id: it is the share's actual name, as SERVER\\NAME or NAME, e.g. SRV01\\PackageSrc.", name))
	case len(holders) > 1:
		return fail(providers.Errorf("Ambiguous share id", "The servers %s all have a share named %q. Write the id as SERVER\\NAME, e.g. %s\\%s.", strings.Join(holders, ", "), name, holders[0], name))
	}
	server = holders[0]
	s := find(shares, name)
	// Read from a prior that knows only what the table says.
	requested, mode := s.Name, "fail"
	if s.RequestedName != "" && fits(s.Name, s.RequestedName, s.OnNameTaken) {
		requested, mode = s.RequestedName, s.OnNameTaken
	}
	prior := cty.ObjectVal(map[string]cty.Value{
		"server": cty.StringVal(server), "name": cty.StringVal(requested), "path": cty.StringVal(s.Path),
		"description": cty.NullVal(cty.String), "on_name_taken": cty.StringVal(mode),
		"concurrent_user_limit": cty.NumberIntVal(0), "folder_enumeration": cty.StringVal("unrestricted"),
		"caching": cty.StringVal("manual"), "allow_broad_access": cty.BoolVal(s.AllowBroadAccess),
		"access": cty.SetValEmpty(aceType), "actual_name": cty.StringVal(s.Name),
		"unc": cty.NullVal(cty.String), "local_path": cty.NullVal(cty.String),
	})
	resp := p.readFrom(ctx, shares, providers.ReadRequest{TypeName: req.TypeName, Addr: req.Addr, Prior: prior})
	if resp.Diagnostics.HasErrors() {
		return providers.ImportResponse{State: cty.NullVal(shareType), Diagnostics: resp.Diagnostics}
	}
	if resp.NewState.IsNull() {
		return fail(providers.Errorf("Share not found", "The share %s\\%s is in the share table, but its folder is missing, so the server cannot serve it. Create the folder, or declare the share and let apply create it.", server, s.Name))
	}
	return providers.ImportResponse{State: resp.NewState, Private: resp.Private}
}

// shareOf is the share a wholly known configuration describes, without
// name, owner, id and creation time.
func shareOf(cfg cty.Value) (Share, error) {
	s := Share{
		Path:              str(cfg, "path"),
		Description:       str(cfg, "description"),
		FolderEnumeration: str(cfg, "folder_enumeration"),
		Caching:           str(cfg, "caching"),
		Access:            []ACE{},
	}
	if v := cfg.GetAttr("concurrent_user_limit"); !v.IsNull() {
		if err := gocty.FromCtyValue(v, &s.ConcurrentUserLimit); err != nil {
			return s, fmt.Errorf("concurrent_user_limit: %v", err)
		}
	}
	if v := cfg.GetAttr("access"); !v.IsNull() {
		for _, e := range v.AsValueSlice() {
			s.Access = append(s.Access, ACE{Principal: str(e, "principal"), Rights: str(e, "rights")})
		}
	}
	return s, nil
}

func unc(server, name string) string { return `\\` + server + `\` + name }

// samePath compares two share paths as Windows does: ignoring case, with
// either slash.
func samePath(a, b string) bool {
	norm := func(s string) string { return strings.ReplaceAll(fold(s), "/", `\`) }
	return norm(a) == norm(b)
}

// str is a string attribute of an object, "" when null or unknown.
func str(obj cty.Value, name string) string {
	s, _ := known(obj, name)
	return s
}

// strAttr is a string attribute, or def when the object lacks it or it is
// null.
func strAttr(obj cty.Value, name, def string) string {
	if obj.IsNull() || !obj.Type().IsObjectType() || !obj.Type().HasAttribute(name) {
		return def
	}
	if s, ok := known(obj, name); ok && s != "" {
		return s
	}
	return def
}

// known is a string attribute and whether it is known; null is known and
// "".
func known(obj cty.Value, name string) (string, bool) {
	v := obj.GetAttr(name)
	if !v.IsKnown() {
		return "", false
	}
	if v.IsNull() {
		return "", true
	}
	return v.AsString(), true
}
