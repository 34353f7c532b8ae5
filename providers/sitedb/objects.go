package sitedb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/providers"
	"github.com/zclconf/go-cty/cty"
)

// get reads one object by id; found is false when there is no such row.
func (k *kind) get(ctx context.Context, c *conn, id string) (r row, found bool, err error) {
	return k.one(ctx, c, `SELECT `+k.selectList()+` FROM "`+k.table+`" WHERE "id" = ?`, id)
}

// adoptable returns the object an earlier, interrupted create of the same
// address left behind: a row owned by owner whose force-new attributes
// equal v's. A row that differs in one of them is the object a
// create_before_destroy replacement is about to delete, never adopted.
func (k *kind) adoptable(ctx context.Context, c *conn, owner string, v cty.Value) (row, bool, error) {
	rows, err := c.query(ctx, `SELECT `+k.selectList()+` FROM "`+k.table+`" WHERE "owner" = ?`, owner)
	if err != nil {
		return row{}, false, err
	}
	defer rows.Close()
	for rows.Next() {
		r, err := k.scan(rows)
		if err != nil {
			return row{}, false, err
		}
		if k.sameIdentity(r.value, v) {
			return r, true, rows.Close()
		}
	}
	return row{}, false, rows.Err()
}

// sameIdentity reports whether a and b agree on every attribute whose
// change makes another object.
func (k *kind) sameIdentity(a, b cty.Value) bool {
	for _, at := range k.rt.Block.Attributes {
		forced := at.ForceNew
		for _, r := range k.replaceOn {
			forced = forced || r == at.Name
		}
		if forced {
			if !a.GetAttr(at.Name).RawEquals(b.GetAttr(at.Name)) {
				return false
			}
		}
	}
	return true
}

func (k *kind) one(ctx context.Context, c *conn, q string, args ...any) (row, bool, error) {
	rows, err := c.query(ctx, q, args...)
	if err != nil {
		return row{}, false, err
	}
	defer rows.Close()
	if !rows.Next() {
		return row{}, false, rows.Err()
	}
	r, err := k.scan(rows)
	if err != nil {
		return row{}, false, err
	}
	return r, true, rows.Close()
}

// rowError turns an error of a read into a diagnostic: a row the provider
// cannot decode, or a driver error.
func (p *Provider) rowError(err error, what string) *hcl.Diagnostic {
	return p2d(p.s.conn(), err, what)
}

// Read returns the object as it is in the database now.
func (p *Provider) Read(ctx context.Context, req providers.ReadRequest) providers.ReadResponse {
	return p.ReadMany(ctx, []providers.ReadRequest{req})[0]
}

// ReadMany reads every requested object with one query per resource type.
func (p *Provider) ReadMany(ctx context.Context, reqs []providers.ReadRequest) []providers.ReadResponse {
	out := make([]providers.ReadResponse, len(reqs))
	if d := p.ready(); d.HasErrors() {
		for i, r := range reqs {
			out[i] = providers.ReadResponse{NewState: r.Prior, Diagnostics: d}
		}
		return out
	}
	byType := map[string][]int{}
	var order []string
	for i, r := range reqs {
		if _, ok := byType[r.TypeName]; !ok {
			order = append(order, r.TypeName)
		}
		byType[r.TypeName] = append(byType[r.TypeName], i)
	}
	c := p.s.conn()
	for _, tn := range order {
		idx := byType[tn]
		k, d := p.kind(tn)
		if d.HasErrors() {
			for _, i := range idx {
				out[i] = providers.ReadResponse{NewState: reqs[i].Prior, Diagnostics: d}
			}
			continue
		}
		ids := make([]string, 0, len(idx))
		for _, i := range idx {
			prior, _ := unmark(reqs[i].Prior)
			if id := str(prior, k.idAttr); id != "" {
				ids = append(ids, id)
			}
		}
		found, err := k.getMany(ctx, c, ids)
		for _, i := range idx {
			prior, _ := unmark(reqs[i].Prior)
			if err != nil {
				out[i] = providers.ReadResponse{NewState: reqs[i].Prior, Diagnostics: hcl.Diagnostics{p.rowError(err, "read "+tn+" objects")}}
				continue
			}
			r, ok := found[str(prior, k.idAttr)]
			if !ok {
				out[i] = providers.ReadResponse{NewState: cty.NullVal(k.ty())}
				continue
			}
			out[i] = providers.ReadResponse{NewState: k.observed(prior, r.value)}
		}
	}
	return out
}

