package compliance

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// Figures are the compliance of a set of clients (the members of a
// collection), over all updates or over a deployment's.
type Figures struct {
	// Clients is the number of members; Reported those with a scan (newer
	// than Query.ScannedAfter when set); Stale the members without such a
	// scan or without a hardware inventory.
	Clients, Reported, Stale int64
	// States counts (client, update) rows of the reported members by
	// state: installed, required, reboot_pending, not_required, unknown.
	States map[string]int64
	// OldestScan and NewestScan are the members' scan times ("" when
	// none reported).
	OldestScan, NewestScan string
}

// Rows is the number of (client, update) rows counted.
func (f Figures) Rows() int64 {
	var n int64
	for _, c := range f.States {
		n += c
	}
	return n
}

// ReportedPercent is Reported in percent of Clients (0 for no clients).
func (f Figures) ReportedPercent() float64 { return percent(f.Reported, f.Clients) }

// CompliantPercent is the share of rows that need nothing (installed or
// not required), in percent; 0 when no row was reported.
func (f Figures) CompliantPercent() float64 {
	return percent(f.States["installed"]+f.States["not_required"], f.Rows())
}

func percent(n, of int64) float64 {
	if of == 0 {
		return 0
	}
	return float64(n) * 100 / float64(of)
}

// Query selects the clients and updates figures are computed over.
type Query struct {
	Site string
	// CollectionID is the collection whose members count: its declared
	// members when the site definition lists them, else the members
	// imported from a membership export.
	CollectionID string
	// Updates, when not empty, limits the rows to these updates: unique
	// update ids, or KB articles (KB958644 or 958644).
	Updates []string
	// ScannedAfter, when set (RFC 3339), counts as reported only clients
	// whose latest scan is later: a scan newer than the catalog.
	ScannedAfter string
}

// jsonStrings is a subquery of the elements of a JSON array of strings
// bound to one parameter.
func (s *Store) jsonStrings() string {
	if s.postgres() {
		return "SELECT json_array_elements_text(CAST(? AS json))"
	}
	return "SELECT value FROM json_each(?)"
}

// memberSet returns a subquery of the resource ids of a collection's
// members, its arguments and the number of members.
func (s *Store) memberSet(ctx context.Context, c querier, site, collectionID string) (string, []any, int64, error) {
	var declared sql.NullString
	err := c.QueryRowContext(ctx, s.bind(`SELECT members FROM collections WHERE id = ?`), collectionID).Scan(&declared)
	if err != nil && err != sql.ErrNoRows {
		return "", nil, 0, err
	}
	if declared.Valid && declared.String != "" && declared.String != "null" {
		var names []string
		if err := json.Unmarshal([]byte(declared.String), &names); err == nil {
			ids, err := s.clientsNamed(ctx, c, site, names)
			if err != nil {
				return "", nil, 0, err
			}
			b, _ := json.Marshal(ids)
			return s.jsonIDs(), []any{string(b)}, int64(len(names)), nil
		}
	}
	var n int64
	if err := c.QueryRowContext(ctx, s.bind(`SELECT COUNT(*) FROM collection_members WHERE collection_id = ?`), collectionID).Scan(&n); err != nil {
		return "", nil, 0, err
	}
	return `SELECT resource_id FROM collection_members WHERE collection_id = ?`, []any{collectionID}, n, nil
}

// updateFilter is the condition on scan_results r for Query.Updates.
func (s *Store) updateFilter(updates []string) (string, []any) {
	if len(updates) == 0 {
		return "", nil
	}
	var ids, kbs []string
	for _, u := range updates {
		u = strings.TrimSpace(u)
		ids = append(ids, u)
		kbs = append(kbs, strings.TrimPrefix(strings.ToUpper(u), "KB"))
	}
	bi, _ := json.Marshal(ids)
	bk, _ := json.Marshal(kbs)
	return ` AND (r.update_id IN (` + s.jsonStrings() + `) OR r.article IN (` + s.jsonStrings() + `))`, []any{string(bi), string(bk)}
}

// updateIDs returns, as a JSON array, the ids of the site's updates that
// filter (updateFilter's condition on r) selects in scan_updates; ""
// when there is none.
func (s *Store) updateIDs(ctx context.Context, c querier, site, filter string, fArgs []any) (string, error) {
	rows, err := c.QueryContext(ctx, s.bind(`SELECT DISTINCT r.update_id FROM scan_updates r WHERE r.site = ?`+filter), append([]any{site}, fArgs...)...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return "", err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return "", err
	}
	b, err := json.Marshal(ids)
	return string(b), err
}

// jsonIDs is a subquery of the elements of a JSON array of integers bound
// to one parameter.
func (s *Store) jsonIDs() string {
	if s.postgres() {
		return "SELECT CAST(json_array_elements_text(CAST(? AS json)) AS BIGINT)"
	}
	return "SELECT CAST(value AS INTEGER) FROM json_each(?)"
}

// clientsNamed returns the resource ids of the site's clients with the
// given computer names. Names match case-insensitively (NetBIOS names do),
// the same way on both drivers: in Go, not with the database's upper().
func (s *Store) clientsNamed(ctx context.Context, c querier, site string, names []string) ([]int64, error) {
	want := make(map[string]bool, len(names))
	for _, n := range names {
		want[strings.ToUpper(n)] = true
	}
	rows, err := c.QueryContext(ctx, s.bind(`SELECT resource_id, name FROM scan_clients WHERE site = ?`), site)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		if want[strings.ToUpper(name)] {
			ids = append(ids, id)
		}
	}
	return ids, rows.Err()
}

