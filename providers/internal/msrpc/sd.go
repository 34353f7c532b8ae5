package msrpc

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// SID is a security identifier.
type SID struct {
	Revision  uint8
	Authority [6]byte
	Sub       []uint32
}

// ParseSID parses S-1-5-21-...; the authority may be decimal or 0x hex.
func ParseSID(s string) (SID, error) {
	parts := strings.Split(s, "-")
	if len(parts) < 3 || !strings.EqualFold(parts[0], "S") {
		return SID{}, fmt.Errorf("%q is not a SID (S-1-...)", s)
	}
	rev, err := strconv.ParseUint(parts[1], 10, 8)
	if err != nil || rev != 1 {
		return SID{}, fmt.Errorf("%q is not a SID of revision 1", s)
	}
	var auth uint64
	if strings.HasPrefix(strings.ToLower(parts[2]), "0x") {
		auth, err = strconv.ParseUint(parts[2][2:], 16, 48)
	} else {
		auth, err = strconv.ParseUint(parts[2], 10, 48)
	}
	if err != nil {
		return SID{}, fmt.Errorf("%q has an invalid identifier authority", s)
	}
	sid := SID{Revision: 1}
	for i := 0; i < 6; i++ {
		sid.Authority[5-i] = byte(auth >> (8 * i))
	}
	if len(parts)-3 > 15 {
		return SID{}, fmt.Errorf("%q has more than 15 sub-authorities", s)
	}
	for _, p := range parts[3:] {
		v, err := strconv.ParseUint(p, 10, 32)
		if err != nil {
			return SID{}, fmt.Errorf("%q has an invalid sub-authority %q", s, p)
		}
		sid.Sub = append(sid.Sub, uint32(v))
	}
	return sid, nil
}

// IsSID reports whether s is written as a SID.
func IsSID(s string) bool {
	_, err := ParseSID(s)
	return err == nil
}

func (s SID) String() string {
	var auth uint64
	for _, b := range s.Authority {
		auth = auth<<8 | uint64(b)
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "S-%d-%d", s.Revision, auth)
	for _, v := range s.Sub {
		fmt.Fprintf(&sb, "-%d", v)
	}
	return sb.String()
}

