package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/updplan/updplan/cmd/updplan/internal/report"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/config"
	"github.com/updplan/updplan/engine/state"
	"github.com/updplan/updplan/providers/sitedb/compliance"
)

const helpReport = `Usage: updplan [global options] report KIND [options]

  Reports from the site database and the state:

    compliance -by=update|client|collection|deployment
                  update compliance of the clients from their latest scans
                  (loaded with "updplan inventory import"); default -by=collection
    clients [-stale=7d]
                  clients with no hardware inventory, or no scan newer than
                  the catalog or than -stale (default 7d)
    catalog       each catalog: hash, signer, age, source version, and which
                  distribution point holds which hash
    shares        the shares updplan manages and their ACLs
    objects       every managed object: address and ConfigMgr id

Options:
  -format=FORMAT        table (default), csv, json or html (one self-contained
                        page with charts per collection and per deployment)
  -site=CODE            Site of the compliance and clients reports (default:
                        the only site of the site database).
  -var 'NAME=VALUE'     Set a variable (repeatable).
  -var-file=FILE        Read variable values from FILE (repeatable).
`

var reportKinds = []string{"compliance", "clients", "catalog", "shares", "objects"}

type reportFlags struct {
	format, by, site, stale string
	vars                    []config.VarArg
}

func runReport(ctx context.Context, c *cli, args []string) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") || !slices.Contains(reportKinds, args[0]) {
		detail := fmt.Sprintf("Say which report: %s, e.g. `updplan report compliance -by=collection`.", strings.Join(reportKinds, ", "))
		if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
			detail = fmt.Sprintf("There is no report %q.%s The reports are %s.", args[0], didYouMean(args[0], reportKinds), strings.Join(reportKinds, ", "))
		}
		c.human(nil).Diagnostics(hcl.Diagnostics{usageError("report", detail)})
		return 1
	}
	kind := args[0]
	var f reportFlags
	fs := newFlagSet("report " + kind)
	fs.StringVar(&f.format, "format", "table", "")
	fs.Var(varArgs{list: &f.vars, c: c}, "var", "")
	fs.Var(varArgs{list: &f.vars, file: true, c: c}, "var-file", "")
	if kind == "compliance" || kind == "clients" {
		fs.StringVar(&f.site, "site", "", "")
	}
	if kind == "compliance" {
		fs.StringVar(&f.by, "by", "collection", "")
	}
	if kind == "clients" {
		fs.StringVar(&f.stale, "stale", "7d", "")
	}
	if d := parseReportFlags(fs, kind, args[1:], &f); d != nil {
		c.human(nil).Diagnostics(hcl.Diagnostics{d})
		return 1
	}
	cfg, diags := c.eng.Load(c.dir)
	if diags.HasErrors() {
		c.human(cfg.Files).Diagnostics(diags)
		return 1
	}
	var (
		r *report.Report
		d hcl.Diagnostics
	)
	switch kind {
	case "compliance", "clients":
		r, d = c.siteReport(ctx, cfg, kind, f)
	default:
		r, d = c.stateReport(ctx, cfg, kind)
	}
	diags = append(diags, d...)
	if diags.HasErrors() {
		c.human(cfg.Files).Diagnostics(diags)
		return 1
	}
	if err := report.Write(c.stdout, r, f.format); err != nil {
		c.human(nil).Diagnostics(hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Report not written", Detail: fmt.Sprintf("Writing the report failed: %s.", err)}})
		return 1
	}
	c.human(cfg.Files).Diagnostics(diags)
	return 0
}

func parseReportFlags(fs *flag.FlagSet, kind string, args []string, f *reportFlags) *hcl.Diagnostic {
	if err := fs.Parse(args); err != nil {
		return flagError("report "+kind, err)
	}
	if fs.NArg() > 0 {
		return unexpectedArgs("report "+kind, fs.Args())
	}
	if !slices.Contains(report.Formats, f.format) {
		return usageError("report "+kind, fmt.Sprintf("-format=%s is not a report format.%s Use one of %s.", f.format, didYouMean(f.format, report.Formats), strings.Join(report.Formats, ", ")))
	}
	bys := []string{"update", "client", "collection", "deployment"}
	if kind == "compliance" && !slices.Contains(bys, f.by) {
		return usageError("report compliance", fmt.Sprintf("-by=%s is not a grouping.%s Use one of %s.", f.by, didYouMean(f.by, bys), strings.Join(bys, ", ")))
	}
	if kind == "clients" {
		if _, err := parseAge(f.stale); err != nil {
			return usageError("report clients", fmt.Sprintf("-stale=%s is not an age: write a number of days, hours or minutes such as 7d, 36h or 90m.", f.stale))
		}
	}
	return nil
}

