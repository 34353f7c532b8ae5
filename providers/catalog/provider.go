package catalog

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/providers/internal/smbconn"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

var (
	_ providers.Provider = (*Provider)(nil)
	_ providers.Importer = (*Provider)(nil)
	_ providers.Closer   = (*Provider)(nil)
)

// Provider is the catalog provider. Read, Plan, Apply and Import are safe
// for concurrent use once Configure has run.
type Provider struct {
	client *http.Client
	// workingDir is the configuration directory: relative paths are
	// relative to it.
	workingDir string
	// maxSize refuses larger catalogs (downloads and local files alike).
	maxSize int64
	now     func() time.Time

	// Hooks for tests: onHash is called each time a file is read in full
	// to hash it; onCopy after each chunk written to a temporary file (an
	// error fails the copy there).
	onHash func(path string)
	onCopy func(tmp string, written int64) error

	// bytesRead counts the catalog bytes read from files (hashing,
	// copying): a no-op plan under verify = "metadata" reads none.
	bytesRead atomic.Int64

	mu       sync.Mutex
	verifier map[string]*Authenticode // by anchor list

	// smb holds one session per distribution point server and account,
	// shared by every catalog of a run; smbCred is the provider block's
	// account, smbServers the per-server ones (by folded host name).
	smb        *smbconn.Pool
	smbCred    smbconn.Credentials
	smbServers map[string]smbconn.Credentials
}

// maxCatalogSize is the largest catalog accepted: the real one is about
// 1 GB.
const maxCatalogSize = 4 << 30

// New returns an unconfigured catalog provider.
func New() *Provider {
	return &Provider{maxSize: maxCatalogSize, now: time.Now, verifier: map[string]*Authenticode{}}
}

func (p *Provider) Name() string { return "catalog" }

func (p *Provider) Schema() *schema.Provider { return schema.Catalog }

// Configure sets up the HTTP client: http_timeout per request, ca_file as
// extra authorities for HTTPS. Redirects may not leave HTTPS.
func (p *Provider) Configure(_ context.Context, req providers.ConfigureRequest) hcl.Diagnostics {
	cfg, _ := req.Config.UnmarkDeep()
	p.workingDir = req.WorkingDir
	timeout := 10 * time.Minute
	if s := optString(cfg, "http_timeout"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 {
			return hcl.Diagnostics{providers.AttrError(cty.GetAttrPath("http_timeout"), "Invalid HTTP timeout",
				fmt.Sprintf("The value %q is not a positive duration. Write it like \"30s\", \"10m\" or \"1h\".", s))}
		}
		timeout = d
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	if caFile := optString(cfg, "ca_file"); caFile != "" {
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		pemData, err := os.ReadFile(absPath(p.workingDir, caFile))
		if err != nil {
			return hcl.Diagnostics{providers.AttrError(cty.GetAttrPath("ca_file"), "Unreadable CA file",
				fmt.Sprintf("The CA file %s cannot be read: %v. Check the path in the catalog provider block.", caFile, errors.Unwrap(err)))}
		}
		if !pool.AppendCertsFromPEM(pemData) {
			return hcl.Diagnostics{providers.AttrError(cty.GetAttrPath("ca_file"), "No certificate in CA file",
				fmt.Sprintf("The CA file %s holds no PEM certificate. Point ca_file at a PEM file of the authorities that sign your catalog server's certificate.", caFile))}
		}
		transport.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	p.client = &http.Client{Transport: loggedTransport{transport}, Timeout: timeout, CheckRedirect: checkRedirect}
	p.smbCred = smbconn.Credentials{Username: optString(cfg, "smb_username"), Password: optString(cfg, "smb_password"), Domain: optString(cfg, "smb_domain")}
	p.smbServers = map[string]smbconn.Credentials{}
	if !cfg.IsNull() && cfg.Type().HasAttribute("smb_server") && !cfg.GetAttr("smb_server").IsNull() {
		// smb_server blocks are keyed by their label (the host); the
		// schema refuses a label given twice, this refuses two that
		// differ only in case, as host names do.
		first := map[string]string{}
		for it := cfg.GetAttr("smb_server").ElementIterator(); it.Next(); {
			k, s := it.Element()
			host := k.AsString()
			if other, dup := first[strings.ToLower(host)]; dup {
				return hcl.Diagnostics{providers.AttrError(cty.GetAttrPath("smb_server").Index(k), "Duplicate smb_server block",
					fmt.Sprintf("The smb_server blocks %q and %q name the same server: host names are not case-sensitive. Keep one of them.", other, host))}
			}
			first[strings.ToLower(host)] = host
			p.smbServers[strings.ToLower(host)] = smbconn.Credentials{Username: optString(s, "username"), Password: optString(s, "password"), Domain: optString(s, "domain")}
		}
	}
	if p.smb == nil {
		p.smb = smbconn.NewPool()
	}
	return nil
}

// credFor is the account for a distribution point on host: its smb_server
// block's, else the provider block's, completed from UPDPLAN_SMB_USERNAME,
// UPDPLAN_SMB_PASSWORD and UPDPLAN_SMB_DOMAIN.
func (p *Provider) credFor(host string) smbconn.Credentials {
	c, ok := p.smbServers[strings.ToLower(host)]
	if !ok {
		c = p.smbCred
	}
	return c.WithEnv()
}

// Close drops idle HTTP connections and logs off the SMB sessions.
func (p *Provider) Close() error {
	if p.client != nil {
		p.client.CloseIdleConnections()
	}
	if p.smb != nil {
		return p.smb.Close()
	}
	return nil
}

func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return errors.New("more than 10 redirects")
	}
	if via[0].URL.Scheme == "https" && req.URL.Scheme != "https" {
		return fmt.Errorf("a redirect from HTTPS to %s (%s) is refused", req.URL.Scheme, req.URL.Redacted())
	}
	return nil
}

// verifierFor returns the verifier of an anchor list, loading the PEM files
// once per list.
func (p *Provider) verifierFor(anchors []string) (*Authenticode, error) {
	key := fmt.Sprint(anchors)
	p.mu.Lock()
	defer p.mu.Unlock()
	if a := p.verifier[key]; a != nil {
		return a, nil
	}
	a, err := NewAuthenticode(anchors)
	if err != nil {
		return nil, err
	}
	a.now = p.now
	p.verifier[key] = a
	return a, nil
}

func (p *Provider) ready(typeName string) hcl.Diagnostics {
	if p.client == nil {
		return hcl.Diagnostics{providers.Error("Provider not configured", "The catalog provider was used before Configure. This is a bug in the engine.")}
	}
	if typeName != "catalog" {
		return hcl.Diagnostics{providers.Errorf("Unknown resource type", "The catalog provider has no resource type %q. This is a bug in the engine.", typeName)}
	}
	return nil
}

func optString(obj cty.Value, name string) string {
	if obj.IsNull() || !obj.Type().HasAttribute(name) {
		return ""
	}
	v := obj.GetAttr(name)
	if v.IsNull() || !v.IsKnown() {
		return ""
	}
	return v.AsString()
}

// absPath makes path absolute against dir, the configuration directory
// (path.root is "." in expressions, so paths built from it are relative to
// the configuration, wherever updplan runs).
func absPath(dir, path string) string {
	if !filepath.IsAbs(path) {
		path = filepath.Join(dir, path)
	}
	if a, err := filepath.Abs(path); err == nil {
		return a
	}
	return path
}
