package lang

import (
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// valueMark is the type of the marks this language puts on values.
type valueMark string

func (m valueMark) GoString() string { return "lang." + string(m) }

// Sensitive marks a value that must never be shown: sensitive variables
// and attributes, and whatever is computed from them.
const Sensitive = valueMark("sensitive")

// IsSensitive reports whether v or any value inside it is marked Sensitive.
func IsSensitive(v cty.Value) bool {
	return v.HasMarkDeep(Sensitive)
}

// SensitiveFunc marks its argument as sensitive.
var SensitiveFunc = function.New(&function.Spec{
	Description: "Marks a value as sensitive: it is shown as (sensitive) and everything computed from it is sensitive too.",
	Params: []function.Parameter{{
		Name: "value", Type: cty.DynamicPseudoType,
		AllowUnknown: true, AllowNull: true, AllowMarked: true, AllowDynamicType: true,
	}},
	Type: func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		return args[0].Mark(Sensitive), nil
	},
})

// NonsensitiveFunc removes the Sensitive mark from the top level of its
// argument (marks of other kinds and of nested values stay). It accepts
// values that are not sensitive, as Terraform does since 1.8.
var NonsensitiveFunc = function.New(&function.Spec{
	Description: "Removes the sensitive mark from a value, so that it can be shown.",
	Params: []function.Parameter{{
		Name: "value", Type: cty.DynamicPseudoType,
		AllowUnknown: true, AllowNull: true, AllowMarked: true, AllowDynamicType: true,
	}},
	Type: func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		v, marks := args[0].Unmark()
		delete(marks, Sensitive)
		return v.WithMarks(marks), nil
	},
})
