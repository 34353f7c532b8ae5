package schema

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Object rules: attributes of one object that must agree with each other.
// Values may hold unknowns (references known only after apply); a rule
// only judges what is known. A null optional attribute counts as its
// schema default, whether or not the engine has filled it in yet.

// attr returns the attribute name of obj and whether it is known. A
// missing attribute, or a null or unknown obj, is reported as unknown
// unless obj is a known object that simply lacks it (then null).
func attr(obj cty.Value, name string) (cty.Value, bool) {
	if obj == cty.NilVal || !obj.IsKnown() || obj.IsNull() || !obj.Type().IsObjectType() {
		return cty.NilVal, false
	}
	if !obj.Type().HasAttribute(name) {
		return cty.NullVal(cty.DynamicPseudoType), true
	}
	v := obj.GetAttr(name)
	return v, v.IsKnown()
}

// isSet reports whether obj's attribute is known and not null.
func isSet(obj cty.Value, name string) bool {
	v, ok := attr(obj, name)
	return ok && !v.IsNull()
}

// isUnset reports whether obj's attribute is known to be null.
func isUnset(obj cty.Value, name string) bool {
	v, ok := attr(obj, name)
	return ok && v.IsNull()
}

// strAttr returns a known string attribute, def when it is null.
func strAttr(obj cty.Value, name, def string) (string, bool) {
	v, ok := attr(obj, name)
	if !ok {
		return "", false
	}
	if v.IsNull() {
		return def, def != ""
	}
	if !v.Type().Equals(cty.String) {
		return "", false
	}
	return v.AsString(), true
}

// boolAttr returns a known bool attribute, def when it is null.
func boolAttr(obj cty.Value, name string, def bool) (bool, bool) {
	v, ok := attr(obj, name)
	if !ok {
		return false, false
	}
	if v.IsNull() {
		return def, true
	}
	if !v.Type().Equals(cty.Bool) {
		return false, false
	}
	return v.True(), true
}

func path(names ...string) cty.Path {
	var p cty.Path
	for _, n := range names {
		p = p.GetAttr(n)
	}
	return p
}

func errorAt(p cty.Path, summary, detail string) *Problem {
	return &Problem{Severity: hcl.DiagError, Summary: summary, Detail: detail, Path: p}
}

func warningAt(p cty.Path, summary, detail string) *Problem {
	return &Problem{Severity: hcl.DiagWarning, Summary: summary, Detail: detail, Path: p}
}

func siteRules(obj cty.Value) []*Problem {
	code, cok := strAttr(obj, "code", "")
	parent, pok := strAttr(obj, "parent", "")
	if cok && pok && code == parent {
		return []*Problem{errorAt(path("parent"), "Site is its own parent",
			fmt.Sprintf("The site %s names itself as its parent. Set `parent` to the code of the site above it, or remove `parent` for a central site.", code))}
	}
	return nil
}

func collectionRules(obj cty.Value) []*Problem {
	var ps []*Problem
	if isSet(obj, "members") {
		for _, other := range []string{"members_include", "members_exclude"} {
			if isSet(obj, other) {
				ps = append(ps, errorAt(path(other), "Conflicting arguments",
					fmt.Sprintf("`members` sets the exact membership of the collection, so `%s` cannot be used with it. Remove `%s` and list every member in `members`, or remove `members`.", other, other)))
			}
		}
	}
	inc, _ := knownStrings(attrOrNil(obj, "members_include"))
	exc, _ := knownStrings(attrOrNil(obj, "members_exclude"))
	for _, i := range inc {
		for _, e := range exc {
			if strings.EqualFold(i, e) {
				ps = append(ps, errorAt(path("members_exclude"), "Computer both included and excluded",
					fmt.Sprintf("%q is in both `members_include` and `members_exclude`. Remove it from one of them.", e)))
			}
		}
	}
	refresh, known := strAttr(obj, "refresh", "manual")
	if known && refresh == "periodic" && isUnset(obj, "refresh_schedule") {
		ps = append(ps, errorAt(path("refresh"), "Missing refresh schedule",
			"A periodic collection needs a `refresh_schedule`. Add one, e.g. `refresh_schedule = \"every 1 days\"`, or set `refresh = \"manual\"`."))
	}
	if known && refresh == "manual" && isSet(obj, "refresh_schedule") {
		ps = append(ps, warningAt(path("refresh_schedule"), "Refresh schedule not used",
			"The collection is refreshed only manually, so `refresh_schedule` has no effect. Set `refresh = \"periodic\"` to use it, or remove `refresh_schedule`."))
	}
	return ps
}

