package sitedb

import (
	"context"
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/providers"
)

// maxSerial is the largest serial that fits the five hex digits of an id.
const maxSerial = 0xFFFFF

// objectID is a ConfigMgr object id: the site code and five upper-case hex
// digits, e.g. LAB0002C.
func objectID(site string, serial int64) string {
	return fmt.Sprintf("%s%05X", site, serial)
}

// nextSerial takes the next serial of a site from the counter table. The
// counter only grows, so an id is never handed out twice, even after its
// object is deleted.
//
// Inside a write transaction only the first id of a site touches the
// counter row (which also locks it until commit); the following ones are
// counted in memory and saveSerials writes the counter back before the
// commit.
func (c *conn) nextSerial(ctx context.Context, site string) (int64, hcl.Diagnostics) {
	if r := c.serials[site]; r != nil && c.tx != nil {
		n := r.next
		if n > maxSerial {
			return 0, hcl.Diagnostics{exhausted(site)}
		}
		r.next++
		return n, nil
	}
	var n int64
	c.writes++
	err := c.queryRow(ctx, `INSERT INTO id_counter (site, next_value) VALUES (?, 2)
ON CONFLICT (site) DO UPDATE SET next_value = id_counter.next_value + 1
RETURNING next_value - 1`, site).Scan(&n)
	if err != nil {
		return 0, hcl.Diagnostics{c.s.d.explain(err, "allocate an object id")}
	}
	if n > maxSerial {
		return 0, hcl.Diagnostics{exhausted(site)}
	}
	if c.tx != nil {
		if c.serials == nil {
			c.serials = map[string]*serialRange{}
		}
		c.serials[site] = &serialRange{first: n, next: n + 1}
	}
	return n, nil
}

func exhausted(site string) *hcl.Diagnostic {
	return providers.Errorf("Object ids exhausted",
		"Site %s has used all %d object ids (five hex digits). Ids are never reused; move objects to another site.", site, maxSerial)
}

// saveSerials writes the counters used in memory back to their rows. It
// upserts and never lowers a counter, so it also holds when a savepoint
// rolled back the first increment.
func (c *conn) saveSerials(ctx context.Context) error {
	for site, r := range c.serials {
		if r.next == r.first+1 {
			continue // the row already says so
		}
		if _, err := c.exec(ctx, `INSERT INTO id_counter (site, next_value) VALUES (?, ?)
ON CONFLICT (site) DO UPDATE SET next_value = CASE WHEN excluded.next_value > id_counter.next_value THEN excluded.next_value ELSE id_counter.next_value END`, site, r.next); err != nil {
			return err
		}
	}
	return nil
}

// programID is the id of a program: its package id and name.
func programID(pkg, name string) string { return pkg + "/" + name }

// nalPath is a distribution point's ServerNALPath:
// ["Display=\\SERVER\"]MSWNET:["SMS_SITE=CODE"]\\SERVER\
func nalPath(site, server string) string {
	return `["Display=\\` + server + `\"]MSWNET:["SMS_SITE=` + site + `"]\\` + server + `\`
}

// syncHostID is the id of the sync host of a site.
func syncHostID(site, computer string) string { return site + "/" + computer }
