package msrpc

import "fmt"

// MS-SRVS opnums.
const (
	opNetrShareAdd     = 14
	opNetrShareEnum    = 15
	opNetrShareGetInfo = 16
	opNetrShareSetInfo = 17
	opNetrShareDel     = 18
)

// Share types (MS-SRVS 2.2.2.4).
const (
	TypeDisk    uint32 = 0
	TypeIPC     uint32 = 3
	TypeSpecial uint32 = 0x80000000
)

// Unlimited is the MaxUses of a share without a user limit.
const Unlimited uint32 = 0xFFFFFFFF

// ShareInfo is SHARE_INFO_502.
type ShareInfo struct {
	Name        string
	Type        uint32
	Remark      string
	Permissions uint32
	MaxUses     uint32
	CurrentUses uint32
	Path        string
	Password    string
	SD          []byte // self-relative security descriptor; nil for none
}

// Shares is the srvsvc interface bound on a pipe.
type Shares struct{ c *Client }

// NewShares wraps a client bound to SrvSvc.
func NewShares(c *Client) *Shares { return &Shares{c: c} }

// serverName writes the [unique, string] server name.
func serverName(e *encoder, server string) {
	e.ptr(true)
	e.wstring(`\\` + server)
}

// info502 writes the fixed part of SHARE_INFO_502_I; deferred writes its
// referents.
func info502(e *encoder, s ShareInfo) (deferred func()) {
	e.ptr(true)
	e.u32(s.Type)
	e.ptr(true)
	e.u32(s.Permissions)
	e.u32(s.MaxUses)
	e.u32(s.CurrentUses)
	e.ptr(true)
	e.ptr(s.Password != "")
	e.u32(uint32(len(s.SD)))
	e.ptr(s.SD != nil)
	return func() {
		e.wstring(s.Name)
		e.wstring(s.Remark)
		e.wstring(s.Path)
		if s.Password != "" {
			e.wstring(s.Password)
		}
		if s.SD != nil {
			e.bytesConformant(s.SD)
		}
	}
}

// read502 reads the fixed part of SHARE_INFO_502_I; the returned function
// reads its referents.
func read502(d *decoder) (*ShareInfo, func()) {
	s := &ShareInfo{}
	pName := d.ptr()
	s.Type = d.u32()
	pRemark := d.ptr()
	s.Permissions = d.u32()
	s.MaxUses = d.u32()
	s.CurrentUses = d.u32()
	pPath := d.ptr()
	pPass := d.ptr()
	d.u32() // SD size
	pSD := d.ptr()
	return s, func() {
		if pName {
			s.Name = d.wstring()
		}
		if pRemark {
			s.Remark = d.wstring()
		}
		if pPath {
			s.Path = d.wstring()
		}
		if pPass {
			s.Password = d.wstring()
		}
		if pSD {
			s.SD = d.bytesConformant()
		}
	}
}

// status reads the trailing WERROR.
func status(d *decoder) error {
	v := d.u32()
	if d.err != nil {
		return fmt.Errorf("malformed response: %w", d.err)
	}
	if v != 0 {
		return WinError(v)
	}
	return nil
}

// AddRequest is the stub of NetrShareAdd at level 502.
func AddRequest(server string, s ShareInfo) []byte {
	e := &encoder{}
	serverName(e, server)
	e.u32(502)
	e.u32(502) // union discriminant
	e.ptr(true)
	info502(e, s)()
	e.ptr(true) // ParmErr
	e.u32(0)
	return e.b
}

// Add is NetrShareAdd level 502. The folder must exist.
func (s *Shares) Add(server string, info ShareInfo) error {
	out, err := s.c.Call(opNetrShareAdd, AddRequest(server, info))
	if err != nil {
		return err
	}
	d := &decoder{b: out}
	if d.ptr() {
		d.u32() // ParmErr
	}
	return status(d)
}

// GetInfoRequest is the stub of NetrShareGetInfo at level 502.
func GetInfoRequest(server, name string) []byte {
	e := &encoder{}
	serverName(e, server)
	e.wstring(name)
	e.u32(502)
	return e.b
}

// GetInfo is NetrShareGetInfo level 502.
func (s *Shares) GetInfo(server, name string) (ShareInfo, error) {
	out, err := s.c.Call(opNetrShareGetInfo, GetInfoRequest(server, name))
	if err != nil {
		return ShareInfo{}, err
	}
	return decodeGetInfo(out)
}

func decodeGetInfo(out []byte) (ShareInfo, error) {
	d := &decoder{b: out}
	level := d.u32()
	var info ShareInfo
	if d.ptr() {
		if level != 502 {
			return ShareInfo{}, fmt.Errorf("the server answered with level %d, not 502", level)
		}
		p, rest := read502(d)
		rest()
		info = *p
	}
	return info, status(d)
}

