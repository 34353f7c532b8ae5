package sitedb

import (
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// A program is keyed by its package and name: `<package id>/<name>`.
func programKind() *kind {
	return &kind{
		rt: schema.Sitedb.ResourceType("program"), table: "programs", idAttr: "id", ids: idDerived,
		derive: func(v cty.Value) (string, bool) {
			pkg, name := str(v, "package"), str(v, "name")
			return programID(pkg, name), pkg != "" && name != ""
		},
	}
}
