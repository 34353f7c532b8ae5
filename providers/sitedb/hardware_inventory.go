package sitedb

import "github.com/updplan/updplan/schema"

// The hardware inventory cycle is one per site, keyed by the site code.
func hardwareInventoryKind() *kind {
	return &kind{
		rt: schema.Sitedb.ResourceType("hardware_inventory"), table: "hardware_inventories", idAttr: "site", ids: idDerived,
		derive: attrID("site"),
	}
}
