package sitedb

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

var (
	_ providers.Provider    = (*Provider)(nil)
	_ providers.Importer    = (*Provider)(nil)
	_ providers.BatchReader = (*Provider)(nil)
	_ providers.Preparer    = (*Provider)(nil)
	_ providers.Closer      = (*Provider)(nil)
)

// connectTimeout bounds how long Configure waits for the database.
const connectTimeout = 15 * time.Second

// Provider is the sitedb provider. Configure opens the database; Read,
// Plan, Apply, Import and ReadMany are safe for concurrent use after that.
type Provider struct {
	kinds map[string]*kind

	s *store
	w *writer
	// unusable, when set, says why the database must not be used yet (a
	// schema that needs `updplan init`); Prepare clears it.
	mu       sync.Mutex
	unusable hcl.Diagnostics
	// plannedPrograms remembers the programs planned in this run, so an
	// advertisement of one passes the existence check before it is
	// created.
	plannedPrograms map[string]bool
	// shadowed says why a read-only run serves an empty scratch database
	// (see Missing).
	shadowed string
}

// New returns an unconfigured sitedb provider.
func New() *Provider {
	p := &Provider{kinds: map[string]*kind{}, plannedPrograms: map[string]bool{}}
	for _, k := range []*kind{
		siteKind(), collectionKind(), packageKind(), programKind(), advertisementKind(),
		distributionPointKind(), syncHostKind(), hardwareInventoryKind(),
		deploymentPackageKind(), deploymentKind(),
	} {
		p.kinds[k.rt.Name] = k.init()
	}
	return p
}

func (p *Provider) Name() string { return "sitedb" }

func (p *Provider) Schema() *schema.Provider { return schema.Sitedb }

func pathAttr(name string) cty.Path { return cty.GetAttrPath(name) }

// Configure opens the database. With providers.AccessRead (plan, drift)
// it writes nothing: an existing SQLite file is opened read-only, and a
// database that does not exist yet (no SQLite file, or an empty PostgreSQL
// database) is read as an empty one at the current schema,
// with a warning saying that apply or init creates it (a scratch file in the
// system's temporary folder serves the reads). Otherwise a
// brand-new database is brought to the current schema (a new SQLite file
// is made readable by its owner only: it holds attribute values). An
// older schema is an error naming both versions and `updplan init`,
// except for providers.AccessPrepare (init), where the database stays open
// so that Prepare can upgrade it. A database of another application or of
// a newer updplan is an error. Configuring again closes what was opened
// before.
func (p *Provider) Configure(ctx context.Context, req providers.ConfigureRequest) hcl.Diagnostics {
	if p.s != nil {
		p.Close()
	}
	p.mu.Lock()
	p.unusable = nil
	p.mu.Unlock()
	readOnly := req.Access == providers.AccessRead
	cfg, _ := unmark(req.Config)
	driver := str(cfg, "driver")
	if driver == "" {
		driver = "sqlite"
	}
	var (
		s     *store
		diags hcl.Diagnostics
		where string // the database, for messages (never a DSN)
	)
	switch driver {
	case "sqlite":
		path := str(cfg, "path")
		if path == "" {
			path = "site.db"
		}
		if !filepath.IsAbs(path) {
			path = filepath.Join(req.WorkingDir, path)
		}
		where = "The SQLite site database " + path
		busy := 5 * time.Second
		if b := str(cfg, "busy_timeout"); b != "" {
			d, err := time.ParseDuration(b)
			if err != nil || d < 0 {
				return hcl.Diagnostics{providers.AttrError(pathAttr("busy_timeout"), "Invalid busy timeout",
					"busy_timeout must be a duration such as \"5s\" or \"500ms\". Correct it in the sitedb provider block.")}
			}
			busy = d
		}
		if readOnly {
			if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
				return p.useShadow(ctx, where+" does not exist yet")
			}
		}
		s, diags = openSQLite(path, busy, readOnly)
	case "postgres":
		dsn := str(cfg, "dsn")
		if dsn == "" {
			return hcl.Diagnostics{providers.AttrError(pathAttr("dsn"), "Missing PostgreSQL connection string",
				"driver = \"postgres\" needs dsn, e.g. \"postgres://updplan@db.example.org:5432/site\". Pass it through a sensitive variable so it never lands in version control.")}
		}
		where = "The PostgreSQL site database"
		s, diags = openPostgres(dsn)
	default:
		return hcl.Diagnostics{providers.AttrError(pathAttr("driver"), "Unknown site database driver",
			"driver must be \"sqlite\" or \"postgres\". Correct it in the sitedb provider block.")}
	}
	if diags.HasErrors() {
		return diags
	}
	cctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	if err := s.db.PingContext(cctx); err != nil {
		d := s.d.explain(err, "connect to the site database")
		s.db.Close()
		return append(diags, d)
	}
	st, err := s.status(cctx, s.conn())
	if err != nil {
		d := s.d.explain(err, "read the site database schema version")
		s.db.Close()
		return append(diags, d)
	}
	switch {
	case st.empty && readOnly:
		s.db.Close()
		return append(diags, p.useShadow(ctx, where+" holds no tables yet")...)
	case st.empty:
		if d := s.migrate(cctx); d.HasErrors() {
			s.db.Close()
			return append(diags, d...)
		}
	default:
		d := s.check(st)
		if !d.HasErrors() {
			break
		}
		// The database stays open but unused: every use reports d.
		p.mu.Lock()
		p.unusable = d
		p.mu.Unlock()
		if req.Access == providers.AccessPrepare && st.version > 0 && st.version < latestVersion(s.d.name) {
			// `updplan init` configures, then prepares: the upgrade
			// follows, so this is only a warning.
			for _, x := range d {
				w := *x
				w.Severity = hcl.DiagWarning
				diags = append(diags, &w)
			}
		} else {
			diags = append(diags, d...)
		}
	}
	p.s = s
	p.w = newWriter(s)
	return diags
}

