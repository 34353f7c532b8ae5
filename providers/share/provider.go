package share

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
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

// samba-only settings, reported when set with the local driver.
var sambaOnly = []string{"roots", "address", "username", "password"}

// Configure opens the driver: `local` (the default) on root, relative to the
// configuration directory. The Samba driver is not part of this build.
func (p *Provider) Configure(_ context.Context, req providers.ConfigureRequest) hcl.Diagnostics {
	cfg, _ := req.Config.UnmarkDeep()
	driverName := strAttr(cfg, "driver", "local")
	switch driverName {
	case "local":
	case "samba":
		return hcl.Diagnostics{providers.AttrError(cty.GetAttrPath("driver"), "Samba driver not available",
			"This build of updplan has only the local share driver; the Samba driver (registry shares through `net conf`, share ACLs through `sharesec`) is not part of it yet, and updplan will not pretend to manage a Samba server. Use driver = \"local\" for dry runs and CI, or a build that includes the Samba driver.")}
	default:
		return hcl.Diagnostics{providers.AttrError(cty.GetAttrPath("driver"), "Unknown share driver",
			fmt.Sprintf("The share driver %q does not exist. Set driver to \"local\" or \"samba\" in the share provider block.", driverName))}
	}
	var diags hcl.Diagnostics
	var ignored []string
	for _, name := range sambaOnly {
		if cfg.Type().HasAttribute(name) && !cfg.GetAttr(name).IsNull() {
			ignored = append(ignored, name)
		}
	}
	if len(ignored) > 0 {
		diags = append(diags, providers.AttrWarning(cty.GetAttrPath(ignored[0]), "Samba settings ignored",
			fmt.Sprintf("The local share driver does not use %s: they are settings of the Samba driver, and the local driver keeps every share folder under root. Remove them, or keep them for when the Samba driver is used.", strings.Join(ignored, ", "))))
	}
	root := ".site"
	if v := cfg.GetAttr("root"); v.IsKnown() && !v.IsNull() {
		root = v.AsString()
	}
	d, err := openLocal(root, req.WorkingDir)
	if err != nil {
		return append(diags, diagOf(err, cty.GetAttrPath("root")))
	}
	p.drv = d
	return diags
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
