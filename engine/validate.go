package engine

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/config"
	"github.com/updplan/updplan/engine/eval"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// Load reads every configuration file in dir. The returned Config is never
// nil (its Files are needed to render diagnostics) even with errors.
func (e *Engine) Load(dir string) (*config.Config, hcl.Diagnostics) {
	l := &config.Loader{Schemas: e.schemas()}
	return l.LoadDir(dir)
}

// checkRequiredVersion checks required_version against this build.
func (e *Engine) checkRequiredVersion(cfg *config.Config) hcl.Diagnostics {
	if cfg.Settings == nil || cfg.Settings.RequiredVersion == "" || e.Version == "" {
		return nil
	}
	rng := cfg.Settings.RequiredVersionRange
	cons, err := version.NewConstraint(cfg.Settings.RequiredVersion)
	if err != nil {
		return hcl.Diagnostics{errorDiag("Invalid required_version", fmt.Sprintf("%s. Write a constraint such as \">= 0.1, < 2.0\".", err), rangePtr(rng))}
	}
	v, err := version.NewVersion(e.Version)
	if err != nil {
		return nil // development build without a version
	}
	if !cons.Check(v) {
		return hcl.Diagnostics{errorDiag("Unsupported updplan version",
			fmt.Sprintf("This configuration requires updplan %s, but this is updplan %s. Install a matching version or change required_version.", cfg.Settings.RequiredVersion, e.Version), rangePtr(rng))}
	}
	return nil
}

// validation is one validate run's per-instance record, for the
// cross-object rules.
type validation struct {
	mu      sync.Mutex
	objects []schema.Object
	bodies  []validatedBody
}

// validatedBody is where an instance's problems are placed.
type validatedBody struct {
	addr addr.Instance
	body hcl.Body
	rt   *schema.ResourceType
	r    *config.Resource // its DeclRange when the body has no better place
}

// validateInstanceLimit is how many instances of one resource validate
// checks one by one; a resource with more is checked through its first.
const validateInstanceLimit = 1000

// Validate checks the configuration without reaching any server: structure,
// types, references, cycles, variable validations and the domain's rules.
func (e *Engine) Validate(ctx context.Context, cfg *config.Config, in Inputs) hcl.Diagnostics {
	return e.scrub(e.validate(ctx, cfg, in))
}

func (e *Engine) validate(ctx context.Context, cfg *config.Config, in Inputs) hcl.Diagnostics {
	diags := e.checkRequiredVersion(cfg)
	diags = append(diags, validateEarly(cfg)...)
	vars, d := e.variableValues(cfg, in, true)
	diags = append(diags, d...)
	ev := eval.New(cfg, vars)
	for _, ps := range e.schemas() {
		if _, used := cfg.Providers[ps.Name]; !used {
			continue
		}
		val, d := ev.DecodeProvider(ps)
		diags = append(diags, d...)
		if !d.HasErrors() {
			plain, _ := val.UnmarkDeep()
			pb := cfg.Providers[ps.Name]
			for _, p := range checkValue(&ps.Config, plain, nil) {
				rng := rangeOfPath(pb.Config, &ps.Config, p.Path, pb.DeclRange)
				diags = append(diags, problemDiag(p, &rng))
			}
		}
	}
	cg, d := e.buildGraph(cfg)
	diags = append(diags, d...)
	if diags.HasErrors() {
		return diags
	}
	ev.Traversals = cg.bodyTravs
	ev.MaxCount = validateInstanceLimit + 1
	vs := &validation{}
	diags = append(diags, e.walk(ctx, ev, cg, func(ctx context.Context, r *config.Resource, rt *schema.ResourceType, insts []eval.Instance, known bool) (cty.Value, hcl.Diagnostics) {
		if !known {
			return cty.DynamicVal, nil
		}
		if len(insts) > validateInstanceLimit {
			// Terraform validates a counted resource once, without
			// expanding it; updplan checks each instance (count = 3
			// with a fixed name is a duplicate), but not a million:
			// the first one stands for the rest, whose values are
			// unknown to references (count = 1000000 took 44 s and
			// 5.7 GB).
			_, d := e.validateInstance(ctx, ev, cg, vs, r, rt, insts[0])
			return cty.DynamicVal, d
		}
		var diags hcl.Diagnostics
		vals := make([]cty.Value, len(insts))
		for i, in := range insts {
			v, d := e.validateInstance(ctx, ev, cg, vs, r, rt, in)
			diags = append(diags, d...)
			vals[i] = v
		}
		return eval.RefValue(r, vals, insts), diags
	})...)
	if diags.HasErrors() {
		return diags
	}
	return append(diags, setRuleDiags(vs.objects, vs.bodies, nil)...)
}

