package compliance_test

import (
	"context"
	"testing"

	"github.com/updplan/updplan/providers/sitedb/compliance"
)

func TestHasScans(t *testing.T) {
	ctx := context.Background()
	eachDriver(t, func(t *testing.T, s *compliance.Store) {
		if has, d := s.HasScans(ctx, "LAB"); has || d.HasErrors() {
			t.Fatalf("before any import: %v %s", has, d.Error())
		}
		seed(t, s)
		if has, d := s.HasScans(ctx, "LAB"); !has || d.HasErrors() {
			t.Errorf("after an import: %v %s", has, d.Error())
		}
		if has, d := s.HasScans(ctx, "OTH"); has || d.HasErrors() {
			t.Errorf("another site: %v %s", has, d.Error())
		}
	})
}