// getMany reads the objects with the given ids in one statement: the ids
// travel as one JSON array parameter, however many there are.
func (k *kind) getMany(ctx context.Context, c *conn, ids []string) (map[string]row, error) {
	found := make(map[string]row, len(ids))
	if len(ids) == 0 {
		return found, nil
	}
	arr, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err := c.query(ctx, `SELECT `+k.selectList()+` FROM "`+k.table+`" WHERE "id" IN (`+c.s.d.inJSON+`)`, string(arr))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	sc := k.scanner()
	for rows.Next() {
		r, err := sc.scan(rows)
		if err != nil {
			return nil, err
		}
		found[r.id] = r
	}
	return found, rows.Err()
}

// observed is the value Read reports: the row, with collection membership
// reported in the form the prior state used.
func (k *kind) observed(prior, actual cty.Value) cty.Value {
	if !k.membership || prior.IsNull() {
		return actual
	}
	include, exclude := prior.GetAttr("members_include"), prior.GetAttr("members_exclude")
	if !prior.GetAttr("members").IsNull() || (include.IsNull() && exclude.IsNull()) {
		return actual
	}
	present := setOf(actual.GetAttr("members"))
	m := actual.AsValueMap()
	m["members"] = cty.NullVal(cty.Set(cty.String))
	if !include.IsNull() {
		var keep []string
		for _, s := range strSlice(include) {
			if present[strings.ToUpper(s)] {
				keep = append(keep, s)
			}
		}
		m["members_include"] = strSet(keep)
	}
	if !exclude.IsNull() {
		var keep []string
		for _, s := range strSlice(exclude) {
			if !present[strings.ToUpper(s)] {
				keep = append(keep, s)
			}
		}
		m["members_exclude"] = strSet(keep)
	}
	return cty.ObjectVal(m)
}

// Import returns the object whose id attribute is id.
func (p *Provider) Import(ctx context.Context, req providers.ImportRequest) providers.ImportResponse {
	k, d := p.kind(req.TypeName)
	if d.HasErrors() {
		return providers.ImportResponse{State: cty.NullVal(cty.DynamicPseudoType), Diagnostics: d}
	}
	if d := p.ready(); d.HasErrors() {
		return providers.ImportResponse{State: cty.NullVal(k.ty()), Diagnostics: d}
	}
	r, found, err := k.get(ctx, p.s.conn(), req.ID)
	if err != nil {
		return providers.ImportResponse{State: cty.NullVal(k.ty()), Diagnostics: hcl.Diagnostics{p.rowError(err, "read the "+req.TypeName+" to import")}}
	}
	if !found {
		return providers.ImportResponse{State: cty.NullVal(k.ty()), Diagnostics: hcl.Diagnostics{providers.Errorf("Cannot import non-existent object",
			"The site database has no %s with %s %q. Check the id (for example in the console or with `updplan report objects`) and run the import again.", req.TypeName, k.idAttr, req.ID)}}
	}
	return providers.ImportResponse{State: r.value, Owner: r.owner}
}