// attrOrNil returns a known attribute value or cty.NilVal.
func attrOrNil(obj cty.Value, name string) cty.Value {
	v, ok := attr(obj, name)
	if !ok {
		return cty.NilVal
	}
	return v
}

func advertisementRules(obj cty.Value) []*Problem {
	var ps []*Problem
	avail, aok := strAttr(obj, "available_after", "")
	exp, eok := strAttr(obj, "expires_at", "")
	if aok && eok {
		a, e, ok := bothTimes(avail, exp)
		if ok && !e.After(a) {
			ps = append(ps, errorAt(path("expires_at"), "Advertisement expires before it is available",
				fmt.Sprintf("`expires_at` (%s) is not after `available_after` (%s), so no client would ever run the program. Set `expires_at` to a later time or remove it.", exp, avail)))
		}
	}
	if sched, ok := attr(obj, "schedule"); ok {
		// maxItems(15) on the attribute covers wholly known lists; the
		// engine runs attribute checks only on those.
		if !sched.IsNull() && !sched.IsWhollyKnown() && sched.CanIterateElements() {
			if n := sched.LengthInt(); n > 15 {
				ps = append(ps, errorAt(path("schedule"), "Too many items",
					fmt.Sprintf("The advertisement has %d mandatory assignments, but Configuration Manager holds at most 15. Remove %d of them.", n, n-15)))
			}
		}
		entries, keys := knownStrings(sched)
		seen := map[string]bool{}
		for i, e := range entries {
			k := assignmentEvent(e)
			if k == "" {
				c, err := CanonicalSchedule(e)
				if err != nil {
					continue // the attribute check reports it
				}
				k = c
			}
			if seen[k] {
				ps = append(ps, warningAt(cty.GetAttrPath("schedule").Index(keys[i]), "Duplicate assignment",
					fmt.Sprintf("The assignment %q appears twice in `schedule` (perhaps spelled differently). Remove one of them.", e)))
			}
			seen[k] = true
		}
	}
	// rerun governs repeated mandatory assignments only; the default says
	// nothing, so only a value someone chose is worth a warning.
	rerun, rok := strAttr(obj, "rerun", "")
	if rok && rerun != "if_failed" && hasNoAssignments(obj) {
		ps = append(ps, warningAt(path("rerun"), "Rerun behaviour not used",
			fmt.Sprintf("`rerun = %q` applies only to mandatory assignments, and the advertisement has no `schedule`. Add a `schedule` or remove `rerun`.", rerun)))
	}
	return ps
}

// hasNoAssignments reports whether obj's schedule is known to be null or empty.
func hasNoAssignments(obj cty.Value) bool {
	v, ok := attr(obj, "schedule")
	if !ok {
		return false
	}
	return v.IsNull() || (v.CanIterateElements() && v.LengthInt() == 0)
}

var smspkgRE = regexp.MustCompile(`(?i)^SMSPKG[A-Z]\$$`)

func distributionPointRules(obj cty.Value) []*Problem {
	var ps []*Problem
	kind, kok := strAttr(obj, "kind", "server")
	share, sok := strAttr(obj, "share", "")
	switch {
	case kok && kind == "server" && sok && !smspkgRE.MatchString(share):
		ps = append(ps, errorAt(path("share"), "Share not used by a server distribution point",
			fmt.Sprintf("A distribution point of kind \"server\" uses the share Configuration Manager creates, SMSPKG<drive letter>$ (e.g. SMSPKGD$), not %q. Remove `share`, set it to SMSPKG<drive letter>$, or set `kind = \"server_share\"` to use a share you created.", share)))
	case kok && kind == "server_share" && isUnset(obj, "share"):
		ps = append(ps, errorAt(path("kind"), "Missing share",
			"A distribution point of kind \"server_share\" uses a share you created beforehand, so `share` is required. Set `share` to that share's name."))
	}
	if sok {
		if msg := shareNameError(share); msg != "" {
			ps = append(ps, errorAt(path("share"), "Invalid share name", msg+" Set `share` to the name of the share, without the server."))
		}
	}
	if cp, ok := strAttr(obj, "content_path", ""); ok {
		if why := contentPathError(cp); why != "" {
			ps = append(ps, errorAt(path("content_path"), "Invalid content path",
				fmt.Sprintf("The content path %q is not valid: %s. Use a local folder (e.g. \"D:\\\\SMSPKG\" or \"/srv/dp1\") or an SMB URL such as \"smb://dp1/SMSPKGD$/content\".", cp, why)))
		}
	}
	return ps
}

