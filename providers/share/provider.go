package share

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/providers/internal/smbconn"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/gocty"
)

var (
	_ providers.Provider    = (*Provider)(nil)
	_ providers.Importer    = (*Provider)(nil)
	_ providers.BatchReader = (*Provider)(nil)
	_ providers.Validator   = (*Provider)(nil)
)

// Provider is the share provider. Configure picks the driver; Read, Plan,
// Apply, Import and ReadMany are safe for concurrent use after that.
type Provider struct {
	drv driver

	// reserved holds the names planned for new or renamed shares in this
	// process, so that two shares asking for one name with next_free get
	// different ones: server\name (folded) -> owner address, and back.
	mu       sync.Mutex
	reserved map[string]string
	byOwner  map[string]string
}

// New returns an unconfigured share provider.
func New() *Provider {
	return &Provider{reserved: map[string]string{}, byOwner: map[string]string{}}
}

func (p *Provider) Name() string { return "share" }

func (p *Provider) Schema() *schema.Provider { return schema.Share }

// smbOnly are the settings of the smb driver, reported when set with the
// local driver.
var smbOnly = []string{"domain", "username", "password", "server"}

// Configure opens the driver: `local` (the default) on root, relative to the
// configuration directory, or `smb` on the servers of the `server` blocks.
func (p *Provider) Configure(_ context.Context, req providers.ConfigureRequest) hcl.Diagnostics {
	cfg, _ := req.Config.UnmarkDeep()
	driverName := strAttr(cfg, "driver", "local")
	switch driverName {
	case "local":
	case "smb":
		d, diags := configureSMB(cfg)
		if d != nil {
			p.drv = d
		}
		return diags
	default:
		return hcl.Diagnostics{providers.AttrError(cty.GetAttrPath("driver"), "Unknown share driver",
			fmt.Sprintf("The share driver %q does not exist. Set driver to \"local\" or \"smb\" in the share provider block.", driverName))}
	}
	var diags hcl.Diagnostics
	var ignored []string
	for _, name := range smbOnly {
		if cfg.Type().HasAttribute(name) && !cfg.GetAttr(name).IsNull() && !(cfg.GetAttr(name).CanIterateElements() && cfg.GetAttr(name).LengthInt() == 0) {
			ignored = append(ignored, name)
		}
	}
	if len(ignored) > 0 {
		diags = append(diags, providers.AttrWarning(cty.GetAttrPath(ignored[0]), "smb driver settings ignored",
			fmt.Sprintf("The local share driver does not use %s: they are settings of the smb driver, and the local driver keeps every share folder under root. Remove them, or set driver = \"smb\" to manage real servers.", strings.Join(ignored, ", "))))
	}
	root := ".site"
	if v := cfg.GetAttr("root"); v.IsKnown() && !v.IsNull() {
		root = v.AsString()
	}
	d, err := openLocal(root, req.WorkingDir, req.Access == providers.AccessRead)
	if err != nil {
		return append(diags, diagOf(err, cty.GetAttrPath("root")))
	}
	p.drv = d
	return diags
}