// Plan proposes the object's new value and checks the rules that need the
// database.
func (p *Provider) Plan(ctx context.Context, req providers.PlanRequest) providers.PlanResponse {
	k, d := p.kind(req.TypeName)
	if d.HasErrors() {
		return providers.PlanResponse{Planned: req.Proposed, Diagnostics: d}
	}
	config, _ := unmark(req.Config)
	if config.IsNull() {
		return providers.PlanResponse{Planned: cty.NullVal(k.ty())}
	}
	planned := req.Proposed
	if planned == cty.NilVal || planned.IsNull() {
		planned = req.Config
	}
	planned, marks := planned, []cty.PathValueMarks(nil)
	if planned.IsMarked() {
		planned, marks = planned.UnmarkDeepWithPaths()
	}
	prior, _ := unmark(req.Prior)
	if prior == cty.NilVal {
		prior = cty.NullVal(k.ty())
	}
	var resp providers.PlanResponse
	replacing := false
	if !prior.IsNull() {
		for _, a := range k.rt.Block.Attributes {
			forced := a.ForceNew
			for _, r := range k.replaceOn {
				forced = forced || r == a.Name
			}
			if !forced {
				continue
			}
			pv, cv := prior.GetAttr(a.Name), planned.GetAttr(a.Name)
			if !cv.IsWhollyKnown() || !pv.RawEquals(cv) {
				replacing = true
				if !a.ForceNew {
					resp.RequiresReplace = append(resp.RequiresReplace, pathAttr(a.Name))
				}
			}
		}
	}
	set := map[string]cty.Value{}
	if prior.IsNull() || replacing {
		if k.ids == idCounter {
			set[k.idAttr] = cty.UnknownVal(cty.String)
		} else if k.idAttr == "id" {
			if id, ok := k.derive(planned); ok {
				set["id"] = cty.StringVal(id)
			} else {
				set["id"] = cty.UnknownVal(cty.String)
			}
		}
		for n, v := range k.created {
			set[n] = v
		}
	} else {
		set[k.idAttr] = prior.GetAttr(k.idAttr)
		for _, a := range k.rt.Block.Attributes {
			if a.Computed && !a.Optional {
				set[a.Name] = prior.GetAttr(a.Name)
			}
		}
		if k.versionAttr != "" {
			set[k.versionAttr] = k.nextVersion(prior, planned.GetAttr(k.contentAttr))
		}
	}
	planned = with(planned, set)
	if d := p.ready(); d.HasErrors() {
		resp.Planned = planned.MarkWithPaths(marks)
		resp.Diagnostics = d
		return resp
	}
	// An object planned exactly as it is cannot break a rule that needs
	// the database (uniqueness, references): only changes are checked, so a
	// no-op plan of many objects costs no query per object.
	unchanged := !req.Prior.IsNull() && planned.IsWhollyKnown() && planned.RawEquals(req.Prior)
	if k.unique != nil && !unchanged {
		resp.Diagnostics = append(resp.Diagnostics, k.unique(ctx, p.s.conn(), req.Addr.String(), str(req.Prior, k.idAttr), planned)...)
	}
	if k.planCheck != nil && !unchanged {
		resp.Diagnostics = append(resp.Diagnostics, k.planCheck(ctx, p, req, planned)...)
	}
	p.remember(k, planned)
	resp.Planned = planned.MarkWithPaths(marks)
	return resp
}

// PlansSteady reports that every sitedb type plans an unchanged object as
// it is: an object whose proposed value equals its prior value keeps its id
// and computed attributes, breaks no database rule (see Plan), and is
// already in the database, where the existence checks of other objects
// find it without remember.
func (p *Provider) PlansSteady(typeName string) bool {
	_, ok := p.kinds[typeName]
	return ok
}

// remember records planned programs for the existence check of the
// advertisements that refer to them.
func (p *Provider) remember(k *kind, planned cty.Value) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if k.rt.Name == "program" {
		if pkg, name := str(planned, "package"), str(planned, "name"); pkg != "" && name != "" {
			p.plannedPrograms[programID(pkg, name)] = true
		}
	}
}

func (p *Provider) isPlanned(m map[string]bool, key string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return m[key]
}

