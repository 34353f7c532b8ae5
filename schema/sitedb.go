package schema

import "github.com/zclconf/go-cty/cty"

// Sitedb is the site database provider: the Configuration Manager 2007 objects.
var Sitedb = &Provider{
	Name: "sitedb",
	Doc:  "The site database: sites, collections, packages, programs, advertisements, distribution points, the sync host, hardware inventory, deployment packages and deployments. Runs on an embedded SQLite file by default, or on PostgreSQL.",
	Config: Block{Attributes: []*Attribute{
		optional("driver", str, "`sqlite` (default: a file beside the configuration, nothing to install) or `postgres`.").withDefault(cty.StringVal("sqlite")).check(oneOf("sqlite", "postgres")),
		optional("path", str, "SQLite file, relative to the configuration directory.").withDefault(cty.StringVal("site.db")),
		optional("dsn", str, "PostgreSQL connection string (`postgres://user:pass@host:5432/db`); required with `driver = \"postgres\"`. Sensitive: never printed.").sensitive(),
		optional("busy_timeout", str, "How long SQLite waits for a locked database, e.g. `5s`.").withDefault(cty.StringVal("5s")),
	}},
	ResourceTypes: []*ResourceType{
		siteType, collectionType, packageType, programType, advertisementType,
		distributionPointType, syncHostType, hardwareInventoryType,
		deploymentPackageType, deploymentType,
	},
	DataSources: []*ResourceType{complianceData, collectionData},
}

var siteType = &ResourceType{
	Name: "site", Provider: "sitedb", IDAttribute: "code",
	Doc: "A Configuration Manager 2007 site. The code and name are fixed at install time.",
	Block: Block{Attributes: []*Attribute{
		required("code", str, "Site code: three characters A–Z and 0–9, not a reserved device name (AUX, CON, NUL, PRN, COM, LPT), unique in the hierarchy.").forceNew().check(siteCode),
		required("name", str, "Site name: letters A–Z a–z, digits and `-`.").forceNew().check(siteName),
		required("server", str, "The site server (NetBIOS or DNS name, ASCII only); it hosts PkgSource and the PackageSrc share.").check(asciiServer),
		optional("parent", str, "Site code of the parent site, or null for a central site.").check(siteCode).refersTo("site", AnySite),
		optional("install_dir", str, "Installation folder on the site server."),
		optional("admins_group", str, "The local group whose members administer the site.").withDefault(cty.StringVal("SMS Admins")),
	}},
	Rules: []ObjectRule{siteRules},
}

var collectionType = &ResourceType{
	Name: "collection", Provider: "sitedb", IDAttribute: "id",
	Doc: "A collection of clients: the sync collection holding the sync host, or the SMS 2003 clients to scan and deploy to.",
	Block: Block{Attributes: []*Attribute{
		required("site", str, "Site code of the site the collection belongs to.").forceNew().check(siteCode).refersTo("site", AnySite),
		required("name", str, "Collection name, unique in the site."),
		optional("comment", str, "Free text shown in the console."),
		optional("members", strSet, "The exact set of computer names that are direct members. Conflicts with `members_include`/`members_exclude`."),
		optional("members_include", strSet, "Computer names that must be members; others are left alone."),
		optional("members_exclude", strSet, "Computer names that must not be members."),
		optional("query", str, "WQL membership query."),
		optional("refresh", str, "`manual` (default) or `periodic`.").withDefault(cty.StringVal("manual")).check(oneOf("manual", "periodic")),
		optional("refresh_schedule", str, "Schedule of periodic refreshes, e.g. `every 1 days`; required when `refresh = \"periodic\"`.").check(schedule),
		optional("parent_collection", str, "Id of the collection this one is a subcollection of (SMS_CollectToSubCollect): of the collection's site or a site above it. An advertisement with `include_subcollections = true` (the default) reaches the members of subcollections too.").check(collectionID).refersTo("collection", OwnOrAncestor),
		computed("id", str, "Collection id: the site code and five hex digits, e.g. `LAB0002C`."),
	}},
	Rules: []ObjectRule{collectionRules},
}