// useShadow serves a read-only run from an empty database at the current
// schema in a scratch file outside the configuration (removed by Close), for a site database that does not exist yet:
// plan never creates it.
func (p *Provider) useShadow(ctx context.Context, what string) hcl.Diagnostics {
	s, diags := openScratch()
	if diags.HasErrors() {
		return diags
	}
	if d := s.migrate(ctx); d.HasErrors() {
		s.db.Close()
		return d
	}
	p.s = s
	p.w = newWriter(s)
	p.shadowed = what
	return hcl.Diagnostics{&hcl.Diagnostic{
		Severity: hcl.DiagWarning,
		Summary:  "Site database not created yet",
		Detail:   what + ": this plan reads it as an empty database, without creating it (a plan never writes). `updplan apply` (or `updplan init`) creates it with the current schema.",
	}}
}

// Missing says, after a read-only Configure, why the site database is
// not there to read ("The SQLite site database /x/site.db does not exist
// yet", "The PostgreSQL site database holds no tables yet"); "" when it
// is. Commands that only read it (report) or only add to it (inventory
// import) refuse to run on nothing, where plan reads an empty one.
func (p *Provider) Missing() string {
	if p.s == nil || p.s.scratch == "" {
		return ""
	}
	return p.shadowed
}

// Prepare runs the pending migrations (`updplan init`).
func (p *Provider) Prepare(ctx context.Context) hcl.Diagnostics {
	if p.s == nil {
		return hcl.Diagnostics{notConfigured()}
	}
	d := p.s.migrate(ctx)
	if d.HasErrors() {
		return d
	}
	p.mu.Lock()
	p.unusable = nil
	p.mu.Unlock()
	return d // warnings: rows kept that the new schema would refuse
}

// Close stops the writer and closes the database.
func (p *Provider) Close() error {
	if p.s == nil {
		return nil
	}
	p.w.close()
	err := p.s.db.Close()
	if p.s.scratch != "" {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(p.s.scratch + suffix)
		}
	}
	p.s = nil
	return err
}

func notConfigured() *hcl.Diagnostic {
	return providers.Error("Provider not configured", "The sitedb provider was used before Configure. This is a bug in the engine.")
}

// ready returns the diagnostics that keep the database from being used.
func (p *Provider) ready() hcl.Diagnostics {
	if p.s == nil {
		return hcl.Diagnostics{notConfigured()}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.unusable
}

func (p *Provider) kind(typeName string) (*kind, hcl.Diagnostics) {
	k, ok := p.kinds[typeName]
	if !ok {
		return nil, hcl.Diagnostics{providers.Errorf("Unknown resource type", "The sitedb provider has no resource type %q. This is a bug in the engine.", typeName)}
	}
	return k, nil
}