func (e *Engine) validateInstance(ctx context.Context, ev *eval.Evaluator, cg *configGraph, vs *validation, r *config.Resource, rt *schema.ResourceType, in eval.Instance) (cty.Value, hcl.Diagnostics) {
	val, body, diags := ev.DecodeInstance(r, rt, in.Scope)
	if diags.HasErrors() {
		return cty.UnknownVal(rt.Block.ImpliedType()), diags
	}
	plain, _ := val.UnmarkDeep()
	diags = append(diags, instanceProblems(rt, plain, body, r.DeclRange)...)
	diags = append(diags, e.providerValidate(ctx, rt, plain, body, r.DeclRange)...)
	vs.mu.Lock()
	vs.objects = append(vs.objects, schema.Object{Addr: in.Addr, Type: rt.Name, Value: plain, Refs: cg.attrRefs[r.Addr]})
	vs.bodies = append(vs.bodies, validatedBody{addr: in.Addr, body: body, rt: rt, r: r})
	vs.mu.Unlock()
	return eval.MarkSensitive(&rt.Block, providers.ProposedNew(rt, cty.NullVal(rt.Block.ImpliedType()), val)), diags
}

// providerValidate lets the provider of rt check a value without reaching
// the real world, and places its diagnostics in body.
func (e *Engine) providerValidate(ctx context.Context, rt *schema.ResourceType, v cty.Value, body hcl.Body, decl hcl.Range) hcl.Diagnostics {
	p, ok := e.registry().ForType(rt.Name)
	if !ok {
		return nil
	}
	val, ok := p.(providers.Validator)
	if !ok {
		return nil
	}
	return locateProviderDiags(val.ValidateResource(ctx, rt.Name, v), rt, body, decl)
}

// setRuleDiags runs the cross-object rules and the reference checks and
// places their problems. lookup lists the real world's objects (nil in
// validate, which reaches no server).
func setRuleDiags(objects []schema.Object, bodies []validatedBody, lookup schema.Lookup) hcl.Diagnostics {
	slices.SortFunc(objects, func(a, b schema.Object) int { return addr.Compare(a.Addr, b.Addr) })
	slices.SortFunc(bodies, func(a, b validatedBody) int { return addr.Compare(a.addr, b.addr) })
	var diags hcl.Diagnostics
	rules := append(slices.Clip(schema.SetRules), func(objs []schema.Object) []schema.ObjectProblem {
		return schema.ResolveReferences(objs, lookup)
	}, func(objs []schema.Object) []schema.ObjectProblem {
		return schema.ITMURules(objs, lookup)
	})
	for _, rule := range rules {
		for _, p := range rule(objects) {
			var rng hcl.Range // every object the rules see has its body
			if i, ok := slices.BinarySearchFunc(bodies, p.Addr, func(vb validatedBody, a addr.Instance) int { return addr.Compare(vb.addr, a) }); ok {
				vb := bodies[i]
				rng = rangeOfPath(vb.body, &vb.rt.Block, p.Path, vb.r.DeclRange)
			}
			pp := p.Problem
			diags = append(diags, problemDiag(&pp, &rng))
		}
	}
	return diags
}
