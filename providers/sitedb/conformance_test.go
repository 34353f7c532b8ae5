package sitedb

import (
	"context"
	"testing"

	"github.com/updplan/updplan/providers/providertest"
	"github.com/zclconf/go-cty/cty"
)

// conformanceCases are the providertest cases of every resource type. pkg
// is the id of a package that has a program named "Scan".
func conformanceCases(p *Provider, pkg string) []providertest.Case {
	vanish := func(table, idAttr string) func(ctx context.Context, state cty.Value) error {
		return func(ctx context.Context, state cty.Value) error {
			_, err := p.s.db.ExecContext(ctx, p.s.bind(`DELETE FROM "`+table+`" WHERE "id" = ?`), state.GetAttr(idAttr).AsString())
			return err
		}
	}
	return []providertest.Case{
		{
			Type:   "site",
			Create: obj("site", map[string]cty.Value{"code": sv("CEN"), "name": sv("Central"), "server": sv("SRV01")}),
			Update: obj("site", map[string]cty.Value{"code": sv("CEN"), "name": sv("Central"), "server": sv("SRV02"), "install_dir": sv(`D:\SMS`)}),
			// A site's code and name cannot change after install: plan
			// refuses the change (TestPlanRules) instead of replacing it.
			Replace: cty.NilVal,
			Vanish:  vanish("sites", "code"),
		},
		{
			Type:    "collection",
			Create:  obj("collection", map[string]cty.Value{"site": sv("LAB"), "name": sv("SMS 2003 clients"), "members": set("PC1", "PC2")}),
			Update:  obj("collection", map[string]cty.Value{"site": sv("LAB"), "name": sv("SMS 2003 clients"), "members": set("PC2", "PC3"), "comment": sv("scan target")}),
			Replace: obj("collection", map[string]cty.Value{"site": sv("LB2"), "name": sv("SMS 2003 clients")}),
			Vanish:  vanish("collections", "id"),
		},
		{
			Type:    "package",
			Create:  obj("package", map[string]cty.Value{"site": sv("LAB"), "name": sv("Microsoft Updates Tool"), "source_path": sv(`\\SRV01\PackageSrc`)}),
			Update:  obj("package", map[string]cty.Value{"site": sv("LAB"), "name": sv("Microsoft Updates Tool"), "source_path": sv(`\\SRV01\PackageSrc`), "version": sv("2.0"), "priority": sv("high")}),
			Replace: obj("package", map[string]cty.Value{"site": sv("LAB"), "name": sv("Microsoft Updates Tool"), "source_path": sv(`\\SRV01\PackageSrc_1`)}),
			Vanish:  vanish("packages", "id"),
		},
		{
			Type:    "program",
			Create:  obj("program", map[string]cty.Value{"package": sv(pkg), "name": sv("Sync"), "command_line": sv("SyncXML.exe /s")}),
			Update:  obj("program", map[string]cty.Value{"package": sv(pkg), "name": sv("Sync"), "command_line": sv("SyncXML.exe /s /unattend"), "platforms": set("x86", "x64")}),
			Replace: obj("program", map[string]cty.Value{"package": sv(pkg), "name": sv("Sync2"), "command_line": sv("SyncXML.exe /s")}),
			Vanish:  vanish("programs", "id"),
		},
		{
			Type:    "advertisement",
			Create:  obj("advertisement", map[string]cty.Value{"site": sv("LAB"), "name": sv("Scan"), "collection": sv("LAB00001"), "package": sv(pkg), "program": sv("Scan")}),
			Update:  obj("advertisement", map[string]cty.Value{"site": sv("LAB"), "name": sv("Scan"), "collection": sv("LAB00001"), "package": sv(pkg), "program": sv("Scan"), "schedule": cty.ListVal([]cty.Value{sv("every 7 days")}), "rerun": sv("always")}),
			Replace: obj("advertisement", map[string]cty.Value{"site": sv("LB2"), "name": sv("Scan"), "collection": sv("LAB00001"), "package": sv(pkg), "program": sv("Scan")}),
			Vanish:  vanish("advertisements", "id"),
		},
		{
			Type:    "distribution_point",
			Create:  obj("distribution_point", map[string]cty.Value{"site": sv("LAB"), "server": sv("DP01"), "share": sv("SMSPKGD$")}),
			Update:  obj("distribution_point", map[string]cty.Value{"site": sv("LAB"), "server": sv("DP01"), "share": sv("UpdContent"), "kind": sv("server_share")}),
			Replace: obj("distribution_point", map[string]cty.Value{"site": sv("LAB"), "server": sv("DP02")}),
			Vanish:  vanish("distribution_points", "id"),
		},
		{
			Type:    "sync_host",
			Create:  obj("sync_host", map[string]cty.Value{"site": sv("LAB"), "computer": sv("WS01")}),
			Update:  obj("sync_host", map[string]cty.Value{"site": sv("LAB"), "computer": sv("WS01"), "mode": sv("unattended")}),
			Replace: obj("sync_host", map[string]cty.Value{"site": sv("LAB"), "computer": sv("WS02")}),
			Vanish:  vanish("sync_hosts", "id"),
		},
		{
			Type:    "hardware_inventory",
			Create:  obj("hardware_inventory", map[string]cty.Value{"site": sv("LAB")}),
			Update:  obj("hardware_inventory", map[string]cty.Value{"site": sv("LAB"), "schedule": sv("every 1 days")}),
			Replace: obj("hardware_inventory", map[string]cty.Value{"site": sv("LB2")}),
			Vanish:  vanish("hardware_inventories", "site"),
		},
		{
			Type:    "deployment_package",
			Create:  obj("deployment_package", map[string]cty.Value{"site": sv("LAB"), "name": sv("Updates 2026-11"), "source_path": sv(`\\SRV01\Updates\2026-11`)}),
			Update:  obj("deployment_package", map[string]cty.Value{"site": sv("LAB"), "name": sv("Updates 2026-11"), "source_path": sv(`\\SRV01\Updates\2026-11`), "binary_delta": cty.True, "distribute_to": set(nalPath("LAB", "DP01"))}),
			Replace: obj("deployment_package", map[string]cty.Value{"site": sv("LB2"), "name": sv("Updates 2026-11"), "source_path": sv(`\\SRV01\Updates\2026-11`)}),
			Vanish:  vanish("deployment_packages", "id"),
		},
		{
			Type: "deployment",
			Create: obj("deployment", map[string]cty.Value{"site": sv("LAB"), "name": sv("November"), "updates": set("KB958644"), "collection": sv("LAB00001"), "start_time": sv("2026-12-01T02:00:00Z"),
				"sms2003": cty.ObjectVal(map[string]cty.Value{"enabled": cty.True})}),
			Update: obj("deployment", map[string]cty.Value{"site": sv("LAB"), "name": sv("November"), "updates": set("KB958644", "KB890830"), "collection": sv("LAB00001"), "start_time": sv("2026-12-01T02:00:00Z"),
				"suppress_reboot": set("servers"), "sms2003": cty.ObjectVal(map[string]cty.Value{"enabled": cty.True, "max_install_minutes": cty.NumberIntVal(60)})}),
			Replace: obj("deployment", map[string]cty.Value{"site": sv("LB2"), "name": sv("November"), "updates": set("KB958644"), "collection": sv("LAB00001"), "start_time": sv("2026-12-01T02:00:00Z")}),
			Vanish:  vanish("deployments", "id"),
		},
	}
}

func TestConformance(t *testing.T) {
	eachDriver(t, func(t *testing.T, d testDriver) {
		p := open(t, d)
		pkg := apply(t, p, at("package", "tool"), cty.NilVal, obj("package", map[string]cty.Value{"site": sv("LAB"), "name": sv("Tool"), "source_path": sv(`\\SRV01\Tool`)}))
		pkgID := pkg.GetAttr("id").AsString()
		apply(t, p, at("program", "scan"), cty.NilVal, obj("program", map[string]cty.Value{"package": sv(pkgID), "name": sv("Scan"), "command_line": sv("ScanWrapper.exe")}))
		providertest.Run(t, p, conformanceCases(p, pkgID)...)
	})
}
