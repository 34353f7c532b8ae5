package schema

import (
	"testing"

	"github.com/zclconf/go-cty/cty"
)

func TestPathString(t *testing.T) {
	for want, p := range map[string]cty.Path{
		"":                   nil,
		"name":               cty.GetAttrPath("name"),
		"access[1].rights":   cty.GetAttrPath("access").IndexInt(1).GetAttr("rights"),
		`members["WKS-01"]`:  cty.GetAttrPath("members").IndexString("WKS-01"),
		"sms2003.schedule":   cty.GetAttrPath("sms2003").GetAttr("schedule"),
		"access[...].rights": cty.GetAttrPath("access").Index(cty.ObjectVal(map[string]cty.Value{"a": cty.True})).GetAttr("rights"),
	} {
		if got := PathString(p); got != want {
			t.Errorf("PathString = %q, want %q", got, want)
		}
	}
}
