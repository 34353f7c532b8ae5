package engine

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/dynblock"
	"github.com/hashicorp/hcl/v2/hcldec"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/config"
	"github.com/updplan/updplan/engine/eval"
	"github.com/updplan/updplan/engine/graph"
	"github.com/updplan/updplan/schema"
)

// configGraph is the dependency graph of a configuration, with what each
// resource refers to.
type configGraph struct {
	g *graph.Graph[node]
	// deps lists, per resource, the resources it refers to directly or
	// through locals and variables, and those in depends_on: the order of
	// apply and, recorded in state, of deletes.
	deps map[addr.Resource][]addr.Resource
	// attrRefs lists, per resource and top-level attribute, the resources
	// the attribute's expression refers to (for cross-object rules).
	attrRefs map[addr.Resource]schema.AttributeRefs
	// bodyTravs are the traversals of each resource body, dynamic blocks
	// included (computed once, used to evaluate every instance).
	bodyTravs map[addr.Resource][]hcl.Traversal
	// readData reads a data source during the walk; nil (validate) leaves
	// every data source unknown.
	readData *dataReader
}

// buildGraph builds the graph of cfg. Steps:
func (e *Engine) buildGraph(cfg *config.Config) (*configGraph, hcl.Diagnostics) {
	var diags hcl.Diagnostics
	cg := &configGraph{
		g:         graph.New(nodeLess, node.String),
		deps:      map[addr.Resource][]addr.Resource{},
		attrRefs:  map[addr.Resource]schema.AttributeRefs{},
		bodyTravs: map[addr.Resource][]hcl.Traversal{},
	}
	types := e.Schemas()
	connect := func(from node, to []ref) {
		for _, t := range to {
			cg.g.Connect(from, t.node)
		}
	}

	// 1. One vertex per variable, local, resource and output.
	for name := range cfg.Variables {
		cg.g.Add(node{kind: varNode, name: name})
	}
	for name := range cfg.Locals {
		cg.g.Add(node{kind: localNode, name: name})
	}
	for a := range cfg.Resources {
		cg.g.Add(node{kind: resourceNode, res: a})
	}
	for name := range cfg.Outputs {
		cg.g.Add(node{kind: outputNode, name: name})
	}
	for a := range cfg.Data {
		cg.g.Add(node{kind: dataNode, res: a})
	}

	// 2. Locals depend on what their expression refers to.
	for name, l := range cfg.Locals {
		refs, d := e.resolveRefRanges(cfg, l.Expr.Variables(), refContext{})
		diags = append(diags, d...)
		connect(node{kind: localNode, name: name}, refs)
	}

	// 3. Resources depend on their body, count/for_each, depends_on and
	//    conditions.
	for a, r := range cfg.Resources {
		rt := types.ResourceType(a.Type)
		if rt == nil {
			continue // reported by the loader
		}
		from := node{kind: resourceNode, res: a}
		rc := refContext{count: r.Count != nil, each: r.ForEach != nil}
		var all []ref
		bodyTravs, attrTravs := plainBodyTraversals(r.Config, rt)
		if attrTravs == nil {
			rc.iterators = dynamicIterators(r.Config)
			bodyTravs = dynblock.VariablesHCLDec(r.Config, rt.Block.DecoderSpec())
		}
		if _, frozen := r.Config.(*config.FrozenBody); !frozen {
			// A frozen body rebuilds its traversals when asked
			// (eval.BodyTraversals): kept here, they would undo its saving.
			cg.bodyTravs[a] = bodyTravs
		}
		refs, d := e.resolveRefRanges(cfg, bodyTravs, rc)
		diags = append(diags, d...)
		all = append(all, refs...)
		for _, expr := range []hcl.Expression{r.Count, r.ForEach} {
			if expr == nil {
				continue
			}
			refs, d := e.resolveRefRanges(cfg, expr.Variables(), refContext{})
			diags = append(diags, d...)
			all = append(all, refs...)
		}
		refs, d = e.resolveRefRanges(cfg, r.DependsOn, refContext{})
		diags = append(diags, d...)
		all = append(all, refs...)
		for _, c := range r.Preconditions {
			refs, d := e.resolveRefRanges(cfg, append(c.Condition.Variables(), c.ErrorMessage.Variables()...), rc)
			diags = append(diags, d...)
			all = append(all, refs...)
		}
		post := rc
		post.self = true
		for _, c := range r.Postconditions {
			refs, d := e.resolveRefRanges(cfg, append(c.Condition.Variables(), c.ErrorMessage.Variables()...), post)
			diags = append(diags, d...)
			all = append(all, refs...)
		}
		connect(from, all)
		cg.attrRefs[a] = e.attributeRefs(cfg, r, rt, rc, attrTravs)
	}

	// 3b. Data sources depend on their arguments, count/for_each and
	//    depends_on.
	for a, ds := range cfg.Data {
		rt := types.DataSource(a.Type)
		if rt == nil {
			continue // reported by the loader
		}
		rc := refContext{count: ds.Count != nil, each: ds.ForEach != nil}
		refs, d := e.resolveRefRanges(cfg, hcldec.Variables(ds.Config, rt.Block.DecoderSpec()), rc)
		diags = append(diags, d...)
		for _, expr := range []hcl.Expression{ds.Count, ds.ForEach} {
			if expr != nil {
				more, d := e.resolveRefRanges(cfg, expr.Variables(), refContext{})
				diags = append(diags, d...)
				refs = append(refs, more...)
			}
		}
		more, d := e.resolveRefRanges(cfg, ds.DependsOn, refContext{})
		diags = append(diags, d...)
		connect(node{kind: dataNode, res: a}, append(refs, more...))
	}

	// 4. Outputs depend on their value and depends_on.
	for name, o := range cfg.Outputs {
		refs, d := e.resolveRefRanges(cfg, append(o.Expr.Variables(), o.DependsOn...), refContext{})
		diags = append(diags, d...)
		connect(node{kind: outputNode, name: name}, refs)
	}

	// 5. Cycles are errors naming every object on them.
	for _, cycle := range cg.g.Cycles() {
		names := make([]string, 0, len(cycle)+1)
		for _, n := range cycle {
			names = append(names, n.String())
		}
		names = append(names, cycle[0].String())
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Cycle in references",
			Detail:   fmt.Sprintf("These objects refer to each other in a loop: %s. Remove one of the references (or depends_on) to break it.", strings.Join(names, " -> ")),
			Subject:  rangePtr(cg.cycleRange(cfg, e, cycle)),
		})
	}
	if diags.HasErrors() {
		return cg, diags
	}

	// 6. Resource-to-resource dependencies, through locals.
	for a := range cfg.Resources {
		cg.deps[a] = directResourceDeps(cg.g, node{kind: resourceNode, res: a})
	}
	return cg, diags
}

