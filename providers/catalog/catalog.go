package catalog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/providers/internal/smbconn"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// spec is one catalog's settings, from a configuration or state value.
type spec struct {
	ctx             context.Context // for SMB operations
	p               *Provider       // its SMB pool and accounts
	base            string          // relative paths are relative to it
	url, localPath  string
	fileName        string
	destination     string   // as written; paths are made absolute where used
	dps             []string // as written, sorted
	verifySignature bool
	anchors         []string
	full            bool
}

// decodeSpec reads the settings of v; ok is false when some are not known
// yet (they depend on objects still to be created).
func decodeSpec(v cty.Value, base string) (sp spec, ok bool) {
	sp.base = base
	for _, name := range []string{"source", "file_name", "destination", "distribution_points", "verify_signature", "trust_anchors", "verify"} {
		if !v.GetAttr(name).IsWhollyKnown() {
			return sp, false
		}
	}
	if src := v.GetAttr("source"); !src.IsNull() {
		sp.url, sp.localPath = optString(src, "url"), optString(src, "local_path")
	}
	sp.fileName = optString(v, "file_name")
	if sp.fileName == "" {
		sp.fileName = "wsusscn2.cab"
	}
	sp.destination = optString(v, "destination")
	if dps := v.GetAttr("distribution_points"); !dps.IsNull() {
		for it := dps.ElementIterator(); it.Next(); {
			_, e := it.Element()
			sp.dps = append(sp.dps, e.AsString())
		}
	}
	sort.Strings(sp.dps)
	sp.verifySignature = true
	if vs := v.GetAttr("verify_signature"); !vs.IsNull() {
		sp.verifySignature = vs.True()
	}
	if ta := v.GetAttr("trust_anchors"); !ta.IsNull() {
		for it := ta.ElementIterator(); it.Next(); {
			_, e := it.Element()
			sp.anchors = append(sp.anchors, sp.abs(e.AsString()))
		}
	}
	sp.full = optString(v, "verify") == "full"
	return sp, true
}

// abs makes a path absolute against the configuration directory.
func (sp spec) abs(path string) string { return absPath(sp.base, path) }

func (sp spec) destPath() string { return filepath.Join(sp.abs(sp.destination), sp.fileName) }

// destFile is the copy in the destination (PkgSource), always local.
func (sp spec) destFile() localFile { return localFile{sp.destPath()} }

// dpFile is the copy on the distribution point dp, as written: a local
// folder, or an smb:// URL or UNC path.
func (sp spec) dpFile(dp string) catalogFile {
	if !isSMB(dp) {
		return localFile{filepath.Join(sp.abs(dp), sp.fileName)}
	}
	loc, err := smbconn.Parse(dp)
	if err != nil || sp.p == nil {
		return brokenFile{key: dp, err: fmt.Errorf("%s is not a usable SMB location: %v", dp, err)}
	}
	return &smbFile{ctx: sp.ctx, pool: sp.p.smb, cred: sp.p.credFor(loc.Host), dir: loc, name: sp.fileName}
}

func isSMB(dp string) bool {
	return strings.HasPrefix(strings.ToLower(dp), "smb://") || strings.HasPrefix(dp, `\\`)
}

// spec decodes v's settings for ctx.
func (p *Provider) spec(ctx context.Context, v cty.Value) (spec, bool) {
	sp, known := decodeSpec(v, p.workingDir)
	sp.ctx, sp.p = ctx, p
	return sp, known
}

func (sp spec) sourceFile() localFile { return localFile{sp.sourcePath()} }

// sourcePath is the local source file: local_path, or file_name inside it
// when it names a folder.
func (sp spec) sourcePath() string {
	p := sp.abs(sp.localPath)
	if info, err := os.Stat(p); err == nil && info.IsDir() {
		return filepath.Join(p, sp.fileName)
	}
	return p
}

// paths are the files whose stamps are worth keeping.
func (sp spec) paths() []string {
	out := []string{sp.destPath()}
	if sp.localPath != "" {
		out = append(out, sp.sourcePath())
	}
	for _, dp := range sp.dps {
		out = append(out, sp.dpFile(dp).Key())
	}
	return out
}

var (
	pathLocalPath = cty.GetAttrPath("source").GetAttr("local_path")
	pathURL       = cty.GetAttrPath("source").GetAttr("url")
	pathDPs       = cty.GetAttrPath("distribution_points")
)

func (sp spec) sourceAttr() cty.Path {
	if sp.url != "" {
		return pathURL
	}
	return pathLocalPath
}

