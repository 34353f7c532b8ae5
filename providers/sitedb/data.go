package sitedb

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/providers/sitedb/compliance"
	"github.com/zclconf/go-cty/cty"
)

var _ providers.DataReader = (*Provider)(nil)

// ReadData answers the data sources "compliance" and "collection".
func (p *Provider) ReadData(ctx context.Context, req providers.ReadDataRequest) providers.ReadDataResponse {
	st, d := p.Compliance()
	if d.HasErrors() {
		return providers.ReadDataResponse{Diagnostics: d}
	}
	cfg, _ := unmark(req.Config)
	attrs := cfg.AsValueMap()
	switch req.TypeName {
	case "compliance":
		return readCompliance(ctx, st, attrs)
	case "collection":
		return p.readCollection(ctx, st, attrs)
	}
	return providers.ReadDataResponse{Diagnostics: hcl.Diagnostics{providers.Errorf("Unknown data source",
		"The sitedb provider has no data source %q. This is a bug in the engine.", req.TypeName)}}
}

func readCompliance(ctx context.Context, st *compliance.Store, attrs map[string]cty.Value) providers.ReadDataResponse {
	q := compliance.Query{Site: attrs["site"].AsString(), CollectionID: attrs["collection"].AsString()}
	if u := attrs["updates"]; !u.IsNull() {
		for it := u.ElementIterator(); it.Next(); {
			_, v := it.Element()
			q.Updates = append(q.Updates, v.AsString())
		}
		sort.Strings(q.Updates)
	}
	if a := attrs["scanned_after"]; !a.IsNull() {
		t, err := time.Parse(time.RFC3339, a.AsString())
		if err != nil {
			return providers.ReadDataResponse{Diagnostics: hcl.Diagnostics{providers.AttrError(pathAttr("scanned_after"), "Invalid scanned_after",
				fmt.Sprintf("scanned_after %q is not an RFC 3339 time such as 2026-12-01T02:00:00Z. Give a time, or the synced_at of a catalog.", a.AsString()))}}
		}
		q.ScannedAfter = t.UTC().Format("2006-01-02T15:04:05Z")
	}
	f, d := st.Figures(ctx, q)
	if d.HasErrors() {
		return providers.ReadDataResponse{Diagnostics: d}
	}
	n := func(x int64) cty.Value { return cty.NumberIntVal(x) }
	opt := func(s string) cty.Value {
		if s == "" {
			return cty.NullVal(cty.String)
		}
		return cty.StringVal(s)
	}
	attrs["clients"] = n(f.Clients)
	attrs["reported"] = n(f.Reported)
	attrs["reported_percent"] = cty.NumberFloatVal(f.ReportedPercent())
	for _, s := range compliance.StateNames {
		attrs[s] = n(f.States[s])
	}
	attrs["compliant_percent"] = cty.NumberFloatVal(f.CompliantPercent())
	attrs["oldest_scan"] = opt(f.OldestScan)
	attrs["newest_scan"] = opt(f.NewestScan)
	attrs["stale"] = n(f.Stale)
	return providers.ReadDataResponse{State: cty.ObjectVal(attrs)}
}

func (p *Provider) readCollection(ctx context.Context, st *compliance.Store, attrs map[string]cty.Value) providers.ReadDataResponse {
	site, name := attrs["site"].AsString(), attrs["name"].AsString()
	id, comment, members, found, err := st.Collection(ctx, site, name)
	if err != nil {
		return providers.ReadDataResponse{Diagnostics: hcl.Diagnostics{p.s.d.explain(err, "look up collection "+name)}}
	}
	if !found {
		return providers.ReadDataResponse{Diagnostics: hcl.Diagnostics{providers.AttrError(pathAttr("name"), "Collection not found",
			fmt.Sprintf("Site %s has no collection named %q in the site database, and no imported membership names it. Check the name, or import the site's membership export (`updplan inventory import`).", site, name))}}
	}
	attrs["id"] = cty.StringVal(id)
	attrs["comment"] = cty.NullVal(cty.String)
	if comment.Valid {
		attrs["comment"] = cty.StringVal(comment.String)
	}
	attrs["members"] = strSet(members)
	return providers.ReadDataResponse{State: cty.ObjectVal(attrs)}
}
