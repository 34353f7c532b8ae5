package schema

import "github.com/zclconf/go-cty/cty"

// Small constructors keep the resource tables below readable.

func required(name string, ty cty.Type, doc string) *Attribute {
	return &Attribute{Name: name, Type: ty, Doc: doc, Required: true}
}

func optional(name string, ty cty.Type, doc string) *Attribute {
	return &Attribute{Name: name, Type: ty, Doc: doc, Optional: true}
}

func computed(name string, ty cty.Type, doc string) *Attribute {
	return &Attribute{Name: name, Type: ty, Doc: doc, Computed: true}
}

func (a *Attribute) forceNew() *Attribute { a.ForceNew = true; return a }

func (a *Attribute) sensitive() *Attribute { a.Sensitive = true; return a }

func (a *Attribute) credentialURL() *Attribute { a.CredentialURL = true; return a }

func (a *Attribute) withDefault(v cty.Value) *Attribute { a.Default = v; return a }

func (a *Attribute) refersTo(typ string, scope RefScope) *Attribute {
	a.RefersTo, a.Scope = typ, scope
	return a
}

func (a *Attribute) check(c ...Check) *Attribute { a.Checks = append(a.Checks, c...); return a }

var (
	str     = cty.String
	num     = cty.Number
	boolean = cty.Bool
	strList = cty.List(cty.String)
	strSet  = cty.Set(cty.String)
	strMap  = cty.Map(cty.String)
)