// checkTargets refuses places the catalog cannot go.
func (sp spec) checkTargets() hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, dp := range sp.dps {
		if !isSMB(dp) {
			continue
		}
		if _, err := smbconn.Parse(dp); err != nil {
			diags = append(diags, providers.AttrError(pathDPs, "Invalid distribution point",
				fmt.Sprintf("The distribution point %q cannot be used: %v. Nothing was copied.", dp, err)))
		}
	}
	if isSMB(sp.destination) {
		diags = append(diags, providers.AttrError(cty.GetAttrPath("destination"), "Destination must be a local folder",
			fmt.Sprintf("The destination %q is a network path. The destination is the PkgSource folder on the machine that runs updplan (the sync host); write it as a local path, and list network folders in distribution_points.", sp.destination)))
	}
	if sp.url == "" && sp.localPath == "" {
		diags = append(diags, providers.AttrError(cty.GetAttrPath("source"), "Catalog source missing",
			"The source block sets neither url nor local_path. Set exactly one of them."))
	}
	return diags
}

func (p *Provider) verifierOf(sp spec) (SignatureVerifier, hcl.Diagnostics) {
	if !sp.verifySignature {
		return nil, nil
	}
	v, err := p.verifierFor(sp.anchors)
	if err != nil {
		return nil, hcl.Diagnostics{providers.AttrError(cty.GetAttrPath("trust_anchors"), "Unusable trust anchors",
			fmt.Sprintf("The trust anchors cannot be loaded: %v. Point trust_anchors at PEM files of root certificates.", err))}
	}
	return v, nil
}

// refusals are the summaries of refused catalogs and what to do, by
// SignatureError.Kind.
var refusals = map[string]struct{ summary, todo string }{
	"unsigned":  {"Unsigned catalog", "Windows Update Agent refuses unsigned catalogs. Put a catalog signed by Microsoft at the source (fetch it again), or set verify_signature = false only for a test catalog."},
	"tampered":  {"Catalog does not match its signature", "Fetch the catalog again; if this repeats, something between Microsoft and the source is altering or damaging it."},
	"untrusted": {"Untrusted catalog signature", "If the catalog is genuine, add the root certificate it chains to in trust_anchors."},
	"weak":      {"No SHA-256 catalog signature", "Fetch a current catalog: Microsoft has signed it with SHA-256 since 2020."},
	"malformed": {"Unreadable catalog signature", "Fetch the catalog again; the file is damaged or not a signed cabinet."},
}

// sourceDiag explains why a catalog was refused, and what to do.
func sourceDiag(sp spec, where string, err error) *hcl.Diagnostic {
	path := sp.sourceAttr()
	var se *SignatureError
	if errors.As(err, &se) {
		advice := refusals[se.Kind]
		return providers.AttrError(path, advice.summary, fmt.Sprintf("The catalog from %s was refused: %s. It was not copied to the destination or to any distribution point. %s", where, se.Reason, advice.todo))
	}
	if errors.Is(err, errMissing) {
		return providers.AttrError(path, "Catalog source not found",
			fmt.Sprintf("There is no catalog at %s. Copy the catalog there, or correct local_path.", where))
	}
	if errors.Is(err, errChangedUnderUs) {
		return providers.AttrError(path, "Catalog changed during the copy",
			fmt.Sprintf("The catalog at %s changed while it was being copied, so the copy was dropped everywhere; nothing was replaced. Run apply again once whatever writes the catalog there has finished.", where))
	}
	if errors.Is(err, errPlanStale) {
		return providers.AttrError(path, "Catalog changed since the plan",
			fmt.Sprintf("The catalog from %s is not the one the plan was made with; nothing was copied. Run plan again to review the new catalog.", where))
	}
	return providers.AttrError(path, "Catalog source unreadable",
		fmt.Sprintf("The catalog from %s cannot be fetched: %v. Check that the source is reachable, then run again.", where, err))
}

var errPlanStale = errors.New("the catalog changed since the plan")

