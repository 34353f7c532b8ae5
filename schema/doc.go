// Package schema describes, as data, every provider configuration and every
// resource type updplan knows: attributes with their types, whether they are
// required, optional, computed, sensitive or force a replacement, their
// defaults and documentation, and the domain's validation rules (site codes,
// share names, schedules, the broad-access ACL policy, advertisement flags
// that must agree with their program, ...).
//
// Everything else derives from it: the HCL decoder specs, the implied cty
// types, the README's resource reference and validation.
//
// It does not talk to any server, evaluate configuration, or know about
// state. Rules that need the real world (a name already taken in the site
// database) belong to the providers.
package schema
