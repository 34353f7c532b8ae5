package config

import (
	"bytes"
	"runtime"
	"sync"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// pieceSize is the size of the pieces a large file is parsed in: small
// enough that a piece's tokens (about 30 times its size while it is parsed)
// stay small, large enough that a piece is worth a goroutine. The lexer's
// token list grows by append, which doubles only up to 256 tokens and then
// adds a quarter, so the lists of 16 KB pieces cost 4.4 times their final
// size in allocations and those of 2 KB pieces (about 600 tokens) 3 times:
// a no-op plan of 1,000 objects allocates 12% less.
const pieceSize = 2 << 10

// parseNative parses a native-syntax file. A large file is cut where
// top-level blocks end (after a line holding just "}"), the pieces are
// parsed at once, each at its own position in the file, and their bodies
// are joined: the result is the body a whole-file parse returns, in a
// fraction of the time on several cores and without one token list as
// large as the file.
//
// A cut can only land inside something else (a nested block, a heredoc, a
// comment) if the piece before it then ends unterminated, which is a parse
// error: a piece that parses cleanly ends with the lexer and the parser
// back at the top level, exactly where the whole-file parse is at that
// byte. So when any piece has a diagnostic, or two pieces set the same
// top-level argument, the file is parsed whole instead, and the
// diagnostics are the whole-file parser's own.
func parseNative(src []byte, filename string) (*hcl.File, hcl.Diagnostics) {
	return parsePieces(src, filename, pieceSize)
}

// parsePieces parses src cut into pieces of about size bytes.
func parsePieces(src []byte, filename string, size int) (*hcl.File, hcl.Diagnostics) {
	cuts := blockBoundaries(src, size)
	if len(cuts) == 0 {
		return hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	}
	starts := append([]int{0}, cuts...)
	files := make([]*hcl.File, len(starts))
	diags := make([]hcl.Diagnostics, len(starts))
	// As many pieces at once as there are cores: each piece's tokens live
	// only while it is parsed.
	var wg sync.WaitGroup
	slots := make(chan struct{}, runtime.GOMAXPROCS(0))
	line := 1
	for i, at := range starts {
		if i > 0 {
			line += bytes.Count(src[starts[i-1]:at], []byte("\n"))
		}
		end := len(src)
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		pos := hcl.Pos{Line: line, Column: 1, Byte: at}
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			files[i], diags[i] = hclsyntax.ParseConfig(src[at:end], filename, pos)
		}()
	}
	wg.Wait()
	if f, ok := joinPieces(src, files, diags); ok {
		return f, nil
	}
	return hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
}

// joinPieces joins the bodies of the pieces of one file, or reports that
// it cannot (a piece with diagnostics, an argument set twice).
func joinPieces(src []byte, files []*hcl.File, diags []hcl.Diagnostics) (*hcl.File, bool) {
	body := &hclsyntax.Body{Attributes: hclsyntax.Attributes{}}
	for i, f := range files {
		if len(diags[i]) > 0 || f == nil {
			return nil, false
		}
		piece := f.Body.(*hclsyntax.Body)
		for name, attr := range piece.Attributes {
			if _, dup := body.Attributes[name]; dup {
				return nil, false
			}
			body.Attributes[name] = attr
		}
		body.Blocks = append(body.Blocks, piece.Blocks...)
	}
	first, last := files[0].Body.(*hclsyntax.Body), files[len(files)-1].Body.(*hclsyntax.Body)
	body.SrcRange = hcl.RangeBetween(first.SrcRange, last.SrcRange)
	body.EndRange = last.EndRange
	return &hcl.File{Body: body, Bytes: src, Nav: newBlockNav(body)}, true
}

// blockBoundaries returns where to cut src into pieces of about size bytes:
// the starts of lines that follow a line holding just "}" (optionally with
// a carriage return).
func blockBoundaries(src []byte, size int) []int {
	var cuts []int
	next := size
	for next < len(src) {
		i := bytes.Index(src[next:], []byte("\n}"))
		if i < 0 {
			break
		}
		at := next + i + 2 // just past the "}"
		if at < len(src) && src[at] == '\r' {
			at++
		}
		if at+1 < len(src) && src[at] == '\n' {
			cuts = append(cuts, at+1)
			next = at + 1 + size
			continue
		}
		next = at
	}
	return cuts
}
