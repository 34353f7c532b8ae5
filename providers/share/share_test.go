package share

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/providers"
	"github.com/updplan/updplan/providers/providertest"
	"github.com/zclconf/go-cty/cty"
)

func TestConformance(t *testing.T) {
	p, root := open(t)
	update := shareCfg(map[string]cty.Value{
		"description": sv("ITMU catalog and tools"), "concurrent_user_limit": cty.NumberIntVal(10), "caching": sv("none"),
		"folder_enumeration": sv("access_based"), "access": acl("Administrators", "full", "SMS Admins", "full", "Domain Users", "read"),
	})
	providertest.Run(t, p,
		providertest.Case{
			Name:    "share_entry_removed",
			Type:    "share",
			Create:  shareCfg(nil),
			Update:  update,
			Replace: shareCfg(map[string]cty.Value{"path": sv(`E:\ITMU\PkgSource`)}),
			Vanish: func(_ context.Context, state cty.Value) error {
				handEdit(t, root, func(tbl *table) {
					st := tbl.server(state.GetAttr("server").AsString())
					st.Shares = nil
				})
				return nil
			},
		},
		providertest.Case{
			Name:   "share_folder_removed",
			Type:   "share",
			Create: shareCfg(map[string]cty.Value{"name": sv("Updates"), "path": sv("/srv/updates"), "on_name_taken": sv("next_free"), "access": acl()}),
			Update: shareCfg(map[string]cty.Value{"name": sv("Updates"), "path": sv("/srv/updates"), "on_name_taken": sv("next_free"), "access": acl("Administrators", "read")}),
			Vanish: func(_ context.Context, state cty.Value) error {
				return os.RemoveAll(filepath.Join(filepath.Dir(root), state.GetAttr("local_path").AsString()))
			},
		},
	)
}

func TestPlanComputesNamesAndPaths(t *testing.T) {
	p, _ := open(t)
	planned, d := plan(t, p, object{addr: at("pkgsrc")}, shareCfg(map[string]cty.Value{"server": sv("srv01"), "path": sv(`d:/ITMU/PkgSource`)}))
	if d.HasErrors() {
		t.Fatal(d.Error())
	}
	got := map[string]string{}
	for _, name := range []string{"actual_name", "unc", "local_path"} {
		got[name] = planned.GetAttr(name).AsString()
	}
	want := map[string]string{"actual_name": "PackageSrc", "unc": `\\srv01\PackageSrc`, "local_path": filepath.Join(".site", "SRV01", "D", "ITMU", "PkgSource")}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("computed attributes (-want +got):\n%s", diff)
	}
}

