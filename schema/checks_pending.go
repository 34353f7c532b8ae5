package schema

// Placeholders replaced by the domain-rules work (checks.go, rules.go,
// schedule.go). Not to be committed as is.

import "github.com/zclconf/go-cty/cty"

func oneOf(vals ...string) Check             { return func(cty.Value) *Problem { return nil } }
func intRange(lo, hi int) Check              { return func(cty.Value) *Problem { return nil } }
func maxLen(n int) Check                     { return func(cty.Value) *Problem { return nil } }
func maxItems(n int) Check                   { return func(cty.Value) *Problem { return nil } }
func setOf(vals ...string) Check             { return func(cty.Value) *Problem { return nil } }
func siteCode(cty.Value) *Problem            { return nil }
func siteName(cty.Value) *Problem            { return nil }
func schedule(cty.Value) *Problem            { return nil }
func diskSpace(cty.Value) *Problem           { return nil }
func timestamp(cty.Value) *Problem           { return nil }
func assignmentSchedules(cty.Value) *Problem { return nil }
func uncPath(cty.Value) *Problem             { return nil }
func updateIDs(cty.Value) *Problem           { return nil }
func packageShareName(cty.Value) *Problem    { return nil }
func shareName(cty.Value) *Problem           { return nil }
func fileName(cty.Value) *Problem            { return nil }
func httpURL(cty.Value) *Problem             { return nil }

func collectionRules(cty.Value) []*Problem        { return nil }
func advertisementRules(cty.Value) []*Problem     { return nil }
func distributionPointRules(cty.Value) []*Problem { return nil }
func deploymentRules(cty.Value) []*Problem        { return nil }
func shareRules(cty.Value) []*Problem             { return nil }
func catalogRules(cty.Value) []*Problem           { return nil }

// SetRules are the cross-object rules of the domain.
var SetRules []SetRule