// SetInfoRequest is the stub of NetrShareSetInfo at level 502.
func SetInfoRequest(server, name string, info ShareInfo) []byte {
	e := &encoder{}
	serverName(e, server)
	e.wstring(name)
	e.u32(502)
	e.u32(502)
	e.ptr(true)
	info502(e, info)()
	e.ptr(true)
	e.u32(0)
	return e.b
}

// SetInfo is NetrShareSetInfo level 502: remark, max uses, path and
// security descriptor.
func (s *Shares) SetInfo(server, name string, info ShareInfo) error {
	return s.set(SetInfoRequest(server, name, info))
}

// SetSecurityRequest is the stub of NetrShareSetInfo at level 1501.
func SetSecurityRequest(server, name string, sd []byte) []byte {
	e := &encoder{}
	serverName(e, server)
	e.wstring(name)
	e.u32(1501)
	e.u32(1501)
	e.ptr(true)
	e.u32(uint32(len(sd)))
	e.ptr(true)
	e.bytesConformant(sd)
	e.ptr(true)
	e.u32(0)
	return e.b
}

// SetSecurity is NetrShareSetInfo level 1501: the security descriptor
// alone.
func (s *Shares) SetSecurity(server, name string, sd []byte) error {
	return s.set(SetSecurityRequest(server, name, sd))
}

func (s *Shares) set(stub []byte) error {
	out, err := s.c.Call(opNetrShareSetInfo, stub)
	if err != nil {
		return err
	}
	d := &decoder{b: out}
	if d.ptr() {
		d.u32()
	}
	return status(d)
}

// DelRequest is the stub of NetrShareDel.
func DelRequest(server, name string) []byte {
	e := &encoder{}
	serverName(e, server)
	e.wstring(name)
	e.u32(0)
	return e.b
}

// Del is NetrShareDel.
func (s *Shares) Del(server, name string) error {
	out, err := s.c.Call(opNetrShareDel, DelRequest(server, name))
	if err != nil {
		return err
	}
	return status(&decoder{b: out})
}

// EnumRequest is the stub of NetrShareEnum at level 502.
func EnumRequest(server string, resume uint32) []byte {
	e := &encoder{}
	serverName(e, server)
	e.u32(502)
	e.u32(502)
	e.ptr(true)
	e.u32(0)         // EntriesRead
	e.ptr(false)     // Buffer
	e.u32(Unlimited) // PreferedMaximumLength
	e.ptr(true)
	e.u32(resume)
	return e.b
}

// Enum is NetrShareEnum level 502: every share with its path and security
// descriptor.
func (s *Shares) Enum(server string) ([]ShareInfo, error) {
	var all []ShareInfo
	var resume uint32
	for round := 0; round < 1000; round++ {
		out, err := s.c.Call(opNetrShareEnum, EnumRequest(server, resume))
		if err != nil {
			return nil, err
		}
		shares, total, next, more, err := decodeEnum(out)
		if err != nil {
			return nil, err
		}
		all = append(all, shares...)
		if !more || len(shares) == 0 || len(all) >= int(total) {
			return all, nil
		}
		resume = next
	}
	return all, nil
}

// decodeEnum reads a NetrShareEnum response: the shares, the total, the
// resume handle and whether more remain (ERROR_MORE_DATA).
func decodeEnum(out []byte) ([]ShareInfo, uint32, uint32, bool, error) {
	d := &decoder{b: out}
	if level := d.u32(); level != 502 {
		return nil, 0, 0, false, fmt.Errorf("the server answered with level %d, not 502", level)
	}
	d.u32() // discriminant
	var shares []ShareInfo
	if d.ptr() {
		n := d.count()
		if d.ptr() {
			if m := d.count(); m != n {
				return nil, 0, 0, false, fmt.Errorf("malformed share list: %d entries in an array of %d", n, m)
			}
			infos := make([]*ShareInfo, n)
			rests := make([]func(), n)
			for i := 0; i < n && d.err == nil; i++ {
				infos[i], rests[i] = read502(d)
			}
			for i := 0; i < n && d.err == nil; i++ {
				rests[i]()
				shares = append(shares, *infos[i])
			}
		}
	}
	total := d.u32()
	var resume uint32
	if d.ptr() {
		resume = d.u32()
	}
	err := status(d)
	if err == WinError(234) { // ERROR_MORE_DATA
		return shares, total, resume, true, nil
	}
	return shares, total, resume, false, err
}