// Figures computes the compliance of a collection's members.
func (s *Store) Figures(ctx context.Context, q Query) (Figures, hcl.Diagnostics) {
	f, err := s.figures(ctx, s.DB, q)
	if err != nil {
		return f, hcl.Diagnostics{s.Explain(err, "read the compliance of collection "+q.CollectionID)}
	}
	return f, nil
}

func (s *Store) figures(ctx context.Context, c querier, q Query) (Figures, error) {
	f := Figures{States: map[string]int64{}}
	set, setArgs, total, err := s.memberSet(ctx, c, q.Site, q.CollectionID)
	if err != nil {
		return f, err
	}
	f.Clients = total
	after := q.ScannedAfter
	// Reported clients: a scan (newer than ScannedAfter) of a member.
	reported := `SELECT resource_id FROM scan_clients WHERE site = ? AND scanned_at > ? AND resource_id IN (` + set + `)`
	repArgs := append([]any{q.Site, after}, setArgs...)
	var oldest, newest sql.NullString
	var withHinv int64
	var states [5]int64
	err = c.QueryRowContext(ctx, s.bind(`SELECT COUNT(*), COALESCE(SUM(CASE WHEN inventoried_at IS NOT NULL THEN 1 ELSE 0 END), 0), MIN(scanned_at), MAX(scanned_at),
		COALESCE(SUM(installed), 0), COALESCE(SUM(required), 0), COALESCE(SUM(reboot_pending), 0), COALESCE(SUM(not_required), 0), COALESCE(SUM(unknown), 0)
		FROM scan_clients WHERE site = ? AND scanned_at > ? AND resource_id IN (`+set+`)`), repArgs...).Scan(&f.Reported, &withHinv, &oldest, &newest,
		&states[0], &states[1], &states[2], &states[3], &states[4])
	if err != nil {
		return f, err
	}
	f.OldestScan, f.NewestScan = oldest.String, newest.String
	f.Stale = f.Clients - withHinv
	if f.Stale < 0 {
		// Declared members can share a name with several reporting
		// clients; never report a negative count.
		f.Stale = 0
	}
	if len(q.Updates) == 0 {
		// Over every update: the clients' counts kept by the import.
		for i, st := range StateNames { // the columns' order
			if states[i] > 0 {
				f.States[st] = states[i]
			}
		}
		return f, nil
	}
	filter, fArgs := s.updateFilter(q.Updates)
	// The ids of the updates the filter names (by id or by KB article),
	// from the pairs the import keeps (migration 0007): the rows are then
	// read by key, only those of these updates for each reported client.
	ids, err := s.updateIDs(ctx, c, q.Site, filter, fArgs)
	if err != nil || len(ids) == 0 {
		return f, err
	}
	args := append([]any{q.Site}, repArgs...)
	args = append(args, ids)
	args = append(args, fArgs...)
	rows, err := c.QueryContext(ctx, s.bind(`SELECT r.state, COUNT(*) FROM scan_results r WHERE r.site = ? AND r.resource_id IN (`+reported+`)
		AND r.update_id IN (`+s.jsonStrings()+`)`+filter+` GROUP BY r.state`), args...)
	if err != nil {
		return f, err
	}
	defer rows.Close()
	for rows.Next() {
		var st string
		var n int64
		if err := rows.Scan(&st, &n); err != nil {
			return f, err
		}
		f.States[st] = n
	}
	return f, rows.Err()
}

// builtinCollections are ConfigMgr's collections that no site definition
// declares, by name (domain.md §7).
var builtinCollections = map[string]string{"All Systems": "SMS00001"}

// Collection looks a collection up by site and name: one of the site
// database, else a built-in one (every site has them). members are the
// declared names, else the imported ones (none before an import).
func (s *Store) Collection(ctx context.Context, site, name string) (id string, comment sql.NullString, members []string, found bool, err error) {
	var declared sql.NullString
	err = s.DB.QueryRowContext(ctx, s.bind(`SELECT id, comment, members FROM collections WHERE site = ? AND name = ? ORDER BY id LIMIT 1`), site, name).Scan(&id, &comment, &declared)
	switch {
	case err == sql.ErrNoRows:
		b, ok := builtinCollections[name]
		if !ok {
			return "", comment, nil, false, nil
		}
		id = b
	case err != nil:
		return "", comment, nil, false, err
	}
	members = []string{}
	if declared.Valid && declared.String != "" && declared.String != "null" {
		if err := json.Unmarshal([]byte(declared.String), &members); err == nil {
			return id, comment, members, true, nil
		}
	}
	rows, err := s.DB.QueryContext(ctx, s.bind(`SELECT name FROM collection_members WHERE collection_id = ? ORDER BY name`), id)
	if err != nil {
		return "", comment, nil, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return "", comment, nil, false, err
		}
		members = append(members, n)
	}
	if err := rows.Err(); err != nil {
		return "", comment, nil, false, err
	}
	return id, comment, members, true, nil
}
