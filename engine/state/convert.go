package state

import (
	"encoding/json"
	"fmt"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/updplan/updplan/schema"
)

// jsonToValue converts plain JSON, as decoded by encoding/json with
// UseNumber, to a value of ty. It is the inverse of ctyjson.Marshal for
// values of ty's concrete types, and faster than ctyjson.Unmarshal on
// large states. Object attributes that ty lacks (dropped from the schema)
// are ignored; missing ones are null. A DynamicPseudoType part takes the
// type implied by its JSON.
func jsonToValue(j any, ty cty.Type, path cty.Path) (cty.Value, error) {
	if j == nil {
		return cty.NullVal(ty), nil
	}
	switch {
	case ty == cty.DynamicPseudoType:
		b, err := json.Marshal(j)
		if err != nil {
			return cty.NilVal, path.NewError(err)
		}
		implied, err := ctyjson.ImpliedType(b)
		if err != nil {
			return cty.NilVal, path.NewError(err)
		}
		return jsonToValue(j, implied, path)
	case ty == cty.String:
		s, ok := j.(string)
		if !ok {
			return cty.NilVal, path.NewErrorf("a string is required")
		}
		return cty.StringVal(s), nil
	case ty == cty.Number:
		n, ok := j.(json.Number)
		if !ok {
			return cty.NilVal, path.NewErrorf("a number is required")
		}
		v, err := cty.ParseNumberVal(string(n))
		if err != nil {
			return cty.NilVal, path.NewError(err)
		}
		return v, nil
	case ty == cty.Bool:
		b, ok := j.(bool)
		if !ok {
			return cty.NilVal, path.NewErrorf("a bool is required")
		}
		return cty.BoolVal(b), nil
	case ty.IsListType() || ty.IsSetType():
		arr, ok := j.([]any)
		if !ok {
			return cty.NilVal, path.NewErrorf("a list is required")
		}
		ety := ty.ElementType()
		if len(arr) == 0 {
			if ty.IsListType() {
				return cty.ListValEmpty(ety), nil
			}
			return cty.SetValEmpty(ety), nil
		}
		vals := make([]cty.Value, len(arr))
		for i, e := range arr {
			v, err := jsonToValue(e, ety, append(path, cty.IndexStep{Key: cty.NumberIntVal(int64(i))}))
			if err != nil {
				return cty.NilVal, err
			}
			vals[i] = v
		}
		if ty.IsListType() {
			return cty.ListVal(vals), nil
		}
		return cty.SetVal(vals), nil
	case ty.IsMapType():
		obj, ok := j.(map[string]any)
		if !ok {
			return cty.NilVal, path.NewErrorf("a map is required")
		}
		ety := ty.ElementType()
		if len(obj) == 0 {
			return cty.MapValEmpty(ety), nil
		}
		vals := make(map[string]cty.Value, len(obj))
		for k, e := range obj {
			v, err := jsonToValue(e, ety, append(path, cty.IndexStep{Key: cty.StringVal(k)}))
			if err != nil {
				return cty.NilVal, err
			}
			vals[k] = v
		}
		return cty.MapVal(vals), nil
	case ty.IsObjectType():
		obj, ok := j.(map[string]any)
		if !ok {
			return cty.NilVal, path.NewErrorf("an object is required")
		}
		atys := ty.AttributeTypes()
		vals := make(map[string]cty.Value, len(atys))
		for name, aty := range atys {
			v, err := jsonToValue(obj[name], aty, append(path, cty.GetAttrStep{Name: name}))
			if err != nil {
				return cty.NilVal, err
			}
			vals[name] = v
		}
		return cty.ObjectVal(vals), nil
	case ty.IsTupleType():
		arr, ok := j.([]any)
		etys := ty.TupleElementTypes()
		if !ok || len(arr) != len(etys) {
			return cty.NilVal, path.NewErrorf("a list of %d elements is required", len(etys))
		}
		vals := make([]cty.Value, len(arr))
		for i, e := range arr {
			v, err := jsonToValue(e, etys[i], append(path, cty.IndexStep{Key: cty.NumberIntVal(int64(i))}))
			if err != nil {
				return cty.NilVal, err
			}
			vals[i] = v
		}
		return cty.TupleVal(vals), nil
	}
	return cty.NilVal, path.NewErrorf("values of type %s cannot be stored", ty.FriendlyName())
}

// valueError explains a conversion error with the attribute it is about.
func valueError(err error) string {
	if pe, ok := err.(cty.PathError); ok && len(pe.Path) > 0 {
		return fmt.Sprintf("%s: %v", schema.PathString(pe.Path), pe.Error())
	}
	return err.Error()
}