// didYouMean is " Did you mean ...?" for a near miss, or "".
func didYouMean(s string, among []string) string {
	if m := suggest(s, among); m != "" {
		return fmt.Sprintf(" Did you mean %q?", m)
	}
	return ""
}

// parseAge reads 7d, 36h, 90m (Go durations plus days).
func parseAge(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		d, err := strconv.Atoi(n)
		if err != nil || d < 0 {
			return 0, fmt.Errorf("bad age %q", s)
		}
		return time.Duration(d) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("bad age %q", s)
	}
	return d, nil
}

// siteReport builds the compliance and clients reports from the site
// database.
func (c *cli) siteReport(ctx context.Context, cfg *config.Config, kind string, f reportFlags) (*report.Report, hcl.Diagnostics) {
	// A report only reads: it creates no site database (existingSiteDatabase).
	p, diags := c.existingSiteDatabase(ctx, cfg, f.vars, "report")
	if diags.HasErrors() {
		return nil, diags
	}
	st, d := p.Compliance()
	diags = append(diags, d...)
	if diags.HasErrors() {
		return nil, diags
	}
	site, sd := resolveSite(ctx, st, strings.ToUpper(f.site))
	if sd != nil {
		return nil, append(diags, sd)
	}
	now := time.Now().UTC()
	sub := fmt.Sprintf("Site %s, %s", site, now.Format("2006-01-02 15:04 UTC"))
	var r *report.Report
	switch {
	case kind == "clients":
		age, _ := parseAge(f.stale)
		cutoff := now.Add(-age)
		why := "no scan in the last " + f.stale
		if synced, addr := c.catalogSynced(ctx, cfg); !synced.IsZero() && synced.After(cutoff) {
			cutoff = synced
			why = fmt.Sprintf("no scan since the catalog changed (%s, %s)", addr, synced.Format(time.RFC3339))
		}
		lines, d := st.StaleClients(ctx, site, cutoff.Format("2006-01-02T15:04:05Z"), why)
		diags = append(diags, d...)
		r = clientsReport(lines, sub)
	case f.by == "update":
		lines, d := st.ByUpdate(ctx, site)
		diags = append(diags, d...)
		r = updateReport(lines, sub)
	case f.by == "client":
		lines, d := st.ByClient(ctx, site)
		diags = append(diags, d...)
		r = clientReport(lines, sub)
	case f.by == "collection":
		lines, d := st.ByCollection(ctx, site)
		diags = append(diags, d...)
		r = groupReport("collection", lines, sub)
	default:
		lines, d := st.ByDeployment(ctx, site)
		diags = append(diags, d...)
		r = groupReport("deployment", lines, sub)
	}
	return r, diags
}

// catalogSynced is the latest sync time of a catalog in the state, and
// the catalog's address.
func (c *cli) catalogSynced(ctx context.Context, cfg *config.Config) (time.Time, string) {
	s, d := c.readState(ctx, cfg)
	if d.HasErrors() || s == nil {
		return time.Time{}, ""
	}
	var best time.Time
	var at string
	for _, r := range s.Sorted() {
		if r.Type != "catalog" {
			continue
		}
		if t, err := time.Parse(time.RFC3339, attrString(r.Value, "synced_at")); err == nil && t.After(best) {
			best, at = t, r.Addr.String()
		}
	}
	return best, at
}

var stateColumns = []report.Column{
	{Name: "Installed", Key: "installed"}, {Name: "Required", Key: "required"}, {Name: "Reboot pending", Key: "reboot_pending"},
	{Name: "Not required", Key: "not_required"}, {Name: "Unknown", Key: "unknown"},
}

func stateCells(states map[string]int64) []any {
	out := make([]any, 0, len(compliance.StateNames))
	for _, c := range stateColumns {
		out = append(out, states[c.Key])
	}
	return out
}

func compliantPercent(states map[string]int64) any {
	f := compliance.Figures{States: states}
	if f.Rows() == 0 {
		return nil
	}
	return f.CompliantPercent()
}

func updateReport(lines []compliance.UpdateLine, sub string) *report.Report {
	r := &report.Report{Kind: "compliance_by_update", Title: "Compliance by update", Subtitle: sub,
		Empty: "No scan results yet: load them with `updplan inventory import`."}
	r.Columns = append([]report.Column{{Name: "Article", Key: "article"}, {Name: "Bulletin", Key: "bulletin"}, {Name: "Title", Key: "title"},
		{Name: "Update ID", Key: "update_id"}, {Name: "Clients", Key: "clients"}}, stateColumns...)
	r.Columns = append(r.Columns, report.Column{Name: "Compliant %", Key: "compliant_percent"})
	for _, l := range lines {
		f := compliance.Figures{States: l.States}
		article := l.Article
		if article != "" && !strings.HasPrefix(strings.ToUpper(article), "KB") {
			article = "KB" + article
		}
		row := []any{article, l.Bulletin, l.Title, l.UpdateID, f.Rows()}
		row = append(row, stateCells(l.States)...)
		r.Rows = append(r.Rows, append(row, compliantPercent(l.States)))
	}
	return r
}