// Read reports the catalog as it is: the hash of the copy in the
// destination (the object is gone when that copy is) and of the copy on
// each distribution point, absent where there is none.
func (p *Provider) Read(ctx context.Context, req providers.ReadRequest) providers.ReadResponse {
	if d := p.ready(req.TypeName); d.HasErrors() {
		return providers.ReadResponse{NewState: req.Prior, Private: req.Private, Diagnostics: d}
	}
	prior, _ := req.Prior.UnmarkDeep()
	if prior.IsNull() {
		return providers.ReadResponse{NewState: prior}
	}
	pr := decodePrivate(req.Private)
	sp, _ := p.spec(ctx, prior)
	st, err := p.inspect(sp.destFile(), pr, sp.full, nil)
	if errors.Is(err, errMissing) {
		return providers.ReadResponse{NewState: cty.NullVal(prior.Type()), Private: pr.encode()}
	}
	if err != nil {
		return providers.ReadResponse{NewState: prior, Private: req.Private, Diagnostics: hcl.Diagnostics{providers.AttrError(cty.GetAttrPath("destination"), "Catalog unreadable",
			fmt.Sprintf("The catalog in the destination cannot be read: %v. Check the folder's permissions.", err))}}
	}
	signer := optString(prior, "signer")
	if st.SHA256 != optString(prior, "sha256") {
		signer = ""
		if v, _ := p.verifierOf(sp); v != nil {
			if vst, err := p.inspect(sp.destFile(), pr, sp.full, v); err == nil {
				signer = vst.Signer
			}
		}
	}
	attrs := prior.AsValueMap()
	attrs["sha256"] = cty.StringVal(st.SHA256)
	attrs["size"] = cty.NumberIntVal(st.Size)
	attrs["signer"] = cty.StringVal(signer)
	var diags hcl.Diagnostics
	attrs["distributed"], diags = p.readDistributed(sp, pr)
	pr.keepOnly(sp.paths())
	return providers.ReadResponse{NewState: cty.ObjectVal(attrs), Private: pr.encode(), Diagnostics: diags}
}

// readDistributed is the hash of the copy on each distribution point; one
// that cannot be read is left out (drift: the next apply copies there) with
// a warning saying why.
func (p *Provider) readDistributed(sp spec, pr *private) (cty.Value, hcl.Diagnostics) {
	m := map[string]cty.Value{}
	var diags hcl.Diagnostics
	for _, dp := range sp.dps {
		st, err := p.inspect(sp.dpFile(dp), pr, sp.full, nil)
		switch {
		case err == nil:
			m[dp] = cty.StringVal(st.SHA256)
		case !errors.Is(err, errMissing):
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Distribution point unreadable",
				Detail: fmt.Sprintf("The catalog on %s cannot be read: %v. It counts as missing: apply copies it there once the distribution point can be reached.", dp, err)})
		}
	}
	if len(m) == 0 {
		return cty.MapValEmpty(cty.String), diags
	}
	return cty.MapVal(m), diags
}

// source is what is known of the catalog at the source.
type source struct {
	known         bool
	sha, signer   string
	size          int64
	sourceVersion string
}

// Plan hashes and checks a local source now; a URL source is asked with a
// conditional HEAD whether it changed since the last download (unchanged:
// the hash of that download; changed: unknown until apply).
func (p *Provider) Plan(ctx context.Context, req providers.PlanRequest) providers.PlanResponse {
	if d := p.ready(req.TypeName); d.HasErrors() {
		return providers.PlanResponse{Planned: req.Proposed, Diagnostics: d}
	}
	cfg, _ := req.Config.UnmarkDeep()
	prior, _ := req.Prior.UnmarkDeep()
	if cfg.IsNull() {
		return providers.PlanResponse{Planned: cfg}
	}
	var resp providers.PlanResponse
	if !prior.IsNull() {
		for _, name := range []string{"destination", "file_name"} {
			if a, b := prior.GetAttr(name), cfg.GetAttr(name); a.IsKnown() && b.IsKnown() && !a.RawEquals(b) {
				resp.RequiresReplace = append(resp.RequiresReplace, cty.GetAttrPath(name))
			}
		}
	}
	pr := decodePrivate(req.PriorPrivate)
	sp, known := p.spec(ctx, cfg)
	attrs := cfg.AsValueMap()
	unknownStr := cty.UnknownVal(cty.String)
	attrs["sha256"], attrs["signer"], attrs["source_version"], attrs["synced_at"] = unknownStr, unknownStr, unknownStr, unknownStr
	attrs["size"] = cty.UnknownVal(cty.Number)
	attrs["distributed"] = cty.UnknownVal(cty.Map(cty.String))
	if !known {
		resp.Planned = cty.ObjectVal(attrs)
		return resp
	}
	if resp.Diagnostics = sp.checkTargets(); resp.Diagnostics.HasErrors() {
		return resp
	}
	v, diags := p.verifierOf(sp)
	if resp.Diagnostics = append(resp.Diagnostics, diags...); diags.HasErrors() {
		return resp
	}
	var src source
	if sp.url != "" {
		last := lastDownload(sp, pr, v)
		unchanged, err := p.probe(ctx, sp.url, last)
		if err != nil {
			resp.Diagnostics = append(resp.Diagnostics, sourceDiag(sp, redacted(sp.url), err))
			return resp
		}
		if unchanged {
			src = source{known: true, sha: last.SHA256, signer: last.Signer, size: last.Size, sourceVersion: version(last.ETag, last.LastModified)}
		}
	} else {
		f := sp.sourceFile()
		st, err := p.inspect(f, pr, sp.full, v)
		if err != nil {
			resp.Diagnostics = append(resp.Diagnostics, sourceDiag(sp, f.path, err))
			return resp
		}
		src = source{known: true, sha: st.SHA256, signer: st.Signer, size: st.Size}
	}
	if !sp.verifySignature {
		src.signer = "" // a signer learned under an earlier setting
	}
	dest, err := p.inspect(sp.destFile(), pr, sp.full, nil)
	if err != nil && !errors.Is(err, errMissing) {
		resp.Diagnostics = append(resp.Diagnostics, providers.AttrError(cty.GetAttrPath("destination"), "Catalog unreadable",
			fmt.Sprintf("The catalog in the destination cannot be read: %v. Check the folder's permissions.", err)))
		return resp
	}
	dist := map[string]cty.Value{}
	for _, dp := range sp.dps {
		dist[dp] = unknownStr
	}
	if src.known {
		attrs["sha256"], attrs["size"] = cty.StringVal(src.sha), cty.NumberIntVal(src.size)
		attrs["signer"], attrs["source_version"] = cty.StringVal(src.signer), cty.StringVal(src.sourceVersion)
		for _, dp := range sp.dps {
			dist[dp] = cty.StringVal(src.sha)
		}
		if dest.SHA256 == src.sha {
			attrs["synced_at"] = p.keptSyncedAt(prior, sp)
		}
	}
	if len(dist) == 0 {
		attrs["distributed"] = cty.MapValEmpty(cty.String)
	} else {
		attrs["distributed"] = cty.MapVal(dist)
	}
	resp.Planned = cty.ObjectVal(attrs)
	if d := changedSincePlan(req.Reviewed, resp.Planned, sp); d != nil {
		resp.Diagnostics = append(resp.Diagnostics, d)
		return resp
	}
	pr.keepOnly(sp.paths())
	resp.PlannedPrivate = pr.encode()
	return resp
}

