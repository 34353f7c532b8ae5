package view

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/plan"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/schema"
)

// UIVersion is the version of the machine-readable UI: Terraform's 1.2.
const UIVersion = "1.2"

// Stream is the machine-readable UI of -json: one JSON object per line with
// @level, @message, @module ("updplan.ui"), @timestamp and type, plus the
// payload of the type, as Terraform's UI version 1.2. The first line is of
// type "version". Its methods are safe for concurrent use (engine hooks
// call them from several goroutines).
type Stream struct {
	mu      sync.Mutex
	w       io.Writer
	now     func() time.Time
	started map[addr.Instance]startedApply
}

type startedApply struct {
	action plan.Action
	at     time.Time
}

// NewStream starts a stream on w and writes its version line.
func NewStream(w io.Writer, version string) *Stream {
	return newStream(w, version, time.Now)
}

func newStream(w io.Writer, version string, now func() time.Time) *Stream {
	s := &Stream{w: w, now: now, started: map[addr.Instance]startedApply{}}
	s.emit("info", "updplan "+version, "version", map[string]any{
		"updplan":   version,
		"terraform": version, // read by tools written for Terraform's stream
		"ui":        UIVersion,
	})
	return s
}

func (s *Stream) emit(level, msg, typ string, payload map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.emitLocked(level, msg, typ, payload)
}

func (s *Stream) emitLocked(level, msg, typ string, payload map[string]any) {
	m := map[string]any{
		"@level":     level,
		"@message":   msg,
		"@module":    "updplan.ui",
		"@timestamp": s.now().Format("2006-01-02T15:04:05.000000Z07:00"),
		"type":       typ,
	}
	for k, v := range payload {
		m[k] = v
	}
	b, err := json.Marshal(m)
	if err != nil {
		// Only values this package builds go in; a failure is a bug here,
		// reported in the stream rather than lost.
		b, _ = json.Marshal(map[string]any{"@level": "error", "@message": "cannot encode UI message: " + err.Error(), "@module": "updplan.ui", "type": "log"})
	}
	s.w.Write(append(b, '\n'))
}

// Diagnostics emits one "diagnostic" message per diagnostic.
func (s *Stream) Diagnostics(diags hcl.Diagnostics, files map[string]*hcl.File) {
	for _, d := range diags {
		if d == nil {
			continue
		}
		level, prefix := "error", "Error: "
		if d.Severity == hcl.DiagWarning {
			level, prefix = "warn", "Warning: "
		}
		s.emit(level, prefix+d.Summary, "diagnostic", map[string]any{"diagnostic": DiagnosticJSON(d, files)})
	}
}

// resourceHook is the "resource" object of hook and change messages.
func resourceHook(a addr.Instance, provider string) map[string]any {
	key, _ := indexJSON(a.Key)
	if provider == "" {
		if rt := schema.LookupResourceType(a.Resource.Type); rt != nil {
			provider = rt.Provider
		}
	}
	return map[string]any{
		"addr":             a.String(),
		"module":           "",
		"resource":         a.String(),
		"implied_provider": provider,
		"resource_type":    a.Resource.Type,
		"resource_name":    a.Resource.Name,
		"resource_key":     key,
	}
}

// uiAction is a change's action in UI messages.
func uiAction(c *plan.ResourceChange) string {
	switch c.Action {
	case plan.NoOp:
		switch {
		case c.PrevAddr != (addr.Instance{}):
			return "move"
		case c.ImportID != "":
			return "import"
		}
		return "noop"
	case plan.DeleteThenCreate, plan.CreateThenDelete:
		return "replace"
	}
	return c.Action.String()
}

// uiReason is the reason of a planned_change in Terraform's UI words.
func uiReason(r plan.Reason) string {
	switch r {
	case plan.ReplaceBecauseCannotUpdate:
		return "cannot_update"
	case plan.ReplaceByRequest:
		return "requested"
	}
	return string(r)
}

func uiMessageVerb(c *plan.ResourceChange) string {
	switch a := uiAction(c); a {
	case "move":
		return "Plan to move"
	case "import":
		return "Plan to import"
	default:
		return "Plan to " + a
	}
}

// Plan emits resource_drift for every drifted object, planned_change for
// every change that does something (moves and imports included), the
// planned output changes, and a change_summary with operation "plan".
func (s *Stream) Plan(p *plan.Plan) {
	drift := slices.Clone(p.Drift)
	sortChanges(drift)
	for _, d := range drift {
		action := "update"
		if d.Action == plan.Delete {
			action = "delete"
		}
		s.emit("info", fmt.Sprintf("%s: Drift detected (%s)", d.Addr, action), "resource_drift", map[string]any{
			"change": map[string]any{"resource": resourceHook(d.Addr, d.Provider), "action": action},
		})
	}
	for _, c := range visibleChanges(p) {
		change := map[string]any{"resource": resourceHook(c.Addr, c.Provider), "action": uiAction(c)}
		if c.PrevAddr != (addr.Instance{}) {
			change["previous_resource"] = resourceHook(c.PrevAddr, c.Provider)
		}
		if r := uiReason(c.Reason); r != "" {
			change["reason"] = r
		}
		if c.ImportID != "" {
			change["importing"] = map[string]any{"id": c.ImportID}
		}
		s.emit("info", fmt.Sprintf("%s: %s", c.Addr, uiMessageVerb(c)), "planned_change", map[string]any{"change": change})
	}
	if outs := changedOutputs(p); len(outs) > 0 {
		m := map[string]any{}
		for _, o := range outs {
			m[o.Name] = map[string]any{"sensitive": o.Sensitive, "action": o.Action.String()}
		}
		s.emit("info", fmt.Sprintf("Outputs: %d", len(outs)), "outputs", map[string]any{"outputs": m})
	}
	add, change, destroy, imports := p.Summary()
	s.changeSummary(add, change, imports, destroy, "plan")
}

