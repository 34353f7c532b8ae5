// Package lang holds what the configuration language offers beyond HCL's
// syntax: the functions (cty's stdlib under Terraform's names, plus file,
// hashing, encoding, env, templatefile, try, can, sensitive and
// nonsensitive), the Sensitive mark, and the path object.
//
// env(name) fails when the variable is not set (an empty DSN or server name
// would otherwise pass silently); try(env("NAME"), "default") makes it
// optional. templatefile renders with every function but itself.
//
// It evaluates nothing by itself and knows no addresses or resources: the
// engine builds the evaluation context (variables, locals, resources) and
// takes the functions and the path object from here.
package lang
