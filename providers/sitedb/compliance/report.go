package compliance

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
)

// UpdateLine is the compliance of one update over the site's clients.
type UpdateLine struct {
	UpdateID, Bulletin, Article, Title string
	States                             map[string]int64
}

// ClientLine is one client's latest scan.
type ClientLine struct {
	ResourceID                 int64
	Name, Scanned, Inventoried string
	States                     map[string]int64
}

// GroupLine is the compliance of a collection or of a deployment.
type GroupLine struct {
	ID, Name string
	// Collection is the deployment's target collection ("" for a
	// collection line); Updates its updates.
	Collection string
	Updates    []string
	Figures
}

func (s *Store) diag(err error, what string) hcl.Diagnostics {
	return hcl.Diagnostics{s.Explain(err, what)}
}

// ByUpdate reports every update any client of the site reported.
func (s *Store) ByUpdate(ctx context.Context, site string) ([]UpdateLine, hcl.Diagnostics) {
	rows, err := s.DB.QueryContext(ctx, s.bind(`SELECT update_id, MAX(bulletin), MAX(article), MAX(title), state, COUNT(*)
		FROM scan_results WHERE site = ? GROUP BY update_id, state ORDER BY update_id`), site)
	if err != nil {
		return nil, s.diag(err, "read the compliance per update")
	}
	defer rows.Close()
	var out []UpdateLine
	for rows.Next() {
		var l UpdateLine
		var st string
		var n int64
		if err := rows.Scan(&l.UpdateID, &l.Bulletin, &l.Article, &l.Title, &st, &n); err != nil {
			return nil, s.diag(err, "read the compliance per update")
		}
		if len(out) == 0 || out[len(out)-1].UpdateID != l.UpdateID {
			l.States = map[string]int64{}
			out = append(out, l)
		}
		last := &out[len(out)-1]
		last.States[st] += n
		last.Bulletin, last.Article, last.Title = maxString(last.Bulletin, l.Bulletin), maxString(last.Article, l.Article), maxString(last.Title, l.Title)
	}
	if err := rows.Err(); err != nil {
		return nil, s.diag(err, "read the compliance per update")
	}
	// Order by KB article, then id: what admins look updates up by.
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Article != out[j].Article {
			return out[i].Article < out[j].Article
		}
		return out[i].UpdateID < out[j].UpdateID
	})
	return out, nil
}

func maxString(a, b string) string {
	if b > a {
		return b
	}
	return a
}

// ByClient reports every client of the site with its latest scan.
func (s *Store) ByClient(ctx context.Context, site string) ([]ClientLine, hcl.Diagnostics) {
	rows, err := s.DB.QueryContext(ctx, s.bind(`SELECT c.resource_id, c.name, c.scanned_at, c.inventoried_at, r.state, COUNT(r.state)
		FROM scan_clients c LEFT JOIN scan_results r ON r.site = c.site AND r.resource_id = c.resource_id
		WHERE c.site = ? GROUP BY c.resource_id, c.name, c.scanned_at, c.inventoried_at, r.state ORDER BY c.name, c.resource_id`), site)
	if err != nil {
		return nil, s.diag(err, "read the compliance per client")
	}
	defer rows.Close()
	var out []ClientLine
	for rows.Next() {
		var l ClientLine
		var inv, st sql.NullString
		var n int64
		if err := rows.Scan(&l.ResourceID, &l.Name, &l.Scanned, &inv, &st, &n); err != nil {
			return nil, s.diag(err, "read the compliance per client")
		}
		if len(out) == 0 || out[len(out)-1].ResourceID != l.ResourceID {
			l.Inventoried = inv.String
			l.States = map[string]int64{}
			out = append(out, l)
		}
		if st.Valid {
			out[len(out)-1].States[st.String] += n
		}
	}
	if err := rows.Err(); err != nil {
		return nil, s.diag(err, "read the compliance per client")
	}
	return out, nil
}

