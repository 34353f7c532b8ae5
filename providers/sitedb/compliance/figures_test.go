package compliance_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/updplan/updplan/providers/sitedb/compliance"
)

// seed imports firstScan (PC01: 1 installed, 1 required; PC02: 1 required,
// no hardware inventory), declares collection LAB00001 with PC01, pc02
// and PC09, imports SMS00001 with both clients, and a deployment of KB958644.
func seed(t *testing.T, s *compliance.Store) {
	t.Helper()
	mustImport(t, s, "scan.csv", firstScan)
	mustImport(t, s, "members.csv", "CollectionID,ResourceID,Name\nSMS00001,16777220,PC01\nSMS00001,16777221,PC02\n")
	for _, q := range []string{
		`INSERT INTO collections (id, site, name, members) VALUES ('LAB00001', 'LAB', 'Pilot "one"', '["PC01","pc02","PC09"]')`,
		`INSERT INTO deployments (id, site, name, updates, collection, start_time) VALUES ('LAB00002', 'LAB', 'Wave', '["KB958644"]', 'LAB00001', '2026-12-12T02:00:00Z')`,
	} {
		if _, err := s.DB.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}

func TestFigures(t *testing.T) {
	ctx := context.Background()
	eachDriver(t, func(t *testing.T, s *compliance.Store) {
		seed(t, s)
		tests := map[string]struct {
			q    compliance.Query
			want compliance.Figures
		}{
			"declared members": {compliance.Query{Site: "LAB", CollectionID: "LAB00001"},
				compliance.Figures{Clients: 3, Reported: 2, Stale: 2, States: map[string]int64{"installed": 1, "required": 2},
					OldestScan: "2026-11-29T07:00:00Z", NewestScan: "2026-11-30T08:00:00Z"}},
			"imported members": {compliance.Query{Site: "LAB", CollectionID: "SMS00001"},
				compliance.Figures{Clients: 2, Reported: 2, Stale: 1, States: map[string]int64{"installed": 1, "required": 2},
					OldestScan: "2026-11-29T07:00:00Z", NewestScan: "2026-11-30T08:00:00Z"}},
			"updates by KB and by id": {compliance.Query{Site: "LAB", CollectionID: "SMS00001", Updates: []string{"KB958687", "aaaa-1"}},
				compliance.Figures{Clients: 2, Reported: 2, Stale: 1, States: map[string]int64{"installed": 1, "required": 2},
					OldestScan: "2026-11-29T07:00:00Z", NewestScan: "2026-11-30T08:00:00Z"}},
			"one update": {compliance.Query{Site: "LAB", CollectionID: "SMS00001", Updates: []string{"958687"}},
				compliance.Figures{Clients: 2, Reported: 2, Stale: 1, States: map[string]int64{"required": 1},
					OldestScan: "2026-11-29T07:00:00Z", NewestScan: "2026-11-30T08:00:00Z"}},
			"scanned after the catalog": {compliance.Query{Site: "LAB", CollectionID: "SMS00001", ScannedAfter: "2026-11-30T00:00:00Z"},
				compliance.Figures{Clients: 2, Reported: 1, Stale: 1, States: map[string]int64{"installed": 1, "required": 1},
					OldestScan: "2026-11-30T08:00:00Z", NewestScan: "2026-11-30T08:00:00Z"}},
			"unknown collection": {compliance.Query{Site: "LAB", CollectionID: "LAB000FF"},
				compliance.Figures{States: map[string]int64{}}},
		}
		for name, tc := range tests {
			t.Run(name, func(t *testing.T) {
				got, d := s.Figures(ctx, tc.q)
				if d.HasErrors() {
					t.Fatal(d.Error())
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			})
		}
	})
}

func TestReports(t *testing.T) {
	ctx := context.Background()
	eachDriver(t, func(t *testing.T, s *compliance.Store) {
		seed(t, s)
		cols, d := s.ByCollection(ctx, "LAB")
		if d.HasErrors() || len(cols) != 2 || cols[0].ID != "LAB00001" || cols[0].Name != `Pilot "one"` || cols[1].Name != "All Systems" || cols[1].Reported != 2 {
			t.Errorf("by collection: %+v %s", cols, d.Error())
		}
		deps, d := s.ByDeployment(ctx, "LAB")
		if d.HasErrors() || len(deps) != 1 || deps[0].Collection != "LAB00001" || cmp.Diff(map[string]int64{"installed": 1, "required": 1}, deps[0].States) != "" {
			t.Errorf("by deployment: %+v %s", deps, d.Error())
		}
		ups, d := s.ByUpdate(ctx, "LAB")
		if d.HasErrors() || len(ups) != 2 || ups[0].Article != "958644" || cmp.Diff(map[string]int64{"installed": 1, "required": 1}, ups[0].States) != "" {
			t.Errorf("by update: %+v %s", ups, d.Error())
		}
		clients, d := s.ByClient(ctx, "LAB")
		if d.HasErrors() || len(clients) != 2 || clients[1].Name != "PC02" || clients[1].Inventoried != "" {
			t.Errorf("by client: %+v %s", clients, d.Error())
		}
		stale, d := s.StaleClients(ctx, "LAB", "2026-11-30T00:00:00Z", "older than the catalog")
		want := []compliance.StaleClient{{ResourceID: 16777221, Name: "PC02", Scanned: "2026-11-29T07:00:00Z", Reason: "no hardware inventory; older than the catalog"}}
		if diff := cmp.Diff(want, stale); d.HasErrors() || diff != "" {
			t.Errorf("stale clients (-want +got):\n%s%s", diff, d.Error())
		}
	})
}
