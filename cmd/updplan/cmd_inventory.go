package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/updplan/updplan/cmd/updplan/internal/view"
	"github.com/updplan/updplan/engine/config"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/providers/sitedb"
	"github.com/updplan/updplan/providers/sitedb/compliance"
)

const helpInventory = `Usage: updplan [global options] inventory import [options] FILE...

  Loads what clients reported into the site database: scan results of the
  Inventory Tool for Microsoft Updates carried by hardware inventory, and
  collection memberships. Each FILE is CSV or JSON lines (one object per
  line), UTF-8 or UTF-16 with a byte order mark, and is one of:

    scan results  ResourceID,Name0,UniqueUpdateID,ID,QNumbers,Title,
                  LastStateName,ScanDateTime,LastHWScan
                  (v_GS_PatchStatusEx joined with v_R_System and
                  v_GS_WORKSTATION_STATUS; ID, QNumbers, Title and
                  LastHWScan may be left out)
    memberships   CollectionID,ResourceID,Name  (v_FullCollectionMembership)

  Columns may come in any order; others are ignored. LastStateName is one of
  Installed, Required (or Applicable), Not Required, Reboot pending,
  Unknown; times are ISO 8601 (UTC unless they say otherwise).

  Importing is idempotent: the same file twice changes nothing, a newer scan
  of a client replaces its older rows, and a membership export replaces the
  members of the collections it names. Each file is imported in one
  transaction: a file that fails leaves nothing behind. Invalid or
  duplicate rows are rejected, counted and listed, and the rest is imported.

  The site database is the one of the sitedb provider block of the
  configuration in the working directory (SQLite site.db by default).

Options:
  -site=CODE            Site the scan results belong to (default: the only
                        site of the site database).
  -max-listed=N         List at most N rejected rows per file (default 20).
  -var 'NAME=VALUE'     Set a variable (repeatable).
  -var-file=FILE        Read variable values from FILE (repeatable).

Exit status: 0 when every file was imported (rows may have been rejected),
1 when a file could not be imported.
`

type inventoryFlags struct {
	site      string
	maxListed int
	vars      []config.VarArg
}

func runInventory(ctx context.Context, c *cli, args []string) int {
	if len(args) == 0 || args[0] != "import" {
		c.human(nil).Diagnostics(hcl.Diagnostics{usageError("inventory", "inventory has one subcommand: `updplan inventory import FILE...`.")})
		return 1
	}
	var f inventoryFlags
	fs := newFlagSet("inventory import")
	fs.StringVar(&f.site, "site", "", "")
	fs.IntVar(&f.maxListed, "max-listed", 20, "")
	fs.Var(varArgs{list: &f.vars, c: c}, "var", "")
	fs.Var(varArgs{list: &f.vars, file: true, c: c}, "var-file", "")
	if err := fs.Parse(args[1:]); err != nil {
		c.human(nil).Diagnostics(hcl.Diagnostics{flagError("inventory import", err)})
		return 1
	}
	if fs.NArg() == 0 {
		c.human(nil).Diagnostics(hcl.Diagnostics{usageError("inventory import", "Give the files to import: `updplan inventory import scan.csv members.csv`.")})
		return 1
	}
	st, files, diags := c.siteDatabase(ctx, f.vars)
	if diags.HasErrors() {
		c.human(files).Diagnostics(diags)
		return 1
	}
	site, siteDiag := resolveSite(ctx, st, strings.ToUpper(f.site))
	failed := false
	for _, name := range fs.Args() {
		path := name
		if !filepath.IsAbs(path) {
			path = filepath.Join(c.dir, path)
		}
		res, d := importFile(ctx, c, st, name, path, compliance.ImportOptions{Site: site, NoSite: siteDiag, MaxListed: f.maxListed})
		diags = append(diags, d...)
		if d.HasErrors() {
			failed = true
			if interrupted(ctx, c) {
				break
			}
			continue
		}
		printImport(c, name, res)
	}
	c.human(files).Diagnostics(diags)
	if failed {
		return 1
	}
	return 0
}

// siteDatabase configures the sitedb provider of the configuration in the
// working directory and returns its compliance data.
func (c *cli) siteDatabase(ctx context.Context, vars []config.VarArg) (*compliance.Store, map[string]*hcl.File, hcl.Diagnostics) {
	cfg, diags := c.eng.Load(c.dir)
	if diags.HasErrors() {
		return nil, cfg.Files, diags
	}
	// Scan results go into a site database apply or init made: one that
	// does not exist yet is refused, not created (read-only look first).
	if _, d := c.existingSiteDatabase(ctx, cfg, vars, "import scan results into"); d.HasErrors() {
		return nil, cfg.Files, append(diags, d...)
	}
	p, d := c.eng.ConfiguredProvider(ctx, cfg, c.inputs(vars), "sitedb")
	diags = append(diags, d...)
	if diags.HasErrors() {
		return nil, cfg.Files, diags
	}
	st, d := p.(*sitedb.Provider).Compliance()
	return st, cfg.Files, append(diags, d...)
}