// ByCollection reports every collection of the site, and every collection
// a membership export named (built-in ones such as SMS00001 included).
func (s *Store) ByCollection(ctx context.Context, site string) ([]GroupLine, hcl.Diagnostics) {
	rows, err := s.DB.QueryContext(ctx, s.bind(`SELECT id, name FROM collections WHERE site = ?
		UNION SELECT DISTINCT m.collection_id, '' FROM collection_members m
			WHERE (substr(m.collection_id, 1, 3) = ? OR substr(m.collection_id, 1, 3) = 'SMS') AND NOT EXISTS (SELECT 1 FROM collections c WHERE c.id = m.collection_id)
		ORDER BY 1`), site, site)
	if err != nil {
		return nil, s.diag(err, "list the collections")
	}
	var out []GroupLine
	for rows.Next() {
		var l GroupLine
		if err := rows.Scan(&l.ID, &l.Name); err != nil {
			rows.Close()
			return nil, s.diag(err, "list the collections")
		}
		if l.Name == "" && l.ID == "SMS00001" {
			l.Name = "All Systems"
		}
		out = append(out, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.diag(err, "list the collections")
	}
	for i := range out {
		f, err := s.figures(ctx, s.DB, Query{Site: site, CollectionID: out[i].ID})
		if err != nil {
			return nil, s.diag(err, "read the compliance of collection "+out[i].ID)
		}
		out[i].Figures = f
	}
	return out, nil
}

// ByDeployment reports every deployment of the site: its collection's
// members over its updates.
func (s *Store) ByDeployment(ctx context.Context, site string) ([]GroupLine, hcl.Diagnostics) {
	rows, err := s.DB.QueryContext(ctx, s.bind(`SELECT id, name, collection, updates FROM deployments WHERE site = ? ORDER BY id`), site)
	if err != nil {
		return nil, s.diag(err, "list the deployments")
	}
	var out []GroupLine
	for rows.Next() {
		var l GroupLine
		var updates string
		if err := rows.Scan(&l.ID, &l.Name, &l.Collection, &updates); err != nil {
			rows.Close()
			return nil, s.diag(err, "list the deployments")
		}
		if err := json.Unmarshal([]byte(updates), &l.Updates); err != nil {
			rows.Close()
			return nil, s.diag(fmt.Errorf("deployment %s: updates %q are not a JSON list", l.ID, updates), "list the deployments")
		}
		out = append(out, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.diag(err, "list the deployments")
	}
	for i := range out {
		f, err := s.figures(ctx, s.DB, Query{Site: site, CollectionID: out[i].Collection, Updates: out[i].Updates})
		if err != nil {
			return nil, s.diag(err, "read the compliance of deployment "+out[i].ID)
		}
		out[i].Figures = f
	}
	return out, nil
}

// StaleClient is a client that has not reported recently enough.
type StaleClient struct {
	ResourceID                 int64
	Name, Scanned, Inventoried string
	Reason                     string
}

// StaleClients lists the site's clients with no hardware inventory, or
// whose latest scan is not after cutoff (RFC 3339 in the stored form: the
// later of now minus the allowed age and the catalog's sync time).
func (s *Store) StaleClients(ctx context.Context, site, cutoff, why string) ([]StaleClient, hcl.Diagnostics) {
	rows, err := s.DB.QueryContext(ctx, s.bind(`SELECT resource_id, name, scanned_at, inventoried_at FROM scan_clients
		WHERE site = ? AND (inventoried_at IS NULL OR scanned_at <= ?) ORDER BY scanned_at, name`), site, cutoff)
	if err != nil {
		return nil, s.diag(err, "list the stale clients")
	}
	defer rows.Close()
	var out []StaleClient
	for rows.Next() {
		var c StaleClient
		var inv sql.NullString
		if err := rows.Scan(&c.ResourceID, &c.Name, &c.Scanned, &inv); err != nil {
			return nil, s.diag(err, "list the stale clients")
		}
		c.Inventoried = inv.String
		switch {
		case c.Scanned <= cutoff && !inv.Valid:
			c.Reason = "no hardware inventory; " + why
		case !inv.Valid:
			c.Reason = "no hardware inventory"
		default:
			c.Reason = why
		}
		out = append(out, c)
	}
	return out, s.rowsErr(rows, "list the stale clients")
}

func (s *Store) rowsErr(rows *sql.Rows, what string) hcl.Diagnostics {
	if err := rows.Err(); err != nil {
		return s.diag(err, what)
	}
	return nil
}