var packageType = &ResourceType{
	Name: "package", Provider: "sitedb", IDAttribute: "id",
	Doc: "A software distribution package, such as the inventory tool's `Microsoft Updates Tool` package whose source is PkgSource. Renaming it or moving its source breaks scanning, so both force a replacement.",
	Block: Block{Attributes: []*Attribute{
		required("site", str, "Site code.").forceNew().check(siteCode).refersTo("site", AnySite),
		required("name", str, "Package name.").forceNew(),
		optional("version", str, "Version string."),
		optional("manufacturer", str, "Manufacturer."),
		optional("language", str, "Language."),
		optional("description", str, "Description."),
		optional("source_path", str, "Package source folder (a local or UNC path), e.g. the PkgSource share.").forceNew(),
		optional("priority", str, "Sending priority: `high`, `normal` (default) or `low`.").withDefault(cty.StringVal("normal")).check(oneOf("high", "normal", "low")),
		optional("share_name", str, "A package-specific share on distribution points (`name` or `name\\path`), unique across all packages; never a full UNC path.").check(packageShareName),
		optional("distribute_to", strSet, "Ids (NAL paths) of the distribution points that hold the package: of the package's site or of a site below it.").refersTo("distribution_point", OwnOrDescendant),
		optional("refresh_schedule", str, "Schedule on which distribution points are refreshed from the source. The inventory tool's package has none: the sync host pushes new catalogs.").check(schedule),
		computed("id", str, "Package id: the site code and five hex digits."),
		optional("content_hash", str, "A hash of what the source folder holds, e.g. `catalog.wsusscn2.sha256` for the inventory tool's package. When it changes, `source_version` rises, which is how Configuration Manager tells distribution points to refresh their copy."),
		optional("source_flag", str, "Where clients' content comes from (PkgSourceFlag): `direct` (the source folder, as set), `compressed` (ConfigMgr keeps a compressed copy; obsolete in 2007) or `local` (a folder on the site server). Null leaves ConfigMgr's choice: `direct` when `source_path` is set, no source otherwise.").check(oneOf("direct", "compressed", "local")),
		computed("source_version", num, "Source version: 1 at creation, raised by one whenever `content_hash` changes."),
	}},
}

var programType = &ResourceType{
	Name: "program", Provider: "sitedb", IDAttribute: "id",
	Doc: "A program of a package: what runs on the client and how.",
	Block: Block{Attributes: []*Attribute{
		required("package", str, "Id of the package the program belongs to.").forceNew().refersTo("package", AnySite),
		required("name", str, "Program name, unique in the package.").forceNew(),
		required("command_line", str, "The command line, e.g. one that runs `ScanWrapper.exe`."),
		optional("working_directory", str, "Working directory on the client."),
		// SMS_Program's default ProgramFlags are EVERYUSER, USEUNCPATH,
		// USERCONTEXT, UNATTENDED (domain.md §8.2): "only when a user is
		// logged on", without administrative rights. updplan's defaults are
		// those an inventory scan needs instead (the README says why).
		optional("run_mode", str, "When the program may run: `whether_or_not_user_logged_on` (default), `only_when_user_logged_on` or `only_when_no_user_logged_on`. ConfigMgr's own default is `only_when_user_logged_on` (USERCONTEXT); updplan's is the one a scan or sync program needs, which must run whether or not anyone is logged on.").withDefault(cty.StringVal("whether_or_not_user_logged_on")).check(oneOf("whether_or_not_user_logged_on", "only_when_user_logged_on", "only_when_no_user_logged_on")),
		optional("admin_rights", boolean, "Run with administrative rights. ConfigMgr's default is off; updplan's is on, as the inventory tool's programs need it (they write WMI and the Windows Update Agent's store).").withDefault(cty.True),
		// 720 is SMS_Program's "unknown" Duration (domain.md §8.2); the upper
		// bound 43200 (30 days) is updplan's choice: the SDK gives none.
		optional("max_run_minutes", num, "Maximum run time in minutes (ConfigMgr's \"unknown\" is 720). The range 1–43200 (30 days) is updplan's choice, not a documented limit.").withDefault(cty.NumberIntVal(720)).check(intRange(1, 43200)),
		optional("disk_space", str, "Disk space the program needs, e.g. `50 MB`.").check(diskSpace),
		optional("dependent_program", str, "A program to run first, as `<package id>;;<program name>`.").check(dependentProgram),
		optional("platforms", strSet, "Platforms the program runs on; empty means any platform."),
		optional("disabled", boolean, "Disable the program (clients do not run it).").withDefault(cty.False),
		computed("id", str, "`<package id>/<program name>`."),
	}},
}