func clientReport(lines []compliance.ClientLine, sub string) *report.Report {
	r := &report.Report{Kind: "compliance_by_client", Title: "Compliance by client", Subtitle: sub,
		Empty: "No scan results yet: load them with `updplan inventory import`."}
	r.Columns = append([]report.Column{{Name: "Resource ID", Key: "resource_id"}, {Name: "Name", Key: "name"},
		{Name: "Last scan", Key: "scanned_at"}, {Name: "Last hardware inventory", Key: "inventoried_at"}}, stateColumns...)
	r.Columns = append(r.Columns, report.Column{Name: "Compliant %", Key: "compliant_percent"})
	for _, l := range lines {
		row := []any{l.ResourceID, l.Name, l.Scanned, nilIfEmpty(l.Inventoried)}
		row = append(row, stateCells(l.States)...)
		r.Rows = append(r.Rows, append(row, compliantPercent(l.States)))
	}
	return r
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func groupReport(what string, lines []compliance.GroupLine, sub string) *report.Report {
	title := map[string]string{"collection": "Compliance by collection", "deployment": "Compliance by deployment"}[what]
	r := &report.Report{Kind: "compliance_by_" + what, Title: title, Subtitle: sub}
	r.Columns = []report.Column{{Name: strings.ToUpper(what[:1]) + what[1:] + " ID", Key: "id"}, {Name: "Name", Key: "name"}}
	if what == "deployment" {
		r.Empty = "No deployments in the site database."
		r.Columns = append(r.Columns, report.Column{Name: "Collection", Key: "collection"}, report.Column{Name: "Updates", Key: "updates"})
	} else {
		r.Empty = "No collections in the site database, and no membership imported."
	}
	r.Columns = append(r.Columns, report.Column{Name: "Clients", Key: "clients"}, report.Column{Name: "Reported", Key: "reported"},
		report.Column{Name: "Reported %", Key: "reported_percent"}, report.Column{Name: "Stale", Key: "stale"})
	r.Columns = append(r.Columns, stateColumns...)
	r.Columns = append(r.Columns, report.Column{Name: "Compliant %", Key: "compliant_percent"},
		report.Column{Name: "Oldest scan", Key: "oldest_scan"}, report.Column{Name: "Newest scan", Key: "newest_scan"})
	for _, l := range lines {
		row := []any{l.ID, l.Name}
		if what == "deployment" {
			row = append(row, l.Collection, strings.Join(l.Updates, " "))
		}
		row = append(row, l.Clients, l.Reported, l.ReportedPercent(), l.Stale)
		row = append(row, stateCells(l.States)...)
		row = append(row, compliantPercent(l.States), nilIfEmpty(l.OldestScan), nilIfEmpty(l.NewestScan))
		r.Rows = append(r.Rows, row)

		label := l.ID
		if l.Name != "" {
			label = l.Name + " (" + l.ID + ")"
		}
		updates := report.Bar{Label: "Updates on reported clients"}
		for _, c := range stateColumns {
			updates.Segments = append(updates.Segments, report.Segment{Label: c.Name, Value: l.States[c.Key], Class: c.Key})
		}
		r.Charts = append(r.Charts, report.Chart{Title: label, Bars: []report.Bar{
			{Label: "Clients", Segments: []report.Segment{
				{Label: "Reported", Value: l.Reported, Class: "reported"},
				{Label: "Not reported", Value: max(l.Clients-l.Reported, 0), Class: "not_reported"},
			}},
			updates,
		}})
	}
	return r
}

func clientsReport(lines []compliance.StaleClient, sub string) *report.Report {
	r := &report.Report{Kind: "stale_clients", Title: "Clients without a recent scan", Subtitle: sub,
		Empty: "Every client has a hardware inventory and a recent scan.",
		Columns: []report.Column{{Name: "Resource ID", Key: "resource_id"}, {Name: "Name", Key: "name"}, {Name: "Last scan", Key: "scanned_at"},
			{Name: "Last hardware inventory", Key: "inventoried_at"}, {Name: "Reason", Key: "reason"}}}
	for _, l := range lines {
		r.Rows = append(r.Rows, []any{l.ResourceID, l.Name, l.Scanned, nilIfEmpty(l.Inventoried), l.Reason})
	}
	return r
}

// stateReport builds the catalog, shares and objects reports from the
// state.
func (c *cli) stateReport(ctx context.Context, cfg *config.Config, kind string) (*report.Report, hcl.Diagnostics) {
	s, diags := c.readState(ctx, cfg)
	if diags.HasErrors() {
		return nil, diags
	}
	if s == nil {
		s = &state.State{Resources: map[addr.Instance]*state.Resource{}}
	}
	now := time.Now().UTC()
	sub := "From the state, " + now.Format("2006-01-02 15:04 UTC")
	switch kind {
	case "catalog":
		return catalogReport(s, sub, now), diags
	case "shares":
		return sharesReport(s, sub), diags
	}
	return c.objectsReport(s, sub), diags
}

func attrString(v cty.Value, name string) string {
	if v.IsNull() || !v.IsKnown() || !v.Type().IsObjectType() || !v.Type().HasAttribute(name) {
		return ""
	}
	a := v.GetAttr(name)
	if a.IsNull() || !a.IsKnown() {
		return ""
	}
	switch a.Type() {
	case cty.String:
		return a.AsString()
	case cty.Number:
		return a.AsBigFloat().Text('f', -1)
	case cty.Bool:
		return strconv.FormatBool(a.True())
	}
	return ""
}

func catalogReport(s *state.State, sub string, now time.Time) *report.Report {
	r := &report.Report{Kind: "catalog", Title: "Catalog", Subtitle: sub, Empty: "No catalog in the state.",
		Columns: []report.Column{{Name: "Address", Key: "address"}, {Name: "SHA-256", Key: "sha256"}, {Name: "Signer", Key: "signer"},
			{Name: "Size", Key: "size"}, {Name: "Synced at", Key: "synced_at"}, {Name: "Age", Key: "age"}, {Name: "Source version", Key: "source_version"},
			{Name: "Place", Key: "place"}, {Name: "Place SHA-256", Key: "place_sha256"}, {Name: "Same hash", Key: "in_sync"}}}
	for _, res := range s.Sorted() {
		if res.Type != "catalog" {
			continue
		}
		v := res.Value
		sum, synced := attrString(v, "sha256"), attrString(v, "synced_at")
		age := ""
		if t, err := time.Parse(time.RFC3339, synced); err == nil {
			age = roundAge(now.Sub(t))
		}
		base := []any{res.Addr.String(), sum, attrString(v, "signer"), attrString(v, "size"), synced, age, attrString(v, "source_version")}
		row := append(slices.Clone(base), attrString(v, "destination"), sum, true)
		r.Rows = append(r.Rows, row)
		if d := v.GetAttr("distributed"); !d.IsNull() && d.IsKnown() && d.LengthInt() > 0 {
			var places []string
			for k := range d.AsValueMap() {
				places = append(places, k)
			}
			sort.Strings(places)
			for _, p := range places {
				h := d.AsValueMap()[p]
				hs := ""
				if !h.IsNull() && h.IsKnown() {
					hs = h.AsString()
				}
				r.Rows = append(r.Rows, append(slices.Clone(base), p, hs, hs == sum))
			}
		}
	}
	return r
}

func roundAge(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	case d >= 2*time.Hour:
		return fmt.Sprintf("%d hours", int(d.Hours()))
	}
	return fmt.Sprintf("%d minutes", int(d.Minutes()))
}

