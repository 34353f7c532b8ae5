package view

import (
	"github.com/updplan/updplan/engine/plan"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// dataSchemas answers the data source types where the renderers ask for a
// resource type (a data source "collection" is not the resource type
// "collection").
type dataSchemas struct{}

func (dataSchemas) ResourceType(name string) *schema.ResourceType { return schema.DataSource(name) }

// ReadBecauseConfigUnknown is Terraform's action_reason of a data source
// read during apply because its arguments are known only then.
const ReadBecauseConfigUnknown = "read_because_config_unknown"

// dataResourceJSON is a data source instance in a values representation
// (prior_state, planned_values), as Terraform writes it: mode "data",
// address data.TYPE.NAME[KEY], unknown attributes left out.
func dataResourceJSON(rd *plan.DataRead) map[string]any {
	r := resourceJSON(rd.Addr, rd.Addr.Resource.Type, providerOf("", rd.Addr.Resource.Type, dataSchemas{}), rd.Value, nil, dataSchemas{})
	r["address"] = rd.String()
	r["mode"] = "data"
	return r
}

// dataChangeJSON is the resource_changes entry of a data source read
// during apply: action "read", before null, after its known arguments.
func dataChangeJSON(rd *plan.DataRead) map[string]any {
	c := &plan.ResourceChange{
		Addr:     rd.Addr,
		Type:     rd.Addr.Resource.Type,
		Provider: providerOf("", rd.Addr.Resource.Type, dataSchemas{}),
		Action:   plan.Read,
		Before:   cty.NullVal(rd.Value.Type()),
		After:    rd.Value,
	}
	rc := resourceChangeJSON(c, dataSchemas{}, false)
	rc["address"] = rd.String()
	rc["mode"] = "data"
	rc["action_reason"] = ReadBecauseConfigUnknown
	return rc
}

// addDataJSON puts the plan's data source reads where Terraform's plan
// JSON has them: those read while planning in prior_state (with mode
// "data"), those read during apply in resource_changes (action "read")
// and planned_values.
func addDataJSON(doc map[string]any, p *plan.Plan, version string) {
	if len(p.Reads) == 0 {
		return
	}
	prior, _ := doc["prior_state"].(map[string]any)
	if prior == nil {
		prior = stateJSON(nil, nil, version)
		doc["prior_state"] = prior
	}
	root := prior["values"].(map[string]any)["root_module"].(map[string]any)
	planned := doc["planned_values"].(map[string]any)["root_module"].(map[string]any)
	for _, rd := range p.Reads {
		if rd.Value.IsWhollyKnown() {
			root["resources"] = append(root["resources"].([]any), dataResourceJSON(rd))
			continue
		}
		doc["resource_changes"] = append(doc["resource_changes"].([]any), dataChangeJSON(rd))
		planned["resources"] = append(planned["resources"].([]any), dataResourceJSON(rd))
	}
}