var advertisementType = &ResourceType{
	Name: "advertisement", Provider: "sitedb", IDAttribute: "id",
	Doc: "Offers a program to a collection, optionally on mandatory schedules. Its options must agree with the program (ConfigMgr silently skips one that does not; updplan refuses it at plan time).",
	Block: Block{Attributes: []*Attribute{
		required("site", str, "Site code.").forceNew().check(siteCode).refersTo("site", AnySite),
		required("name", str, "Advertisement name."),
		required("collection", str, "Id of the target collection: one of the advertisement's site or of a site above it.").check(collectionID).refersTo("collection", OwnOrAncestor),
		required("package", str, "Id of the package: one of the advertisement's site or of a site above it.").refersTo("package", OwnOrAncestor),
		required("program", str, "Name of the program in that package."),
		optional("include_subcollections", boolean, "Also target subcollections.").withDefault(cty.True),
		optional("available_after", str, "When the program becomes available: RFC 3339 (`2026-12-01T02:00:00Z`, a fixed moment), or without zone (`2026-12-01T02:00:00`) for each client's local time.").check(timestamp),
		optional("expires_at", str, "When the advertisement expires (RFC 3339, or without zone for client local time).").check(timestamp),
		optional("schedule", strList, "Mandatory assignments (at most 15), each a schedule string or `at logon`, `at logoff`, `at startup`, `as soon as possible`.").check(maxItems(15), assignmentSchedules),
		// ConfigMgr's RemoteClientFlags default (48) sets no rerun bit; if_failed is updplan's choice.
		optional("rerun", str, "`always`, `never`, `if_failed` (default) or `if_succeeded`. The default is updplan's choice: ConfigMgr's default flags set none.").withDefault(cty.StringVal("if_failed")).check(oneOf("always", "never", "if_failed", "if_succeeded")),
		optional("local_dp", str, "With a local distribution point: `download` (default) or `run_from_dp`.").withDefault(cty.StringVal("download")).check(oneOf("download", "run_from_dp")),
		optional("remote_dp", str, "With only a remote distribution point: `dont_run` (default), `download` or `run_from_dp`.").withDefault(cty.StringVal("dont_run")).check(oneOf("dont_run", "download", "run_from_dp")),
		optional("priority", str, "`high`, `normal` (default) or `low`.").withDefault(cty.StringVal("normal")).check(oneOf("high", "normal", "low")),
		optional("enabled", boolean, "Whether clients see the advertisement.").withDefault(cty.True),
		optional("override_service_windows", boolean, "Run mandatory assignments outside maintenance windows (AdvertFlags OVERRIDE_SERVICE_WINDOWS). Null: ConfigMgr's default, off."),
		optional("reboot_outside_service_windows", boolean, "Allow a restart outside maintenance windows (REBOOT_OUTSIDE_OF_SERVICE_WINDOWS). Null: off."),
		optional("wake_on_lan", boolean, "Send wake-up packets for mandatory assignments (WAKE_ON_LAN_ENABLED). Null: off."),
		optional("slow_network", boolean, "Run mandatory assignments over a slow or unreliable link too (ONSLOWNET). Null: off."),
		optional("no_display", boolean, "Hide the program from the clients' Run Advertised Programs list (NO_DISPLAY). Null: off."),
		computed("id", str, "Advertisement id: the site code and five hex digits."),
	}},
	Rules: []ObjectRule{advertisementRules},
}

var distributionPointType = &ResourceType{
	Name: "distribution_point", Provider: "sitedb", IDAttribute: "id",
	Doc: "A distribution point: where clients fetch package content, and where the catalog must be copied.",
	Block: Block{Attributes: []*Attribute{
		required("site", str, "Site code.").forceNew().check(siteCode).refersTo("site", AnySite),
		required("server", str, "Server name (ASCII only).").forceNew().check(asciiServer),
		optional("kind", str, "`server` (ConfigMgr creates `SMSPKG<drive>$`) or `server_share` (an existing share).").withDefault(cty.StringVal("server")).check(oneOf("server", "server_share")),
		optional("share", str, "`SMSPKG<drive>$` or a custom share name, unique across distribution points."),
		optional("content_path", str, "Where content lands: a local folder or an `smb://host/share/path` URL."),
		computed("id", str, "The NAL path: `[\"Display=\\\\SERVER\\\"]MSWNET:[\"SMS_SITE=CODE\"]\\\\SERVER\\`."),
	}},
	Rules: []ObjectRule{distributionPointRules},
}

