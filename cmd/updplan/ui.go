package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

const (
	colorGreen = "\x1b[32;1m"
	colorBold  = "\x1b[1m"
	colorReset = "\x1b[0m"
)

// styled wraps s in an ANSI style when colour is on.
func (c *cli) styled(style, s string) string {
	if !c.color {
		return s
	}
	return style + s + colorReset
}

// interrupted reports whether the command was interrupted (SIGINT or
// SIGTERM), saying so on stderr: the command then exits 1.
func interrupted(ctx context.Context, c *cli) bool {
	if ctx.Err() == nil {
		return false
	}
	fmt.Fprintln(c.stderr, "\nInterrupted: updplan stopped after the work in flight; the state records what was done.")
	return true
}

// confirm asks question on a terminal and reports whether the answer is
// exactly "yes". Callers check c.stdinTerminal first.
func (c *cli) confirm(question, explanation string) bool {
	fmt.Fprintf(c.stdout, "\n%s\n", c.styled(colorBold, question))
	for _, line := range strings.Split(explanation, "\n") {
		fmt.Fprintf(c.stdout, "  %s\n", line)
	}
	fmt.Fprintf(c.stdout, "  Only 'yes' will be accepted to approve.\n\n  %s ", c.styled(colorBold, "Enter a value:"))
	line, _ := bufio.NewReader(c.stdin).ReadString('\n')
	fmt.Fprintln(c.stdout)
	return strings.TrimSpace(line) == "yes"
}

// noInputDiag is the error of a command that needs an approval it cannot
// ask for.
func noInputDiag(cmd, what, how string) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "No approval possible",
		Detail:   fmt.Sprintf("%q %s needs an approval, but standard input is not a terminal (or -input=false was given), so none can be asked for. %s", "updplan "+cmd, what, how),
	}
}
