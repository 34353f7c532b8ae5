// Package plan is the plan as data: resource changes with their actions,
// before and after values, the attributes that force a replacement, drift
// found by refresh, output changes, and what a saved plan file must carry to
// be applied exactly (variables, a configuration digest, the state lineage
// and serial it was made against).
//
// It renders nothing (see cmd/updplan/internal/view) and decides nothing:
// the engine builds plans and applies them.
package plan