func sharesReport(s *state.State, sub string) *report.Report {
	r := &report.Report{Kind: "shares", Title: "Shares", Subtitle: sub, Empty: "No share in the state.",
		Columns: []report.Column{{Name: "Address", Key: "address"}, {Name: "Server", Key: "server"}, {Name: "Name", Key: "actual_name"},
			{Name: "UNC", Key: "unc"}, {Name: "Path", Key: "path"}, {Name: "Access", Key: "access"}}}
	for _, res := range s.Sorted() {
		if res.Type != "share" {
			continue
		}
		v := res.Value
		var acl []string
		if a := v.GetAttr("access"); !a.IsNull() && a.IsKnown() {
			for it := a.ElementIterator(); it.Next(); {
				_, e := it.Element()
				acl = append(acl, attrString(e, "principal")+": "+attrString(e, "rights"))
			}
		}
		sort.Strings(acl)
		r.Rows = append(r.Rows, []any{res.Addr.String(), attrString(v, "server"), attrString(v, "actual_name"), attrString(v, "unc"), attrString(v, "path"), strings.Join(acl, "; ")})
	}
	return r
}

func (c *cli) objectsReport(s *state.State, sub string) *report.Report {
	r := &report.Report{Kind: "objects", Title: "Managed objects", Subtitle: sub, Empty: "The state holds no object.",
		Columns: []report.Column{{Name: "Address", Key: "address"}, {Name: "Type", Key: "type"}, {Name: "Provider", Key: "provider"}, {Name: "ID", Key: "id"}}}
	for _, res := range s.Sorted() {
		id := ""
		if rt := c.eng.Schemas().ResourceType(res.Type); rt != nil && rt.IDAttribute != "" {
			id = attrString(res.Value, rt.IDAttribute)
		}
		r.Rows = append(r.Rows, []any{res.Addr.String(), res.Type, res.Provider, id})
	}
	return r
}
