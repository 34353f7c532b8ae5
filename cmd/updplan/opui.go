package main

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"

	"github.com/updplan/updplan/cmd/updplan/internal/view"
	"github.com/updplan/updplan/engine"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/plan"
	"github.com/updplan/updplan/engine/state"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/schema"
)

// schemas gives the views the resource types: those of the wired
// providers, then the built-in ones no provider serves yet.
type schemas struct{ reg *providers.Registry }

func (s schemas) ResourceType(name string) *schema.ResourceType {
	if s.reg != nil {
		if p, ok := s.reg.ForType(name); ok {
			if rt := p.Schema().ResourceType(name); rt != nil {
				return rt
			}
		}
	}
	return schema.LookupResourceType(name)
}

func (c *cli) schemas() schemas { return schemas{c.reg} }

// opUI is the view of plan, apply and destroy: people's (human) or the
// machine-readable line stream of -json (stream). Exactly one is set.
type opUI struct {
	c      *cli
	human  *view.Human
	stream *view.Stream
	files  map[string]*hcl.File

	mu     sync.Mutex // hooks come from several goroutines
	counts applyCounts
}

// applyCounts counts the changes apply finished, for the summary line.
type applyCounts struct{ add, change, destroy int }

func (c *cli) opUI(asJSON bool) *opUI {
	u := &opUI{c: c}
	if asJSON {
		u.stream = view.NewStream(c.stdout, version)
	} else {
		u.human = c.human(nil)
	}
	return u
}

// setFiles gives diagnostics their source snippets once loaded.
func (u *opUI) setFiles(files map[string]*hcl.File) {
	u.files = files
	if u.human != nil {
		u.human.Files = files
	}
}

func (u *opUI) diagnostics(diags hcl.Diagnostics) {
	if len(diags) == 0 {
		return
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.stream != nil {
		u.stream.Diagnostics(diags, u.files)
		return
	}
	u.human.Diagnostics(diags)
}

// fail renders diags and returns exit code 1.
func (u *opUI) fail(diags hcl.Diagnostics) int {
	u.diagnostics(diags)
	return 1
}

func (u *opUI) plan(p *plan.Plan) {
	if u.stream != nil {
		u.stream.Plan(p)
		return
	}
	u.human.Plan(p, u.c.schemas())
}

// notes gives the human plan the compliance of its deployments (when show
// is set); the -json stream never carries them.
func (u *opUI) notes(ctx context.Context, p *plan.Plan, show bool) {
	if u.human != nil && show {
		u.human.Notes = u.c.deploymentNotes(ctx, p)
	}
}

// log is a line of information: on stdout for people, a log message in the
// stream.
func (u *opUI) log(msg string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.stream != nil {
		u.stream.Log(msg)
		return
	}
	fmt.Fprintln(u.c.stdout, msg)
}

// hooks adapt the engine's progress calls to the view. progress receives
// provider progress events on a terminal (nil otherwise).
func (u *opUI) hooks(progress *view.Progress) engine.Hooks {
	h := engine.Hooks{
		LockWaiting: func(holder state.LockInfo) {
			u.log(fmt.Sprintf("The state is locked by %s (%s since %s); waiting for it to be released...",
				holder.Who, holder.Operation, holder.Created.UTC().Format(time.RFC3339)))
		},
		ApplyStart: func(c *plan.ResourceChange) {
			u.mu.Lock()
			defer u.mu.Unlock()
			if u.stream != nil {
				u.stream.ApplyStart(c)
				return
			}
			u.human.ApplyStart(c)
		},
		ApplyProgress: func(ev providers.ProgressEvent) {
			u.mu.Lock()
			defer u.mu.Unlock()
			if u.stream != nil {
				u.stream.ApplyProgress(ev)
				return
			}
			if progress != nil {
				progress.Event(ev)
			}
		},
		ApplyComplete: func(c *plan.ResourceChange, elapsed time.Duration, applied cty.Value, diags hcl.Diagnostics) {
			u.mu.Lock()
			defer u.mu.Unlock()
			if progress != nil {
				progress.Done()
			}
			if diags.HasErrors() {
				if u.stream != nil {
					u.stream.ApplyErrored(c, elapsed)
				} else {
					u.human.ApplyErrored(c, elapsed)
				}
				return
			}
			u.counts.count(c.Action)
			if u.stream != nil {
				u.stream.ApplyComplete(c, elapsed)
				return
			}
			u.human.ApplyComplete(c, elapsed, objectID(u.c.schemas(), c, applied))
		},
	}
	if u.stream != nil {
		h.RefreshStart = func(a addr.Instance) {
			u.mu.Lock()
			defer u.mu.Unlock()
			u.stream.RefreshStart(a)
		}
		h.RefreshComplete = func(a addr.Instance, elapsed time.Duration) {
			u.mu.Lock()
			defer u.mu.Unlock()
			u.stream.RefreshComplete(a)
		}
	}
	return h
}

func (n *applyCounts) count(a plan.Action) {
	switch {
	case a == plan.Create:
		n.add++
	case a == plan.Update:
		n.change++
	case a == plan.Delete:
		n.destroy++
	case a.IsReplace():
		n.add++
		n.destroy++
	}
}

// objectID is the identifying attribute of the object a change produced
// (or deleted), "" when unknown.
func objectID(s schemas, c *plan.ResourceChange, applied cty.Value) string {
	rt := s.ResourceType(c.Type)
	if rt == nil || rt.IDAttribute == "" {
		return ""
	}
	v := applied // marked where sensitive
	if c.Action == plan.Delete {
		v = c.Before
		if sensitivePath(c.BeforeSensitive, rt.IDAttribute) {
			return ""
		}
	}
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() || !v.Type().IsObjectType() || !v.Type().HasAttribute(rt.IDAttribute) {
		return ""
	}
	id := v.GetAttr(rt.IDAttribute)
	if id.IsMarked() || id.IsNull() || !id.IsKnown() || id.Type() != cty.String {
		return "" // a sensitive id is left out, as Terraform does
	}
	return id.AsString()
}

// sensitivePath reports whether the attribute name is among paths (or
// inside one of them).
func sensitivePath(paths []cty.Path, name string) bool {
	for _, p := range paths {
		if len(p) > 0 {
			if ga, ok := p[0].(cty.GetAttrStep); ok && ga.Name == name {
				return true
			}
		}
	}
	return false
}

// summary ends an apply: "Apply complete! ..." or the stream's
// change_summary.
func (u *opUI) summary(mode plan.Mode) {
	u.mu.Lock()
	defer u.mu.Unlock()
	n := u.counts
	if u.stream != nil {
		op := "apply"
		if mode == plan.DestroyMode {
			op = "destroy"
		}
		u.stream.ChangeSummary(n.add, n.change, n.destroy, op)
		return
	}
	u.human.ApplySummary(n.add, n.change, n.destroy, mode)
}

// outputs shows the root outputs recorded in st.
func (u *opUI) outputs(st *state.State) {
	outs := stateOutputs(st)
	if len(outs) == 0 {
		return
	}
	if u.stream != nil {
		u.stream.Outputs(outs)
		return
	}
	u.human.Outputs(outs)
}

// stateOutputs lists the outputs of st by name.
func stateOutputs(st *state.State) []view.Output {
	if st == nil {
		return nil
	}
	var outs []view.Output
	for name, o := range st.Outputs {
		outs = append(outs, view.Output{Name: name, Value: o.Value, Sensitive: o.Sensitive})
	}
	sort.Slice(outs, func(i, j int) bool { return outs[i].Name < outs[j].Name })
	return outs
}
