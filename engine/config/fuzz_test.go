package config

import (
	"testing"
)

// FuzzLoadSources feeds random file contents, as native syntax or JSON,
// to the loader: it must never panic and always return a Config that
// carries the file.
func FuzzLoadSources(f *testing.F) {
	f.Add([]byte("site \"lab\" {\n  code = \"LAB\"\n}\n"), false)
	f.Add([]byte(`{"share": {"pkgsrc": {"access": [{"principal": "SMS Admins"}]}}}`), true)
	l := testLoader()
	f.Fuzz(func(t *testing.T, src []byte, json bool) {
		name := "main" + SuffixHCL
		if json {
			name = "main" + SuffixJSON
		}
		cfg, diags := l.LoadSources(".", map[string][]byte{name: src})
		if cfg == nil || cfg.Files == nil || cfg.Files[name] == nil {
			t.Fatalf("no Config or file (diags: %s)", diagsText(diags))
		}
		if len(cfg.Digest) != 64 {
			t.Fatalf("digest %q", cfg.Digest)
		}
		for _, d := range diags {
			if d.Summary == "" {
				t.Fatalf("diagnostic without summary: %#v", d)
			}
		}
	})
}

// FuzzVarFile feeds random variable files: no panic, the file is kept for
// snippets, and values only for declared variables.
func FuzzVarFile(f *testing.F) {
	f.Add([]byte("site_code = \"LAB\"\nclients = [\"PC-0101\"]\n"), false)
	f.Add([]byte(`{"site_code": "LAB", "nope": 1}`), true)
	f.Fuzz(func(t *testing.T, src []byte, json bool) {
		cfg, diags := testLoader().LoadSources(".", map[string][]byte{"main.upd.hcl": []byte(varsConfig)})
		if diags.HasErrors() {
			t.Fatal(diagsText(diags))
		}
		name := "x.updvars"
		if json {
			name += ".json"
		}
		vals := map[string]*RawValue{}
		parseVarFile(cfg, vals, name, src, true)
		if cfg.Files[name] == nil {
			t.Fatal("file not kept")
		}
		for n := range vals {
			if cfg.Variables[n] == nil {
				t.Fatalf("value for undeclared variable %q", n)
			}
		}
	})
}
