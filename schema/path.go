package schema

import (
	"strconv"
	"strings"

	"github.com/zclconf/go-cty/cty"
)

// PathString renders an attribute path as it is written in configuration,
// for messages: access[1].rights, sms2003.schedule, members["x"]. Index keys
// that are neither strings nor numbers (set elements) show as [...].
func PathString(p cty.Path) string {
	var b strings.Builder
	for _, step := range p {
		switch st := step.(type) {
		case cty.GetAttrStep:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(st.Name)
		case cty.IndexStep:
			switch {
			case st.Key.Type() == cty.String && st.Key.IsKnown() && !st.Key.IsNull():
				b.WriteString("[" + strconv.Quote(st.Key.AsString()) + "]")
			case st.Key.Type() == cty.Number && st.Key.IsKnown() && !st.Key.IsNull():
				b.WriteString("[" + st.Key.AsBigFloat().Text('f', -1) + "]")
			default:
				b.WriteString("[...]")
			}
		}
	}
	return b.String()
}