// changedSincePlan compares the plan an apply makes just before copying
// with the plan that was reviewed (a saved plan, or the one approved at the
// prompt): a catalog that is no longer the one shown is refused in words,
// not reported as a broken provider.
func changedSincePlan(reviewed, planned cty.Value, sp spec) *hcl.Diagnostic {
	if reviewed == cty.NilVal || !reviewed.IsKnown() || reviewed.IsNull() {
		return nil
	}
	reviewed, _ = reviewed.UnmarkDeep()
	where := sp.sourcePath()
	if sp.url != "" {
		where = redacted(sp.url)
	}
	then, now := reviewed.GetAttr("sha256"), planned.GetAttr("sha256")
	if then.IsKnown() && !then.IsNull() && (!now.IsKnown() || !now.RawEquals(then)) {
		detail := fmt.Sprintf("The plan was made with the catalog whose SHA-256 is %s; the catalog at %s is another one now", then.AsString(), where)
		if now.IsKnown() && !now.IsNull() {
			detail += fmt.Sprintf(" (SHA-256 %s)", now.AsString())
		}
		return providers.AttrError(sp.sourceAttr(), "Catalog changed since the plan",
			detail+". Nothing was copied. Run plan again to review the new catalog.")
	}
	for _, name := range []string{"size", "signer", "source_version", "synced_at", "distributed"} {
		then, now := reviewed.GetAttr(name), planned.GetAttr(name)
		if then.IsWhollyKnown() && (!now.IsWhollyKnown() || !now.Equals(then).True()) {
			return providers.AttrError(cty.GetAttrPath(name), "Catalog changed since the plan",
				fmt.Sprintf("The copies of the catalog changed after the plan was made (%s is no longer what the plan showed): someone replaced or removed a copy in the destination or on a distribution point. Nothing was copied. Run plan again to review what is to be done now.", name))
		}
	}
	return nil
}

// keptSyncedAt is synced_at when the destination copy stays: as recorded,
// or, for a catalog found already in place, the time it was written.
func (p *Provider) keptSyncedAt(prior cty.Value, sp spec) cty.Value {
	if !prior.IsNull() {
		if s := optString(prior, "synced_at"); s != "" {
			return cty.StringVal(s)
		}
	}
	if info, err := os.Stat(sp.destPath()); err == nil {
		return cty.StringVal(info.ModTime().UTC().Format(time.RFC3339))
	}
	return cty.StringVal("")
}

// lastDownload is the last download of sp's URL, when its result still
// holds under the current signature policy.
func lastDownload(sp spec, pr *private, v SignatureVerifier) *download {
	last := pr.Source
	if last == nil || last.URL != urlKey(sp.url) || (v != nil && last.Policy != v.Key()) {
		return nil
	}
	return last
}

