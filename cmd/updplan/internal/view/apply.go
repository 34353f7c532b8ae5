package view

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/updplan/updplan/engine/plan"
	"github.com/updplan/updplan/engine/state"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// Output is one root output value to show after apply or by `output`.
type Output struct {
	Name      string
	Value     cty.Value
	Sensitive bool
}

// applyVerbs are the words of the apply messages per action: progressive,
// noun of completion, noun of failure.
func applyVerbs(a plan.Action) (string, string) {
	switch a {
	case plan.Create:
		return "Creating...", "Creation"
	case plan.Update:
		return "Modifying...", "Modifications"
	case plan.Delete:
		return "Destroying...", "Destruction"
	case plan.DeleteThenCreate, plan.CreateThenDelete:
		return "Replacing...", "Replacement"
	case plan.Read:
		return "Reading...", "Read"
	}
	return "Applying...", "Apply"
}

// idOf returns the "id" attribute of a known object, for "[id=...]",
// or "" when it is sensitive (marked, or in sensitive), as Terraform
// leaves a sensitive id out.
func idOf(v cty.Value, sensitive []cty.Path) string {
	for _, p := range sensitive {
		if len(p) > 0 {
			if ga, ok := p[0].(cty.GetAttrStep); ok && ga.Name == "id" {
				return ""
			}
		}
	}
	if id := attrOf(v, "id"); !id.IsMarked() && id.Type() == cty.String && id.IsKnown() && !id.IsNull() {
		return id.AsString()
	}
	return ""
}

// ApplyStart writes "site.main: Creating..." (with [id=...] of the object
// changed when it has one).
func (h *Human) ApplyStart(c *plan.ResourceChange) {
	verb, _ := applyVerbs(c.Action)
	msg := c.Addr.String() + ": " + verb
	if c.Action != plan.Create {
		if id := idOf(c.Before, c.BeforeSensitive); id != "" {
			msg += " [id=" + id + "]"
		}
	}
	h.line(h.bold(msg))
}

// ApplyComplete writes "site.main: Creation complete after 1s [id=LAB]".
func (h *Human) ApplyComplete(c *plan.ResourceChange, elapsed time.Duration, id string) {
	_, noun := applyVerbs(c.Action)
	msg := fmt.Sprintf("%s: %s complete after %s", c.Addr, noun, roundDuration(elapsed))
	if id != "" {
		msg += " [id=" + id + "]"
	}
	h.line(h.bold(msg))
}

// ApplyErrored writes "site.main: Creation errored after 2s"; the error
// itself comes as a diagnostic.
func (h *Human) ApplyErrored(c *plan.ResourceChange, elapsed time.Duration) {
	_, noun := applyVerbs(c.Action)
	msg := fmt.Sprintf("%s: %s errored after %s", c.Addr, noun, roundDuration(elapsed))
	if h.Color {
		msg = ansiBold + ansiRed + msg + ansiReset
	}
	h.line(msg)
}

// ApplySummary writes "Apply complete! Resources: 1 added, 0 changed, 0
// destroyed." or, in destroy mode, "Destroy complete! Resources: 2
// destroyed.".
func (h *Human) ApplySummary(add, change, destroy int, mode plan.Mode) {
	var msg string
	if mode == plan.DestroyMode {
		msg = fmt.Sprintf("Destroy complete! Resources: %d destroyed.", destroy)
	} else {
		msg = fmt.Sprintf("Apply complete! Resources: %d added, %d changed, %d destroyed.", add, change, destroy)
	}
	if h.Color {
		msg = ansiBold + ansiGreen + msg + ansiReset
	}
	io.WriteString(h.Out, "\n"+msg+"\n")
}

func (h *Human) line(s string) { io.WriteString(h.Out, s+"\n") }

func (h *Human) bold(s string) string {
	if h.Color {
		return ansiBold + s + ansiReset
	}
	return s
}

// roundDuration rounds to whole seconds as Terraform prints them ("0s",
// "1m5s").
func roundDuration(d time.Duration) string {
	return d.Round(time.Second).String()
}

// Outputs writes "Outputs:", a blank line, and "name = value" per output,
// sorted by name; sensitive ones as <sensitive>.
func (h *Human) Outputs(outs []Output) {
	if len(outs) == 0 {
		return
	}
	outs = slices.Clone(outs)
	slices.SortFunc(outs, func(a, b Output) int { return strings.Compare(a.Name, b.Name) })
	var b strings.Builder
	b.WriteString("\n" + h.bold("Outputs:") + "\n\n")
	for _, o := range outs {
		v, marked := unmark(o.Value)
		if o.Sensitive || len(marked) > 0 {
			fmt.Fprintf(&b, "%s = <sensitive>\n", o.Name)
			continue
		}
		fmt.Fprintf(&b, "%s = %s\n", o.Name, fullValue(v, "  ", 0))
	}
	io.WriteString(h.Out, b.String())
}