var syncHostType = &ResourceType{
	Name: "sync_host", Provider: "sitedb", IDAttribute: "id",
	Doc: "The client that fetches the catalog and pushes it to PkgSource and the distribution points. A workstation is recommended; the site server should not need Internet access.",
	Block: Block{Attributes: []*Attribute{
		required("site", str, "Site code.").forceNew().check(siteCode).refersTo("site", AnySite),
		required("computer", str, "Computer name of a Configuration Manager 2007 client.").forceNew(),
		optional("mode", str, "`interactive` (a user must be logged on at sync time; default) or `unattended`.").withDefault(cty.StringVal("interactive")).check(oneOf("interactive", "unattended")),
		optional("internet_access", boolean, "Whether the host reaches Microsoft Update directly. Not needed when the catalog comes from a local catalog location.").withDefault(cty.False),
		optional("collection", str, "Id of the sync collection the host is placed in (Setup's `Microsoft Updates Tool Sync`): one of the host's site or of a site above it.").check(collectionID).refersTo("collection", OwnOrAncestor),
		computed("id", str, "`<site code>/<computer>`."),
	}},
}

var hardwareInventoryType = &ResourceType{
	Name: "hardware_inventory", Provider: "sitedb", IDAttribute: "site",
	Doc: "The hardware inventory cycle of a site. Compliance reaches the site database only through it. One per site.",
	Block: Block{Attributes: []*Attribute{
		required("site", str, "Site code.").forceNew().check(siteCode).refersTo("site", AnySite),
		optional("schedule", str, "How often clients report, e.g. `every 7 days` (the default); simple intervals as the agent's dialog allows them: 1–60 minutes, 1–24 hours, 1–31 days.").withDefault(cty.StringVal("every 7 days")).check(inventorySchedule),
		optional("delete_aged_history_days", num, "The site maintenance task \"Delete Aged Inventory History\": inventory history older than this many days is deleted (current records never are). Null: ConfigMgr's default, 90 days.").check(intRange(1, 3650)),
	}},
}

var deploymentPackageType = &ResourceType{
	Name: "deployment_package", Provider: "sitedb", IDAttribute: "id",
	Doc: "A software updates deployment package. Its source is a network folder used by no other package.",
	Block: Block{Attributes: []*Attribute{
		required("site", str, "Site code.").forceNew().check(siteCode).refersTo("site", AnySite),
		required("name", str, "Name, at most 50 characters, unique.").check(maxLen(50)),
		optional("description", str, "Description, at most 127 characters.").check(maxLen(127)),
		required("source_path", str, "Network path `\\\\server\\share\\path`, created beforehand and used by no other package.").check(uncPath),
		optional("priority", str, "`high`, `normal` (default) or `low`.").withDefault(cty.StringVal("normal")).check(oneOf("high", "normal", "low")),
		optional("binary_delta", boolean, "Binary differential replication.").withDefault(cty.False),
		optional("distribute_to", strSet, "Ids (NAL paths) of the distribution points that hold the package: of the package's site or of a site below it.").refersTo("distribution_point", OwnOrDescendant),
		computed("id", str, "Package id: the site code and five hex digits."),
		optional("content_hash", str, "A hash of the updates the package holds. When it changes, `content_version` rises by one."),
		computed("content_version", num, "1 at creation, raised by one whenever `content_hash` changes (ConfigMgr: 1 at creation, +1 per change of content)."),
	}},
}