// Apply creates, updates or deletes one object. Concurrent calls share
// transactions through the group-commit writer; each object's change is
// atomic.
func (p *Provider) Apply(ctx context.Context, req providers.ApplyRequest) providers.ApplyResponse {
	k, d := p.kind(req.TypeName)
	if d.HasErrors() {
		return providers.ApplyResponse{NewState: req.Prior, Diagnostics: d}
	}
	if d := p.ready(); d.HasErrors() {
		return providers.ApplyResponse{NewState: req.Prior, Diagnostics: d}
	}
	prior, _ := unmark(req.Prior)
	if prior == cty.NilVal {
		prior = cty.NullVal(k.ty())
	}
	planned, _ := unmark(req.Planned)
	if planned == cty.NilVal || planned.IsNull() {
		id := str(prior, k.idAttr)
		diags := p.w.do(ctx, func(c *conn) hcl.Diagnostics {
			if _, err := c.exec(ctx, `DELETE FROM "`+k.table+`" WHERE "id" = ?`, id); err != nil {
				return hcl.Diagnostics{c.s.d.explain(err, "delete "+req.TypeName+" "+id)}
			}
			if k.afterDelete != nil {
				return k.afterDelete(ctx, c, id)
			}
			return nil
		})
		if diags.HasErrors() {
			return providers.ApplyResponse{NewState: req.Prior, Diagnostics: diags}
		}
		return providers.ApplyResponse{NewState: cty.NullVal(k.ty()), Diagnostics: diags}
	}
	config, _ := unmark(req.Config)
	v := resolve(planned, config)
	if !prior.IsNull() && k.versionAttr != "" && !v.GetAttr(k.versionAttr).IsKnown() {
		v = with(v, map[string]cty.Value{k.versionAttr: k.nextVersion(prior, v.GetAttr(k.contentAttr))})
	}
	if !prior.IsNull() {
		// Computed attributes still unknown keep their prior value.
		set := map[string]cty.Value{}
		for _, a := range k.rt.Block.Attributes {
			if a.Computed && !v.GetAttr(a.Name).IsKnown() && a.Name != k.idAttr {
				set[a.Name] = prior.GetAttr(a.Name)
			}
		}
		v = with(v, set)
	}
	for n, x := range k.created {
		if !v.GetAttr(n).IsKnown() {
			v = with(v, map[string]cty.Value{n: x})
		}
	}
	// The job only touches the database; building values happens here, in
	// the caller's goroutine, not in the single writer's.
	var id string
	diags := p.w.do(ctx, func(c *conn) hcl.Diagnostics {
		var d hcl.Diagnostics
		if prior.IsNull() {
			id, d = k.create(ctx, c, req, v)
		} else {
			id, d = k.write(ctx, c, req, v, str(prior, k.idAttr))
		}
		if k.afterWrite != nil && !d.HasErrors() {
			d = append(d, k.afterWrite(ctx, c, req, v, id)...)
		}
		return d
	})
	if diags.HasErrors() {
		return providers.ApplyResponse{NewState: req.Prior, Diagnostics: diags}
	}
	return providers.ApplyResponse{NewState: with(v, map[string]cty.Value{k.idAttr: cty.StringVal(id)}), Diagnostics: diags}
}