func TestNextFree(t *testing.T) {
	hand := func(name string) Share { return Share{Name: name, Path: `D:\Other\` + name, ID: "h-" + name} }
	owned := func(name, owner string) Share {
		s := hand(name)
		s.Owner = owner
		return s
	}
	tests := map[string]struct {
		existing []Share
		mode     string
		prior    string // the actual name in the prior state of share.pkgsrc; "" for a create
		want     string
		wantErr  string
	}{
		"free name":                         {mode: "next_free", want: "PackageSrc"},
		"taken by hand":                     {existing: []Share{hand("PackageSrc")}, mode: "next_free", want: "PackageSrc_1"},
		"taken with _1 too":                 {existing: []Share{hand("PackageSrc"), hand("PackageSrc_1")}, mode: "next_free", want: "PackageSrc_2"},
		"lowest free number":                {existing: []Share{hand("PackageSrc"), hand("PackageSrc_2")}, mode: "next_free", want: "PackageSrc_1"},
		"taken ignoring case":               {existing: []Share{hand("PACKAGESRC"), hand("packagesrc_1")}, mode: "next_free", want: "PackageSrc_2"},
		"taken by another resource":         {existing: []Share{owned("PackageSrc", "share.other")}, mode: "next_free", want: "PackageSrc_1"},
		"own share keeps its name":          {existing: []Share{hand("PackageSrc_2")}, mode: "next_free", prior: "PackageSrc_2", want: "PackageSrc_2"},
		"own share keeps its suffix":        {existing: []Share{owned("PackageSrc_1", "share.pkgsrc")}, mode: "next_free", prior: "PackageSrc_1", want: "PackageSrc_1"},
		"own share in table, state lost":    {existing: []Share{hand("PackageSrc"), owned("PackageSrc_1", "share.pkgsrc")}, mode: "next_free", want: "PackageSrc_1"},
		"own share keeps its spelling":      {existing: []Share{owned("packagesrc", "share.pkgsrc")}, mode: "fail", prior: "packagesrc", want: "packagesrc"},
		"fail when free":                    {mode: "fail", want: "PackageSrc"},
		"fail names the hand-made holder":   {existing: []Share{hand("PackageSrc")}, mode: "fail", wantErr: `held by a share updplan does not manage (path D:\Other\PackageSrc)`},
		"fail names the managing resource":  {existing: []Share{owned("packagesrc", "share.other")}, mode: "fail", wantErr: "held by share.other"},
		"fail ignores a suffix from before": {existing: []Share{owned("PackageSrc_1", "share.pkgsrc"), hand("PackageSrc")}, mode: "fail", prior: "PackageSrc_1", wantErr: "held by a share updplan does not manage"},
		"fail adopts its own share":         {existing: []Share{owned("PackageSrc", "share.pkgsrc")}, mode: "fail", want: "PackageSrc"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			p, root := open(t)
			if len(tt.existing) > 0 {
				seedTable(t, root, "SRV01", tt.existing...)
			}
			cfg := shareCfg(map[string]cty.Value{"on_name_taken": sv(tt.mode)})
			o := object{addr: at("pkgsrc")}
			if tt.prior != "" {
				o.state = stateNamed(t, cfg, tt.prior)
			}
			planned, d := plan(t, p, o, cfg)
			if tt.wantErr != "" {
				if !d.HasErrors() || !strings.Contains(d.Error(), tt.wantErr) {
					t.Fatalf("want an error with %q, got %v", tt.wantErr, d)
				}
				if summaries(d) != "Share name taken" {
					t.Errorf("summary %q, want Share name taken", summaries(d))
				}
				return
			}
			if d.HasErrors() {
				t.Fatal(d.Error())
			}
			if got := planned.GetAttr("actual_name").AsString(); got != tt.want {
				t.Errorf("actual_name %q, want %q", got, tt.want)
			}
			if got, want := planned.GetAttr("unc").AsString(), `\\SRV01\`+tt.want; got != want {
				t.Errorf("unc %q, want %q", got, want)
			}
		})
	}
}

// seedTable writes a share table holding shares on server.
func seedTable(t testing.TB, root, server string, shares ...Share) {
	t.Helper()
	for i := range shares {
		normalise(&shares[i])
	}
	d := &localDriver{dir: root, file: filepath.Join(root, "shares.json")}
	if err := d.write((&table{FormatVersion: tableFormat}).with(server, shares)); err != nil {
		t.Fatal(err)
	}
}

// stateNamed is the state of cfg applied under the actual name actual.
func stateNamed(t testing.TB, cfg cty.Value, actual string) cty.Value {
	t.Helper()
	vals := cfg.AsValueMap()
	vals["actual_name"] = sv(actual)
	vals["unc"] = sv(`\\SRV01\` + actual)
	vals["local_path"] = sv(filepath.Join(".site", "SRV01", "D", "ITMU", "PkgSource"))
	return cty.ObjectVal(vals)
}

func TestNextFreeAcrossPlansAndApplies(t *testing.T) {
	p, root := open(t)
	cfg := shareCfg(map[string]cty.Value{"on_name_taken": sv("next_free")})
	first := create(t, p, "first", cfg)
	second := create(t, p, "second", shareCfg(map[string]cty.Value{"on_name_taken": sv("next_free"), "path": sv(`D:\Second`)}))
	third := create(t, p, "third", shareCfg(map[string]cty.Value{"on_name_taken": sv("next_free"), "path": sv(`D:\Third`)}))
	got := []string{first.attr("actual_name"), second.attr("actual_name"), third.attr("actual_name")}
	if diff := cmp.Diff([]string{"PackageSrc", "PackageSrc_1", "PackageSrc_2"}, got); diff != "" {
		t.Fatalf("actual names (-want +got):\n%s", diff)
	}
	// The first share goes; the others keep their names, and re-plans are
	// no-ops.
	apply(t, p, first, cty.NullVal(shareType))
	for _, o := range []object{second, third} {
		o.state = read(t, p, o)
		planned, d := plan(t, p, o, shareCfg(map[string]cty.Value{"on_name_taken": sv("next_free"), "path": o.state.GetAttr("path")}))
		if d.HasErrors() {
			t.Fatal(d.Error())
		}
		if !planned.RawEquals(o.state) {
			t.Errorf("re-plan of %s is not a no-op: %#v", o.addr, planned)
		}
	}
	if got := names(t, root, "SRV01"); got != "PackageSrc_1,PackageSrc_2" {
		t.Errorf("share table holds %s", got)
	}
}

func TestSiblingsPlannedInOneRunGetDifferentNames(t *testing.T) {
	p, root := open(t)
	cfgA := shareCfg(map[string]cty.Value{"on_name_taken": sv("next_free"), "path": sv(`D:\A`)})
	cfgB := shareCfg(map[string]cty.Value{"on_name_taken": sv("next_free"), "path": sv(`D:\B`)})
	a, b := object{addr: at("a")}, object{addr: at("b")}
	plannedA, _ := plan(t, p, a, cfgA)
	plannedB, _ := plan(t, p, b, cfgB)
	if got := []string{plannedA.GetAttr("actual_name").AsString(), plannedB.GetAttr("actual_name").AsString()}; got[0] == got[1] {
		t.Fatalf("both siblings planned %q", got[0])
	}
	// Planning a again does not move it.
	again, _ := plan(t, p, a, cfgA)
	if !again.RawEquals(plannedA) {
		t.Errorf("second plan of a differs: %#v", again)
	}
	for _, x := range []struct {
		o       object
		planned cty.Value
		cfg     cty.Value
	}{{b, plannedB, cfgB}, {a, plannedA, cfgA}} {
		if resp := applyPlanned(p, x.o, x.planned, x.cfg); resp.Diagnostics.HasErrors() {
			t.Fatalf("apply %s: %s", x.o.addr, resp.Diagnostics.Error())
		}
	}
	if got := names(t, root, "SRV01"); got != "PackageSrc,PackageSrc_1" {
		t.Errorf("share table holds %s", got)
	}
}

func TestRenameAndCaseInsensitiveNames(t *testing.T) {
	p, root := open(t)
	o := create(t, p, "pkgsrc", shareCfg(nil))
	// Another share cannot take the name in another spelling.
	if _, d := plan(t, p, object{addr: at("other")}, shareCfg(map[string]cty.Value{"name": sv("PACKAGESRC"), "path": sv(`D:\Other`)})); summaries(d) != "Share name taken" {
		t.Errorf("plan of PACKAGESRC by another share: %v", d)
	}
	// The same name in another spelling is no change of share.
	planned, d := plan(t, p, o, shareCfg(map[string]cty.Value{"name": sv("packagesrc")}))
	if d.HasErrors() {
		t.Fatal(d.Error())
	}
	if got := planned.GetAttr("actual_name").AsString(); got != "PackageSrc" {
		t.Errorf("actual_name %q after a change of case, want PackageSrc", got)
	}
	// A new name renames the share in place, keeping its folder.
	renamed := apply(t, p, o, shareCfg(map[string]cty.Value{"name": sv("ITMU")}))
	if got := names(t, root, "SRV01"); got != "ITMU" {
		t.Errorf("after the rename the table holds %s", got)
	}
	if renamed.attr("unc") != `\\SRV01\ITMU` {
		t.Errorf("unc %q", renamed.attr("unc"))
	}
}

func TestAdoptOnCreate(t *testing.T) {
	p, root := open(t)
	cfg := shareCfg(map[string]cty.Value{"on_name_taken": sv("next_free")})
	first := create(t, p, "pkgsrc", cfg)
	before := entry(readTable(t, root), "SRV01", "PackageSrc")
	// State never recorded the create: the next run plans a create again and
	// adopts the share instead of taking PackageSrc_1.
	again := create(t, p, "pkgsrc", shareCfg(map[string]cty.Value{"on_name_taken": sv("next_free"), "description": sv("adopted")}))
	if again.attr("actual_name") != "PackageSrc" {
		t.Fatalf("the create took %q, want the adopted PackageSrc", again.attr("actual_name"))
	}
	tbl := readTable(t, root)
	if got := names(t, root, "SRV01"); got != "PackageSrc" {
		t.Errorf("share table holds %s", got)
	}
	after := entry(tbl, "SRV01", "PackageSrc")
	if after.Description != "adopted" || after.ID == before.ID || !after.Created.Equal(before.Created) {
		t.Errorf("adopted entry: %+v (before: %+v)", after, before)
	}
	// The old state's delete (create_before_destroy) leaves the adopted entry.
	apply(t, p, first, cty.NullVal(shareType))
	if got := names(t, root, "SRV01"); got != "PackageSrc" {
		t.Errorf("after deleting the superseded object the table holds %q", got)
	}
}

func TestCreateRacedByAnotherShare(t *testing.T) {
	p, root := open(t)
	planned, d := plan(t, p, object{addr: at("late")}, shareCfg(nil))
	if d.HasErrors() {
		t.Fatal(d.Error())
	}
	seedTable(t, root, "SRV01", Share{Name: "PackageSrc", Path: `D:\Elsewhere`, Owner: "share.early", ID: "x"})
	resp := applyPlanned(p, object{addr: at("late")}, planned, shareCfg(nil))
	if summaries(resp.Diagnostics) != "Share name taken" || !resp.NewState.IsNull() {
		t.Fatalf("apply after the name was taken: %v, state %#v", resp.Diagnostics, resp.NewState)
	}
	if e := entry(readTable(t, root), "SRV01", "PackageSrc"); e.Owner != "share.early" {
		t.Errorf("the other share was changed: %+v", e)
	}
}

func TestDeleteKeepsFolderContent(t *testing.T) {
	p, root := open(t)
	o := create(t, p, "pkgsrc", shareCfg(nil))
	catalog := filepath.Join(root, "SRV01", "D", "ITMU", "PkgSource", "wsusscn2.cab")
	if err := os.WriteFile(catalog, []byte("catalog"), 0o644); err != nil {
		t.Fatal(err)
	}
	apply(t, p, o, cty.NullVal(shareType))
	if got := names(t, root, "SRV01"); got != "" {
		t.Errorf("share table still holds %s", got)
	}
	if b, err := os.ReadFile(catalog); err != nil || string(b) != "catalog" {
		t.Errorf("the folder's content is gone: %v", err)
	}
}

func TestDriftOnHandEdits(t *testing.T) {
	tests := map[string]struct {
		edit   func(*Share)
		drift  map[string]cty.Value // the attributes that drift
		isGone bool
	}{
		"description changed":      {edit: func(s *Share) { s.Description = "edited" }, drift: map[string]cty.Value{"description": sv("edited")}},
		"access entry removed":     {edit: func(s *Share) { s.Access = s.Access[:1] }, drift: map[string]cty.Value{"access": acl("Administrators", "full")}},
		"rights changed":           {edit: func(s *Share) { s.Access[0].Rights = "read" }, drift: map[string]cty.Value{"access": acl("Administrators", "read", "SMS Admins", "full")}},
		"path changed":             {edit: func(s *Share) { s.Path = `D:\Moved` }, drift: map[string]cty.Value{"path": sv(`D:\Moved`), "local_path": sv(filepath.Join(".site", "SRV01", "D", "Moved"))}},
		"path to a missing folder": {edit: func(s *Share) { s.Path = `D:\Missing` }, isGone: true},
		"limit changed":            {edit: func(s *Share) { s.ConcurrentUserLimit = 5 }, drift: map[string]cty.Value{"concurrent_user_limit": cty.NumberIntVal(5)}},
		"renamed":                  {edit: func(s *Share) { s.Name = "PkgSrc" }, isGone: true},
		"ACL reordered":            {edit: func(s *Share) { s.Access[0], s.Access[1] = s.Access[1], s.Access[0] }},
		"principals recased":       {edit: func(s *Share) { s.Access[0].Principal = "ADMINISTRATORS"; s.Access[1].Principal = "sms admins" }},
		"rights recased":           {edit: func(s *Share) { s.Access[0].Rights = "FULL" }},
		"name recased":             {edit: func(s *Share) { s.Name = "PACKAGESRC" }, drift: map[string]cty.Value{"actual_name": sv("PACKAGESRC"), "unc": sv(`\\SRV01\PACKAGESRC`)}},
		"defaults left out":        {edit: func(s *Share) { s.FolderEnumeration, s.Caching = "", "" }},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			p, root := open(t)
			o := create(t, p, "pkgsrc", shareCfg(nil))
			if err := os.MkdirAll(filepath.Join(root, "SRV01", "D", "Moved"), 0o755); err != nil {
				t.Fatal(err)
			}
			handEdit(t, root, func(tbl *table) { tt.edit(&tbl.server("SRV01").Shares[0]) })
			got := read(t, p, o)
			if tt.isGone {
				if !got.IsNull() {
					t.Fatalf("read %#v, want gone", got)
				}
				return
			}
			for _, a := range schemaType().Block.Attributes {
				want, drifts := tt.drift[a.Name]
				if !drifts {
					want = o.state.GetAttr(a.Name)
				}
				if !got.GetAttr(a.Name).RawEquals(want) {
					t.Errorf("attribute %s: read %#v, want %#v", a.Name, got.GetAttr(a.Name), want)
				}
			}
			want, drifts := tt.drift["access"]
			if !drifts {
				want = o.state.GetAttr("access")
			}
			if !got.GetAttr("access").Equals(want).True() {
				t.Errorf("access: read %#v, want %#v", got.GetAttr("access"), want)
			}
		})
	}
}

func TestPrincipalsKeepConfiguredSpelling(t *testing.T) {
	p, root := open(t)
	o := create(t, p, "pkgsrc", shareCfg(map[string]cty.Value{"access": acl(`CORP\SMS Admins`, "full", "Administrators", "full")}))
	handEdit(t, root, func(tbl *table) {
		s := &tbl.server("SRV01").Shares[0]
		s.Access = []ACE{{Principal: "administrators", Rights: "full"}, {Principal: `corp\sms admins`, Rights: "full"}}
	})
	got := read(t, p, o)
	planned, d := plan(t, p, object{addr: o.addr, state: got, private: o.private}, shareCfg(map[string]cty.Value{"access": acl("Administrators", "full", `CORP\SMS Admins`, "full")}))
	if d.HasErrors() {
		t.Fatal(d.Error())
	}
	if !planned.RawEquals(got) || !got.RawEquals(o.state) {
		t.Errorf("case of principals shows as a change:\nstate %#v\nread  %#v\nplan  %#v", o.state, got, planned)
	}
}

func TestImport(t *testing.T) {
	p, root := open(t)
	o := create(t, p, "pkgsrc", shareCfg(map[string]cty.Value{"description": sv("PkgSource")}))
	create(t, p, "dp", shareCfg(map[string]cty.Value{"server": sv("DP01"), "name": sv("Updates"), "path": sv(`E:\Updates`)}))
	create(t, p, "dp_pkgsrc", shareCfg(map[string]cty.Value{"server": sv("DP01"), "path": sv(`E:\PkgSource`)}))
	want := read(t, p, o)
	for _, id := range []string{`SRV01\PackageSrc`, `\\SRV01\PackageSrc`, `srv01\packagesrc`} {
		resp := p.Import(context.Background(), providers.ImportRequest{TypeName: "share", Addr: at("imported"), ID: id})
		if resp.Diagnostics.HasErrors() {
			t.Fatalf("import %s: %s", id, resp.Diagnostics.Error())
		}
		for _, name := range []string{"server", "path", "description", "access", "actual_name", "unc", "local_path"} {
			if !resp.State.GetAttr(name).Equals(want.GetAttr(name)).True() {
				t.Errorf("import %s: %s is %#v, want %#v", id, name, resp.State.GetAttr(name), want.GetAttr(name))
			}
		}
	}
	resp := p.Import(context.Background(), providers.ImportRequest{TypeName: "share", Addr: at("imported"), ID: "Updates"})
	if resp.Diagnostics.HasErrors() || resp.State.GetAttr("server").AsString() != "DP01" {
		t.Errorf("import by bare name: %v %#v", resp.Diagnostics, resp.State)
	}
	for id, summary := range map[string]string{"PackageSrc": "Ambiguous share id", `SRV01\Nothing`: "Share not found", "Nothing": "Share not found"} {
		resp := p.Import(context.Background(), providers.ImportRequest{TypeName: "share", Addr: at("imported"), ID: id})
		if summaries(resp.Diagnostics) != summary || !resp.State.IsNull() {
			t.Errorf("import %s: %v, want %s", id, resp.Diagnostics, summary)
		}
	}
	// An imported share with no owner is managed from then on: an update
	// records its address, a replacement can take its name.
	handEdit(t, root, func(tbl *table) { tbl.server("SRV01").Shares[0].Owner = "" })
	resp = p.Import(context.Background(), providers.ImportRequest{TypeName: "share", Addr: at("imported"), ID: `SRV01\PackageSrc`})
	imported := object{addr: at("imported"), state: resp.State, private: resp.Private}
	if _, d := plan(t, p, imported, shareCfg(map[string]cty.Value{"path": sv(`D:\New`)})); d.HasErrors() {
		t.Fatalf("plan of the imported share: %s", d.Error())
	}
	if _, d := plan(t, p, object{addr: at("imported")}, shareCfg(map[string]cty.Value{"path": sv(`D:\New`)})); d.HasErrors() {
		t.Errorf("the replacement's create: %s", d.Error())
	}
	apply(t, p, imported, shareCfg(map[string]cty.Value{"description": sv("PkgSource")}))
	if e := entry(readTable(t, root), "SRV01", "PackageSrc"); e.Owner != "share.imported" {
		t.Errorf("owner after the update %q", e.Owner)
	}
}

func TestConfigure(t *testing.T) {
	tests := map[string]struct {
		set     map[string]cty.Value
		summary string
		warning string
	}{
		"samba":          {set: map[string]cty.Value{"driver": sv("samba")}, summary: "Unknown share driver"},
		"unknown":        {set: map[string]cty.Value{"driver": sv("nfs")}, summary: "Unknown share driver"},
		"empty root":     {set: map[string]cty.Value{"root": sv("")}, summary: "Empty share root"},
		"smb fields":     {set: map[string]cty.Value{"username": sv("admin"), "password": sv("s3cret-value").Mark("sensitive")}, warning: "smb driver settings ignored"},
		"smb no servers": {set: map[string]cty.Value{"driver": sv("smb"), "password": sv("s3cret-value").Mark("sensitive")}, summary: "No servers for the smb driver"},
		"smb duplicate server": {set: map[string]cty.Value{"driver": sv("smb"), "server": servers(
			serverBlock("SRV01", "127.0.0.1:1", "u", "s3cret-value"), serverBlock("srv01", "127.0.0.1:2", "u", "s3cret-value"))}, summary: "Duplicate server block"},
		"smb bad label": {set: map[string]cty.Value{"driver": sv("smb"), "server": servers(
			serverBlock("SRV/01", "127.0.0.1:1", "u", "s3cret-value"))}, summary: "Invalid server name"},
		"smb bad drive": {set: map[string]cty.Value{"driver": sv("smb"), "server": servers(
			withDrives(serverBlock("SRV01", "127.0.0.1:1", "u", "s3cret-value"), map[string]cty.Value{"DD": sv("x")}))}, summary: "Invalid drive share"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			d := New().Configure(context.Background(), providers.ConfigureRequest{Config: providerConfig(tt.set), WorkingDir: t.TempDir()})
			if summaries(d) != tt.summary {
				t.Errorf("errors %q, want %q", summaries(d), tt.summary)
			}
			if tt.warning != "" && (len(d) == 0 || d[0].Summary != tt.warning) {
				t.Errorf("want warning %q, got %v", tt.warning, d)
			}
			if strings.Contains(d.Error(), "s3cret") {
				t.Errorf("a diagnostic shows the password: %s", d.Error())
			}
		})
	}
	t.Run("root relative to the configuration", func(t *testing.T) {
		wd := t.TempDir()
		d := New().Configure(context.Background(), providers.ConfigureRequest{Config: providerConfig(map[string]cty.Value{"root": sv("site/disk")}), WorkingDir: wd})
		if d.HasErrors() {
			t.Fatal(d.Error())
		}
		if fi, err := os.Stat(filepath.Join(wd, "site", "disk")); err != nil || !fi.IsDir() {
			t.Errorf("root not created: %v", err)
		}
	})
	t.Run("unconfigured", func(t *testing.T) {
		resp := New().Plan(context.Background(), providers.PlanRequest{TypeName: "share", Config: shareCfg(nil), Proposed: shareCfg(nil)})
		if summaries(resp.Diagnostics) != "Provider not configured" {
			t.Errorf("plan before configure: %v", resp.Diagnostics)
		}
	})
}

// ctxTimeout is for tests that must not hang on a lock.
func ctxTimeout(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func TestValidateResource(t *testing.T) {
	tests := map[string]struct {
		set  map[string]cty.Value
		want string // summaries
	}{
		"fine":          {},
		"posix path":    {set: map[string]cty.Value{"path": sv("/srv/updates")}},
		"relative path": {set: map[string]cty.Value{"path": sv(`PkgSource`)}, want: "Relative share path"},
		"dot dot":       {set: map[string]cty.Value{"path": sv(`D:\ITMU\..\..\Windows`)}, want: "Share path leaves its folder"},
		"bad server":    {set: map[string]cty.Value{"server": sv(`SRV01\x`)}, want: "Invalid server name"},
		"unknown path":  {set: map[string]cty.Value{"path": cty.UnknownVal(cty.String)}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			d := New().ValidateResource(context.Background(), "share", shareCfg(tt.set))
			if got := summaries(d); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			for _, x := range d {
				if path, ok := providers.PathOf(x); !ok || len(path) != 1 {
					t.Errorf("%s: no attribute path", x.Summary)
				}
			}
		})
	}
}

func TestDeleteOfShareWithoutID(t *testing.T) {
	// Hand-written entries have no id: delete goes by the path instead.
	p, root := open(t)
	if err := os.MkdirAll(filepath.Join(root, "SRV01", "D", "Hand"), 0o755); err != nil {
		t.Fatal(err)
	}
	seedTable(t, root, "SRV01", Share{Name: "Hand", Path: `D:\Hand`}, Share{Name: "Other", Path: `D:\Other`})
	imp := func(id string) object {
		resp := p.Import(context.Background(), providers.ImportRequest{TypeName: "share", Addr: at("hand"), ID: id})
		if resp.Diagnostics.HasErrors() {
			t.Fatalf("import %s: %s", id, resp.Diagnostics.Error())
		}
		return object{addr: at("hand"), state: resp.State, private: resp.Private}
	}
	o := imp(`SRV01\Hand`)
	if len(o.private) != 0 {
		t.Fatalf("private data %q for a share without id", o.private)
	}
	// The entry now points elsewhere: it is not the share in state.
	handEdit(t, root, func(tbl *table) { entry(tbl, "SRV01", "Hand").Path = `d:/hand/../elsewhere` })
	apply(t, p, o, cty.NullVal(shareType))
	if got := names(t, root, "SRV01"); got != "Hand,Other" {
		t.Fatalf("delete of a share whose path changed: the table holds %s", got)
	}
	// The same path in another spelling is the same share.
	handEdit(t, root, func(tbl *table) { entry(tbl, "SRV01", "Hand").Path = `d:/HAND` })
	apply(t, p, o, cty.NullVal(shareType))
	if got := names(t, root, "SRV01"); got != "Other" {
		t.Errorf("after the delete the table holds %s", got)
	}
}

func TestFileInTheWayOfTheFolder(t *testing.T) {
	p, root := open(t)
	if err := os.MkdirAll(filepath.Join(root, "SRV01", "D"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "SRV01", "D", "ITMU"), []byte("a file"), 0o644); err != nil {
		t.Fatal(err)
	}
	planned, d := plan(t, p, object{addr: at("s")}, shareCfg(nil))
	if d.HasErrors() {
		t.Fatal(d.Error())
	}
	resp := applyPlanned(p, object{addr: at("s")}, planned, shareCfg(nil))
	if summaries(resp.Diagnostics) != "Cannot create the share folder" || !resp.NewState.IsNull() {
		t.Errorf("apply: %v", resp.Diagnostics)
	}
	if names(t, root, "SRV01") != "" {
		t.Errorf("a share without a folder was recorded")
	}
}

// TestReviewedNameKeptInAnotherOrder: two shares asking for one name with
// next_free get PackageSrc and PackageSrc_1; another process applying
// that saved plan plans them again in the other order, and each keeps the
// name that was reviewed.
func TestReviewedNameKeptInAnotherOrder(t *testing.T) {
	p, root := open(t)
	cfgA := shareCfg(map[string]cty.Value{"on_name_taken": sv("next_free"), "path": sv(`D:\A`)})
	cfgB := shareCfg(map[string]cty.Value{"on_name_taken": sv("next_free"), "path": sv(`D:\B`)})
	a, b := object{addr: at("a")}, object{addr: at("b")}
	reviewedA, d := plan(t, p, a, cfgA)
	mustOK(t, d)
	reviewedB, d := plan(t, p, b, cfgB)
	mustOK(t, d)
	if got := reviewedB.GetAttr("actual_name").AsString(); got != "PackageSrc_1" {
		t.Fatalf("b planned %q, want PackageSrc_1", got)
	}

	q := openOn(t, root) // the process applying the saved plan
	again := func(o object, cfg, reviewed cty.Value) string {
		resp := q.Plan(context.Background(), providers.PlanRequest{
			TypeName: "share", Addr: o.addr, Prior: cty.NullVal(shareType), Config: cfg,
			Proposed: providers.ProposedNew(schemaType(), cty.NullVal(shareType), cfg), Reviewed: reviewed,
		})
		mustOK(t, resp.Diagnostics)
		return resp.Planned.GetAttr("actual_name").AsString()
	}
	if got := again(b, cfgB, reviewedB); got != "PackageSrc_1" {
		t.Errorf("b planned again first: %q, want the reviewed PackageSrc_1", got)
	}
	if got := again(a, cfgA, reviewedA); got != "PackageSrc" {
		t.Errorf("a planned again second: %q, want the reviewed PackageSrc", got)
	}

	// A reviewed name someone took since is not taken again.
	seedTable(t, root, "SRV01", Share{Name: "PackageSrc_1", Path: `D:\Other`, ID: "h"})
	r := openOn(t, root)
	resp := r.Plan(context.Background(), providers.PlanRequest{
		TypeName: "share", Addr: b.addr, Prior: cty.NullVal(shareType), Config: cfgB,
		Proposed: providers.ProposedNew(schemaType(), cty.NullVal(shareType), cfgB), Reviewed: reviewedB,
	})
	mustOK(t, resp.Diagnostics)
	if got := resp.Planned.GetAttr("actual_name").AsString(); got == "PackageSrc_1" {
		t.Errorf("b took PackageSrc_1 again though a hand-made share holds it now")
	}
}

func mustOK(t *testing.T, d hcl.Diagnostics) {
	t.Helper()
	if d.HasErrors() {
		t.Fatal(d.Error())
	}
}
