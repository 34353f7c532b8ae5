package msrpc

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"
)

// PDU types (C706 12.6.4).
const (
	ptypeRequest  = 0
	ptypeResponse = 2
	ptypeFault    = 3
	ptypeBind     = 11
	ptypeBindAck  = 12
	ptypeBindNak  = 13
)

const (
	pfcFirstFrag = 0x01
	pfcLastFrag  = 0x02
)

// maxFrag is the fragment size offered in the bind, as Windows clients do.
const maxFrag = 4280

// Interface is an RPC interface: its UUID (in wire order) and version.
type Interface struct {
	Name         string
	UUID         [16]byte
	Major, Minor uint16
}

// ndr20 is the NDR transfer syntax 8a885d04-1ceb-11c9-9fe8-08002b104860 v2.
var ndr20 = mustUUID("8a885d04-1ceb-11c9-9fe8-08002b104860")

// SrvSvc is MS-SRVS, 4b324fc8-1670-01d3-1278-5a47bf6ee188 v3.0.
var SrvSvc = Interface{Name: "srvsvc", UUID: mustUUID("4b324fc8-1670-01d3-1278-5a47bf6ee188"), Major: 3}

// LSARPC is MS-LSAT/LSAD, 12345778-1234-abcd-ef00-0123456789ab v0.0.
var LSARPC = Interface{Name: "lsarpc", UUID: mustUUID("12345778-1234-abcd-ef00-0123456789ab")}

// mustUUID converts the text form to the wire form (the first three fields
// little-endian).
func mustUUID(s string) [16]byte {
	var hex []byte
	for i := 0; i < len(s); i++ {
		if s[i] != '-' {
			hex = append(hex, s[i])
		}
	}
	if len(hex) != 32 {
		panic("bad uuid " + s)
	}
	var raw [16]byte
	for i := range raw {
		var v byte
		for _, c := range hex[2*i : 2*i+2] {
			switch {
			case c >= '0' && c <= '9':
				v = v<<4 | (c - '0')
			case c >= 'a' && c <= 'f':
				v = v<<4 | (c - 'a' + 10)
			default:
				panic("bad uuid " + s)
			}
		}
		raw[i] = v
	}
	var u [16]byte
	u[0], u[1], u[2], u[3] = raw[3], raw[2], raw[1], raw[0]
	u[4], u[5] = raw[5], raw[4]
	u[6], u[7] = raw[7], raw[6]
	copy(u[8:], raw[8:])
	return u
}

// Client is a bound RPC connection over one pipe. Calls are serialized.
type Client struct {
	mu      sync.Mutex
	rw      io.ReadWriter
	iface   Interface
	callID  uint32
	maxXmit int
	buf     []byte // bytes read but not yet used
	// Record, when set, receives each request and response PDU as sent and
	// received (for fixtures).
	Record func(request bool, pdu []byte)
}

// header writes the common 16-byte header.
func header(ptype, flags byte, fragLen int, callID uint32) []byte {
	h := []byte{5, 0, ptype, flags, 0x10, 0, 0, 0}
	h = binary.LittleEndian.AppendUint16(h, uint16(fragLen))
	h = binary.LittleEndian.AppendUint16(h, 0)
	return binary.LittleEndian.AppendUint32(h, callID)
}

// bindPDU is the bind request for iface.
func bindPDU(iface Interface, callID uint32) []byte {
	body := binary.LittleEndian.AppendUint16(nil, maxFrag)
	body = binary.LittleEndian.AppendUint16(body, maxFrag)
	body = binary.LittleEndian.AppendUint32(body, 0) // assoc group
	body = append(body, 1, 0, 0, 0)                  // one context
	body = binary.LittleEndian.AppendUint16(body, 0) // context id
	body = append(body, 1, 0)                        // one transfer syntax
	body = append(body, iface.UUID[:]...)
	body = binary.LittleEndian.AppendUint16(body, iface.Major)
	body = binary.LittleEndian.AppendUint16(body, iface.Minor)
	body = append(body, ndr20[:]...)
	body = binary.LittleEndian.AppendUint32(body, 2)
	return append(header(ptypeBind, pfcFirstFrag|pfcLastFrag, 16+len(body), callID), body...)
}

