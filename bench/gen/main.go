// Command gen writes a benchmark configuration: n objects in chains of
// references (each object refers to the previous one in its chain), for
// updplan (site database collections) or Terraform (terraform_data).
//
//	go run ./bench/gen -tool updplan -n 1000 -chain 10 -out DIR
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	tool := flag.String("tool", "updplan", "updplan or terraform")
	n := flag.Int("n", 1000, "number of objects")
	chain := flag.Int("chain", 10, "objects per chain of references")
	out := flag.String("out", "", "directory to write (created)")
	flag.Parse()
	if *out == "" || *n < 1 || *chain < 1 {
		fmt.Fprintln(os.Stderr, "usage: gen -tool updplan|terraform -n N -chain C -out DIR")
		os.Exit(2)
	}
	var src, file string
	switch *tool {
	case "updplan":
		src, file = updplanConfig(*n, *chain), "main.upd.hcl"
	case "terraform":
		src, file = terraformConfig(*n, *chain), "main.tf"
	default:
		fmt.Fprintf(os.Stderr, "unknown tool %q: use updplan or terraform\n", *tool)
		os.Exit(2)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := os.WriteFile(filepath.Join(*out, file), []byte(src), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// updplanConfig: one site and n collections; in each chain a collection's
// comment refers to the previous collection's id.
func updplanConfig(n, chain int) string {
	var b strings.Builder
	b.WriteString("site \"bench\" {\n  code   = \"BEN\"\n  name   = \"Bench\"\n  server = \"BENCHSRV\"\n}\n\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "collection \"c%d\" {\n  site = site.bench.code\n  name = \"collection %d\"\n", i, i)
		if i%chain != 0 {
			fmt.Fprintf(&b, "  comment = \"after ${collection.c%d.id}\"\n", i-1)
		}
		b.WriteString("}\n\n")
	}
	return b.String()
}

// terraformConfig: the same shape with terraform_data, which needs no
// provider download.
func terraformConfig(n, chain int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "resource \"terraform_data\" \"c%d\" {\n", i)
		if i%chain != 0 {
			fmt.Fprintf(&b, "  input = \"after ${terraform_data.c%d.id}\"\n", i-1)
		} else {
			fmt.Fprintf(&b, "  input = \"collection %d\"\n", i)
		}
		b.WriteString("}\n\n")
	}
	return b.String()
}
