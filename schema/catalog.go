package schema

import "github.com/zclconf/go-cty/cty"

// Catalog is the update catalog provider.
var Catalog = &Provider{
	Name: "catalog",
	Doc:  "The Microsoft Update catalog `wsusscn2.cab`: fetched from a local catalog location or over HTTP(S), verified, copied into PkgSource and to every distribution point.",
	Config: Block{Attributes: []*Attribute{
		optional("http_timeout", str, "Timeout of one HTTP request, e.g. `10m`.").withDefault(cty.StringVal("10m")),
		optional("ca_file", str, "PEM file of extra certificate authorities for HTTPS sources."),
		optional("smb_username", str, "User for `smb://` and UNC distribution points (default: `UPDPLAN_SMB_USERNAME`)."),
		optional("smb_password", str, "Password for `smb://` and UNC distribution points (default: `UPDPLAN_SMB_PASSWORD`). Sensitive: never printed.").sensitive(),
		optional("smb_domain", str, "Domain of `smb_username` (default: `UPDPLAN_SMB_DOMAIN`)."),
	}, BlockTypes: []*NestedBlock{{
		TypeName: "smb_server", Nesting: NestingMap,
		Doc: "Credentials for the distribution points on one server, instead of the provider's `smb_username` / `smb_password`, labeled with the server as the distribution points write it: `smb_server \"DP01\" { ... }` (also `dp01.example.org`, `127.0.0.1`).",
		Block: Block{Attributes: []*Attribute{
			optional("username", str, "SMB user."),
			optional("password", str, "SMB password. Sensitive: never printed.").sensitive(),
			optional("domain", str, "Domain of the user."),
		}},
	}}},
	ResourceTypes: []*ResourceType{catalogType},
}

var catalogType = &ResourceType{
	Name: "catalog", Provider: "catalog", IDAttribute: "destination",
	Doc: "The catalog in PkgSource and on every distribution point. The source is hashed and compared with the copy in `destination`; on a difference the copy is replaced, then every distribution point is brought to the same hash. A catalog whose signature or hash does not verify is never copied anywhere; every copy lands under a temporary name and is renamed into place.",
	Block: Block{
		Attributes: []*Attribute{
			optional("file_name", str, "Catalog file name.").withDefault(cty.StringVal("wsusscn2.cab")).check(fileName),
			required("destination", str, "The PkgSource folder."),
			optional("distribution_points", strSet, "Folders, `smb://HOST[:PORT]/SHARE/path` URLs or UNC paths (`\\\\DP01\\SMSPKGD$\\ITMU`) that must hold the same catalog."),
			optional("sync_host", str, "The sync host (informational)."),
			optional("verify_signature", boolean, "Require a valid Authenticode signature chaining to `trust_anchors`.").withDefault(cty.True),
			optional("trust_anchors", strList, "PEM files of trusted roots. Default: the Microsoft code-signing roots built into updplan."),
			optional("verify", str, "`metadata` (default: re-hash only when size, mtime or inode changed) or `full` (always re-hash).").withDefault(cty.StringVal("metadata")).check(oneOf("metadata", "full")),
			computed("sha256", str, "SHA-256 of the catalog."),
			computed("size", num, "Size in bytes."),
			computed("signer", str, "Subject of the signing certificate."),
			computed("source_version", str, "ETag or Last-Modified of the source."),
			computed("synced_at", str, "When the copy in `destination` was last replaced (RFC 3339)."),
			computed("distributed", strMap, "SHA-256 of the copy on each distribution point."),
		},
		BlockTypes: []*NestedBlock{{
			TypeName: "source", Nesting: NestingSingle, MinItems: 1,
			Doc: "Where the catalog comes from: exactly one of `url` or `local_path`.",
			Block: Block{Attributes: []*Attribute{
				optional("url", str, "HTTP(S) URL, e.g. `https://catalog.s.download.windowsupdate.com/microsoftupdate/v6/wsusscan/wsusscn2.cab`. Credentials in it (`user:password@`, a `sig`, `token` or `key` query parameter) are never shown and never stored: the state and saved plans keep the URL with them `REDACTED` and a hash that tells when they change.").check(httpURL).credentialURL(),
				optional("local_path", str, "A local catalog location filled by hand (no Internet connection)."),
			}},
		}},
	},
	Rules: []ObjectRule{catalogRules},
}
