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
func (c *conn) nextSerial(ctx context.Context, site string) (int64, hcl.Diagnostics) {
	var n int64
	c.writes++
	err := c.queryRow(ctx, `INSERT INTO id_counter (site, next_value) VALUES (?, 2)
ON CONFLICT (site) DO UPDATE SET next_value = id_counter.next_value + 1
RETURNING next_value - 1`, site).Scan(&n)
	if err != nil {
		return 0, hcl.Diagnostics{c.s.d.explain(err, "allocate an object id")}
	}
	if n > maxSerial {
		return 0, hcl.Diagnostics{providers.Errorf("Object ids exhausted",
			"Site %s has used all %d object ids (five hex digits). Ids are never reused; move objects to another site.", site, maxSerial)}
	}
	return n, nil
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