// stored returns the value as written to the row (for a collection managed
// with members_include/exclude: the resulting full membership) and the
// value Apply reports.
func (k *kind) stored(ctx context.Context, c *conn, v cty.Value, currentID string) (cty.Value, error) {
	if !k.membership || !v.GetAttr("members").IsNull() {
		return v, nil
	}
	include, exclude := v.GetAttr("members_include"), v.GetAttr("members_exclude")
	if include.IsNull() && exclude.IsNull() {
		return v, nil
	}
	current := map[string]string{} // upper-case -> as stored
	if currentID != "" {
		var raw sql.NullString
		err := c.queryRow(ctx, `SELECT "members" FROM "`+k.table+`" WHERE "id" = ?`, currentID).Scan(&raw)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return cty.NilVal, err
		}
		if raw.Valid {
			mv, derr := decodeColumn(raw.String, cty.Set(cty.String))
			if derr != nil {
				return cty.NilVal, &decodeError{msg: "members of collection " + currentID + ": " + derr.Error()}
			}
			for _, s := range strSlice(mv) {
				current[strings.ToUpper(s)] = s
			}
		}
	}
	if !include.IsNull() {
		for _, s := range strSlice(include) {
			if _, ok := current[strings.ToUpper(s)]; !ok {
				current[strings.ToUpper(s)] = s
			}
		}
	}
	if !exclude.IsNull() {
		for _, s := range strSlice(exclude) {
			delete(current, strings.ToUpper(s))
		}
	}
	var members []string
	for _, s := range current {
		members = append(members, s)
	}
	return with(v, map[string]cty.Value{"members": strSet(members)}), nil
}

// create writes a new object, or adopts one an interrupted create left,
// and returns its id.
func (k *kind) create(ctx context.Context, c *conn, req providers.ApplyRequest, v cty.Value) (string, hcl.Diagnostics) {
	owner := req.Addr.String()
	existing, adopt, err := k.adoptable(ctx, c, owner, v)
	if err != nil {
		return "", hcl.Diagnostics{c.s.d.explain(err, "look for an earlier "+req.TypeName+" of "+owner)}
	}
	if adopt {
		// An earlier apply wrote the row but state never learned of it:
		// take that object over instead of making a second one.
		return k.write(ctx, c, req, v, existing.id)
	}
	if d := k.checkWrite(ctx, c, req, v, ""); d.HasErrors() {
		return "", d
	}
	sv, err := k.stored(ctx, c, v, "")
	if err != nil {
		return "", hcl.Diagnostics{c.s.d.explain(err, "read collection members")}
	}
	vals, err := k.values(sv)
	if err != nil {
		return "", hcl.Diagnostics{badValue(req.TypeName, err)}
	}
	insert := `INSERT INTO "` + k.table + `" (` + k.selectList() + `) VALUES (?, ?` + strings.Repeat(", ?", len(k.cols)) + `) ON CONFLICT ("id") DO NOTHING`
	args := append([]any{"", owner}, vals...)
	if k.ids == idCounter {
		site := str(v, "site")
		for {
			serial, d := c.nextSerial(ctx, site)
			if d.HasErrors() {
				return "", d
			}
			id := objectID(site, serial)
			args[0] = id
			res, err := c.exec(ctx, insert, args...)
			if err != nil {
				return "", hcl.Diagnostics{c.s.d.explain(err, "create "+req.TypeName+" "+id)}
			}
			if n, _ := res.RowsAffected(); n == 1 {
				return id, nil
			}
			// The id was taken by a row made outside updplan: skip it.
		}
	}
	id, ok := k.derive(v)
	if !ok {
		return "", hcl.Diagnostics{providers.Errorf("Object id unknown", "The id of the %s cannot be computed because an attribute it depends on is still unknown at apply time. This is a bug in the engine.", req.TypeName)}
	}
	args[0] = id
	res, err := c.exec(ctx, insert, args...)
	if err != nil {
		return "", hcl.Diagnostics{c.s.d.explain(err, "create "+req.TypeName+" "+id)}
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return "", hcl.Diagnostics{providers.AttrError(pathAttr(k.idAttrSource()), "Object already exists",
			"The site database already has a "+req.TypeName+" with id "+quote(id)+" that "+owner+" does not own. Import it with `updplan import "+owner+" "+quoteArg(id)+"`, or remove it from the database.")}
	}
	return id, nil
}

// idAttrSource is the attribute a duplicate derived id is blamed on.
func (k *kind) idAttrSource() string {
	switch k.rt.Name {
	case "program":
		return "name"
	case "distribution_point":
		return "server"
	case "sync_host":
		return "computer"
	}
	return k.idAttr
}

