// Package schema describes, as data, every provider configuration and every
// resource type updplan knows: attributes with their types, whether they are
// required, optional, computed, sensitive or force a replacement, their
// defaults and documentation, and the domain's validation rules (site codes,
// share names, schedules, the broad-access ACL policy, advertisement flags
// that must agree with their program, ...).
//
// Everything else derives from it: the HCL decoder specs, the implied cty
// types, the README's resource reference (MarkdownReference) and
// validation.
//
// Files by role: types.go and build.go are the data types and their
// constructors; sitedb.go, share.go and catalog.go the resource tables;
// checks.go the attribute checks; rules.go the object rules; rules_set.go
// the cross-object rules (SetRules); resolve.go the reference checks
// (ResolveReferences: every id-valued attribute names an object of a site
// its Scope allows) and rules_itmu.go the inventory tool's rules across the
// hierarchy (ITMURules), both given the real world's objects at plan time; schedule.go the schedule language
// (ParseSchedule, Schedule.String's canonical form); reference.go the
// Markdown reference; urlcred.go what a URL's credentials look like
// (user:password@, sig/token/key query parameters) and their redacted and
// stored forms (RedactURL, StoredURL) for CredentialURL attributes.
//
// It does not talk to any server, evaluate configuration, turn problems
// into diagnostics with source ranges (the engine does that), or know about
// state. Rules that need the real world (a name already taken in the site
// database) belong to the providers.
package schema
