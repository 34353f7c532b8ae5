package lang

import (
	"errors"
	"regexp"
	"strings"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// boolListFunc makes alltrue/anytrue.
func boolListFunc(desc string, all bool) function.Function {
	return function.New(&function.Spec{
		Description: desc,
		Params:      []function.Parameter{{Name: "list", Type: cty.List(cty.Bool)}},
		Type:        function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
			result := all
			unknown := false
			for it := args[0].ElementIterator(); it.Next(); {
				_, v := it.Element()
				switch {
				case !v.IsKnown():
					unknown = true
				case v.IsNull():
					// a null counts as false
					if all {
						return cty.False, nil
					}
				case v.True() != all:
					return cty.BoolVal(!all), nil
				}
			}
			if unknown {
				return cty.UnknownVal(cty.Bool), nil
			}
			return cty.BoolVal(result), nil
		},
	})
}

var (
	// AllTrueFunc is true when every element is true (and for an empty list).
	AllTrueFunc = boolListFunc("Returns true when every element of the list is true, and for an empty list.", true)
	// AnyTrueFunc is true when at least one element is true.
	AnyTrueFunc = boolListFunc("Returns true when at least one element of the list is true.", false)
)

// OneFunc returns the only element of a list, set or tuple, null when it is
// empty, and fails when it has more than one.
var OneFunc = function.New(&function.Spec{
	Description: "Returns the only element of a list, set or tuple; null when it is empty; an error when it has more than one element.",
	Params:      []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
	Type: func(args []cty.Value) (cty.Type, error) {
		ty := args[0].Type()
		switch {
		case ty.IsListType() || ty.IsSetType():
			return ty.ElementType(), nil
		case ty.IsTupleType():
			switch n := len(ty.TupleElementTypes()); n {
			case 0:
				return cty.DynamicPseudoType, nil
			case 1:
				return ty.TupleElementTypes()[0], nil
			default:
				return cty.NilType, function.NewArgErrorf(0, "the tuple has %d elements, but one() accepts at most one; check why the list has several", n)
			}
		case ty == cty.DynamicPseudoType:
			return cty.DynamicPseudoType, nil
		}
		return cty.NilType, function.NewArgErrorf(0, "a list, set or tuple is required, not %s", ty.FriendlyName())
	},
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		v := args[0]
		if !v.IsKnown() {
			return cty.UnknownVal(retType), nil
		}
		if v.IsNull() {
			return cty.NilVal, function.NewArgErrorf(0, "the list is null; give a list with at most one element")
		}
		switch n := v.LengthInt(); n {
		case 0:
			return cty.NullVal(retType), nil
		case 1:
			it := v.ElementIterator()
			it.Next()
			_, e := it.Element()
			return e, nil
		default:
			return cty.NilVal, function.NewArgErrorf(0, "the list has %d elements, but one() accepts at most one; check why the list has several", n)
		}
	},
})

// SumFunc adds the numbers of a non-empty list, set or tuple.
var SumFunc = function.New(&function.Spec{
	Description: "Returns the sum of the numbers of a non-empty list, set or tuple.",
	Params:      []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
	Type:        function.StaticReturnType(cty.Number),
	RefineResult: func(b *cty.RefinementBuilder) *cty.RefinementBuilder {
		return b.NotNull()
	},
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		v := args[0]
		ty := v.Type()
		if !ty.IsListType() && !ty.IsSetType() && !ty.IsTupleType() {
			return cty.UnknownVal(cty.Number), function.NewArgErrorf(0, "a list, set or tuple of numbers is required, not %s", ty.FriendlyName())
		}
		if !v.IsWhollyKnown() {
			return cty.UnknownVal(cty.Number), nil
		}
		if v.IsNull() || v.LengthInt() == 0 {
			return cty.UnknownVal(cty.Number), function.NewArgErrorf(0, "cannot sum an empty list; give at least one number")
		}
		total := cty.Zero
		i := 0
		for it := v.ElementIterator(); it.Next(); i++ {
			_, e := it.Element()
			if e.IsNull() {
				return cty.UnknownVal(cty.Number), function.NewArgErrorf(0, "element %d is null; every element must be a number", i)
			}
			n, err := convert.Convert(e, cty.Number)
			if err != nil {
				return cty.UnknownVal(cty.Number), function.NewArgErrorf(0, "element %d is not a number: %s", i, err)
			}
			total = total.Add(n)
		}
		return total, nil
	},
})