// Apply brings the destination and every distribution point to the
// source's catalog in one pass over its bytes (a refused catalog lands
// nowhere). A copy that fails fails alone: the state records what each
// place holds, and the next apply finishes the rest.
func (p *Provider) Apply(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	if d := p.ready(req.TypeName); d.HasErrors() {
		return providers.ApplyResponse{NewState: req.Prior, Diagnostics: d}
	}
	prior, _ := req.Prior.UnmarkDeep()
	planned, _ := req.Planned.UnmarkDeep()
	pr := decodePrivate(req.PlannedPrivate)
	if planned.IsNull() {
		return p.delete(ctx, prior, pr)
	}
	fail := func(diags hcl.Diagnostics) providers.ApplyResponse {
		return providers.ApplyResponse{NewState: prior, Private: pr.encode(), Diagnostics: diags}
	}
	sp, known := p.spec(ctx, planned)
	if !known {
		return fail(hcl.Diagnostics{providers.Error("Unknown catalog settings", "The planned catalog still has unknown settings at apply time. This is a bug in the engine.")})
	}
	diags := sp.checkTargets()
	v, d := p.verifierOf(sp)
	if diags = append(diags, d...); diags.HasErrors() {
		return fail(diags)
	}
	jobs, byName, err := p.jobs(sp, pr)
	if err != nil {
		return fail(hcl.Diagnostics{providers.AttrError(cty.GetAttrPath("destination"), "Catalog unreadable",
			fmt.Sprintf("The catalog in the destination cannot be read: %v. Check the folder's permissions.", err))})
	}
	want := ""
	if s := planned.GetAttr("sha256"); s.IsKnown() && !s.IsNull() {
		want = s.AsString()
	}
	src, where, err := p.sync(ctx, req, sp, pr, v, want, jobs)
	if err != nil {
		return fail(hcl.Diagnostics{sourceDiag(sp, where, err)})
	}
	if !sp.verifySignature {
		src.signer = ""
	}
	for _, j := range jobs {
		if j.landed {
			if st, err := j.to.Stat(); err == nil {
				st.SHA256 = src.sha
				pr.Files[j.to.Key()] = st
			}
		}
	}
	dest := jobs[0]
	attrs := planned.AsValueMap()
	switch {
	case dest.landed || dest.cur == src.sha:
		attrs["sha256"], attrs["size"] = cty.StringVal(src.sha), cty.NumberIntVal(src.size)
		attrs["signer"], attrs["source_version"] = cty.StringVal(src.signer), cty.StringVal(src.sourceVersion)
		switch s := planned.GetAttr("synced_at"); {
		case dest.landed:
			attrs["synced_at"] = cty.StringVal(p.now().UTC().Format(time.RFC3339))
		case s.IsKnown():
			attrs["synced_at"] = s
		default:
			attrs["synced_at"] = p.keptSyncedAt(prior, sp)
		}
	case prior.IsNull():
		// Nothing in the destination: no object yet. The distribution
		// points that got the catalog are found holding it next time.
		return fail(copyDiags(sp, jobs, src.sha))
	default:
		for _, name := range []string{"sha256", "size", "signer", "source_version", "synced_at"} {
			attrs[name] = prior.GetAttr(name)
		}
		if dest.cur != "" {
			attrs["sha256"] = cty.StringVal(dest.cur)
		}
	}
	attrs["distributed"] = distributed(sp, byName, src.sha)
	diags = append(diags, copyDiags(sp, jobs, src.sha)...)
	diags = append(diags, p.retire(prior, sp, pr)...)
	if !prior.IsNull() {
		diags = append(diags, removeTempsDiags(droppedPlaces(prior, sp), sp.fileName)...) // temps.go
	}
	pr.keepOnly(sp.paths())
	return providers.ApplyResponse{NewState: cty.ObjectVal(attrs), Private: pr.encode(), Diagnostics: diags}
}

// jobs lists the copies an apply may make, the destination's first, one
// per file (two names for the same folder share a job), with what each
// holds now. byName finds a distribution point's job.
func (p *Provider) jobs(sp spec, pr *private) (jobs []*copyJob, byName map[string]*copyJob, err error) {
	byKey := map[string]*copyJob{}
	add := func(name string, f catalogFile) (*copyJob, error) {
		if j := byKey[f.Key()]; j != nil {
			return j, nil
		}
		j := &copyJob{name: name, to: f, label: "copy to " + name}
		st, err := p.inspect(f, pr, sp.full, nil)
		if err != nil && !errors.Is(err, errMissing) {
			j.err = err
		}
		j.cur = st.SHA256
		byKey[f.Key()] = j
		jobs = append(jobs, j)
		return j, err
	}
	if _, err := add(sp.destination, sp.destFile()); err != nil && !errors.Is(err, errMissing) {
		return nil, nil, err
	}
	byName = map[string]*copyJob{}
	for _, dp := range sp.dps {
		byName[dp], _ = add(dp, sp.dpFile(dp))
	}
	return jobs, byName, nil
}