// directResourceDeps finds the resources n depends on without passing
// through another resource.
func directResourceDeps(g *graph.Graph[node], n node) []addr.Resource {
	var out []addr.Resource
	seen := map[node]bool{n: true}
	stack := g.DependenciesOf(n)
	for len(stack) > 0 {
		cur := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[cur] {
			continue
		}
		seen[cur] = true
		if cur.kind == resourceNode {
			out = append(out, cur.res)
			continue
		}
		stack = append(stack, g.DependenciesOf(cur)...)
	}
	addrSortResources(out)
	return out
}

func addrSortResources(list []addr.Resource) { slices.SortFunc(list, addr.CompareResources) }

// plainBodyTraversals returns the traversals of a native-syntax body that
// holds only arguments, all of them and per argument of rt, without the
// general walk over a decoder spec. attrTravs is nil for any other body.
func plainBodyTraversals(body hcl.Body, rt *schema.ResourceType) (all []hcl.Traversal, attrTravs map[string][]hcl.Traversal) {
	if fb, frozen := body.(*config.FrozenBody); frozen {
		// Arguments the loader checked, traversals already in source order.
		attrTravs = make(map[string][]hcl.Traversal, fb.Len())
		for i := range fb.Len() {
			travs := fb.Variables(i)
			attrTravs[fb.Name(i)] = travs
			all = append(all, travs...)
		}
		return all, attrTravs
	}
	sb, ok := body.(*hclsyntax.Body)
	if !ok || !eval.OnlyArguments(sb, &rt.Block) {
		return nil, nil
	}
	attrTravs = make(map[string][]hcl.Traversal, len(sb.Attributes))
	for name, attr := range sb.Attributes {
		if rt.Block.Attribute(name) == nil {
			continue // reported by the loader
		}
		attrTravs[name] = attr.Expr.Variables()
	}
	// In source order, so that what is reported first (where a cycle
	// closes) does not depend on map order.
	for _, a := range rt.Block.Attributes {
		all = append(all, attrTravs[a.Name]...)
	}
	slices.SortStableFunc(all, func(x, y hcl.Traversal) int { return x.SourceRange().Start.Byte - y.SourceRange().Start.Byte })
	return all, attrTravs
}