// fullValue renders any value in HCL syntax over several lines, one
// indentation unit per level; a marked (sensitive) part as "(sensitive
// value)".
func fullValue(v cty.Value, unit string, depth int) string {
	switch {
	case v.IsMarked():
		return "(sensitive value)"
	case v.IsNull():
		return "null"
	case !v.IsKnown():
		return knownAfterApply
	case v.Type().IsPrimitiveType():
		// A heredoc's lines go one level in, its EOT on this level.
		return indentHeredoc(primitiveString(v), strings.Repeat(unit, depth))
	}
	in, out := strings.Repeat(unit, depth+1), strings.Repeat(unit, depth)
	ty := v.Type()
	if ty.IsListType() || ty.IsSetType() || ty.IsTupleType() {
		el := elements(v)
		if len(el) == 0 {
			return "[]"
		}
		var b strings.Builder
		b.WriteString("[\n")
		for _, e := range el {
			b.WriteString(in + fullValue(e, unit, depth+1) + ",\n")
		}
		return b.String() + out + "]"
	}
	m := mapElements(v)
	if len(m) == 0 {
		return "{}"
	}
	keys := sortedKeys(m)
	width := 0
	for _, k := range keys {
		width = max(width, len(objectKey(k, ty.IsObjectType())))
	}
	var b strings.Builder
	b.WriteString("{\n")
	for _, k := range keys {
		fmt.Fprintf(&b, "%s%-*s = %s\n", in, width, objectKey(k, ty.IsObjectType()), fullValue(m[k], unit, depth+1))
	}
	return b.String() + out + "}"
}

// WriteOutputsJSON writes outputs as `terraform output -json` does:
// {"name":{"sensitive","type","value"}}, but sensitive values are null
// unless showSensitive (-show-sensitive).
func WriteOutputsJSON(w io.Writer, outs []Output, showSensitive bool) error {
	doc := map[string]any{}
	for _, o := range outs {
		v, marked := unmark(o.Value)
		sensitive := o.Sensitive || len(marked) > 0
		m := map[string]any{"sensitive": sensitive}
		if t, err := ctyjson.MarshalType(v.Type()); err == nil {
			m["type"] = json.RawMessage(t)
		}
		if sensitive && !showSensitive {
			m["value"] = nil
		} else {
			m["value"] = jsonValue(v, nil, sensitivity{})
		}
		doc[o.Name] = m
	}
	return writeJSONIndent(w, doc)
}

// State writes every resource of a state as `show` does, then its outputs.
// Sensitive values are shown as (sensitive value).
func (h *Human) State(st *state.State, s Schemas) {
	if st.Empty() {
		h.line("The state is empty. No resources are represented.")
		return
	}
	for _, r := range st.Sorted() {
		h.StateResource(r, s)
		h.line("")
	}
	if len(st.Outputs) > 0 {
		var outs []Output
		for name, o := range st.Outputs {
			outs = append(outs, Output{Name: name, Value: o.Value, Sensitive: o.Sensitive})
		}
		h.Outputs(outs)
	}
}

// StateResource writes one resource as `state show ADDR` does:
//
//	# site.main:
//	resource "site" "main" {
//	    code = "LAB"
//	}
func (h *Human) StateResource(r *state.Resource, s Schemas) {
	v, marked := unmark(r.Value)
	blk := blockOf(s, r.Type, v)
	sens := sensitivity{blk: blk, paths: append(slices.Clone(r.SensitivePaths), marked...)}
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", h.bold("# "+r.Addr.String()+":"))
	fmt.Fprintf(&b, "resource %s %s {\n", hclQuote(r.Addr.Resource.Type), hclQuote(r.Addr.Resource.Name))
	writeBlockValues(&b, blk, v, nil, sens, 1)
	b.WriteString("}\n")
	io.WriteString(h.Out, b.String())
}

// writeBlockValues writes the non-null attributes of an object, aligned,
// then its nested blocks, with four spaces per level.
func writeBlockValues(b *strings.Builder, blk *schema.Block, v cty.Value, path cty.Path, sens sensitivity, depth int) {
	in := strings.Repeat("    ", depth)
	type kv struct{ k, v string }
	var lines []kv
	width := 0
	for _, at := range blk.Attributes {
		av := attrOf(v, at.Name)
		if av.IsNull() {
			continue
		}
		// fullValue indents what it nests itself, from this depth.
		s := fullValue(av, "    ", depth)
		if sens.at(path.GetAttr(at.Name)) {
			s = sensitiveValue
		}
		lines = append(lines, kv{at.Name, s})
		width = max(width, len(at.Name))
	}
	for _, l := range lines {
		fmt.Fprintf(b, "%s%-*s = %s\n", in, width, l.k, l.v)
	}
	for _, nb := range blk.BlockTypes {
		bv := attrOf(v, nb.TypeName)
		if bv.IsNull() || !bv.IsKnown() {
			continue
		}
		var items []cty.Value
		var paths []cty.Path
		if bv.Type().IsObjectType() {
			items, paths = []cty.Value{bv}, []cty.Path{path.GetAttr(nb.TypeName)}
		} else {
			for i, e := range elements(bv) {
				items = append(items, e)
				if bv.Type().IsSetType() {
					paths = append(paths, path.GetAttr(nb.TypeName).Index(e))
				} else {
					paths = append(paths, path.GetAttr(nb.TypeName).IndexInt(i))
				}
			}
		}
		for i, e := range items {
			fmt.Fprintf(b, "\n%s%s {\n", in, nb.TypeName)
			writeBlockValues(b, &nb.Block, e, paths[i], sens, depth+1)
			fmt.Fprintf(b, "%s}\n", in)
		}
	}
}

// ConsoleValue renders a value as `terraform console` does: HCL syntax over
// several lines; a sensitive value, or a sensitive part of one, is
// "(sensitive value)"; an unknown one "(known after apply)".
func ConsoleValue(v cty.Value) string { return fullValue(v, "  ", 0) }