// distributed is the hash each distribution point holds after the copies.
func distributed(sp spec, byName map[string]*copyJob, sha string) cty.Value {
	m := map[string]cty.Value{}
	for _, dp := range sp.dps {
		switch j := byName[dp]; {
		case j.landed || j.cur == sha:
			m[dp] = cty.StringVal(sha)
		case j.cur != "":
			m[dp] = cty.StringVal(j.cur)
		}
	}
	if len(m) == 0 {
		return cty.MapValEmpty(cty.String)
	}
	return cty.MapVal(m)
}

// copyDiags explains each copy that failed, the destination's and each
// distribution point's on its own.
func copyDiags(sp spec, jobs []*copyJob, sha string) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for i, j := range jobs {
		if j.err == nil || j.landed || j.cur == sha {
			continue
		}
		if i == 0 {
			diags = append(diags, providers.AttrError(cty.GetAttrPath("destination"), "Copy to destination failed",
				fmt.Sprintf("The catalog could not be copied to %s: %v. The copy there (if any) was left as it was; the distribution points were copied to on their own. Fix the cause and run apply again.", j.name, j.err)))
			continue
		}
		diags = append(diags, providers.AttrError(pathDPs, "Copy to distribution point failed",
			fmt.Sprintf("The catalog could not be copied to %s: %v. The copy there (if any) was left as it was; the other places got the catalog. Fix the cause and run apply again: it copies only what is missing.", j.name, j.err)))
	}
	return diags
}

// sync lands the source's catalog on every job that does not hold it,
// reading the source once; where names the source for diagnostics. An
// error refuses the catalog (signature, hash, the plan's hash, the source
// unreadable or changing): then no job landed.
func (p *Provider) sync(ctx context.Context, req providers.ApplyRequest, sp spec, pr *private, v SignatureVerifier, want string, jobs []*copyJob) (src source, where string, err error) {
	var size int64
	progress := func(j *copyJob, done int64) {
		req.Progress(providers.ProgressEvent{Addr: req.Addr, Label: j.label, Done: done, Total: size})
	}
	defer func() {
		for _, j := range jobs {
			if j.landed {
				req.Progress(providers.ProgressEvent{Addr: req.Addr, Label: j.label, Done: size, Total: size, Final: true})
			}
		}
	}()
	var check SignatureCheck
	if v != nil {
		check = v.Begin()
	}
	if sp.url == "" {
		f := sp.sourceFile()
		before, err := f.Stat()
		if err == nil && before.Size > p.maxSize {
			err = fmt.Errorf("%s is %d bytes, more than the %d bytes a catalog may have", f.path, before.Size, p.maxSize)
		}
		if err != nil {
			return src, f.path, err
		}
		size = before.Size
		o := origin{file: f, before: before, want: want, check: check}
		if st, ok := cached(pr, f.Key(), before, sp.full, v); ok {
			if want != "" && st.SHA256 != want {
				return src, f.path, errPlanStale
			}
			o.sha, o.check, src.signer = st.SHA256, nil, st.Signer
		}
		sha, signer, err := p.placeFrom(o, jobs, progress)
		if err != nil {
			return src, f.path, err
		}
		if o.sha == "" {
			st := before
			st.SHA256, st.Signer = sha, signer
			if v != nil {
				st.Policy = v.Key()
			}
			pr.Files[f.Key()], src.signer = st, signer
		}
		src.known, src.sha, src.size = true, sha, before.Size
		return src, f.path, nil
	}

	where = redacted(sp.url)
	dest := jobs[0]
	last := lastDownload(sp, pr, v)
	if last != nil && dest.cur != last.SHA256 {
		last = nil // the copy we had is gone or altered: fetch it whole
	}
	label := "download " + where
	var signer string
	got, err := p.fetch(ctx, sp.url, last, func(body io.Reader, total int64, complete func(n int64) error) (string, int64, error) {
		size = total
		var needy []*copyJob
		for _, j := range jobs {
			if want == "" || j.cur != want {
				needy = append(needy, j)
			}
		}
		read := &progressReader{r: body, report: func(done int64) {
			req.Progress(providers.ProgressEvent{Addr: req.Addr, Label: label, Done: done, Total: total})
		}}
		return p.run(copying{jobs: needy, src: read, size: total, check: check, progress: progress,
			accept: func(sha string, n int64) error {
				if err := complete(n); err != nil {
					return err
				}
				if want != "" && sha != want {
					return errPlanStale
				}
				if check != nil {
					var err error
					signer, err = check.Finish()
					return err
				}
				return nil
			}})
	})
	if err != nil {
		return src, where, err
	}
	if got.notModified {
		src = source{known: true, sha: last.SHA256, size: last.Size, signer: last.Signer, sourceVersion: version(last.ETag, last.LastModified)}
		if want != "" && src.sha != want {
			return src, where, errPlanStale
		}
		// The destination holds the catalog: the distribution points that
		// lack it are copied from there.
		size = last.Size
		before, err := dest.to.Stat()
		if err != nil {
			return src, where, err
		}
		o := origin{file: dest.to.(localFile), before: before}
		if st, ok := pr.Files[dest.to.Key()]; ok && st.sameFile(before) && st.SHA256 == src.sha {
			o.sha = src.sha
		} else {
			o.want = src.sha
		}
		if _, _, err := p.placeFrom(o, jobs, progress); err != nil {
			return src, dest.to.Key(), err
		}
		return src, where, nil
	}
	req.Progress(providers.ProgressEvent{Addr: req.Addr, Label: label, Done: got.size, Total: got.size, Final: true})
	src = source{known: true, sha: got.sha, size: got.size, signer: signer, sourceVersion: version(got.etag, got.lastModified)}
	if dest.landed || dest.cur == got.sha {
		pr.Source = &download{URL: urlKey(sp.url), ETag: got.etag, LastModified: got.lastModified, SHA256: got.sha, Size: got.size, Signer: signer}
		if v != nil {
			pr.Source.Policy = v.Key()
		}
	}
	return src, where, nil
}

