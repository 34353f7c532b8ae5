package engine

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/updplan/updplan/engine/lang"
	"github.com/updplan/updplan/schema"
	"github.com/zclconf/go-cty/cty"
)

// TestDerivedSensitive: a computed attribute is sensitive when it holds the
// text of a sensitive string of the object's configuration, as written or
// case-folded, in a string, an element or a map key; attributes the
// configuration sets, and short secrets, are left alone.
func TestDerivedSensitive(t *testing.T) {
	b := &schema.Block{Attributes: []*schema.Attribute{
		{Name: "name", Type: cty.String, Required: true},
		{Name: "password", Type: cty.String, Optional: true, Sensitive: true},
		{Name: "label", Type: cty.String, Optional: true, Computed: true},
		{Name: "id", Type: cty.String, Computed: true},
		{Name: "places", Type: cty.Map(cty.String), Computed: true},
	}}
	obj := func(name, password, label, id string, places map[string]cty.Value) cty.Value {
		str := func(s string) cty.Value {
			if s == "" {
				return cty.NullVal(cty.String)
			}
			return cty.StringVal(s)
		}
		m := cty.NullVal(cty.Map(cty.String))
		if places != nil {
			m = cty.MapVal(places)
		}
		return cty.ObjectVal(map[string]cty.Value{"name": str(name), "password": str(password), "label": str(label), "id": str(id), "places": m})
	}
	nameMarked := []cty.PathValueMarks{{Path: cty.GetAttrPath("name"), Marks: cty.NewValueMarks(lang.Sensitive)}}
	for _, tc := range []struct {
		name    string
		cfg     cty.Value
		marks   []cty.PathValueMarks
		planned cty.Value
		want    []string
	}{
		{"id built from a sensitive name", obj("host7", "", "", "", nil), nameMarked, obj("host7", "", "", "LAB/host7", nil), []string{"id"}},
		{"upper-cased", obj("host7", "", "", "", nil), nameMarked, obj("host7", "", "", "LAB/HOST7", nil), []string{"id"}},
		{"computed label and map key", obj("host7", "", "", "", nil), nameMarked, obj("host7", "", "x-host7", "LAB1", map[string]cty.Value{`\\host7\c`: cty.StringVal("ok")}), []string{"label", "places"}},
		{"map value", obj("host7", "", "", "", nil), nameMarked, obj("host7", "", "", "LAB1", map[string]cty.Value{"a": cty.StringVal("host7")}), []string{"places"}},
		{"name not sensitive", obj("host7", "", "", "", nil), nil, obj("host7", "", "", "LAB/host7", nil), nil},
		{"schema-sensitive password", obj("n", "hunter22", "", "", nil), nil, obj("n", "hunter22", "", "id-hunter22", nil), []string{"id"}},
		{"label set by the configuration", obj("host7", "", "host7!", "", nil), nameMarked, obj("host7", "", "host7!", "LAB1", nil), nil},
		{"too short to look for", obj("h7", "", "", "", nil), nameMarked, obj("h7", "", "", "LAB/h7", nil), nil},
		{"unknown until apply", obj("host7", "", "", "", nil), nameMarked, cty.ObjectVal(map[string]cty.Value{"name": cty.StringVal("host7"), "password": cty.NullVal(cty.String), "label": cty.NullVal(cty.String), "id": cty.UnknownVal(cty.String), "places": cty.NullVal(cty.Map(cty.String))}), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, p := range derivedSensitive(b, tc.cfg, tc.planned, sensitiveTexts(b, tc.cfg, tc.marks), nil) {
				got = append(got, p[0].(cty.GetAttrStep).Name)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("derived sensitive attributes (-want +got):\n%s", diff)
			}
		})
	}
}
