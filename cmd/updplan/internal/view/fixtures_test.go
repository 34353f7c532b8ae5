package view

import (
	"time"

	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/plan"
	"github.com/updplan/updplan/engine/state"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// testSchemas are the built-in resource types plus "vault_secret", a type
// with a sensitive attribute (no built-in type has one).
type testSchemas struct{}

var vaultSecretType = &schema.ResourceType{
	Name: "vault_secret", Provider: "sitedb", IDAttribute: "id",
	Block: schema.Block{
		Attributes: []*schema.Attribute{
			{Name: "name", Type: cty.String, Required: true},
			{Name: "password", Type: cty.String, Required: true, Sensitive: true},
			{Name: "id", Type: cty.String, Computed: true},
		},
		BlockTypes: []*schema.NestedBlock{{
			TypeName: "grant", Nesting: schema.NestingSet,
			Block: schema.Block{Attributes: []*schema.Attribute{
				{Name: "principal", Type: cty.String, Required: true},
				{Name: "token", Type: cty.String, Required: true, Sensitive: true},
			}},
		}},
	},
}

func (testSchemas) ResourceType(name string) *schema.ResourceType {
	if name == vaultSecretType.Name {
		return vaultSecretType
	}
	return schema.LookupResourceType(name)
}

// secret is the string no rendering may ever contain.
const secret = "s3cr3t-hunter2"

// obj builds a value of a resource type: the given attributes, null for the
// others (empty for list and set blocks).
func obj(typeName string, attrs map[string]cty.Value) cty.Value {
	rt := testSchemas{}.ResourceType(typeName)
	return blockVal(&rt.Block, attrs)
}

func blockVal(blk *schema.Block, attrs map[string]cty.Value) cty.Value {
	ty := blk.ImpliedType()
	vals := map[string]cty.Value{}
	for name, aty := range ty.AttributeTypes() {
		if v, ok := attrs[name]; ok {
			vals[name] = v
			continue
		}
		switch {
		case aty.IsSetType() && blk.BlockType(name) != nil:
			vals[name] = cty.SetValEmpty(aty.ElementType())
		case aty.IsListType() && blk.BlockType(name) != nil:
			vals[name] = cty.ListValEmpty(aty.ElementType())
		default:
			vals[name] = cty.NullVal(aty)
		}
	}
	return cty.ObjectVal(vals)
}

func nested(typeName, block string, attrs map[string]cty.Value) cty.Value {
	rt := testSchemas{}.ResourceType(typeName)
	return blockVal(&rt.Block.BlockType(block).Block, attrs)
}

func inst(typ, name string) addr.Instance {
	return addr.Resource{Type: typ, Name: name}.Instance(addr.NoKey)
}

func strs(s ...string) cty.Value {
	vals := make([]cty.Value, len(s))
	for i, v := range s {
		vals[i] = cty.StringVal(v)
	}
	return cty.SetVal(vals)
}

func access(principal, rights string) cty.Value {
	return nested("share", "access", map[string]cty.Value{"principal": cty.StringVal(principal), "rights": cty.StringVal(rights)})
}

// mixedPlan has one of every kind of change, drift of two objects, and
// output changes.
func mixedPlan() *plan.Plan {
	site := obj("site", map[string]cty.Value{
		"code": cty.StringVal("LAB"), "name": cty.StringVal("lab"), "server": cty.StringVal("SRV01"),
		"admins_group": cty.StringVal("SMS Admins"),
	})
	collBefore := obj("collection", map[string]cty.Value{
		"site": cty.StringVal("LAB"), "name": cty.StringVal("SMS 2003 clients"), "comment": cty.StringVal("old"),
		"members": strs("PC01", "PC02"), "refresh": cty.StringVal("manual"), "id": cty.StringVal("LAB00012"),
	})
	collAfter := obj("collection", map[string]cty.Value{
		"site": cty.StringVal("LAB"), "name": cty.StringVal("SMS 2003 clients"), "comment": cty.StringVal("ITMU scan targets"),
		"members": strs("PC02", "PC03"), "refresh": cty.StringVal("manual"), "id": cty.StringVal("LAB00012"),
	})
	shareState := obj("share", map[string]cty.Value{
		"server": cty.StringVal("SRV01"), "name": cty.StringVal("PackageSrc"), "path": cty.StringVal(`D:\PkgSource`),
		"description": cty.StringVal("Inventory tool source"), "on_name_taken": cty.StringVal("next_free"),
		"actual_name": cty.StringVal("PackageSrc"), "unc": cty.StringVal(`\\SRV01\PackageSrc`),
		"access": cty.SetVal([]cty.Value{access("Administrators", "full"), access("Everyone", "read")}),
	})
	shareDrifted := obj("share", map[string]cty.Value{
		"server": cty.StringVal("SRV01"), "name": cty.StringVal("PackageSrc"), "path": cty.StringVal(`D:\PkgSource`),
		"description": cty.StringVal("changed by hand"), "on_name_taken": cty.StringVal("next_free"),
		"actual_name": cty.StringVal("PackageSrc"), "unc": cty.StringVal(`\\SRV01\PackageSrc`),
		"access": cty.SetVal([]cty.Value{access("Administrators", "full"), access("Everyone", "read")}),
	})
	shareAfter := obj("share", map[string]cty.Value{
		"server": cty.StringVal("SRV01"), "name": cty.StringVal("PackageSrc"), "path": cty.StringVal(`D:\PkgSource`),
		"description": cty.StringVal("Inventory tool source"), "on_name_taken": cty.StringVal("next_free"),
		"actual_name": cty.StringVal("PackageSrc"), "unc": cty.StringVal(`\\SRV01\PackageSrc`),
		"access": cty.SetVal([]cty.Value{access("Administrators", "full"), access("SMS Admins", "full")}),
	})
	depBefore := obj("deployment", map[string]cty.Value{
		"site": cty.StringVal("LAB"), "name": cty.StringVal("November"), "updates": strs("KB958644"),
		"collection": cty.StringVal("LAB00012"), "start_time": cty.StringVal("2026-11-01T00:00:00Z"),
		"action": cty.StringVal("install"), "notify_user": cty.True, "id": cty.StringVal("LAB00020"),
		"sms2003": nested("deployment", "sms2003", map[string]cty.Value{"enabled": cty.False, "dp_locality": cty.StringVal("download")}),
	})
	depAfter := obj("deployment", map[string]cty.Value{
		"site": cty.StringVal("PRD"), "name": cty.StringVal("November"), "updates": strs("KB958644", "KB4012212"),
		"collection": cty.StringVal("LAB00012"), "start_time": cty.StringVal("2026-11-01T00:00:00Z"),
		"action": cty.StringVal("install"), "notify_user": cty.True, "id": cty.UnknownVal(cty.String),
		"sms2003": nested("deployment", "sms2003", map[string]cty.Value{"enabled": cty.True, "dp_locality": cty.StringVal("download"), "max_install_minutes": cty.NumberIntVal(120)}),
	})
	pkg := obj("package", map[string]cty.Value{
		"site": cty.StringVal("LAB"), "name": cty.StringVal("Old tool"), "binary_delta": cty.False, "id": cty.StringVal("LAB00003"),
		"distribute_to": strs("LAB00001"), "content_version": cty.NumberIntVal(4),
	})
	prog := obj("program", map[string]cty.Value{
		"package": cty.StringVal("LAB00004"), "name": cty.StringVal("Scan"), "command_line": cty.StringVal("scanwrapper.exe /cache"),
	})
	cat := obj("catalog", map[string]cty.Value{
		"destination": cty.StringVal(`D:\PkgSource`), "file_name": cty.StringVal("wsusscn2.cab"),
		"sha256": cty.StringVal("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"),
		"source": nested("catalog", "source", map[string]cty.Value{"local_path": cty.StringVal(`\\SRV01\catalog`)}),
	})
	secretBefore := obj("vault_secret", map[string]cty.Value{"name": cty.StringVal("sql"), "password": cty.StringVal("old-" + secret), "id": cty.StringVal("v1")})
	secretAfter := obj("vault_secret", map[string]cty.Value{"name": cty.StringVal("sql"), "password": cty.StringVal(secret), "id": cty.StringVal("v1")})
	oldColl := obj("collection", map[string]cty.Value{"site": cty.StringVal("LAB"), "name": cty.StringVal("Retired"), "id": cty.StringVal("LAB00011")})

	prev := state.New()
	prev.Lineage = "3f1c0c4e-5a8d-4b0e-9a51-7f8c1b2d3e4f"
	prev.Serial = 7
	for _, r := range []*state.Resource{
		{Addr: inst("collection", "clients"), Type: "collection", Provider: "sitedb", Value: collBefore},
		{Addr: inst("collection", "retired"), Type: "collection", Provider: "sitedb", Value: oldColl},
		{Addr: inst("share", "pkgsrc"), Type: "share", Provider: "share", Value: shareState},
		{Addr: inst("deployment", "november"), Type: "deployment", Provider: "sitedb", Value: depBefore},
		{Addr: inst("package", "old_tool"), Type: "package", Provider: "sitedb", Value: pkg},
		{Addr: inst("program", "old_scan"), Type: "program", Provider: "sitedb", Value: prog},
		{Addr: inst("vault_secret", "sql"), Type: "vault_secret", Provider: "sitedb", Value: secretBefore},
	} {
		prev.Set(r)
	}
	prev.Outputs["share_unc"] = &state.Output{Value: cty.StringVal(`\\SRV01\PackageSrc`)}
	prev.Outputs["db_password"] = &state.Output{Value: cty.StringVal("old-" + secret), Sensitive: true}
	prior := prev.DeepCopy()
	prior.Remove(inst("collection", "retired"))
	prior.Resources[inst("share", "pkgsrc")].Value = shareDrifted

	return &plan.Plan{
		Mode: plan.NormalMode,
		Drift: []*plan.ResourceChange{
			{Addr: inst("share", "pkgsrc"), Type: "share", Provider: "share", Action: plan.Update, Before: shareState, After: shareDrifted},
			{Addr: inst("collection", "retired"), Type: "collection", Provider: "sitedb", Action: plan.Delete, Before: oldColl, After: cty.NullVal(oldColl.Type())},
		},
		Changes: []*plan.ResourceChange{
			{Addr: inst("catalog", "wsus"), Type: "catalog", Provider: "catalog", Action: plan.NoOp, Before: cat, After: cat, ImportID: `D:\PkgSource`},
			{Addr: inst("collection", "clients"), Type: "collection", Provider: "sitedb", Action: plan.Update, Before: collBefore, After: collAfter},
			{Addr: inst("deployment", "november"), Type: "deployment", Provider: "sitedb", Action: plan.DeleteThenCreate, Reason: plan.ReplaceBecauseCannotUpdate,
				Before: depBefore, After: depAfter, ReplacePaths: []cty.Path{cty.GetAttrPath("site")}},
			{Addr: inst("package", "old_tool"), Type: "package", Provider: "sitedb", Action: plan.Delete, Reason: plan.DeleteBecauseNoResourceConf, Before: pkg, After: cty.NullVal(pkg.Type())},
			{Addr: inst("program", "scan"), PrevAddr: inst("program", "old_scan"), Type: "program", Provider: "sitedb", Action: plan.NoOp, Before: prog, After: prog},
			{Addr: inst("share", "pkgsrc"), Type: "share", Provider: "share", Action: plan.Update, Before: shareDrifted, After: shareAfter},
			{Addr: inst("site", "main"), Type: "site", Provider: "sitedb", Action: plan.Create, Before: cty.NullVal(site.Type()), After: site},
			{Addr: inst("vault_secret", "sql"), Type: "vault_secret", Provider: "sitedb", Action: plan.Update, Before: secretBefore, After: secretAfter,
				BeforeSensitive: []cty.Path{cty.GetAttrPath("password")}, AfterSensitive: []cty.Path{cty.GetAttrPath("password")}},
		},
		Outputs: []*plan.OutputChange{
			{Name: "db_password", Action: plan.Update, Before: cty.StringVal("old-" + secret), After: cty.StringVal(secret), Sensitive: true},
			{Name: "deployment_id", Action: plan.Create, Before: cty.NullVal(cty.String), After: cty.UnknownVal(cty.String)},
			{Name: "share_unc", Action: plan.NoOp, Before: cty.StringVal(`\\SRV01\PackageSrc`), After: cty.StringVal(`\\SRV01\PackageSrc`)},
		},
		Variables:          map[string]cty.Value{"site_code": cty.StringVal("LAB"), "db_password": cty.StringVal(secret)},
		SensitiveVariables: map[string]bool{"db_password": true},
		PrevRunState:       prev,
		PriorState:         prior,
		Timestamp:          time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC),
	}
}