// origin is a local file whose catalog is to be copied.
type origin struct {
	file   localFile
	before stamp // its stamp when the apply looked at it
	// sha is its SHA-256 when before vouches for it (verify = "metadata",
	// or hashed in this apply): then it is copied through the kernel and
	// not read. "" means it is read once, hashed and checked.
	sha   string
	want  string         // the SHA-256 it must have ("": any)
	check SignatureCheck // nil: no signature check
}

// placeFrom lands the catalog of o on every job that lacks it. It refuses
// the catalog when o changed while it was copied, does not have the hash
// wanted, or its signature does not verify.
func (p *Provider) placeFrom(o origin, jobs []*copyJob, progress func(*copyJob, int64)) (sha, signer string, err error) {
	target := o.sha
	if target == "" {
		target = o.want
	}
	var needy []*copyJob
	for _, j := range jobs {
		if target == "" || j.cur != target {
			needy = append(needy, j)
		}
	}
	c := copying{jobs: needy, size: o.before.Size, progress: progress}
	if o.sha != "" {
		c.clone = o.file.path
	} else {
		r, err := o.file.Open()
		if err != nil {
			return "", "", err
		}
		defer r.Close()
		c.src, c.check = countingReader{r, &p.bytesRead}, o.check
	}
	c.accept = func(got string, n int64) error {
		// A source whose stamp moved while it was read changed during the
		// copy, whatever its hash says; so did one that streamed fewer or
		// more bytes than its stamp says (n is 0 when the kernel served
		// every job). A source the stamp vouches for (o.sha) is not hashed
		// again: like the kernel's copies, the stamp is its check.
		if after, err := o.file.Stat(); err != nil || !after.sameFile(o.before) || (n != o.before.Size && (o.sha == "" || n != 0)) {
			return errChangedUnderUs
		}
		if o.sha == "" && o.want != "" && got != o.want {
			return errPlanStale
		}
		if o.check != nil {
			var err error
			signer, err = o.check.Finish()
			return err
		}
		return nil
	}
	sha, _, err = p.run(c)
	if o.sha != "" {
		sha = o.sha
	}
	return sha, signer, err
}

// progressReader reports the bytes read through it.
type progressReader struct {
	r      io.Reader
	n      int64
	report func(int64)
}

func (r *progressReader) Read(b []byte) (int, error) {
	k, err := r.r.Read(b)
	r.n += int64(k)
	if k > 0 {
		r.report(r.n)
	}
	return k, err
}

// retire removes the copies updplan placed on distribution points that
// are no longer configured.
func (p *Provider) retire(prior cty.Value, sp spec, pr *private) hcl.Diagnostics {
	if prior.IsNull() {
		return nil
	}
	keep := map[string]bool{}
	for _, dp := range sp.dps {
		keep[dp] = true
	}
	var diags hcl.Diagnostics
	if dist := prior.GetAttr("distributed"); !dist.IsNull() && dist.IsKnown() {
		for dp, sha := range dist.AsValueMap() {
			if !keep[dp] {
				diags = append(diags, p.removeDiag(dp, sp.dpFile(dp), sha.AsString(), pr)...)
			}
		}
	}
	return diags
}

