package config

import (
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// samePieceParse checks that parsing src in pieces of size bytes gives
// the whole-file parse: the same body and the same diagnostics.
func samePieceParse(t *testing.T, name string, src []byte, size int) {
	t.Helper()
	whole, wholeDiags := hclsyntax.ParseConfig(src, name, hcl.InitialPos)
	pieces, pieceDiags := parsePieces(src, name, size)
	if !reflect.DeepEqual(wholeDiags, pieceDiags) {
		t.Fatalf("%s: diagnostics differ\nwhole:  %v\npieces: %v", name, wholeDiags, pieceDiags)
	}
	if !reflect.DeepEqual(whole.Body, pieces.Body) {
		t.Fatalf("%s: bodies differ in pieces of %d bytes", name, size)
	}
	if string(whole.Bytes) != string(pieces.Bytes) {
		t.Fatalf("%s: bytes differ", name)
	}
	sameNavigation(t, name, src, whole.Nav, pieces.Nav)
}

// sameNavigation checks that nav answers the renderer's "in which block"
// questions as want (the native parser's navigation) does.
func sameNavigation(t *testing.T, name string, src []byte, want, nav any) {
	t.Helper()
	type navigator interface {
		ContextString(int) string
		ContextDefRange(int) hcl.Range
	}
	for off := -1; off <= len(src); off += 7 {
		w, g := want.(navigator), nav.(navigator)
		if w.ContextString(off) != g.ContextString(off) {
			t.Fatalf("%s: context at %d is %q, want %q", name, off, g.ContextString(off), w.ContextString(off))
		}
		if w.ContextDefRange(off) != g.ContextDefRange(off) {
			t.Fatalf("%s: context range at %d is %v, want %v", name, off, g.ContextDefRange(off), w.ContextDefRange(off))
		}
	}
}

// TestParsePiecesMatchesWholeFile parses every configuration in the
// repository cut at every block boundary.
func TestParsePiecesMatchesWholeFile(t *testing.T) {
	cut := 0
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, SuffixHCL) {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if len(blockBoundaries(src, 1)) > 0 {
			cut++
		}
		samePieceParse(t, path, src, 1)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if cut < 10 {
		t.Fatalf("only %d files had block boundaries; the test is not cutting anything", cut)
	}
}

func TestParsePiecesTrickyCuts(t *testing.T) {
	tests := map[string]string{
		"heredoc holding a brace line": "site \"a\" {\n  code = \"A\"\n}\nsite \"b\" {\n  name = <<EOT\n}\nfoo\nEOT\n}\nsite \"c\" {\n}\n",
		"comment holding a brace line": "site \"a\" {\n}\n/*\n}\nsite \"x\" {\n*/\nsite \"b\" {\n}\n",
		"argument set twice":           "a = 1\n\nsite \"a\" {\n}\na = 2\n",
		"windows line ends":            "site \"a\" {\r\n  code = \"A\"\r\n}\r\nsite \"b\" {\r\n}\r\n",
		"error in a later piece":       "site \"a\" {\n}\nsite \"b\" {\n  code = \n}\n",
		"unclosed last block":          "site \"a\" {\n}\nsite \"b\" {\n",
		"brace then blank line":        "site \"a\" {\n}\n\nsite \"b\" {\n}\n",
		"unicode before a cut":         "site \"a\" {\n  name = \"Zürich ☃\"\n}\nsite \"b\" {\n  name = \"Genève\"\n}\n",
	}
	for name, src := range tests {
		t.Run(name, func(t *testing.T) {
			samePieceParse(t, "main.upd.hcl", []byte(src), 1)
		})
	}
}

// FuzzParsePieces: for any input, the piecewise parse is the whole-file
// parse.
func FuzzParsePieces(f *testing.F) {
	f.Add([]byte("site \"a\" {\n  code = \"A\"\n}\nsite \"b\" {\n  name = <<EOT\n}\nfoo\nEOT\n}\n"))
	f.Add([]byte("a = 1\n}\nb = 2\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		samePieceParse(t, "main.upd.hcl", src, 1)
	})
}
