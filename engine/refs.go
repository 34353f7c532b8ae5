package engine

import (
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/config"
)

// nodeKind says what a graph vertex stands for.
type nodeKind uint8

const (
	varNode nodeKind = iota + 1
	localNode
	resourceNode
	outputNode
	dataNode
)

// node is one vertex of the configuration graph: a variable, a local value,
// a resource block (all its instances) or an output.
type node struct {
	kind nodeKind
	name string        // variable, local or output name
	res  addr.Resource // resource
}

func (n node) String() string {
	switch n.kind {
	case varNode:
		return "var." + n.name
	case localNode:
		return "local." + n.name
	case resourceNode:
		return n.res.String()
	case outputNode:
		return "output." + n.name
	case dataNode:
		return "data." + n.res.String()
	}
	return "?"
}

func nodeLess(a, b node) bool {
	if a.kind != b.kind {
		return a.kind < b.kind
	}
	if a.kind == resourceNode || a.kind == dataNode {
		return a.res.Less(b.res)
	}
	return a.name < b.name
}

// refContext says which contextual names an expression may use.
type refContext struct {
	count, each, self bool
	// iterators are dynamic block iterator names in scope
	iterators map[string]bool
}

// ref is a resolved reference and where it is written.
type ref struct {
	node node
	rng  hcl.Range
}

// resolveRefRanges turns an expression's traversals into graph nodes with
// where each is written, reporting references to things that do not exist.
func (e *Engine) resolveRefRanges(cfg *config.Config, travs []hcl.Traversal, rc refContext) ([]ref, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	var out []ref
	types := e.Schemas()
	for _, t := range travs {
		root := t.RootName()
		rng := t.SourceRange()
		attrAfter := func() (string, bool) {
			if len(t) < 2 {
				return "", false
			}
			switch step := t[1].(type) {
			case hcl.TraverseAttr:
				return step.Name, true
			case hcl.TraverseIndex:
				if step.Key.Type().FriendlyName() == "string" && step.Key.IsKnown() && !step.Key.IsNull() {
					return step.Key.AsString(), true
				}
			}
			return "", false
		}
		switch root {
		case "var":
			name, ok := attrAfter()
			if !ok {
				diags = append(diags, errorDiag("Invalid reference", "A reference to a variable is written var.NAME.", &rng))
				continue
			}
			if _, ok := cfg.Variables[name]; !ok {
				diags = append(diags, errorDiag("Reference to undeclared input variable",
					fmt.Sprintf("An input variable named %q has not been declared.%s Declare it with a variable \"%s\" block, or fix the name.", name, didYouMean(name, sortedKeys(cfg.Variables)), name), &rng))
				continue
			}
			out = append(out, ref{node{kind: varNode, name: name}, rng})
		case "local":
			name, ok := attrAfter()
			if !ok {
				diags = append(diags, errorDiag("Invalid reference", "A reference to a local value is written local.NAME.", &rng))
				continue
			}
			if _, ok := cfg.Locals[name]; !ok {
				diags = append(diags, errorDiag("Reference to undeclared local value",
					fmt.Sprintf("A local value named %q has not been declared.%s Add it to a locals block, or fix the name.", name, didYouMean(name, sortedKeys(cfg.Locals))), &rng))
				continue
			}
			out = append(out, ref{node{kind: localNode, name: name}, rng})
		case "path":
			name, _ := attrAfter()
			if name != "root" && name != "cwd" {
				diags = append(diags, errorDiag("Invalid path reference", "Only path.root (the configuration directory) and path.cwd (the working directory) exist.", &rng))
			}
		case "count":
			if !rc.count {
				diags = append(diags, errorDiag("Reference to \"count\" in non-counted context",
					"count.index can only be used in a resource or data block that sets the count argument.", &rng))
			} else if name, _ := attrAfter(); name != "index" {
				diags = append(diags, errorDiag("Invalid count reference", "The only attribute of count is count.index.", &rng))
			}
		case "each":
			if !rc.each {
				diags = append(diags, errorDiag("Reference to \"each\" in context without for_each",
					"each.key and each.value can only be used in a resource or data block that sets the for_each argument.", &rng))
			} else if name, _ := attrAfter(); name != "key" && name != "value" {
				diags = append(diags, errorDiag("Invalid each reference", "each has only the attributes key and value.", &rng))
			}
		case "data":
			n, d := resolveDataRef(cfg, t)
			diags = append(diags, d...)
			if d == nil {
				out = append(out, ref{n, rng})
			}
		case "self":
			if !rc.self {
				diags = append(diags, errorDiag("Invalid \"self\" reference", "self can only be used in a postcondition, where it is the object after apply.", &rng))
			}
		default:
			if rc.iterators[root] {
				continue
			}
			if types.ResourceType(root) == nil {
				candidates := append([]string{"var", "local", "path", "count", "each", "data"}, typeNames(types)...)
				diags = append(diags, errorDiag("Reference to unknown name",
					fmt.Sprintf("There is no variable, local value or resource type named %q.%s", root, didYouMean(root, candidates)), &rng))
				continue
			}
			name, ok := attrAfter()
			if !ok {
				diags = append(diags, errorDiag("Invalid reference", fmt.Sprintf("A reference to a resource is written %s.NAME.ATTRIBUTE.", root), &rng))
				continue
			}
			ra := addr.Resource{Type: root, Name: name}
			if _, ok := cfg.Resources[ra]; !ok {
				var same []string
				for a := range cfg.Resources {
					if a.Type == root {
						same = append(same, a.Name)
					}
				}
				sort.Strings(same)
				diags = append(diags, errorDiag("Reference to undeclared resource",
					fmt.Sprintf("A %s resource named %q has not been declared.%s", root, name, didYouMean(name, same)), &rng))
				continue
			}
			out = append(out, ref{node{kind: resourceNode, res: ra}, rng})
		}
	}
	return out, diags
}

// resolveDataRef resolves data.TYPE.NAME.
func resolveDataRef(cfg *config.Config, t hcl.Traversal) (node, hcl.Diagnostics) {
	rng := t.SourceRange()
	var typ, name string
	if len(t) >= 3 {
		a1, ok1 := t[1].(hcl.TraverseAttr)
		a2, ok2 := t[2].(hcl.TraverseAttr)
		if ok1 && ok2 {
			typ, name = a1.Name, a2.Name
		}
	}
	if typ == "" {
		return node{}, hcl.Diagnostics{errorDiag("Invalid data reference", "A reference to a data source is written data.TYPE.NAME.ATTRIBUTE.", &rng)}
	}
	a := addr.Resource{Type: typ, Name: name}
	if _, ok := cfg.Data[a]; !ok {
		var names []string
		for d := range cfg.Data {
			names = append(names, "data."+d.String())
		}
		sort.Strings(names)
		return node{}, hcl.Diagnostics{errorDiag("Reference to undeclared data source",
			fmt.Sprintf("No data block %q %q is declared.%s Declare it with data %q %q { ... }, or fix the name.", typ, name, didYouMean("data."+a.String(), names), typ, name), &rng)}
	}
	return node{kind: dataNode, res: a}, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func typeNames(s Schemas) []string {
	out := make([]string, 0, len(s.byType))
	for n := range s.byType {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