// contentPathError explains why p is neither a local path nor
// smb://host/share[/path], or returns "".
func contentPathError(p string) string {
	if strings.TrimSpace(p) == "" {
		return "it is empty"
	}
	if strings.HasPrefix(p, `\\`) {
		return "a UNC path is not accepted here; write it as smb://host/share/path"
	}
	scheme, _, hasScheme := strings.Cut(p, "://")
	if !hasScheme {
		return ""
	}
	if !strings.EqualFold(scheme, "smb") {
		return fmt.Sprintf("the scheme %q is not supported, only smb://", scheme)
	}
	u, err := url.Parse(p)
	if err != nil {
		return "it is not a valid URL"
	}
	if u.Hostname() == "" {
		return "the URL has no host"
	}
	share, _, _ := strings.Cut(strings.TrimPrefix(u.Path, "/"), "/")
	if share == "" {
		return "the URL has no share name after the host"
	}
	if msg := shareNameError(share); msg != "" {
		return strings.TrimSuffix(strings.ToLower(msg[:1])+msg[1:], ".")
	}
	return ""
}

func deploymentRules(obj cty.Value) []*Problem {
	var ps []*Problem
	start, sok := strAttr(obj, "start_time", "")
	deadline, dok := strAttr(obj, "deadline", "")
	if sok && dok {
		s, d, ok := bothTimes(start, deadline)
		if ok && d.Before(s) {
			ps = append(ps, errorAt(path("deadline"), "Deadline before start time",
				fmt.Sprintf("The deadline (%s) is before the start time (%s). Set `deadline` to the start time or later.", deadline, start)))
		}
	}
	sms, ok := attr(obj, "sms2003")
	if !ok || sms.IsNull() {
		return ps
	}
	enabled, eok := boolAttr(sms, "enabled", false)
	if eok && enabled && isUnset(obj, "package") {
		ps = append(ps, errorAt(path("sms2003", "enabled"), "SMS 2003 deployment without a deployment package",
			"The deployment reaches SMS 2003 clients but names no deployment package. The updates a deployment assigns must already be in a deployment package, and for SMS 2003 clients Configuration Manager downloads again every update missing from the chosen package, even when another package holds it. Set `package` to a deployment package of the deployment's site that already holds the updates (e.g. `package = deployment_package.monthly.id`)."))
	}
	if eok && !enabled && isSet(sms, "schedule") {
		ps = append(ps, warningAt(path("sms2003", "schedule"), "SMS 2003 schedule not used",
			"The SMS 2003 mandatory schedule applies only when the deployment reaches SMS 2003 clients, and `sms2003.enabled` is false. Set `enabled = true` in the `sms2003` block, or remove `schedule`."))
	}
	if isSet(sms, "max_install_minutes") && isUnset(sms, "schedule") {
		ps = append(ps, errorAt(path("sms2003", "max_install_minutes"), "Maximum installation time without a schedule",
			"`max_install_minutes` limits how late after the mandatory schedule an installation may start, and the `sms2003` block has no `schedule`. Add a `schedule`, or remove `max_install_minutes`."))
	}
	return ps
}

// broadPrincipals may not get full or change rights on a share unless
// allow_broad_access is set: names (lower case, without domain) and the
// SIDs of the same groups.
var broadPrincipals = map[string]bool{
	"everyone": true, "authenticated users": true, "users": true, "domain users": true,
	"guests": true, "domain guests": true, "guest": true, "anonymous logon": true, "anonymous": true,
	"interactive": true, "network": true, "domain computers": true,
	"s-1-1-0": true, "s-1-5-11": true, "s-1-5-32-545": true, "s-1-5-32-546": true,
	"s-1-5-7": true, "s-1-5-4": true, "s-1-5-2": true,
}

// domainBroadRID matches the SIDs of a domain's Domain Users (513), Domain
// Guests (514), Domain Computers (515) and Guest account (501).
var domainBroadRID = regexp.MustCompile(`^s-1-5-21-[0-9]+-[0-9]+-[0-9]+-(501|513|514|515)$`)

// isBroadPrincipal reports a principal, by name or SID, that stands for a
// large or anonymous group.
func isBroadPrincipal(p string) bool {
	b := principalBaseName(p)
	return broadPrincipals[b] || domainBroadRID.MatchString(b)
}

