package catalog

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/providers/internal/smbconn"
	"github.com/zclconf/go-cty/cty"
)

// Temporary files in places the catalog leaves.
//
// A copy lands under a temporary name (tempPattern) and a killed run can
// leave one behind; the next copy to the same place removes it
// (catalogFile.Create). A place dropped from the configuration, or every
// place of a destroyed catalog, gets no next copy: these remove the
// temporary files there, matching the provider's own pattern for the
// catalog's file name and nothing else.

// removeTemps removes the provider's temporary files beside f. A folder
// that does not exist has none.
func removeTemps(f catalogFile) error {
	switch f := f.(type) {
	case localFile:
		dir, name := filepath.Split(f.path)
		stale, err := filepath.Glob(filepath.Join(dir, tempPattern(name)))
		if err != nil {
			return err
		}
		var errs []error
		for _, s := range stale {
			if err := os.Remove(s); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
		}
		return errors.Join(errs...)
	case *smbFile:
		c, sh, err := f.share()
		if err != nil {
			return err
		}
		dir := f.dir.Path
		if dir == "" {
			dir = "."
		}
		entries, err := sh.ReadDir(dir)
		if err != nil {
			if smbconn.KindOf(err) == smbconn.NotFound || errors.Is(err, os.ErrNotExist) {
				return nil
			}
			return c.Check(f.ctx, "list "+f.dir.String(), err)
		}
		pattern := tempPattern(f.name)
		var errs []error
		for _, e := range entries {
			if ok, _ := path.Match(pattern, e.Name()); ok {
				if err := sh.Remove(join(f.dir.Path, e.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
					errs = append(errs, c.Check(f.ctx, "remove "+e.Name()+" in "+f.dir.String(), err))
				}
			}
		}
		return errors.Join(errs...)
	}
	return nil // a place that cannot be reached holds nothing of ours to remove
}

// removeTempsDiags removes the temporary files of the catalog fileName in
// each of the places (by folder as written); a failure is a warning: the
// catalog's own state does not depend on them.
func removeTempsDiags(places map[string]catalogFile, fileName string) hcl.Diagnostics {
	names := make([]string, 0, len(places))
	for n := range places {
		names = append(names, n)
	}
	sort.Strings(names)
	var diags hcl.Diagnostics
	for _, dir := range names {
		if err := removeTemps(places[dir]); err != nil {
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Temporary files not removed",
				Detail: fmt.Sprintf("Temporary copies of the catalog (%s) in %s could not be removed: %v. Remove them by hand; they are not a catalog clients would use.", tempPattern(fileName), dir, err)})
		}
	}
	return diags
}

// droppedPlaces are the distribution points of prior (configured, or
// holding a copy) that sp no longer has.
func droppedPlaces(prior cty.Value, sp spec) map[string]catalogFile {
	keep := map[string]bool{}
	for _, dp := range sp.dps {
		keep[dp] = true
	}
	out := map[string]catalogFile{}
	add := func(v cty.Value, keys bool) {
		if v.IsNull() || !v.IsKnown() {
			return
		}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			dp := e
			if keys {
				dp = k
			}
			if !dp.IsKnown() || dp.IsNull() || keep[dp.AsString()] {
				continue
			}
			out[dp.AsString()] = sp.dpFile(dp.AsString())
		}
	}
	add(prior.GetAttr("distribution_points"), false)
	add(prior.GetAttr("distributed"), true)
	return out
}

// allPlaces are the destination and every distribution point of sp.
func allPlaces(sp spec) map[string]catalogFile {
	out := map[string]catalogFile{sp.destination: sp.destFile()}
	for _, dp := range sp.dps {
		out[dp] = sp.dpFile(dp)
	}
	return out
}
