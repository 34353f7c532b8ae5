package msrpc

import "fmt"

// MS-LSAT opnums.
const (
	opLsarClose       = 0
	opLsarLookupNames = 14
	opLsarLookupSids  = 15
	opLsarOpenPolicy2 = 44
)

// Access a policy handle is opened with: POLICY_LOOKUP_NAMES |
// POLICY_VIEW_LOCAL_INFORMATION.
const policyAccess = 0x00000801

// lookupLevel is LsapLookupWksta: the server looks in its own accounts and
// in the domains it trusts.
const lookupLevel = 1

// SID name uses (SID_NAME_USE).
const (
	UseUser           = 1
	UseGroup          = 2
	UseDomain         = 3
	UseAlias          = 4
	UseWellKnownGroup = 5
	UseDeleted        = 6
	UseInvalid        = 7
	UseUnknown        = 8
	UseComputer       = 9
)

// Policy is an open LSA policy handle on a client bound to LSARPC.
type Policy struct {
	c      *Client
	handle [20]byte
}

// OpenPolicyRequest is the stub of LsarOpenPolicy2.
func OpenPolicyRequest(server string) []byte {
	e := &encoder{}
	serverName(e, server)
	// LSAPR_OBJECT_ATTRIBUTES, all empty.
	e.u32(24)
	e.ptr(false)
	e.ptr(false)
	e.u32(0)
	e.ptr(false)
	e.ptr(false)
	e.u32(policyAccess)
	return e.b
}

// OpenPolicy is LsarOpenPolicy2.
func OpenPolicy(c *Client, server string) (*Policy, error) {
	out, err := c.Call(opLsarOpenPolicy2, OpenPolicyRequest(server))
	if err != nil {
		return nil, err
	}
	d := &decoder{b: out}
	p := &Policy{c: c}
	copy(p.handle[:], d.take(20))
	if err := ntstatus(d); err != nil {
		return nil, err
	}
	return p, nil
}

func ntstatus(d *decoder) error {
	v := d.u32()
	if d.err != nil {
		return fmt.Errorf("malformed response: %w", d.err)
	}
	if v != 0 && v != uint32(StatusSomeNotMapped) {
		return NTStatus(v)
	}
	return nil
}

// Close is LsarClose.
func (p *Policy) Close() error {
	e := &encoder{}
	e.b = append(e.b, p.handle[:]...)
	out, err := p.c.Call(opLsarClose, e.b)
	if err != nil {
		return err
	}
	d := &decoder{b: out}
	d.take(20)
	return ntstatus(d)
}

// Translated is the answer for one name or SID.
type Translated struct {
	Use    uint16 // UseUser, UseAlias, ...; UseUnknown when not found
	SID    SID    // LookupNames
	Domain string // the domain's name ("" for well-known SIDs such as Everyone)
	Name   string // LookupSids: the account name
}

// Found reports whether the server resolved the entry.
func (t Translated) Found() bool { return t.Use != UseUnknown && t.Use != UseInvalid && t.Use != 0 }

// LookupNamesRequest is the stub of LsarLookupNames.
func LookupNamesRequest(handle [20]byte, names []string) []byte {
	e := &encoder{}
	e.b = append(e.b, handle[:]...)
	e.u32(uint32(len(names)))
	e.u32(uint32(len(names))) // conformant array
	bufs := make([][]uint16, len(names))
	for i, n := range names {
		bufs[i] = e.unicodeString(n)
	}
	for _, u := range bufs {
		e.unicodeBuffer(u)
	}
	return lookupTail(e)
}

// lookupTail ends a lookup request: an empty translation list (no entries,
// a null array), the lookup level and a zero mapped count.
func lookupTail(e *encoder) []byte {
	e.u32(0)
	e.ptr(false)
	e.u16(lookupLevel)
	e.u32(0)
	return e.b
}

// LookupNames is LsarLookupNames. Names the server does not know come back
// with Use UseUnknown; it fails only when none is known.
func (p *Policy) LookupNames(names []string) ([]Translated, error) {
	out, err := p.c.Call(opLsarLookupNames, LookupNamesRequest(p.handle, names))
	if err != nil {
		return nil, err
	}
	return decodeLookupNames(out, len(names))
}

