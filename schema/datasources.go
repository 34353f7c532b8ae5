package schema

// Data sources are read-only lookups made during plan (`data "TYPE"
// "NAME" { ... }`, addressed data.TYPE.NAME). They are described like
// resource types: arguments are required or optional, results computed.

var complianceData = &ResourceType{
	Name:     "compliance",
	Provider: "sitedb",
	Doc: "The compliance of a collection's members from the scan results loaded with `updplan inventory import`: how many reported, " +
		"and the state of their updates. Members are the collection's declared `members`, else those of an imported membership export.",
	Block: Block{Attributes: []*Attribute{
		required("site", str, "Site code."),
		required("collection", str, "Id of the collection, e.g. `collection.pilot.id` or `SMS00001`."),
		optional("updates", strSet, "Only these updates: unique update ids or KB articles (`KB958644`). Default: every update reported."),
		optional("scanned_after", str, "Count as reported only clients whose latest scan is later than this time (RFC 3339), e.g. `catalog.main.synced_at`: a scan newer than the catalog."),
		computed("clients", num, "Number of members."),
		computed("reported", num, "Members with a scan (later than `scanned_after` when set)."),
		computed("reported_percent", num, "`reported` in percent of `clients` (0 for an empty collection)."),
		computed("installed", num, "(client, update) rows of the reported members in state Installed."),
		computed("required", num, "Rows in state Required (Applicable)."),
		computed("reboot_pending", num, "Rows in state Reboot pending."),
		computed("not_required", num, "Rows in state Not Required."),
		computed("unknown", num, "Rows in state Unknown."),
		computed("compliant_percent", num, "Rows installed or not required, in percent of all rows (0 when none)."),
		computed("oldest_scan", str, "The oldest latest scan of a reported member (RFC 3339), or null."),
		computed("newest_scan", str, "The newest scan of a reported member (RFC 3339), or null."),
		computed("stale", num, "Members without a scan (later than `scanned_after`) or without a hardware inventory."),
	}},
}

var collectionData = &ResourceType{
	Name:     "collection",
	Provider: "sitedb",
	Doc:      "An existing collection looked up by site and name, such as the built-in All Systems (`SMS00001`), which no site definition declares.",
	Block: Block{Attributes: []*Attribute{
		required("site", str, "Site code."),
		required("name", str, "Collection name, e.g. `All Systems`."),
		computed("id", str, "Collection id."),
		computed("comment", str, "Comment, or null."),
		computed("members", strSet, "Names of the members: the declared ones, else those of an imported membership export."),
	}},
}

// DataSource looks a data source type up across all providers.
func DataSource(name string) *ResourceType {
	for _, p := range Providers() {
		for _, ds := range p.DataSources {
			if ds.Name == name {
				return ds
			}
		}
	}
	return nil
}
