package msrpc

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf16"
)

// encoder writes NDR20 little-endian data. Offsets are relative to the
// start of the stub, which is 8-byte aligned in the PDU.
type encoder struct {
	b   []byte
	ref uint32 // last referent id handed out
}

func (e *encoder) align(n int) {
	for len(e.b)%n != 0 {
		e.b = append(e.b, 0)
	}
}

func (e *encoder) u8(v uint8) { e.b = append(e.b, v) }

func (e *encoder) u16(v uint16) {
	e.align(2)
	e.b = binary.LittleEndian.AppendUint16(e.b, v)
}

func (e *encoder) u32(v uint32) {
	e.align(4)
	e.b = binary.LittleEndian.AppendUint32(e.b, v)
}

// ptr writes a unique pointer's referent id: non-zero when present.
func (e *encoder) ptr(present bool) {
	if !present {
		e.u32(0)
		return
	}
	e.ref += 4
	e.u32(0x00020000 + e.ref)
}

// wstring writes a conformant varying string of UTF-16 with its NUL.
func (e *encoder) wstring(s string) {
	u := append(utf16.Encode([]rune(s)), 0)
	e.u32(uint32(len(u)))
	e.u32(0)
	e.u32(uint32(len(u)))
	for _, c := range u {
		e.b = binary.LittleEndian.AppendUint16(e.b, c)
	}
}

// bytesConformant writes a conformant byte array.
func (e *encoder) bytesConformant(b []byte) {
	e.u32(uint32(len(b)))
	e.b = append(e.b, b...)
}

// unicodeString writes the fixed part of an RPC_UNICODE_STRING (lengths in
// bytes, no NUL) and returns its UTF-16; the buffer is deferred.
func (e *encoder) unicodeString(s string) []uint16 {
	u := utf16.Encode([]rune(s))
	e.u16(uint16(2 * len(u)))
	e.u16(uint16(2 * len(u)))
	e.ptr(true)
	return u
}

// unicodeBuffer writes the deferred buffer of an RPC_UNICODE_STRING.
func (e *encoder) unicodeBuffer(u []uint16) {
	e.u32(uint32(len(u)))
	e.u32(0)
	e.u32(uint32(len(u)))
	for _, c := range u {
		e.b = binary.LittleEndian.AppendUint16(e.b, c)
	}
}

// sid writes an RPC_SID (a conformant structure: the count comes first).
func (e *encoder) sid(s SID) {
	e.u32(uint32(len(s.Sub)))
	e.u8(s.Revision)
	e.u8(uint8(len(s.Sub)))
	e.b = append(e.b, s.Authority[:]...)
	for _, v := range s.Sub {
		e.u32(v)
	}
}

// errShort is returned when a response ends early.
var errShort = errors.New("the response ends early")

// decoder reads NDR20 little-endian data.
type decoder struct {
	b   []byte
	off int
	err error
}

func (d *decoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
}

func (d *decoder) align(n int) {
	for d.off%n != 0 {
		d.off++
	}
}

func (d *decoder) take(n int) []byte {
	if d.err != nil || n < 0 || d.off+n > len(d.b) {
		d.fail(errShort)
		return make([]byte, max(n, 0))
	}
	p := d.b[d.off : d.off+n]
	d.off += n
	return p
}

func (d *decoder) u8() uint8 { return d.take(1)[0] }

func (d *decoder) u16() uint16 {
	d.align(2)
	return binary.LittleEndian.Uint16(d.take(2))
}

func (d *decoder) u32() uint32 {
	d.align(4)
	return binary.LittleEndian.Uint32(d.take(4))
}

// ptr reads a pointer's referent id and reports whether it is non-null.
func (d *decoder) ptr() bool { return d.u32() != 0 }

// maxElems bounds counts read from the wire.
const maxElems = 1 << 20

func (d *decoder) count() int {
	n := d.u32()
	if n > maxElems || int(n) > len(d.b) {
		d.fail(fmt.Errorf("a count of %d does not fit the response", n))
		return 0
	}
	return int(n)
}

// wstring reads a conformant varying string and drops its NUL.
func (d *decoder) wstring() string {
	d.count()
	d.u32() // offset
	n := d.count()
	raw := d.take(2 * n)
	u := make([]uint16, n)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(raw[2*i:])
	}
	for len(u) > 0 && u[len(u)-1] == 0 {
		u = u[:len(u)-1]
	}
	return string(utf16.Decode(u))
}

func (d *decoder) bytesConformant() []byte {
	n := d.count()
	return append([]byte(nil), d.take(n)...)
}

// unicodeBuffer reads the deferred buffer of an RPC_UNICODE_STRING.
func (d *decoder) unicodeBuffer() string { return d.wstring() }

func (d *decoder) sid() SID {
	n := d.count()
	var s SID
	s.Revision = d.u8()
	if c := int(d.u8()); c != n {
		d.fail(fmt.Errorf("a SID says %d sub-authorities and is sent with %d", c, n))
	}
	copy(s.Authority[:], d.take(6))
	for i := 0; i < n && d.err == nil; i++ {
		s.Sub = append(s.Sub, d.u32())
	}
	return s
}