// principalKey folds the spellings of one principal together: case, and
// the BUILTIN\ prefix of local groups.
func principalKey(p string) string {
	k := strings.ToLower(strings.TrimSpace(p))
	return strings.TrimPrefix(k, `builtin\`)
}

// principalBaseName is the account name without its domain.
func principalBaseName(p string) string {
	k := strings.ToLower(strings.TrimSpace(p))
	if i := strings.LastIndex(k, `\`); i >= 0 {
		k = k[i+1:]
	}
	return k
}

func shareRules(obj cty.Value) []*Problem {
	var ps []*Problem
	access, ok := attr(obj, "access")
	if !ok {
		return nil
	}
	if access.IsNull() || (access.CanIterateElements() && access.Length().IsKnown() && access.LengthInt() == 0) {
		return []*Problem{warningAt(nil, "Share without access entries",
			"The share has no `access` blocks, and Windows grants Everyone read access to a share created without an ACL. Add `access` blocks for the principals that need the share, e.g. Administrators and SMS Admins with `full` rights.")}
	}
	if !access.CanIterateElements() {
		return nil
	}
	allowBroad, bok := boolAttr(obj, "allow_broad_access", false)
	type use struct {
		label string
		key   cty.Value
	}
	seen := map[string][]use{}
	var order []string
	for it := access.ElementIterator(); it.Next(); {
		key, entry := it.Element()
		principal, pok := strAttr(entry, "principal", "")
		rights, rok := strAttr(entry, "rights", "")
		if !pok {
			continue
		}
		if !rok {
			rights = "rights known after apply"
		}
		k := principalKey(principal)
		if _, dup := seen[k]; !dup {
			order = append(order, k)
		}
		seen[k] = append(seen[k], use{principal + " (" + rights + ")", key})
		if bok && !allowBroad && (rights == "full" || rights == "change") && isBroadPrincipal(principal) {
			ps = append(ps, errorAt(cty.GetAttrPath("access").Index(key).GetAttr("principal"), "Broad share access",
				fmt.Sprintf("The share grants %q %s rights, so every member of that group could change or replace what the share holds (for PkgSource: the catalog and the programs every client runs). Grant %q `read` rights and give `full` or `change` only to administrators (e.g. Administrators, SMS Admins), or set `allow_broad_access = true` if this is really intended.", principal, rights, principal)))
		}
	}
	for _, k := range order {
		if list := seen[k]; len(list) > 1 {
			labels := make([]string, len(list))
			for i, u := range list {
				labels[i] = u.label
			}
			ps = append(ps, errorAt(cty.GetAttrPath("access").Index(list[1].key), "Duplicate access principal",
				fmt.Sprintf("The principal %q appears in %d access blocks: %s. A share ACL holds one entry per principal: keep one `access` block for it.", strings.SplitN(list[0].label, " (", 2)[0], len(list), strings.Join(labels, ", "))))
		}
	}
	return ps
}

func catalogRules(obj cty.Value) []*Problem {
	var ps []*Problem
	if src, ok := attr(obj, "source"); ok && !src.IsNull() {
		_, uok := attr(src, "url")
		_, lok := attr(src, "local_path")
		if uok && lok {
			hasURL, hasLocal := isSet(src, "url"), isSet(src, "local_path")
			switch {
			case hasURL && hasLocal:
				ps = append(ps, errorAt(path("source", "local_path"), "Conflicting catalog sources",
					"The `source` block sets both `url` and `local_path`. Keep `url` to download the catalog, or `local_path` to read a local catalog location filled by hand, not both."))
			case !hasURL && !hasLocal:
				ps = append(ps, errorAt(path("source"), "Missing catalog source",
					"The `source` block sets neither `url` nor `local_path`. Set `url` to download the catalog over HTTP(S), or `local_path` to read it from a local catalog location."))
			}
		}
	}
	if v, ok := boolAttr(obj, "verify_signature", true); ok && !v {
		ps = append(ps, warningAt(path("verify_signature"), "Catalog signature not verified",
			"With `verify_signature = false` a tampered or corrupted catalog could be copied to PkgSource and every distribution point, and clients would scan against it. Remove `verify_signature = false` unless this is a test setup."))
	}
	if name, ok := strAttr(obj, "file_name", ""); ok && strings.EqualFold(name, "wsusscan.cab") {
		ps = append(ps, warningAt(path("file_name"), "Obsolete catalog",
			"wsusscan.cab is the old catalog format, unmaintained since March 2007; the Inventory Tool for Microsoft Updates scans with wsusscn2.cab. Remove `file_name` to use wsusscn2.cab."))
	}
	return ps
}
