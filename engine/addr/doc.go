// Package addr holds resource addresses: TYPE.NAME, TYPE.NAME[0] and
// TYPE.NAME["key"]. Addresses are immutable value types, usable as map keys
// and printed the same way everywhere.
//
// It does not know which resource types exist (see package schema) nor how
// addresses are resolved against configuration or state (see package engine).
package addr
