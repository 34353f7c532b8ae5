package schema

import "github.com/zclconf/go-cty/cty"

// Share is the file share provider.
var Share = &Provider{
	Name: "share",
	Doc:  "File shares and their ACLs: PkgSource shared as PackageSrc, deployment package sources. Runs on a local driver (a file server on local disk, for dry runs, CI and demos) or, with the smb driver, on real Windows or Samba servers over SMB2/3 and MS-SRVS.",
	Config: Block{Attributes: []*Attribute{
		optional("driver", str, "`local` (default) or `smb`.").withDefault(cty.StringVal("local")).check(oneOf("local", "smb")),
		optional("root", str, "Local driver: the folder that holds the file server's drives and share table, relative to the configuration directory.").withDefault(cty.StringVal(".site")),
		optional("domain", str, "smb driver: the account's domain for every server without its own (default: the environment variable UPDPLAN_SMB_DOMAIN)."),
		optional("username", str, "smb driver: the account for every server without its own (default: UPDPLAN_SMB_USERNAME)."),
		optional("password", str, "smb driver: that account's password (default: UPDPLAN_SMB_PASSWORD). Sensitive: never printed.").sensitive(),
		optional("timeout_seconds", num, "smb driver: how long to wait for a server to answer a connection, logon or call.").withDefault(cty.NumberIntVal(20)).check(intRange(1, 600)),
	}, BlockTypes: []*NestedBlock{{
		TypeName: "server", Nesting: NestingMap,
		Doc: "smb driver: one file server, labeled with the name shares give in `server`: `server \"SITESRV\" { address = \"sitesrv.corp.example:445\" }`.",
		Block: Block{Attributes: []*Attribute{
			optional("address", str, "`host` or `host:port` of its SMB service (default: the label, port 445)."),
			optional("domain", str, "The account's domain (default: the provider's `domain`)."),
			optional("username", str, "The account (default: the provider's `username`)."),
			optional("password", str, "The account's password. Sensitive: never printed.").sensitive(),
			optional("drive_shares", strMap, "Where the folders of each drive are reached, by drive letter: `{ D = \"D$\" }` (the default is the administrative share `X$` of each drive). For servers without administrative shares, name a share of the drive's root, or a share and a folder: `{ D = \"Data\\\\root\" }`."),
		}},
	}}},
	ResourceTypes: []*ResourceType{shareType},
}

var shareType = &ResourceType{
	Name: "share", Provider: "share", IDAttribute: "actual_name",
	Doc: "A file share and its share ACL. Setup's PkgSource folder is shared as `PackageSrc`; when that name is taken, `on_name_taken = \"next_free\"` picks `PackageSrc_1`, `PackageSrc_2`, ...",
	Block: Block{
		Attributes: []*Attribute{
			required("server", str, "Server that hosts the share.").forceNew(),
			required("name", str, "Share name (at most 80 characters; none of `\" / \\ [ ] : | < > + = ; , ? *`).").check(shareName),
			required("path", str, "Folder to share; confined to the driver's roots.").forceNew(),
			optional("description", str, "Share comment."),
			optional("on_name_taken", str, "`fail` (default) or `next_free` (`PackageSrc` -> `PackageSrc_1` -> ...).").withDefault(cty.StringVal("fail")).check(oneOf("fail", "next_free")),
			optional("concurrent_user_limit", num, "Maximum concurrent users; 0 means unlimited.").withDefault(cty.NumberIntVal(0)).check(intRange(0, 16777216)),
			optional("folder_enumeration", str, "`unrestricted` (default) or `access_based`.").withDefault(cty.StringVal("unrestricted")).check(oneOf("unrestricted", "access_based")),
			optional("caching", str, "Offline caching: `manual` (default), `none`, `programs`, `documents`.").withDefault(cty.StringVal("manual")).check(oneOf("manual", "none", "programs", "documents")),
			optional("allow_broad_access", boolean, "Allow Everyone, Authenticated Users, Users or Domain Users full or change rights.").withDefault(cty.False),
			computed("actual_name", str, "The share name in use (differs from `name` after `next_free`)."),
			computed("unc", str, "`\\\\server\\actual_name`."),
			computed("local_path", str, "Where the folder is on the driver's disk."),
		},
		BlockTypes: []*NestedBlock{{
			TypeName: "access", Nesting: NestingSet,
			Doc: "One share ACL entry. Entries are a set: order never counts as drift.",
			Block: Block{Attributes: []*Attribute{
				required("principal", str, "Account or group, e.g. `Administrators`, `SMS Admins`, `DOMAIN\\\\user`."),
				required("rights", str, "`full`, `change`, `read` or `deny`.").check(oneOf("full", "change", "read", "deny")),
			}},
		}},
	},
	Rules: []ObjectRule{shareRules},
}
