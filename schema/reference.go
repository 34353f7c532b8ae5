package schema

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// MarkdownReference renders the resource reference of the README from the
// schemas: per provider its documentation and configuration arguments, then
// per resource type its documentation and a table of attributes, nested
// blocks in tables of their own. The output depends only on ps.
func MarkdownReference(ps []*Provider) string {
	var b strings.Builder
	for _, p := range ps {
		fmt.Fprintf(&b, "### Provider `%s`\n\n%s\n\n", p.Name, p.Doc)
		if len(p.Config.Attributes) > 0 {
			fmt.Fprintf(&b, "Arguments of the `provider \"%s\"` block (all optional when the defaults fit):\n\n", p.Name)
			writeBlock(&b, &p.Config, "provider."+p.Name)
		}
		if len(p.ResourceTypes) > 0 {
			names := make([]string, len(p.ResourceTypes))
			for i, rt := range p.ResourceTypes {
				names[i] = "[`" + rt.Name + "`](#" + rt.Name + ")"
			}
			fmt.Fprintf(&b, "Resource types: %s.\n\n", strings.Join(names, ", "))
		}
		for _, rt := range p.ResourceTypes {
			fmt.Fprintf(&b, "### `%s`\n\n%s\n\n", rt.Name, rt.Doc)
			fmt.Fprintf(&b, "Provider: `%s`. Import: `updplan import %s.NAME <%s>`.\n\n", rt.Provider, rt.Name, rt.IDAttribute)
			writeBlock(&b, &rt.Block, rt.Name)
		}
	}
	return b.String()
}

func writeBlock(b *strings.Builder, blk *Block, where string) {
	if len(blk.Attributes) > 0 {
		writeAttributeTable(b, blk.Attributes)
	}
	for _, nb := range blk.BlockTypes {
		inner := where + "." + nb.TypeName
		fmt.Fprintf(b, "#### Block `%s`\n\n%s %s\n\n", inner, nb.Doc, nestingText(nb))
		writeBlock(b, &nb.Block, inner)
	}
}

func nestingText(nb *NestedBlock) string {
	var s string
	switch nb.Nesting {
	case NestingSingle:
		s = "At most one block"
		if nb.MinItems > 0 {
			s = "Exactly one block, required"
		}
	case NestingList:
		s = "Repeatable; order counts"
	case NestingSet:
		s = "Repeatable; order does not count"
	case NestingMap:
		s = fmt.Sprintf("Repeatable, each block labeled with its %s (`%s \"%s\" { ... }`); labels are unique", LabelName, nb.TypeName, strings.ToUpper(LabelName))
	}
	if nb.Nesting != NestingSingle {
		switch {
		case nb.MinItems > 0 && nb.MaxItems > 0:
			s += fmt.Sprintf(", %d to %d blocks", nb.MinItems, nb.MaxItems)
		case nb.MinItems > 0:
			s += fmt.Sprintf(", at least %d", nb.MinItems)
		case nb.MaxItems > 0:
			s += fmt.Sprintf(", at most %d", nb.MaxItems)
		}
	}
	if nb.ForceNew {
		s += "; a change forces replacement"
	}
	return s + "."
}

func writeAttributeTable(b *strings.Builder, attrs []*Attribute) {
	b.WriteString("| Name | Type | Set by | Forces replacement | Sensitive | Default | Description |\n")
	b.WriteString("|---|---|---|---|---|---|---|\n")
	for _, a := range attrs {
		fmt.Fprintf(b, "| `%s` | %s | %s | %s | %s | %s | %s |\n",
			a.Name, cell("`"+typeexpr.TypeString(a.Type)+"`"), setBy(a), yes(a.ForceNew), yes(a.Sensitive), defaultText(a), cell(a.Doc))
	}
	b.WriteString("\n")
}

func setBy(a *Attribute) string {
	switch {
	case a.Required:
		return "required"
	case a.Optional && a.Computed:
		return "optional (computed when unset)"
	case a.Optional:
		return "optional"
	case a.Computed:
		return "computed"
	}
	return ""
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return ""
}

func defaultText(a *Attribute) string {
	if a.Default == cty.NilVal || a.Default.IsNull() {
		return ""
	}
	lit := strings.TrimSpace(string(hclwrite.TokensForValue(a.Default).Bytes()))
	return cell("`" + lit + "`")
}

// cell makes text safe inside a Markdown table cell.
func cell(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	return strings.ReplaceAll(s, "|", `\|`)
}