// IndexFunc is Terraform's index(list, value): the position of the first
// element equal to value. (cty's stdlib "index" is element access instead.)
var IndexFunc = function.New(&function.Spec{
	Description: "Returns the index of the first element of the list that equals the value; an error when there is none.",
	Params: []function.Parameter{
		{Name: "list", Type: cty.DynamicPseudoType},
		{Name: "value", Type: cty.DynamicPseudoType},
	},
	Type: function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		list, val := args[0], args[1]
		ty := list.Type()
		if !ty.IsListType() && !ty.IsTupleType() {
			return cty.UnknownVal(cty.Number), function.NewArgErrorf(0, "a list or tuple is required, not %s", ty.FriendlyName())
		}
		if !list.IsKnown() || !val.IsKnown() {
			return cty.UnknownVal(cty.Number), nil
		}
		if list.IsNull() {
			return cty.UnknownVal(cty.Number), function.NewArgErrorf(0, "the list is null")
		}
		i := 0
		for it := list.ElementIterator(); it.Next(); i++ {
			_, e := it.Element()
			eq, err := stdlib.Equal(e, val)
			if err != nil {
				return cty.UnknownVal(cty.Number), err
			}
			if !eq.IsKnown() {
				return cty.UnknownVal(cty.Number), nil
			}
			if eq.True() {
				return cty.NumberIntVal(int64(i)), nil
			}
		}
		return cty.UnknownVal(cty.Number), function.NewArgErrorf(1, "the value is not in the list; check the list, or test with contains() first")
	},
})

// LengthFunc is the number of elements of a collection, or of characters
// of a string, as in Terraform.
var LengthFunc = function.New(&function.Spec{
	Description: "Returns the number of elements of a list, set, map, tuple or object, or the number of characters of a string.",
	Params: []function.Parameter{{
		Name: "value", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowDynamicType: true,
	}},
	Type: func(args []cty.Value) (cty.Type, error) {
		ty := args[0].Type()
		switch {
		case ty == cty.String || ty == cty.DynamicPseudoType || ty.IsCollectionType() || ty.IsTupleType() || ty.IsObjectType():
			return cty.Number, nil
		}
		return cty.NilType, function.NewArgErrorf(0, "a collection or string is required, not %s", ty.FriendlyName())
	},
	RefineResult: func(b *cty.RefinementBuilder) *cty.RefinementBuilder {
		return b.NotNull().NumberRangeLowerBound(cty.Zero, true)
	},
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		v := args[0]
		switch {
		case v.Type() == cty.String:
			if !v.IsKnown() {
				return cty.UnknownVal(cty.Number), nil
			}
			return stdlib.Strlen(v)
		case v.Type() == cty.DynamicPseudoType:
			return cty.UnknownVal(cty.Number), nil
		}
		if v.IsNull() {
			return cty.UnknownVal(cty.Number), errors.New("cannot take the length of a null value")
		}
		if v.Type().IsObjectType() {
			return cty.NumberIntVal(int64(len(v.Type().AttributeTypes()))), nil
		}
		return v.Length(), nil
	},
})

// StartsWithFunc says whether a string starts with a prefix.
var StartsWithFunc = function.New(&function.Spec{
	Description: "Says whether the string starts with the prefix.",
	Params:      []function.Parameter{{Name: "str", Type: cty.String}, {Name: "prefix", Type: cty.String}},
	Type:        function.StaticReturnType(cty.Bool),
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		return cty.BoolVal(strings.HasPrefix(args[0].AsString(), args[1].AsString())), nil
	},
})

// EndsWithFunc says whether a string ends with a suffix.
var EndsWithFunc = function.New(&function.Spec{
	Description: "Says whether the string ends with the suffix.",
	Params:      []function.Parameter{{Name: "str", Type: cty.String}, {Name: "suffix", Type: cty.String}},
	Type:        function.StaticReturnType(cty.Bool),
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		return cty.BoolVal(strings.HasSuffix(args[0].AsString(), args[1].AsString())), nil
	},
})

// StrContainsFunc says whether a string contains a substring.
var StrContainsFunc = function.New(&function.Spec{
	Description: "Says whether the string contains the substring.",
	Params:      []function.Parameter{{Name: "str", Type: cty.String}, {Name: "substr", Type: cty.String}},
	Type:        function.StaticReturnType(cty.Bool),
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		return cty.BoolVal(strings.Contains(args[0].AsString(), args[1].AsString())), nil
	},
})

// ReplaceFunc is Terraform's replace: the search string is a regular
// expression when it is written between slashes (/.../), else literal.
var ReplaceFunc = function.New(&function.Spec{
	Description: "Replaces every occurrence of the search string (a regular expression when written as /regex/) with the replacement.",
	Params: []function.Parameter{
		{Name: "str", Type: cty.String},
		{Name: "search", Type: cty.String},
		{Name: "replace", Type: cty.String},
	},
	Type: function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, retType cty.Type) (cty.Value, error) {
		str, search, repl := args[0].AsString(), args[1].AsString(), args[2].AsString()
		if len(search) > 1 && search[0] == '/' && search[len(search)-1] == '/' {
			re, err := regexp.Compile(search[1 : len(search)-1])
			if err != nil {
				return cty.UnknownVal(cty.String), function.NewArgErrorf(1, "the regular expression is not valid: %s", err)
			}
			return cty.StringVal(re.ReplaceAllString(str, repl)), nil
		}
		return cty.StringVal(strings.ReplaceAll(str, search, repl)), nil
	},
})