var deploymentType = &ResourceType{
	Name: "deployment", Provider: "sitedb", IDAttribute: "id",
	Doc: "A software update deployment, with the settings for SMS 2003 clients. Turning `sms2003.enabled` off on an active deployment cannot be undone in ConfigMgr: the plan refuses it unless `allow_irreversible = true`.",
	Block: Block{
		Attributes: []*Attribute{
			required("site", str, "Site code.").forceNew().check(siteCode).refersTo("site", AnySite),
			required("name", str, "Deployment name."),
			optional("description", str, "Description."),
			required("updates", strSet, "Updates to deploy: update ids or KB articles (`KB958644`).").check(updateIDs),
			required("collection", str, "Id of the target collection: one of the deployment's site or of a site above it.").check(collectionID).refersTo("collection", OwnOrAncestor),
			optional("package", str, "Id of the deployment package that holds the updates; only a package of the deployment's own site can be chosen.").refersTo("deployment_package", OwnSite),
			required("start_time", str, "When the deployment starts: RFC 3339 (`2026-11-14T02:00:00Z`, a fixed moment), or without zone (`2026-11-14T02:00:00`) for each client's local time (UseGMTTimes off).").check(timestamp),
			optional("deadline", str, "Enforcement deadline (RFC 3339, or without zone for client local time, like `start_time`); null makes the updates optional.").check(timestamp),
			optional("action", str, "`install` (default) or `detect`.").withDefault(cty.StringVal("install")).check(oneOf("install", "detect")),
			// true is updplan's choice: the SDK documents no default for NotifyUser.
			optional("notify_user", boolean, "Show notifications to users. The default (true) is updplan's choice; the SDK documents none.").withDefault(cty.True),
			optional("suppress_reboot", strSet, "Suppress restarts on `workstations` and/or `servers`.").check(setOf("workstations", "servers")),
			optional("override_service_windows", boolean, "Install outside maintenance windows.").withDefault(cty.False),
			optional("reboot_outside_service_windows", boolean, "Restart outside maintenance windows.").withDefault(cty.False),
			optional("allow_irreversible", boolean, "Allow turning `sms2003.enabled` off on an active deployment, which ConfigMgr cannot undo: the site database remembers it, and turning the settings on again on this deployment is refused.").withDefault(cty.False),
			computed("id", str, "Deployment id: the site code and five hex digits."),
		},
		BlockTypes: []*NestedBlock{{
			TypeName: "sms2003", Nesting: NestingSingle,
			Doc: "The \"SMS 2003 Settings\" of the deployment.",
			Block: Block{Attributes: []*Attribute{
				optional("enabled", boolean, "Deploy the updates to SMS 2003 clients too.").withDefault(cty.False),
				optional("collect_inventory", boolean, "Run a hardware inventory cycle right after installing.").withDefault(cty.False),
				optional("dp_locality", str, "With a local distribution point: `download` (default) or `run_from_dp`.").withDefault(cty.StringVal("download")).check(oneOf("download", "run_from_dp")),
				optional("schedule", str, "Mandatory assignment schedule for SMS 2003 clients.").check(schedule),
				optional("hide", boolean, "Hide the deployment from SMS 2003 clients.").withDefault(cty.False),
				// 1–1440 is updplan's choice (one day): the SDK gives no range for LegacyInstallAllowedWindow.
				optional("max_install_minutes", num, "Skip the installation when it would start later than the schedule plus this many minutes (LegacyInstallAllowedWindow). The range 1–1440 is updplan's choice, not a documented limit.").check(intRange(1, 1440)),
				// The Legacy* names are verified (domain.md §10.1); what each does is inferred from its name and the UI ([I] §10.2).
				optional("dependent_program", str, "A program to run before each installation, as `<package id>;;<program name>` (LegacyDependentProgram), e.g. the inventory tool's scan program.").check(dependentProgram),
				optional("force_reboot", boolean, "Restart the client after installing, even when no update asks for it (LegacyForceReboot)."),
				optional("install_all_on_deadline", boolean, "At the deadline, install every applicable update of the deployment (LegacyInstallAllOnDeadline)."),
				optional("postpone_install", boolean, "Let users postpone the installation (LegacyPostponeInstall)."),
				optional("program_flags", num, "The ProgramFlags of the program ConfigMgr makes for SMS 2003 clients (LegacyProgramFlags), as a number; null leaves ConfigMgr's.").check(intRange(0, 4294967295)),
				optional("reboot_countdown_minutes", num, "Minutes of the restart countdown shown to users (LegacyRebootCountdown). The range 1–1440 is updplan's choice.").check(intRange(1, 1440)),
				optional("silent_install", boolean, "Install without showing anything to users (LegacySilentInstall)."),
			}},
		}},
	},
	Rules: []ObjectRule{deploymentRules},
}
