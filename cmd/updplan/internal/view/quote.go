package view

import (
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// hclQuote renders s as an HCL quoted string literal (escaping `${` and
// `%{` too, unlike strconv.Quote).
func hclQuote(s string) string {
	return string(hclwrite.TokensForValue(cty.StringVal(s)).Bytes())
}