func (p *Provider) removeDiag(dir string, f catalogFile, sha string, pr *private) hcl.Diagnostics {
	kept, err := p.removeIfOurs(f, sha, pr)
	switch {
	case err != nil:
		return hcl.Diagnostics{providers.Errorf("Catalog not removed", "The catalog in %s could not be removed: %v. Remove it by hand, or fix the permissions and run again.", dir, err)}
	case kept:
		return hcl.Diagnostics{{Severity: hcl.DiagWarning, Summary: "Catalog left in place",
			Detail: fmt.Sprintf("The catalog in %s is not the one updplan placed there (its SHA-256 differs), so it was left alone. Remove it by hand if it is not wanted.", dir)}}
	}
	return nil
}

// delete removes the destination's copy when it is the one updplan placed
// (its SHA-256 is the one in state); anything else there is left with a
// warning. Copies on distribution points stay: clients may be scanning
// against them, and with create_before_destroy the replacing catalog
// already shares them. The folders stay too.
func (p *Provider) delete(ctx context.Context, prior cty.Value, pr *private) providers.ApplyResponse {
	if prior.IsNull() {
		return providers.ApplyResponse{NewState: prior}
	}
	sp, _ := p.spec(ctx, prior)
	diags := p.removeDiag(sp.destination, sp.destFile(), optString(prior, "sha256"), pr)
	diags = append(diags, removeTempsDiags(allPlaces(sp), sp.fileName)...) // temps.go
	if diags.HasErrors() {
		return providers.ApplyResponse{NewState: prior, Private: pr.encode(), Diagnostics: diags}
	}
	if dist := prior.GetAttr("distributed"); !dist.IsNull() && dist.IsKnown() && dist.LengthInt() > 0 {
		var dps []string
		for dp := range dist.AsValueMap() {
			dps = append(dps, dp)
		}
		sort.Strings(dps)
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Catalog kept on distribution points",
			Detail: fmt.Sprintf("The catalog was removed from %s but not from the distribution points (%s): clients may still scan against it. Remove those copies by hand when no client needs them.", sp.destination, strings.Join(dps, ", "))})
	}
	return providers.ApplyResponse{NewState: cty.NullVal(prior.Type()), Diagnostics: diags}
}

// Import adopts the catalog in a destination folder (ID), or at a file
// path. What only the configuration knows (the source, distribution
// points, trust anchors) is null until the next plan fills it in.
func (p *Provider) Import(_ context.Context, req providers.ImportRequest) providers.ImportResponse {
	if d := p.ready(req.TypeName); d.HasErrors() {
		return providers.ImportResponse{Diagnostics: d}
	}
	ty := schemaType()
	dest, name := req.ID, "wsusscn2.cab"
	if info, err := os.Stat(absPath(p.workingDir, req.ID)); err == nil && info.Mode().IsRegular() {
		dest, name = filepath.Dir(req.ID), filepath.Base(req.ID)
	}
	pr := decodePrivate(nil)
	path := filepath.Join(absPath(p.workingDir, dest), name)
	st, err := p.inspect(localFile{path}, pr, true, nil)
	if err != nil {
		if errors.Is(err, errMissing) || errors.Is(err, fs.ErrNotExist) {
			err = errors.New("there is no catalog there")
		}
		return providers.ImportResponse{State: cty.NullVal(ty), Diagnostics: hcl.Diagnostics{providers.Errorf("Catalog not found",
			"Cannot import %s: %v. Give the destination folder (the PkgSource folder) that holds %s, or the catalog file's path.", req.ID, err, name)}}
	}
	attrs := map[string]cty.Value{}
	for name, t := range ty.AttributeTypes() {
		attrs[name] = cty.NullVal(t)
	}
	info, _ := os.Stat(path)
	attrs["destination"], attrs["file_name"] = cty.StringVal(dest), cty.StringVal(name)
	attrs["verify_signature"], attrs["verify"] = cty.True, cty.StringVal("metadata")
	attrs["sha256"], attrs["size"] = cty.StringVal(st.SHA256), cty.NumberIntVal(st.Size)
	attrs["signer"], attrs["source_version"] = cty.StringVal(""), cty.StringVal("")
	attrs["synced_at"] = cty.StringVal(info.ModTime().UTC().Format(time.RFC3339))
	attrs["distributed"] = cty.MapValEmpty(cty.String)
	return providers.ImportResponse{State: cty.ObjectVal(attrs), Private: pr.encode()}
}

func schemaType() cty.Type { return schema.Catalog.ResourceType("catalog").Block.ImpliedType() }