// domainList reads a referenced domain list.
func domainList(d *decoder) []Translated {
	if !d.ptr() {
		return nil
	}
	n := d.count()
	present := d.ptr()
	d.u32() // MaxEntries
	if !present {
		return nil
	}
	if m := d.count(); m != n {
		d.fail(fmt.Errorf("malformed domain list: %d entries in an array of %d", n, m))
		return nil
	}
	type fixed struct{ name, sid bool }
	fx := make([]fixed, n)
	for i := 0; i < n && d.err == nil; i++ {
		d.u16()
		d.u16()
		fx[i].name = d.ptr()
		fx[i].sid = d.ptr()
	}
	doms := make([]Translated, n)
	for i := 0; i < n && d.err == nil; i++ {
		if fx[i].name {
			doms[i].Domain = d.unicodeBuffer()
		}
		if fx[i].sid {
			doms[i].SID = d.sid()
		}
	}
	return doms
}

func decodeLookupNames(out []byte, want int) ([]Translated, error) {
	d := &decoder{b: out}
	doms := domainList(d)
	n := d.count()
	var res []Translated
	if d.ptr() {
		if m := d.count(); m != n {
			return nil, fmt.Errorf("malformed response: %d entries in an array of %d", n, m)
		}
		for i := 0; i < n && d.err == nil; i++ {
			t := Translated{Use: d.u16()}
			rid := d.u32()
			idx := int32(d.u32())
			if t.Found() && idx >= 0 && int(idx) < len(doms) {
				t.Domain = doms[idx].Domain
				if t.Use == UseDomain {
					t.SID = doms[idx].SID
				} else {
					t.SID = doms[idx].SID.withRID(rid)
				}
			} else if t.Found() {
				t.Use = UseUnknown
			}
			res = append(res, t)
		}
	}
	d.u32() // MappedCount
	if err := ntstatus(d); err != nil {
		if err == StatusNoneMapped {
			return unknowns(want), nil
		}
		return nil, err
	}
	if len(res) != want {
		return nil, fmt.Errorf("the server answered %d names of %d", len(res), want)
	}
	return res, nil
}

func unknowns(n int) []Translated {
	res := make([]Translated, n)
	for i := range res {
		res[i].Use = UseUnknown
	}
	return res
}

// LookupSidsRequest is the stub of LsarLookupSids.
func LookupSidsRequest(handle [20]byte, sids []SID) []byte {
	e := &encoder{}
	e.b = append(e.b, handle[:]...)
	e.u32(uint32(len(sids)))
	e.ptr(true)
	e.u32(uint32(len(sids)))
	for range sids {
		e.ptr(true)
	}
	for _, s := range sids {
		e.sid(s)
	}
	return lookupTail(e)
}

// LookupSids is LsarLookupSids. SIDs the server does not know come back
// with Use UseUnknown.
func (p *Policy) LookupSids(sids []SID) ([]Translated, error) {
	out, err := p.c.Call(opLsarLookupSids, LookupSidsRequest(p.handle, sids))
	if err != nil {
		return nil, err
	}
	return decodeLookupSids(out, sids)
}

func decodeLookupSids(out []byte, sids []SID) ([]Translated, error) {
	d := &decoder{b: out}
	doms := domainList(d)
	n := d.count()
	var res []Translated
	if d.ptr() {
		if m := d.count(); m != n {
			return nil, fmt.Errorf("malformed response: %d entries in an array of %d", n, m)
		}
		type fixed struct {
			use  uint16
			name bool
			idx  int32
		}
		fx := make([]fixed, n)
		for i := 0; i < n && d.err == nil; i++ {
			fx[i].use = d.u16()
			d.u16()
			d.u16()
			fx[i].name = d.ptr()
			fx[i].idx = int32(d.u32())
		}
		for i := 0; i < n && d.err == nil; i++ {
			t := Translated{Use: fx[i].use}
			if i < len(sids) {
				t.SID = sids[i]
			}
			if fx[i].name {
				t.Name = d.unicodeBuffer()
			}
			if idx := fx[i].idx; idx >= 0 && int(idx) < len(doms) {
				t.Domain = doms[idx].Domain
			}
			res = append(res, t)
		}
	}
	d.u32() // MappedCount
	if err := ntstatus(d); err != nil {
		if err == StatusNoneMapped {
			res := unknowns(len(sids))
			for i := range res {
				res[i].SID = sids[i]
			}
			return res, nil
		}
		return nil, err
	}
	if len(res) != len(sids) {
		return nil, fmt.Errorf("the server answered %d SIDs of %d", len(res), len(sids))
	}
	return res, nil
}