// RefreshStart emits "refresh_start".
func (s *Stream) RefreshStart(a addr.Instance) {
	s.emit("info", a.String()+": Refreshing state...", "refresh_start", map[string]any{
		"hook": map[string]any{"resource": resourceHook(a, "")},
	})
}

// RefreshComplete emits "refresh_complete".
func (s *Stream) RefreshComplete(a addr.Instance) {
	s.emit("info", a.String()+": Refresh complete", "refresh_complete", map[string]any{
		"hook": map[string]any{"resource": resourceHook(a, "")},
	})
}

// ApplyStart emits "apply_start" and remembers the action for progress
// messages.
func (s *Stream) ApplyStart(c *plan.ResourceChange) {
	verb, _ := applyVerbs(c.Action)
	hook := map[string]any{"resource": resourceHook(c.Addr, c.Provider), "action": uiAction(c)}
	msg := c.Addr.String() + ": " + verb
	if id := idOf(c.Before, c.BeforeSensitive); id != "" && c.Action != plan.Create {
		hook["id_key"], hook["id_value"] = "id", id
		msg += " [id=" + id + "]"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.started[c.Addr] = startedApply{action: c.Action, at: s.now()}
	s.emitLocked("info", msg, "apply_start", map[string]any{"hook": hook})
}

// ApplyProgress emits "apply_progress" with Terraform's elapsed_seconds and
// the provider's label, done and total.
func (s *Stream) ApplyProgress(ev providers.ProgressEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.started[ev.Addr]
	elapsed := 0.0
	if !st.at.IsZero() {
		elapsed = s.now().Sub(st.at).Round(time.Second).Seconds()
	}
	verb, _ := applyVerbs(st.action)
	hook := map[string]any{
		"resource":        resourceHook(ev.Addr, ""),
		"elapsed_seconds": elapsed,
		"label":           ev.Label,
		"done":            ev.Done,
		"total":           ev.Total,
		"final":           ev.Final,
	}
	if !st.at.IsZero() {
		hook["action"] = uiAction(&plan.ResourceChange{Action: st.action})
	}
	msg := fmt.Sprintf("%s: Still %s [%s, %s elapsed]", ev.Addr, lowerFirst(verb), ev.Label, roundDuration(time.Duration(elapsed)*time.Second))
	s.emitLocked("info", msg, "apply_progress", map[string]any{"hook": hook})
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return string(s[0]|0x20) + s[1:]
}

// ApplyComplete emits "apply_complete".
func (s *Stream) ApplyComplete(c *plan.ResourceChange, elapsed time.Duration) {
	_, noun := applyVerbs(c.Action)
	hook := map[string]any{"resource": resourceHook(c.Addr, c.Provider), "action": uiAction(c), "elapsed_seconds": elapsed.Round(time.Second).Seconds()}
	msg := fmt.Sprintf("%s: %s complete after %s", c.Addr, noun, roundDuration(elapsed))
	if id := idOf(c.After, c.AfterSensitive); id != "" && c.Action != plan.Delete {
		hook["id_key"], hook["id_value"] = "id", id
		msg += " [id=" + id + "]"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.started, c.Addr)
	s.emitLocked("info", msg, "apply_complete", map[string]any{"hook": hook})
}

// ApplyErrored emits "apply_errored"; the error comes as a diagnostic.
func (s *Stream) ApplyErrored(c *plan.ResourceChange, elapsed time.Duration) {
	_, noun := applyVerbs(c.Action)
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.started, c.Addr)
	s.emitLocked("error", fmt.Sprintf("%s: %s errored after %s", c.Addr, noun, roundDuration(elapsed)), "apply_errored", map[string]any{"hook": map[string]any{
		"resource": resourceHook(c.Addr, c.Provider), "action": uiAction(c), "elapsed_seconds": elapsed.Round(time.Second).Seconds(),
	}})
}

// ChangeSummary emits "change_summary"; operation is "plan", "apply" or
// "destroy".
func (s *Stream) ChangeSummary(add, change, destroy int, operation string) {
	s.changeSummary(add, change, 0, destroy, operation)
}

func (s *Stream) changeSummary(add, change, imports, destroy int, operation string) {
	var msg string
	switch operation {
	case "apply":
		msg = fmt.Sprintf("Apply complete! Resources: %d added, %d changed, %d destroyed.", add, change, destroy)
	case "destroy":
		msg = fmt.Sprintf("Destroy complete! Resources: %d destroyed.", destroy)
	default:
		if imports > 0 {
			msg = fmt.Sprintf("Plan: %d to import, %d to add, %d to change, %d to destroy.", imports, add, change, destroy)
		} else {
			msg = fmt.Sprintf("Plan: %d to add, %d to change, %d to destroy.", add, change, destroy)
		}
	}
	s.emit("info", msg, "change_summary", map[string]any{"changes": map[string]any{
		"add": add, "change": change, "import": imports, "remove": destroy, "operation": operation,
	}})
}

// Outputs emits "outputs"; sensitive values are left out.
func (s *Stream) Outputs(outs []Output) {
	m := map[string]any{}
	for _, o := range outs {
		v, marked := unmark(o.Value)
		sensitive := o.Sensitive || len(marked) > 0
		entry := outputJSON(v, sensitive)
		if sensitive {
			delete(entry, "value")
		}
		m[o.Name] = entry
	}
	s.emit("info", fmt.Sprintf("Outputs: %d", len(outs)), "outputs", map[string]any{"outputs": m})
}

// Log emits a "log" message.
func (s *Stream) Log(msg string) {
	s.emit("info", msg, "log", nil)
}