// Bind binds iface on the pipe rw.
func Bind(rw io.ReadWriter, iface Interface) (*Client, error) {
	c := &Client{rw: rw, iface: iface, callID: 1, maxXmit: maxFrag}
	if err := c.bind(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Client) bind() error {
	if _, err := c.rw.Write(bindPDU(c.iface, c.callID)); err != nil {
		return fmt.Errorf("bind %s: %w", c.iface.Name, err)
	}
	ptype, _, body, err := c.readFrag(c.callID)
	if err != nil {
		return fmt.Errorf("bind %s: %w", c.iface.Name, err)
	}
	c.callID++
	switch ptype {
	case ptypeBindAck:
	case ptypeBindNak:
		return fmt.Errorf("bind %s: the server refused the interface", c.iface.Name)
	default:
		return fmt.Errorf("bind %s: unexpected PDU type %d", c.iface.Name, ptype)
	}
	d := &decoder{b: body}
	xmit := int(d.u16())
	d.u16() // max recv
	d.u32() // assoc group
	d.take(int(d.u16()))
	d.off += (4 - (16+d.off)%4) % 4 // the result list is 4-aligned in the PDU
	n := int(d.u8())
	d.take(3)
	if d.err != nil || n < 1 {
		return fmt.Errorf("bind %s: malformed bind_ack", c.iface.Name)
	}
	if result := d.u16(); result != 0 {
		return fmt.Errorf("bind %s: the server refused the transfer syntax (result %d, reason %d)", c.iface.Name, result, d.u16())
	}
	if xmit >= 1024 && xmit < c.maxXmit {
		c.maxXmit = xmit
	}
	return nil
}

// readFrag reads one whole fragment and returns its type, flags and body
// (after the 16-byte header).
func (c *Client) readFrag(callID uint32) (byte, byte, []byte, error) {
	for {
		if len(c.buf) >= 16 {
			fragLen := int(binary.LittleEndian.Uint16(c.buf[8:]))
			if fragLen < 16 {
				return 0, 0, nil, errors.New("malformed PDU header")
			}
			if len(c.buf) >= fragLen {
				pdu := c.buf[:fragLen:fragLen]
				c.buf = append([]byte(nil), c.buf[fragLen:]...)
				if c.Record != nil {
					c.Record(false, pdu)
				}
				if pdu[0] != 5 || pdu[4]&0xf0 != 0x10 {
					return 0, 0, nil, errors.New("the server answered in an unsupported format (not DCE/RPC 5, little-endian)")
				}
				if got := binary.LittleEndian.Uint32(pdu[12:]); got != callID {
					return 0, 0, nil, fmt.Errorf("answer to call %d while waiting for call %d", got, callID)
				}
				return pdu[2], pdu[3], pdu[16:], nil
			}
		}
		b := make([]byte, 65536)
		n, err := c.rw.Read(b)
		c.buf = append(c.buf, b[:n]...)
		if err != nil && n == 0 {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return 0, 0, nil, err
		}
	}
}

// Call sends a request with opnum and the stub, and returns the response
// stub.
func (c *Client) Call(opnum uint16, stub []byte) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	id := c.callID
	c.callID++
	maxStub := c.maxXmit - 24
	for off := 0; off == 0 || off < len(stub); off += maxStub {
		end := min(off+maxStub, len(stub))
		var flags byte
		if off == 0 {
			flags |= pfcFirstFrag
		}
		if end == len(stub) {
			flags |= pfcLastFrag
		}
		pdu := header(ptypeRequest, flags, 24+end-off, id)
		pdu = binary.LittleEndian.AppendUint32(pdu, uint32(len(stub)-off))
		pdu = binary.LittleEndian.AppendUint16(pdu, 0)
		pdu = binary.LittleEndian.AppendUint16(pdu, opnum)
		pdu = append(pdu, stub[off:end]...)
		if c.Record != nil {
			c.Record(true, pdu)
		}
		if _, err := c.rw.Write(pdu); err != nil {
			return nil, err
		}
		if end == len(stub) {
			break
		}
	}
	var out []byte
	for {
		ptype, flags, body, err := c.readFrag(id)
		if err != nil {
			return nil, err
		}
		if len(body) < 8 {
			return nil, errors.New("malformed response PDU")
		}
		switch ptype {
		case ptypeResponse:
		case ptypeFault:
			return nil, Fault(binary.LittleEndian.Uint32(body[8:]))
		default:
			return nil, fmt.Errorf("unexpected PDU type %d", ptype)
		}
		out = append(out, body[8:]...)
		if flags&pfcLastFrag != 0 {
			return out, nil
		}
	}
}

