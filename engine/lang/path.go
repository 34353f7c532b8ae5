package lang

import "github.com/zclconf/go-cty/cty"

// PathValue is the `path` object: path.root is the configuration directory
// and path.cwd the working directory updplan runs in.
func PathValue(root, cwd string) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"root": cty.StringVal(root),
		"cwd":  cty.StringVal(cwd),
	})
}
