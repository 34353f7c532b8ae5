package sitedb

import (
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// The sync host is keyed by `<site>/<computer>`; naming another computer
// makes another sync host, so a change of computer replaces it.
func syncHostKind() *kind {
	return &kind{
		rt: schema.Sitedb.ResourceType("sync_host"), table: "sync_hosts", idAttr: "id", ids: idDerived,
		derive: func(v cty.Value) (string, bool) {
			site, computer := str(v, "site"), str(v, "computer")
			return syncHostID(site, computer), site != "" && computer != ""
		},
		replaceOn: []string{"computer"},
	}
}