// Fault is an RPC fault status.
type Fault uint32

func (f Fault) Error() string {
	switch f {
	case 5:
		return "RPC fault: access denied"
	case 0x1c010002:
		return "RPC fault: the server does not support this operation (nca_s_op_rng_error)"
	case 0x1c010003:
		return "RPC fault: unknown interface"
	case 0x6f7:
		return "RPC fault: the server could not read the request (rpc_x_bad_stub_data)"
	}
	return fmt.Sprintf("RPC fault 0x%08x", uint32(f))
}

// WinError is a Win32 or NERR status a server returned.
type WinError uint32

// Win32 and NERR codes the share driver acts on.
const (
	ErrAccessDenied     WinError = 5
	ErrFileNotFound     WinError = 2
	ErrPathNotFound     WinError = 3
	ErrInvalidParameter WinError = 87
	ErrInvalidName      WinError = 123
	ErrFileExists       WinError = 80 // Samba's answer to a duplicate share name
	ErrDuplicateShare   WinError = 2118
	ErrNetNameNotFound  WinError = 2310
	ErrBadDev           WinError = 2116 // NERR_UnknownDevDir: the folder does not exist
	ErrInvalidLevel     WinError = 124
)

func (w WinError) Error() string {
	switch w {
	case ErrAccessDenied:
		return "access denied (WERR_ACCESS_DENIED)"
	case ErrFileNotFound:
		return "the folder does not exist (WERR_FILE_NOT_FOUND)"
	case ErrPathNotFound:
		return "the folder does not exist (WERR_PATH_NOT_FOUND)"
	case ErrInvalidParameter:
		return "invalid parameter (WERR_INVALID_PARAMETER)"
	case ErrInvalidName:
		return "invalid name (WERR_INVALID_NAME)"
	case ErrFileExists, ErrDuplicateShare:
		return "the share name is already in use (NERR_DuplicateShare)"
	case ErrNetNameNotFound:
		return "the share does not exist (NERR_NetNameNotFound)"
	case ErrBadDev:
		return "the folder does not exist (NERR_UnknownDevDir)"
	case ErrInvalidLevel:
		return "information level not supported (WERR_INVALID_LEVEL)"
	}
	return fmt.Sprintf("Windows error %d (0x%08x)", uint32(w), uint32(w))
}

// IsNoSuchShare reports the answer to a share name the server does not have
// (Windows: NERR_NetNameNotFound; Samba: WERR_INVALID_NAME).
func IsNoSuchShare(err error) bool {
	var w WinError
	return errors.As(err, &w) && (w == ErrNetNameNotFound || w == ErrInvalidName)
}

// IsDuplicate reports the answer to adding a share name in use (Windows:
// NERR_DuplicateShare; Samba: WERR_FILE_EXISTS).
func IsDuplicate(err error) bool {
	var w WinError
	return errors.As(err, &w) && (w == ErrDuplicateShare || w == ErrFileExists)
}

// NTStatus is an NTSTATUS an LSA call returned.
type NTStatus uint32

const (
	StatusSomeNotMapped NTStatus = 0x00000107
	StatusNoneMapped    NTStatus = 0xC0000073
	StatusAccessDenied  NTStatus = 0xC0000022
)

func (s NTStatus) Error() string {
	switch s {
	case StatusSomeNotMapped:
		return "some names could not be resolved (STATUS_SOME_NOT_MAPPED)"
	case StatusNoneMapped:
		return "no name could be resolved (STATUS_NONE_MAPPED)"
	case StatusAccessDenied:
		return "access denied (STATUS_ACCESS_DENIED)"
	}
	return fmt.Sprintf("NTSTATUS 0x%08x", uint32(s))
}
