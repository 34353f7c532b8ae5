package config

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkLoadSources loads the valid example plus n generated resources,
// the size of a large site.
func BenchmarkLoadSources(b *testing.B) {
	files := map[string][]byte{}
	paths, _ := filepath.Glob("testdata/valid/*")
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		files[filepath.Base(p)] = src
	}
	var gen strings.Builder
	for i := range 500 {
		fmt.Fprintf(&gen, "collection \"c%d\" {\n  site = site.lab.code\n  name = \"Collection %d\"\n  members = [\"PC-%04d\"]\n  depends_on = [site.lab]\n}\n", i, i, i)
	}
	files["generated.upd.hcl"] = []byte(gen.String())
	l := testLoader()
	b.ReportAllocs()
	for b.Loop() {
		_, diags := l.LoadSources(".", files)
		if diags.HasErrors() {
			b.Fatal(diagsText(diags))
		}
	}
}