// attributeRefs lists the resources each top-level attribute refers to,
// directly or through locals. attrTravs, when not nil, are the traversals
// of each attribute already found.
func (e *Engine) attributeRefs(cfg *config.Config, r *config.Resource, rt *schema.ResourceType, rc refContext, attrTravs map[string][]hcl.Traversal) schema.AttributeRefs {
	var out schema.AttributeRefs
	if attrTravs == nil {
		attrTravs = map[string][]hcl.Traversal{}
		bs := &hcl.BodySchema{}
		for _, a := range rt.Block.Attributes {
			bs.Attributes = append(bs.Attributes, hcl.AttributeSchema{Name: a.Name})
		}
		content, _, _ := r.Config.PartialContent(bs)
		if content == nil {
			return out
		}
		for name, attr := range content.Attributes {
			attrTravs[name] = attr.Expr.Variables()
		}
	}
	for name, travs := range attrTravs {
		if len(travs) == 0 {
			continue
		}
		refs, _ := e.resolveRefRanges(cfg, travs, rc)
		var list []addr.Resource
		seen := map[addr.Resource]bool{}
		var visit func(n node)
		visited := map[node]bool{}
		visit = func(n node) {
			if visited[n] {
				return
			}
			visited[n] = true
			switch n.kind {
			case resourceNode:
				if !seen[n.res] {
					seen[n.res] = true
					list = append(list, n.res)
				}
			case localNode:
				if l := cfg.Locals[n.name]; l != nil {
					more, _ := e.resolveRefRanges(cfg, l.Expr.Variables(), refContext{})
					for _, m := range more {
						visit(m.node)
					}
				}
			}
		}
		for _, n := range refs {
			visit(n.node)
		}
		if len(list) > 0 {
			addrSortResources(list)
			out = append(out, schema.AttributeRef{Name: name, To: list})
		}
	}
	slices.SortFunc(out, func(a, b schema.AttributeRef) int { return strings.Compare(a.Name, b.Name) })
	return slices.Clip(out)
}

// dynamicIterators collects the iterator names of dynamic blocks in body
// (the block label, or the iterator argument).
func dynamicIterators(body hcl.Body) map[string]bool {
	out := map[string]bool{}
	content, _, _ := body.PartialContent(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "dynamic", LabelNames: []string{"type"}}}})
	if content == nil {
		return out
	}
	for _, b := range content.Blocks {
		name := b.Labels[0]
		attrs, _, _ := b.Body.PartialContent(&hcl.BodySchema{Attributes: []hcl.AttributeSchema{{Name: "iterator"}}})
		if attrs != nil {
			if it, ok := attrs.Attributes["iterator"]; ok {
				if t, d := hcl.AbsTraversalForExpr(it.Expr); !d.HasErrors() {
					name = t.RootName()
				}
			}
		}
		out[name] = true
		cb, _, _ := b.Body.PartialContent(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "content"}}})
		if cb != nil {
			for _, c := range cb.Blocks {
				for k := range dynamicIterators(c.Body) {
					out[k] = true
				}
			}
		}
	}
	return out
}

// nodeRange is where a node is declared.
func (e *Engine) nodeRange(cfg *config.Config, n node) hcl.Range {
	switch n.kind {
	case varNode:
		if v := cfg.Variables[n.name]; v != nil {
			return v.DeclRange
		}
	case localNode:
		if l := cfg.Locals[n.name]; l != nil {
			return l.DeclRange
		}
	case resourceNode:
		if r := cfg.Resources[n.res]; r != nil {
			return r.DeclRange
		}
	case outputNode:
		if o := cfg.Outputs[n.name]; o != nil {
			return o.DeclRange
		}
	}
	return hcl.Range{}
}

// cycleRange is where the first object of a cycle refers to the next one,
// or its declaration.
func (cg *configGraph) cycleRange(cfg *config.Config, e *Engine, cycle []node) hcl.Range {
	next := cycle[0]
	if len(cycle) > 1 {
		next = cycle[1]
	}
	// Found again only when there is a cycle: recording every reference's
	// range would cost memory on every run.
	var travs []hcl.Traversal
	switch n := cycle[0]; n.kind {
	case localNode:
		travs = cfg.Locals[n.name].Expr.Variables()
	case outputNode:
		travs = cfg.Outputs[n.name].Expr.Variables()
	case resourceNode:
		if r := cfg.Resources[n.res]; r != nil {
			travs = append(slices.Clip(eval.BodyTraversals(cg.bodyTravs, r, nil)), r.DependsOn...)
		}
	}
	refs, _ := e.resolveRefRanges(cfg, travs, refContext{count: true, each: true, self: true})
	for _, r := range refs {
		if r.node == next {
			return r.rng
		}
	}
	return e.nodeRange(cfg, cycle[0])
}