// configureSMB reads the server blocks. Credentials fall back to the
// provider's, then to UPDPLAN_SMB_*.
func configureSMB(cfg cty.Value) (*smbDriver, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	defaults := smbconn.Credentials{Domain: strAttr(cfg, "domain", ""), Username: strAttr(cfg, "username", ""), Password: strAttr(cfg, "password", "")}
	timeout := 20 * time.Second
	if v := cfg.GetAttr("timeout_seconds"); v.IsKnown() && !v.IsNull() {
		var n int64
		if err := gocty.FromCtyValue(v, &n); err == nil && n > 0 {
			timeout = time.Duration(n) * time.Second
		}
	}
	var servers []*smbServer
	seen := map[string]string{}
	blocks := cfg.GetAttr("server")
	if blocks.IsNull() || !blocks.IsKnown() || blocks.LengthInt() == 0 {
		return nil, hcl.Diagnostics{providers.AttrError(cty.GetAttrPath("driver"), "No servers for the smb driver",
			"The smb share driver manages shares on the servers its `server` blocks name, and the share provider has none. Add one per file server, labeled with the name shares give in `server`, e.g. server \"SITESRV\" { address = \"sitesrv.corp.example:445\" }.")}
	}
	// Blocks are keyed by their label, in label order; the schema refuses
	// a label given twice, this refuses two that differ only in case.
	for it := blocks.ElementIterator(); it.Next(); {
		k, b := it.Element()
		at := cty.GetAttrPath("server").Index(k)
		name := k.AsString()
		if _, err := serverFolder(name); err != nil {
			var pr *problem
			if errors.As(err, &pr) { // about the label, not a share's server
				diags = append(diags, providers.AttrError(at, pr.Summary, pr.Detail))
			} else {
				diags = append(diags, diagOf(err, at))
			}
			continue
		}
		if other, dup := seen[fold(name)]; dup {
			diags = append(diags, providers.AttrError(at, "Duplicate server block",
				fmt.Sprintf("The server blocks %q and %q name the same server: server names are not case-sensitive. Keep one server block per server.", other, name)))
			continue
		}
		seen[fold(name)] = name
		own := smbconn.Credentials{Domain: strAttr(b, "domain", ""), Username: strAttr(b, "username", ""), Password: strAttr(b, "password", "")}
		if own.Username == "" && own.Password == "" {
			own.Username, own.Password = defaults.Username, defaults.Password
		}
		if own.Domain == "" {
			own.Domain = defaults.Domain
		}
		srv := &smbServer{name: name, address: smbAddress(strAttr(b, "address", name)), cred: own.WithEnv(), drives: map[string]string{}}
		if v := b.GetAttr("drive_shares"); v.IsKnown() && !v.IsNull() {
			for k, sh := range v.AsValueMap() {
				letter := strings.ToUpper(strings.TrimSuffix(k, ":"))
				if len(letter) != 1 || !isLetter(letter[0]) || sh.IsNull() || sh.AsString() == "" {
					diags = append(diags, providers.AttrError(at.GetAttr("drive_shares"), "Invalid drive share",
						fmt.Sprintf("drive_shares maps drive letters to shares, e.g. { D = \"D$\" }; the entry %q = %q is not one. Use a single letter as the key and a share name as the value.", k, sh.GoString())))
					continue
				}
				srv.drives[letter] = strings.Trim(strings.ReplaceAll(sh.AsString(), "/", `\`), `\`)
			}
		}
		if srv.cred.Username == "" {
			diags = append(diags, providers.AttrWarning(at.GetAttr("username"), "No account for the server",
				fmt.Sprintf("Server %q has no username, and neither the provider block nor UPDPLAN_SMB_USERNAME gives one, so updplan logs on anonymously, which servers refuse for share management. Set username and password in the server block or the environment.", name)))
		}
		servers = append(servers, srv)
	}
	if diags.HasErrors() {
		return nil, diags
	}
	return newSMBDriver(servers, timeout), diags
}

// ValidateResource checks what needs no file server: the server name and
// that the path is absolute and free of "..". It works unconfigured.
func (p *Provider) ValidateResource(_ context.Context, typeName string, config cty.Value) hcl.Diagnostics {
	cfg, _ := config.UnmarkDeep()
	if typeName != "share" || cfg.IsNull() || !cfg.IsKnown() {
		return nil
	}
	var diags hcl.Diagnostics
	if server, ok := known(cfg, "server"); ok && !cfg.GetAttr("server").IsNull() {
		if _, err := serverFolder(server); err != nil {
			diags = append(diags, diagOf(err, nil))
		}
	}
	if path, ok := known(cfg, "path"); ok && !cfg.GetAttr("path").IsNull() {
		if _, err := pathSegments(path); err != nil {
			diags = append(diags, diagOf(err, nil))
		}
	}
	return diags
}

func (p *Provider) ready(typeName string) hcl.Diagnostics {
	if p.drv == nil {
		return hcl.Diagnostics{providers.Error("Provider not configured", "The share provider was used before Configure. This is a bug in the engine.")}
	}
	if typeName != "share" {
		return hcl.Diagnostics{providers.Errorf("Unknown resource type", "The share provider has no resource type %q. This is a bug in the engine.", typeName)}
	}
	return nil
}

// diagOf turns a driver error into a diagnostic about the attribute the
// problem names, else the attribute at path (nil: the object as a whole).
func diagOf(err error, path cty.Path) *hcl.Diagnostic {
	var pr *problem
	if !errors.As(err, &pr) {
		pr = fault("Share driver failure", fmt.Sprintf("The share driver failed: %v. Check the driver's root folder and run the command again.", err))
	}
	if pr.Attr != "" {
		path = cty.GetAttrPath(pr.Attr)
	}
	if path == nil {
		return providers.Error(pr.Summary, pr.Detail)
	}
	return providers.AttrError(path, pr.Summary, pr.Detail)
}

// reserve records that owner plans name on server, dropping what owner
// planned before. It reports the other owner when the name is reserved by
// one. p.mu is held.
func (p *Provider) reserve(owner, server, name string) (string, bool) {
	k := fold(server) + `\` + fold(name)
	if other, ok := p.reserved[k]; ok && other != owner {
		return other, false
	}
	p.release(owner)
	p.reserved[k], p.byOwner[owner] = owner, k
	return "", true
}

// reservedBy reports who reserved name on server. p.mu is held.
func (p *Provider) reservedBy(server, name string) string {
	return p.reserved[fold(server)+`\`+fold(name)]
}

// release drops owner's reservation. p.mu is held.
func (p *Provider) release(owner string) {
	if k, ok := p.byOwner[owner]; ok {
		delete(p.reserved, k)
		delete(p.byOwner, owner)
	}
}
