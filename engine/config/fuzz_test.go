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
