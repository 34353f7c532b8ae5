package catalog

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"strings"
	"testing"
	"time"
)

// signedAttrs signs attrs (each an attribute) over content with a fresh
// key and returns the parsed SignedData as checkSigner sees it.
func signedAttrs(t *testing.T, contentType asn1.ObjectIdentifier, attrs ...attribute) *parsedSignedData {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "signer"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	var set []byte
	for _, a := range attrs {
		b, err := asn1.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		set = append(set, b...)
	}
	// Signed as a SET OF; carried as [0] IMPLICIT.
	full, err := asn1.Marshal(asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: set})
	if err != nil {
		t.Fatal(err)
	}
	toSign := append([]byte{0x31}, full[1:]...)
	sum := sha256.Sum256(toSign)
	sig, err := key.Sign(rand.Reader, sum[:], crypto.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	var si signerInfo
	si.DigestAlgorithm.Algorithm = oidSHA256
	si.DigestEncAlg.Algorithm = asn1.ObjectIdentifier{1, 2, 840, 10045, 4, 3, 2} // ecdsa-with-SHA256
	si.AuthAttrs = asn1.RawValue{FullBytes: full, Bytes: set}
	si.EncryptedDigest = sig
	p := &parsedSignedData{signer: cert}
	p.sd.ContentInfo.ContentType = contentType
	p.sd.SignerInfos = []signerInfo{si}
	return p
}

func signedAttr(t *testing.T, oid asn1.ObjectIdentifier, values ...any) attribute {
	t.Helper()
	var set []byte
	for _, v := range values {
		b, err := asn1.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		set = append(set, b...)
	}
	return attribute{Type: oid, Values: asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: set}}
}

// TestCheckSignerSignedAttributes: the message digest and the content
// type are each present once, single-valued, and agree with the content.
func TestCheckSignerSignedAttributes(t *testing.T) {
	content := []byte("the signed content")
	sum := sha256.Sum256(content)
	digest := sum[:]
	tests := map[string]struct {
		attrs   func(t *testing.T) []attribute
		wantErr string // "" = accepted
	}{
		"content type and digest": {func(t *testing.T) []attribute {
			return []attribute{signedAttr(t, oidContentType, oidSpcIndirectData), signedAttr(t, oidMessageDigest, digest)}
		}, ""},
		"content type of something else": {func(t *testing.T) []attribute {
			return []attribute{signedAttr(t, oidContentType, oidTSTInfo), signedAttr(t, oidMessageDigest, digest)}
		}, "content's type"},
		"no content type": {func(t *testing.T) []attribute {
			return []attribute{signedAttr(t, oidMessageDigest, digest)}
		}, "content's type"},
		"two content types": {func(t *testing.T) []attribute {
			return []attribute{signedAttr(t, oidContentType, oidSpcIndirectData), signedAttr(t, oidContentType, oidSpcIndirectData), signedAttr(t, oidMessageDigest, digest)}
		}, "more than once"},
		"two digest values": {func(t *testing.T) []attribute {
			return []attribute{signedAttr(t, oidContentType, oidSpcIndirectData), signedAttr(t, oidMessageDigest, digest, digest)}
		}, "more than one value"},
		"digest of other content": {func(t *testing.T) []attribute {
			other := sha256.Sum256([]byte("other"))
			return []attribute{signedAttr(t, oidContentType, oidSpcIndirectData), signedAttr(t, oidMessageDigest, other[:])}
		}, "do not match the signed content"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			p := signedAttrs(t, oidSpcIndirectData, tt.attrs(t)...)
			_, err := p.checkSigner(content)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error %v, want one saying %q", err, tt.wantErr)
			}
		})
	}
}
