package engine

import (
	"github.com/updplan/updplan/engine/lang"
	"github.com/updplan/updplan/engine/plan"
)

// Saved plan files restore sensitive values with the language's mark, so
// that a variable read back from a plan stays sensitive.
func init() { plan.SensitiveMark = lang.Sensitive }