// binary is the SID's self-relative form.
func (s SID) binary() []byte {
	b := []byte{s.Revision, byte(len(s.Sub))}
	b = append(b, s.Authority[:]...)
	for _, v := range s.Sub {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	return b
}

// Domain is the SID without its last sub-authority, and that RID.
func (s SID) withRID(rid uint32) SID {
	return SID{Revision: s.Revision, Authority: s.Authority, Sub: append(append([]uint32(nil), s.Sub...), rid)}
}

func parseSIDBytes(b []byte) (SID, int, error) {
	if len(b) < 8 {
		return SID{}, 0, errors.New("a SID is cut short")
	}
	n := int(b[1])
	size := 8 + 4*n
	if len(b) < size || n > 15 {
		return SID{}, 0, errors.New("a SID is cut short")
	}
	s := SID{Revision: b[0]}
	copy(s.Authority[:], b[2:8])
	for i := 0; i < n; i++ {
		s.Sub = append(s.Sub, binary.LittleEndian.Uint32(b[8+4*i:]))
	}
	return s, size, nil
}

// ACE types.
const (
	AccessAllowed uint8 = 0
	AccessDenied  uint8 = 1
)

// ACE is one entry of a DACL.
type ACE struct {
	Type  uint8 // AccessAllowed or AccessDenied
	Flags uint8
	Mask  uint32
	SID   SID
}

// SecurityDescriptor is a self-relative security descriptor; only the
// owner, group and DACL are kept.
type SecurityDescriptor struct {
	Control uint16
	Owner   *SID
	Group   *SID
	DACL    []ACE // nil with DACLPresent unset: no DACL (everyone allowed)
}

// Control bits.
const (
	DACLPresent  uint16 = 0x0004
	SelfRelative uint16 = 0x8000
)

// Encode returns the self-relative form: header, owner, group, DACL.
func (sd SecurityDescriptor) Encode() []byte {
	ctl := sd.Control | SelfRelative
	if sd.DACL != nil {
		ctl |= DACLPresent
	}
	out := make([]byte, 20)
	out[0] = 1
	binary.LittleEndian.PutUint16(out[2:], ctl)
	if sd.Owner != nil {
		binary.LittleEndian.PutUint32(out[4:], uint32(len(out)))
		out = append(out, sd.Owner.binary()...)
	}
	if sd.Group != nil {
		binary.LittleEndian.PutUint32(out[8:], uint32(len(out)))
		out = append(out, sd.Group.binary()...)
	}
	if sd.DACL != nil {
		binary.LittleEndian.PutUint32(out[16:], uint32(len(out)))
		var aces []byte
		for _, a := range sd.DACL {
			sid := a.SID.binary()
			ace := []byte{a.Type, a.Flags}
			ace = binary.LittleEndian.AppendUint16(ace, uint16(8+len(sid)))
			ace = binary.LittleEndian.AppendUint32(ace, a.Mask)
			aces = append(aces, append(ace, sid...)...)
		}
		acl := []byte{2, 0}
		acl = binary.LittleEndian.AppendUint16(acl, uint16(8+len(aces)))
		acl = binary.LittleEndian.AppendUint16(acl, uint16(len(sd.DACL)))
		acl = append(acl, 0, 0)
		out = append(out, append(acl, aces...)...)
	}
	return out
}

// DecodeSecurityDescriptor reads a self-relative security descriptor.
func DecodeSecurityDescriptor(b []byte) (SecurityDescriptor, error) {
	var sd SecurityDescriptor
	if len(b) < 20 || b[0] != 1 {
		return sd, errors.New("not a self-relative security descriptor of revision 1")
	}
	sd.Control = binary.LittleEndian.Uint16(b[2:])
	if sd.Control&SelfRelative == 0 {
		return sd, errors.New("the security descriptor is not self-relative")
	}
	sidAt := func(off uint32) (*SID, error) {
		if off == 0 {
			return nil, nil
		}
		if int(off) >= len(b) {
			return nil, errors.New("a SID offset points outside the security descriptor")
		}
		s, _, err := parseSIDBytes(b[off:])
		return &s, err
	}
	var err error
	if sd.Owner, err = sidAt(binary.LittleEndian.Uint32(b[4:])); err != nil {
		return sd, err
	}
	if sd.Group, err = sidAt(binary.LittleEndian.Uint32(b[8:])); err != nil {
		return sd, err
	}
	off := int(binary.LittleEndian.Uint32(b[16:]))
	if sd.Control&DACLPresent == 0 || off == 0 {
		return sd, nil
	}
	if off+8 > len(b) {
		return sd, errors.New("the DACL offset points outside the security descriptor")
	}
	acl := b[off:]
	size, count := int(binary.LittleEndian.Uint16(acl[2:])), int(binary.LittleEndian.Uint16(acl[4:]))
	if size > len(acl) || size < 8 {
		return sd, errors.New("the DACL is cut short")
	}
	acl = acl[8:size]
	sd.DACL = []ACE{}
	for i := 0; i < count; i++ {
		if len(acl) < 8 {
			return sd, errors.New("an ACE is cut short")
		}
		aceSize := int(binary.LittleEndian.Uint16(acl[2:]))
		if aceSize < 16 || aceSize > len(acl) {
			return sd, errors.New("an ACE has an invalid size")
		}
		a := ACE{Type: acl[0], Flags: acl[1], Mask: binary.LittleEndian.Uint32(acl[4:])}
		if a.SID, _, err = parseSIDBytes(acl[8:aceSize]); err != nil {
			return sd, err
		}
		sd.DACL = append(sd.DACL, a)
		acl = acl[aceSize:]
	}
	return sd, nil
}
