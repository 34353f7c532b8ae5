package catalog

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
)

// cabDigest computes, from a cabinet's bytes written to it in order, the
// SHA-256 Authenticode digest of the cabinet and collects its signature
// blob. The digest covers the header (without the fields the signature
// changes), the folder headers and everything from the first file entry to
// the end of the cabinet proper; the signature follows the cabinet.
//
// Only the layout that signing tools produce is accepted: one cabinet (no
// multi-part sets), a reserve area holding exactly the 20-byte signature
// header, no per-folder or per-data reserve.
type cabDigest struct {
	head    []byte // the bytes up to the first file entry
	need    int    // how many bytes head must reach
	h       hash.Hash
	offset  int64 // bytes seen
	total   int64 // end of the cabinet proper (signature offset)
	sigSize int64
	sig     []byte
	err     error
	signed  bool
}

const (
	cabMagic          = 0x4643534d // "MSCF"
	cabHeaderSize     = 36
	cabSigHeaderStart = cabHeaderSize + 4 // after the reserve sizes
	cabSigHeaderSize  = 20
	flagPrev          = 1
	flagNext          = 2
	flagReserve       = 4
	maxSignatureSize  = 8 << 20
	maxCabHeadSize    = 1 << 20
)

// errUnsigned says the cabinet carries no signature.
var errUnsigned = errors.New("the cabinet carries no Authenticode signature")

func newCabDigest() *cabDigest {
	return &cabDigest{need: cabHeaderSize, h: sha256.New()}
}

func (c *cabDigest) Write(p []byte) (int, error) {
	n := len(p)
	if c.err != nil {
		return n, nil // the error is reported by finish; the copy goes on hashing
	}
	for len(p) > 0 && c.err == nil {
		switch {
		case c.offset < int64(c.need):
			k := min(len(p), c.need-int(c.offset))
			c.head = append(c.head, p[:k]...)
			c.offset += int64(k)
			p = p[k:]
			if c.offset == int64(c.need) {
				c.err = c.parseHead()
			}
		case c.offset < c.total:
			k := int(min(int64(len(p)), c.total-c.offset))
			c.h.Write(p[:k])
			c.offset += int64(k)
			p = p[k:]
		case c.offset < c.total+c.sigSize:
			k := int(min(int64(len(p)), c.total+c.sigSize-c.offset))
			c.sig = append(c.sig, p[:k]...)
			c.offset += int64(k)
			p = p[k:]
		default:
			c.err = errors.New("the file has data after the cabinet and its signature")
		}
	}
	return n, nil
}

// parseHead is called each time head has reached need bytes; it either
// raises need or starts the digest.
func (c *cabDigest) parseHead() error {
	le := binary.LittleEndian
	b := c.head
	if le.Uint32(b) != cabMagic {
		return errors.New("the file is not a cabinet (no MSCF header)")
	}
	total, offFiles := le.Uint32(b[8:]), le.Uint32(b[16:])
	folders, flags := le.Uint16(b[26:]), le.Uint16(b[30:])
	if flags&(flagPrev|flagNext) != 0 {
		return errors.New("the cabinet is part of a multi-part set")
	}
	if flags&flagReserve == 0 {
		return errUnsigned
	}
	if len(b) == cabHeaderSize {
		c.need = cabSigHeaderStart + cabSigHeaderSize
		return nil
	}
	if len(b) == cabSigHeaderStart+cabSigHeaderSize {
		headerReserve, folderReserve, dataReserve := le.Uint16(b[36:]), b[38], b[39]
		if folderReserve != 0 || dataReserve != 0 || headerReserve < cabSigHeaderSize {
			return errors.New("the cabinet has reserve areas that signing tools do not produce")
		}
		if headerReserve != cabSigHeaderSize {
			return errUnsigned // room reserved for a signature, none written
		}
		sigOffset, sigSize := le.Uint32(b[44:]), le.Uint32(b[48:])
		if sigOffset != total || sigSize == 0 {
			return errUnsigned
		}
		if sigSize > maxSignatureSize {
			return fmt.Errorf("the signature is %d bytes, more than the %d a catalog signature needs", sigSize, maxSignatureSize)
		}
		want := cabSigHeaderStart + cabSigHeaderSize + 8*int(folders)
		if int(offFiles) != want || want > maxCabHeadSize || int64(total) < int64(want) {
			return errors.New("the cabinet's header is inconsistent (file entries do not follow the folder headers)")
		}
		c.total, c.sigSize = int64(total), int64(sigSize)
		c.need = want
		c.signed = true
		if want > len(b) {
			return nil
		}
	}
	// The whole head is here: digest the signed header fields, then the
	// folder headers; everything after goes through Write.
	c.h.Write(b[0:4])   // magic; reserved1 is left out
	c.h.Write(b[8:34])  // total size .. set id; the cabinet number is left out
	c.h.Write(b[56:60]) // the signature header's last field
	c.h.Write(b[cabSigHeaderStart+cabSigHeaderSize:])
	c.need = len(b)
	return nil
}

// finish returns the SHA-256 Authenticode digest and the signature blob.
func (c *cabDigest) finish() (digest, signature []byte, err error) {
	if c.err != nil {
		return nil, nil, c.err
	}
	if c.offset < int64(c.need) && !c.signed {
		return nil, nil, errors.New("the file is too short to be a cabinet")
	}
	if c.offset != c.total+c.sigSize || !c.signed {
		return nil, nil, errors.New("the cabinet is truncated")
	}
	return c.h.Sum(nil), c.sig, nil
}