// existingSiteDatabase configures the sitedb provider read-only (nothing is
// created) and refuses a site database that does not exist yet, saying
// what creates it; doing is what the command would have done with it.
func (c *cli) existingSiteDatabase(ctx context.Context, cfg *config.Config, vars []config.VarArg, doing string) (*sitedb.Provider, hcl.Diagnostics) {
	p, diags := c.eng.ConfiguredProviderFor(ctx, cfg, c.inputs(vars), "sitedb", providers.AccessRead)
	if diags.HasErrors() {
		return nil, diags
	}
	sp := p.(*sitedb.Provider)
	what := sp.Missing()
	if what == "" {
		return sp, diags
	}
	// The provider's warning speaks of a plan reading an empty database;
	// this command refuses instead.
	var out hcl.Diagnostics
	for _, d := range diags {
		if d.Severity != hcl.DiagWarning || d.Summary != "Site database not created yet" {
			out = append(out, d)
		}
	}
	return nil, append(out, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "No site database yet",
		Detail: fmt.Sprintf("%s, so there is nothing to %s; nothing was created. Run `updplan apply` (or `updplan init`) in this directory to create it, then run this command again.", what, doing)})
}

// resolveSite returns the site code scan results go to, or the diagnostic
// to give when a file of scan results needs one.
func resolveSite(ctx context.Context, st *compliance.Store, site string) (string, *hcl.Diagnostic) {
	sites, d := st.Sites(ctx)
	if d.HasErrors() {
		return "", d[0]
	}
	switch {
	case site != "" && slices.Contains(sites, site):
		return site, nil
	case site != "":
		return "", &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Unknown site",
			Detail: fmt.Sprintf("The site database has no site %q (it has %s). Give -site the code of one of them, or apply the site definition that declares it first.", site, listOrNone(sites))}
	case len(sites) == 1:
		return sites[0], nil
	case len(sites) == 0:
		return "", &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "No site in the site database",
			Detail: "Scan results belong to a site, and the site database has none yet. Apply the site definition first (`updplan apply`), then import."}
	}
	return "", &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Site not given",
		Detail: fmt.Sprintf("The site database holds several sites (%s); say which one the scan results belong to with -site=CODE.", strings.Join(sites, ", "))}
}

func listOrNone(ss []string) string {
	if len(ss) == 0 {
		return "none"
	}
	return strings.Join(ss, ", ")
}

// progressFrom is the file size above which a terminal gets a progress bar.
const progressFrom = 1 << 20

func importFile(ctx context.Context, c *cli, st *compliance.Store, name, path string, opts compliance.ImportOptions) (*compliance.Result, hcl.Diagnostics) {
	f, err := os.Open(path)
	if err != nil {
		return nil, hcl.Diagnostics{{Severity: hcl.DiagError, Summary: "Cannot open inventory file",
			Detail: fmt.Sprintf("%s. Check the file name (relative names are taken from the configuration directory) and that the file is readable.", err)}}
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size() >= progressFrom && c.stdoutTerminal {
		bar := view.NewProgress(c.stdout, true)
		label := "import " + name
		total := fi.Size()
		opts.Progress = func(done int64) { bar.Event(providers.ProgressEvent{Label: label, Done: done, Total: total}) }
		defer func() {
			bar.Event(providers.ProgressEvent{Label: label, Done: total, Total: total, Final: true})
			bar.Close()
		}()
	}
	return st.Import(ctx, name, f, opts)
}

func printImport(c *cli, name string, r *compliance.Result) {
	fmt.Fprintf(c.stdout, "%s (%s): %d rows: %d added, %d updated, %d unchanged, %d superseded, %d removed, %d rejected\n",
		name, r.Kind, r.Rows, r.Added, r.Updated, r.Unchanged, r.Superseded, r.Removed, r.Rejected)
	for _, rj := range r.Rejections {
		fmt.Fprintf(c.stdout, "  %s:%d: rejected: %s\n", name, rj.Line, rj.Reason)
	}
	if more := r.Rejected - int64(len(r.Rejections)); more > 0 {
		fmt.Fprintf(c.stdout, "  ... and %d more rejected rows (-max-listed=N lists more)\n", more)
	}
}
