package config

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/schema"
)

// Configuration file name suffixes: native syntax and HCL's JSON syntax.
const (
	SuffixHCL  = ".upd.hcl"
	SuffixJSON = ".upd.json"
)

// Loader reads configurations written for a fixed set of providers.
type Loader struct {
	// Schemas are the providers whose provider blocks and resource types may
	// appear (the engine passes schema.Providers() plus test providers).
	Schemas []*schema.Provider
}

// IsConfigFile reports whether a file name (without directory) is a
// configuration file. Editor backups and hidden files are not.
func IsConfigFile(name string) bool {
	if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "#") || strings.HasSuffix(name, "~") {
		return false
	}
	return strings.HasSuffix(name, SuffixHCL) || strings.HasSuffix(name, SuffixJSON)
}

// LoadDir loads every *.upd.hcl and *.upd.json file of dir (not of its
// subdirectories), in name order. Ranges carry the file names without the
// directory. The Config is never nil and always carries Files.
func (l *Loader) LoadDir(dir string) (*Config, hcl.Diagnostics) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		cfg := l.newConfig(dir)
		return cfg, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read configuration directory",
			Detail:   fmt.Sprintf("The configuration directory %q cannot be read: %s. Check the path (or -chdir) and its permissions.", dir, plainErr(err)),
		}}
	}
	files := map[string][]byte{}
	var diags hcl.Diagnostics
	for _, e := range entries {
		if e.IsDir() || !IsConfigFile(e.Name()) {
			continue
		}
		b, err := os.ReadFile(dir + string(os.PathSeparator) + e.Name())
		if err != nil {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagError,
				Summary:  "Cannot read configuration file",
				Detail:   fmt.Sprintf("The file %q cannot be read: %s. Check its permissions.", e.Name(), plainErr(err)),
			})
			continue
		}
		files[e.Name()] = b
	}
	if diags.HasErrors() {
		cfg := l.newConfig(dir)
		return cfg, diags
	}
	cfg, more := l.LoadSources(dir, files)
	return cfg, append(diags, more...)
}

// plainErr strips the path an *os.PathError repeats.
func plainErr(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

func (l *Loader) newConfig(dir string) *Config {
	return &Config{
		Dir:       dir,
		Files:     map[string]*hcl.File{},
		Variables: map[string]*Variable{},
		Locals:    map[string]*Local{},
		Outputs:   map[string]*Output{},
		Providers: map[string]*ProviderBlock{},
		Resources: map[addr.Resource]*Resource{},
		Data:      map[addr.Resource]*DataSource{},
	}
}

// LoadSources loads in-memory files (name -> contents) as if they were the
// configuration files of dir. Names ending in .upd.json are read with HCL's
// JSON syntax, every other name with the native syntax.
func (l *Loader) LoadSources(dir string, files map[string][]byte) (*Config, hcl.Diagnostics) {
	cfg := l.newConfig(dir)
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	cfg.Digest = digest(names, files)
	if len(names) == 0 {
		shown := dir
		if shown == "" {
			shown = "."
		}
		return cfg, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "No configuration files",
			Detail: fmt.Sprintf("The directory %q holds no configuration files. updplan reads every file named *%s or *%s in it (not in subdirectories); "+
				"create one, such as main%s, or use -chdir to point at the directory that holds them.", shown, SuffixHCL, SuffixJSON, SuffixHCL),
		}}
	}

	parser := hclparse.NewParser()
	var diags hcl.Diagnostics
	var bodies []*hcl.File
	for _, name := range names {
		var f *hcl.File
		var pd hcl.Diagnostics
		src := files[name]
		if strings.HasSuffix(name, SuffixJSON) {
			src = trimBOM(src)
			f, pd = parser.ParseJSON(src, name)
		} else {
			f, pd = parseNative(src, name)
		}
		diags = append(diags, pd...)
		if f == nil {
			// The JSON parser returns no file on some errors; keep the bytes
			// for snippets anyway.
			f = &hcl.File{Bytes: src}
		}
		cfg.Files[name] = f
		if !pd.HasErrors() && f.Body != nil {
			bodies = append(bodies, f)
		}
	}

	d := &decoder{loader: l, cfg: cfg}
	d.index()
	for _, f := range bodies {
		d.file(f.Body)
	}
	d.finish()
	// A file keeps its bytes and its blocks' ranges for diagnostics, not
	// its syntax tree: what the configuration needs of that it holds (and
	// frozen resource bodies let theirs go).
	for name, f := range cfg.Files {
		if sb, native := f.Body.(*hclsyntax.Body); native {
			cfg.Files[name] = &hcl.File{Bytes: f.Bytes, Nav: newBlockNav(sb)}
		}
	}
	advise(d.diags)
	diags = append(diags, d.diags...)
	return cfg, diags
}

// trimBOM drops a UTF-8 byte order mark, which Windows editors write and
// the JSON parser refuses (the native parser skips it itself).
func trimBOM(b []byte) []byte {
	return bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
}

// digest is the SHA-256 over each file's name and bytes, in name order, with
// lengths so that no two different sets of files collide by concatenation.
func digest(names []string, files map[string][]byte) string {
	h := sha256.New()
	var n [8]byte
	for _, name := range names {
		binary.BigEndian.PutUint64(n[:], uint64(len(name)))
		h.Write(n[:])
		h.Write([]byte(name))
		binary.BigEndian.PutUint64(n[:], uint64(len(files[name])))
		h.Write(n[:])
		h.Write(files[name])
	}
	return hex.EncodeToString(h.Sum(nil))
}
