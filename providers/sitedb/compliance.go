package sitedb

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/providers/sitedb/compliance"
)

// Compliance returns the compliance data of the configured site database
// (inventory import, reports, data sources), or why it cannot be used yet
// (an out-of-date schema needs `updplan init`).
func (p *Provider) Compliance() (*compliance.Store, hcl.Diagnostics) {
	if d := p.ready(); d.HasErrors() {
		return nil, d
	}
	return &compliance.Store{DB: p.s.db, Driver: p.s.d.name, Explain: p.s.d.explain}, nil
}