// write overwrites the row with id (and moves it to the new id of a
// derived-id object) and returns the id it has now.
func (k *kind) write(ctx context.Context, c *conn, req providers.ApplyRequest, v cty.Value, id string) (string, hcl.Diagnostics) {
	newID := id
	if k.ids != idCounter {
		if d, ok := k.derive(v); ok {
			newID = d
		}
	}
	if d := k.checkWrite(ctx, c, req, v, id); d.HasErrors() {
		return "", d
	}
	sv, err := k.stored(ctx, c, v, id)
	if err != nil {
		return "", hcl.Diagnostics{p2d(c, err, "read collection members")}
	}
	vals, err := k.values(sv)
	if err != nil {
		return "", hcl.Diagnostics{badValue(req.TypeName, err)}
	}
	var b strings.Builder
	b.WriteString(`UPDATE "` + k.table + `" SET "id" = ?, "owner" = ?`)
	for _, col := range k.cols {
		b.WriteString(`, "` + col.name + `" = ?`)
	}
	b.WriteString(` WHERE "id" = ?`)
	args := append([]any{newID, req.Addr.String()}, vals...)
	args = append(args, id)
	res, err := c.exec(ctx, b.String(), args...)
	if err != nil {
		return "", hcl.Diagnostics{c.s.d.explain(err, "update "+req.TypeName+" "+id)}
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return "", hcl.Diagnostics{providers.Errorf("Object deleted outside updplan",
			"The %s %s was deleted from the site database after the plan was made. Run plan again: it will create the object anew.", req.TypeName, id)}
	}
	return newID, nil
}

func p2d(c *conn, err error, what string) *hcl.Diagnostic {
	var de *decodeError
	if errors.As(err, &de) {
		return providers.Errorf("Unreadable site database row", "Could not %s: %s. Someone changed the row by hand; correct the value in the database.", what, de.msg)
	}
	return c.s.d.explain(err, what)
}

func badValue(typeName string, err error) *hcl.Diagnostic {
	return providers.Errorf("Value not storable", "A value of the %s cannot be stored: %s. This is a bug in the engine or the sitedb provider.", typeName, err)
}

// decodeError is a row value the provider cannot turn into an attribute.
type decodeError struct{ msg string }

func (e *decodeError) Error() string { return e.msg }

func quote(s string) string { b, _ := json.Marshal(s); return string(b) }

// quoteArg quotes an id for a shell command line when it needs it.
func quoteArg(s string) string {
	if strings.ContainsAny(s, " \"'\\[]$") {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	return s
}

// setOf returns the members of a string set, upper-cased (computer names
// compare without case).
func setOf(v cty.Value) map[string]bool {
	out := map[string]bool{}
	for _, s := range strSlice(v) {
		out[strings.ToUpper(s)] = true
	}
	return out
}

func strSlice(v cty.Value) []string {
	if v.IsNull() || !v.IsKnown() {
		return nil
	}
	var out []string
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.IsKnown() && !e.IsNull() {
			out = append(out, e.AsString())
		}
	}
	return out
}

func strSet(ss []string) cty.Value {
	if len(ss) == 0 {
		return cty.SetValEmpty(cty.String)
	}
	vs := make([]cty.Value, len(ss))
	for i, s := range ss {
		vs[i] = cty.StringVal(s)
	}
	return cty.SetVal(vs)
}

// checkWrite runs the rules that must hold inside the write transaction
// before the row of v is written (id "" on create).
func (k *kind) checkWrite(ctx context.Context, c *conn, req providers.ApplyRequest, v cty.Value, id string) hcl.Diagnostics {
	var diags hcl.Diagnostics
	if k.unique != nil {
		diags = append(diags, k.unique(ctx, c, req.Addr.String(), id, v)...)
	}
	if k.applyCheck != nil && !diags.HasErrors() {
		diags = append(diags, k.applyCheck(ctx, c, req, v, id)...)
	}
	return diags
}
