package catalog

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"crypto/x509/pkix"
	"embed"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"sort"
	"time"
)

// SignatureVerifier checks the Authenticode signature of a catalog while its
// bytes stream past (a download, a copy, a hash), so that a catalog is read
// once and the bytes that land are the bytes that were checked.
type SignatureVerifier interface {
	// Begin starts checking one catalog: write all of its bytes, in order,
	// to the returned check, then call Finish.
	Begin() SignatureCheck
	// Key identifies the trust policy (the anchors), so that a cached
	// result is reused only under the same policy.
	Key() string
}

// SignatureCheck is one catalog being checked.
type SignatureCheck interface {
	io.Writer
	// Finish returns the subject of the certificate of the first valid
	// SHA-256 signature, or a *SignatureError.
	Finish() (signer string, err error)
}

// SignatureError says why a catalog's signature does not verify.
type SignatureError struct {
	Kind   string // "unsigned", "tampered", "untrusted", "weak", "malformed"
	Reason string
}

func (e *SignatureError) Error() string { return e.Reason }

//go:embed trust/*.pem
var defaultAnchors embed.FS

// Authenticode verifies SHA-256 Authenticode signatures of cabinets against
// a set of trust anchors, walking nested signatures, at the time of a valid
// RFC 3161 time stamp when there is one, else now. It never reaches the
// network (no CRL or OCSP).
type Authenticode struct {
	roots *x509.CertPool
	key   string
	now   func() time.Time
}

// NewAuthenticode trusts the certificates of the given PEM files; with none,
// the Microsoft roots built into updplan.
func NewAuthenticode(pemFiles []string) (*Authenticode, error) {
	var blobs [][]byte
	if len(pemFiles) == 0 {
		names, _ := defaultAnchors.ReadDir("trust")
		for _, n := range names {
			b, err := defaultAnchors.ReadFile("trust/" + n.Name())
			if err != nil {
				return nil, err
			}
			blobs = append(blobs, b)
		}
	}
	for _, f := range pemFiles {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		blobs = append(blobs, b)
	}
	a := &Authenticode{roots: x509.NewCertPool(), now: time.Now}
	var prints []string
	for i, b := range blobs {
		n := 0
		for block, rest := pem.Decode(b); block != nil; block, rest = pem.Decode(rest) {
			if block.Type != "CERTIFICATE" {
				continue
			}
			cert, err := x509.ParseCertificate(block.Bytes)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", anchorName(pemFiles, i), err)
			}
			a.roots.AddCert(cert)
			sum := sha256.Sum256(cert.Raw)
			prints = append(prints, hex.EncodeToString(sum[:]))
			n++
		}
		if n == 0 {
			return nil, fmt.Errorf("%s holds no PEM certificate", anchorName(pemFiles, i))
		}
	}
	sort.Strings(prints)
	sum := sha256.Sum256([]byte(fmt.Sprint(prints)))
	a.key = hex.EncodeToString(sum[:8])
	return a, nil
}

func anchorName(files []string, i int) string {
	if i < len(files) {
		return files[i]
	}
	return "a built-in trust anchor"
}

func (a *Authenticode) Key() string { return a.key }

func (a *Authenticode) Begin() SignatureCheck { return &cabCheck{a: a, cab: newCabDigest()} }

type cabCheck struct {
	a   *Authenticode
	cab *cabDigest
}

func (c *cabCheck) Write(p []byte) (int, error) { return c.cab.Write(p) }

func (c *cabCheck) Finish() (string, error) {
	digest, sig, err := c.cab.finish()
	if errors.Is(err, errUnsigned) {
		return "", &SignatureError{Kind: "unsigned", Reason: err.Error()}
	}
	if err != nil {
		return "", &SignatureError{Kind: "malformed", Reason: err.Error()}
	}
	return c.a.verifyBlob(sig, digest, 0)
}

var (
	oidSignedData       = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 2}
	oidSpcIndirectData  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 1, 4}
	oidMessageDigest    = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 4}
	oidContentType      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 3}
	oidNestedSignature  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 2, 4, 1}
	oidRFC3161Stamp     = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 311, 3, 3, 1}
	oidTSTInfo          = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 16, 1, 4}
	oidCounterSignature = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 6}
	oidSigningTime      = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 5}
	oidSHA1             = asn1.ObjectIdentifier{1, 3, 14, 3, 2, 26}
	oidSHA256           = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 1}
	oidSHA384           = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 2}
	oidSHA512           = asn1.ObjectIdentifier{2, 16, 840, 1, 101, 3, 4, 2, 3}
	oidRSA              = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1, 1}
	oidECPublicKey      = asn1.ObjectIdentifier{1, 2, 840, 10045, 2, 1}
)

type contentInfo struct {
	ContentType asn1.ObjectIdentifier
	Content     asn1.RawValue `asn1:"explicit,optional,tag:0"`
}

type signedData struct {
	Version          int
	DigestAlgorithms asn1.RawValue
	ContentInfo      contentInfo
	Certificates     asn1.RawValue `asn1:"optional,tag:0"`
	CRLs             asn1.RawValue `asn1:"optional,tag:1"`
	SignerInfos      []signerInfo  `asn1:"set"`
}

type signerInfo struct {
	Version         int
	IssuerAndSerial struct {
		Issuer asn1.RawValue
		Serial *big.Int
	}
	DigestAlgorithm pkix.AlgorithmIdentifier
	AuthAttrs       asn1.RawValue `asn1:"optional,tag:0"`
	DigestEncAlg    pkix.AlgorithmIdentifier
	EncryptedDigest []byte
	UnauthAttrs     []attribute `asn1:"optional,tag:1"`
}

type attribute struct {
	Type   asn1.ObjectIdentifier
	Values asn1.RawValue `asn1:"set"`
}

type spcIndirectData struct {
	Data          asn1.RawValue
	MessageDigest struct {
		Algorithm pkix.AlgorithmIdentifier
		Digest    []byte
	}
}

type tstInfo struct {
	Version        int
	Policy         asn1.ObjectIdentifier
	MessageImprint struct {
		Algorithm pkix.AlgorithmIdentifier
		Hashed    []byte
	}
	Serial  *big.Int
	GenTime time.Time `asn1:"generalized"`
}

// parsedSignedData is one PKCS#7 SignedData with its only signer.
type parsedSignedData struct {
	sd     signedData
	certs  []*x509.Certificate
	signer *x509.Certificate
}

func parseSignedData(der []byte) (*parsedSignedData, error) {
	var ci contentInfo
	// The blob in a cabinet is padded with zeros to 8 bytes.
	if rest, err := asn1.Unmarshal(der, &ci); err != nil || len(bytes.Trim(rest, "\x00")) > 0 || !ci.ContentType.Equal(oidSignedData) {
		return nil, errors.New("the signature is not a PKCS#7 SignedData")
	}
	p := &parsedSignedData{}
	if _, err := asn1.Unmarshal(ci.Content.Bytes, &p.sd); err != nil {
		return nil, fmt.Errorf("the signature's SignedData does not parse: %v", err)
	}
	if len(p.sd.SignerInfos) != 1 {
		return nil, fmt.Errorf("the signature has %d signers; Authenticode has exactly one", len(p.sd.SignerInfos))
	}
	var err error
	if p.certs, err = x509.ParseCertificates(p.sd.Certificates.Bytes); err != nil {
		return nil, fmt.Errorf("a certificate in the signature does not parse: %v", err)
	}
	si := p.sd.SignerInfos[0]
	p.signer = certOf(p.certs, si)
	if p.signer == nil {
		return nil, errors.New("the signature does not carry its signer's certificate")
	}
	return p, nil
}

// checkSigner checks the signer's authenticated attributes against the
// digest of content and the signature over them; it returns the digest
// algorithm.
func (p *parsedSignedData) checkSigner(content []byte) (crypto.Hash, error) {
	si := p.sd.SignerInfos[0]
	h, ok := hashFor(si.DigestAlgorithm.Algorithm)
	if !ok {
		return 0, fmt.Errorf("the signer uses an unknown digest algorithm %v", si.DigestAlgorithm.Algorithm)
	}
	if len(si.AuthAttrs.Bytes) == 0 {
		return 0, errors.New("the signer has no authenticated attributes")
	}
	// RFC 5652 §5.3 and §11: exactly one message digest and one content
	// type, single-valued, the content type being the signed content's.
	var contentType asn1.ObjectIdentifier
	want, err := authAttrs(si.AuthAttrs.Bytes, oidContentType, "content type", &contentType)
	if err != nil {
		return 0, err
	}
	if !contentType.Equal(p.sd.ContentInfo.ContentType) {
		return 0, errors.New("the signed attributes do not name the signed content's type")
	}
	d := h.New()
	d.Write(content)
	if want == nil || subtle.ConstantTimeCompare(want, d.Sum(nil)) != 1 {
		return 0, errors.New("the signed attributes do not match the signed content")
	}
	signed := append([]byte{0x31}, si.AuthAttrs.FullBytes[1:]...) // [0] IMPLICIT -> SET OF
	alg, ok := signatureAlgorithm(si.DigestEncAlg.Algorithm, h)
	if !ok {
		return 0, fmt.Errorf("the signer uses an unknown signature algorithm %v", si.DigestEncAlg.Algorithm)
	}
	if err := p.signer.CheckSignature(alg, signed, si.EncryptedDigest); err != nil {
		return 0, fmt.Errorf("the signature value does not verify: %v", err)
	}
	return h, nil
}

// verifyBlob verifies one Authenticode SignedData and, when it is not
// acceptable, the signatures nested in it. cabDigest is the cabinet's
// SHA-256 Authenticode digest.
func (a *Authenticode) verifyBlob(der, cabDigest []byte, depth int) (string, error) {
	p, err := parseSignedData(der)
	if err != nil {
		return "", &SignatureError{Kind: "malformed", Reason: err.Error()}
	}
	signer, firstErr := a.verifyOne(p, cabDigest)
	if firstErr == nil {
		return signer, nil
	}
	if depth < 3 {
		for _, attr := range p.sd.SignerInfos[0].UnauthAttrs {
			if !attr.Type.Equal(oidNestedSignature) {
				continue
			}
			for rest := attr.Values.Bytes; len(rest) > 0; {
				var nested asn1.RawValue
				if rest, err = asn1.Unmarshal(rest, &nested); err != nil {
					break
				}
				if signer, err := a.verifyBlob(nested.FullBytes, cabDigest, depth+1); err == nil {
					return signer, nil
				} else if rank(err) > rank(firstErr) {
					firstErr = err
				}
			}
		}
	}
	return "", firstErr
}

// rank orders failures by how much they say: a tampered catalog is worth
// reporting over a SHA-1 signature that was never going to count.
func rank(err error) int {
	var se *SignatureError
	if !errors.As(err, &se) {
		return 0
	}
	return map[string]int{"malformed": 1, "weak": 2, "untrusted": 3, "tampered": 4}[se.Kind]
}

func (a *Authenticode) verifyOne(p *parsedSignedData, cabDigest []byte) (string, error) {
	if !p.sd.ContentInfo.ContentType.Equal(oidSpcIndirectData) {
		return "", &SignatureError{Kind: "malformed", Reason: "the signature is not an Authenticode signature"}
	}
	var inner asn1.RawValue
	if _, err := asn1.Unmarshal(p.sd.ContentInfo.Content.Bytes, &inner); err != nil {
		return "", &SignatureError{Kind: "malformed", Reason: "the signed content does not parse"}
	}
	var ind spcIndirectData
	if _, err := asn1.Unmarshal(inner.FullBytes, &ind); err != nil {
		return "", &SignatureError{Kind: "malformed", Reason: "the signed content does not parse"}
	}
	if !ind.MessageDigest.Algorithm.Algorithm.Equal(oidSHA256) || !p.sd.SignerInfos[0].DigestAlgorithm.Algorithm.Equal(oidSHA256) {
		return "", &SignatureError{Kind: "weak", Reason: "the catalog has no SHA-256 signature (only SHA-1 or another digest); Windows Update clients have required SHA-2 signed catalogs since 2020"}
	}
	if subtle.ConstantTimeCompare(ind.MessageDigest.Digest, cabDigest) != 1 {
		return "", &SignatureError{Kind: "tampered", Reason: "the catalog's content does not match its signature: it was changed after signing, or damaged"}
	}
	if _, err := p.checkSigner(inner.Bytes); err != nil {
		return "", &SignatureError{Kind: "tampered", Reason: err.Error()}
	}
	at := a.now()
	if ts, ok := a.timestamp(p); ok {
		at = ts
	}
	inter := x509.NewCertPool()
	for _, c := range p.certs {
		inter.AddCert(c)
	}
	_, err := p.signer.Verify(x509.VerifyOptions{
		Roots: a.roots, Intermediates: inter, CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
	})
	if err != nil {
		return "", &SignatureError{Kind: "untrusted", Reason: fmt.Sprintf("the signing certificate %q does not chain to a trust anchor as a code-signing certificate valid on %s: %v", p.signer.Subject.String(), at.UTC().Format(time.DateOnly), err)}
	}
	return p.signer.Subject.String(), nil
}

// timestamp returns the time of a valid time stamp on the signature: an
// RFC 3161 token, or the legacy Authenticode counter-signature (PKCS#9,
// which older signed catalogs carry), signed by a time-stamping certificate
// that chains to the anchors, over the signature's encrypted digest.
// Without one the signature is checked at the current time.
func (a *Authenticode) timestamp(p *parsedSignedData) (time.Time, bool) {
	si := p.sd.SignerInfos[0]
	for _, attr := range si.UnauthAttrs {
		if attr.Type.Equal(oidCounterSignature) {
			if t, ok := a.counterSignature(p, attr.Values.Bytes); ok {
				return t, true
			}
			continue
		}
		if !attr.Type.Equal(oidRFC3161Stamp) {
			continue
		}
		var token asn1.RawValue
		if _, err := asn1.Unmarshal(attr.Values.Bytes, &token); err != nil {
			continue
		}
		tp, err := parseSignedData(token.FullBytes)
		if err != nil || !tp.sd.ContentInfo.ContentType.Equal(oidTSTInfo) {
			continue
		}
		var octets []byte
		if _, err := asn1.Unmarshal(tp.sd.ContentInfo.Content.Bytes, &octets); err != nil {
			continue
		}
		var info tstInfo
		if _, err := asn1.Unmarshal(octets, &info); err != nil {
			continue
		}
		h, ok := hashFor(info.MessageImprint.Algorithm.Algorithm)
		if !ok {
			continue
		}
		d := h.New()
		d.Write(si.EncryptedDigest)
		if subtle.ConstantTimeCompare(d.Sum(nil), info.MessageImprint.Hashed) != 1 {
			continue
		}
		if _, err := tp.checkSigner(octets); err != nil {
			continue
		}
		inter := x509.NewCertPool()
		for _, c := range append(tp.certs, p.certs...) {
			inter.AddCert(c)
		}
		if _, err := tp.signer.Verify(x509.VerifyOptions{
			Roots: a.roots, Intermediates: inter, CurrentTime: info.GenTime,
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping},
		}); err != nil {
			continue
		}
		return info.GenTime, true
	}
	return time.Time{}, false
}

func hashFor(oid asn1.ObjectIdentifier) (crypto.Hash, bool) {
	switch {
	case oid.Equal(oidSHA1):
		return crypto.SHA1, true
	case oid.Equal(oidSHA256):
		return crypto.SHA256, true
	case oid.Equal(oidSHA384):
		return crypto.SHA384, true
	case oid.Equal(oidSHA512):
		return crypto.SHA512, true
	}
	return 0, false
}

// signatureAlgorithm maps a SignerInfo's digestEncryptionAlgorithm (either
// the bare key algorithm or a combined one) and digest to x509's names.
func signatureAlgorithm(oid asn1.ObjectIdentifier, h crypto.Hash) (x509.SignatureAlgorithm, bool) {
	rsa := map[crypto.Hash]x509.SignatureAlgorithm{crypto.SHA1: x509.SHA1WithRSA, crypto.SHA256: x509.SHA256WithRSA, crypto.SHA384: x509.SHA384WithRSA, crypto.SHA512: x509.SHA512WithRSA}
	ec := map[crypto.Hash]x509.SignatureAlgorithm{crypto.SHA1: x509.ECDSAWithSHA1, crypto.SHA256: x509.ECDSAWithSHA256, crypto.SHA384: x509.ECDSAWithSHA384, crypto.SHA512: x509.ECDSAWithSHA512}
	switch {
	case oid.Equal(oidRSA):
		return rsa[h], true
	case oid.Equal(oidECPublicKey):
		return ec[h], true
	}
	for _, alg := range []x509.SignatureAlgorithm{x509.SHA1WithRSA, x509.SHA256WithRSA, x509.SHA384WithRSA, x509.SHA512WithRSA, x509.ECDSAWithSHA256, x509.ECDSAWithSHA384, x509.ECDSAWithSHA512} {
		if combinedOID[alg].Equal(oid) {
			return alg, true
		}
	}
	return 0, false
}

var combinedOID = map[x509.SignatureAlgorithm]asn1.ObjectIdentifier{
	x509.SHA1WithRSA:     {1, 2, 840, 113549, 1, 1, 5},
	x509.SHA256WithRSA:   {1, 2, 840, 113549, 1, 1, 11},
	x509.SHA384WithRSA:   {1, 2, 840, 113549, 1, 1, 12},
	x509.SHA512WithRSA:   {1, 2, 840, 113549, 1, 1, 13},
	x509.ECDSAWithSHA256: {1, 2, 840, 10045, 4, 3, 2},
	x509.ECDSAWithSHA384: {1, 2, 840, 10045, 4, 3, 3},
	x509.ECDSAWithSHA512: {1, 2, 840, 10045, 4, 3, 4},
}

// counterSignature checks a legacy Authenticode time stamp: a PKCS#9
// counter-signature (a SignerInfo in the signature's unsigned attributes)
// whose message digest is the hash of the signature's encrypted digest,
// signed by a certificate the signature carries that chains to the anchors
// for time stamping at the signing time it states. It returns that time.
func (a *Authenticode) counterSignature(p *parsedSignedData, values []byte) (time.Time, bool) {
	si := p.sd.SignerInfos[0]
	var cs signerInfo
	if _, err := asn1.Unmarshal(values, &cs); err != nil || len(cs.AuthAttrs.Bytes) == 0 {
		return time.Time{}, false
	}
	tsa := certOf(p.certs, cs)
	h, ok := hashFor(cs.DigestAlgorithm.Algorithm)
	if tsa == nil || !ok {
		return time.Time{}, false
	}
	var at time.Time
	digest, err := authAttrs(cs.AuthAttrs.Bytes, oidSigningTime, "signing time", &at)
	if err != nil || digest == nil || at.IsZero() {
		return time.Time{}, false
	}
	d := h.New()
	d.Write(si.EncryptedDigest)
	if subtle.ConstantTimeCompare(digest, d.Sum(nil)) != 1 {
		return time.Time{}, false
	}
	signed := append([]byte{0x31}, cs.AuthAttrs.FullBytes[1:]...) // [0] IMPLICIT -> SET OF
	if !checkLegacySignature(tsa, h, signed, cs.EncryptedDigest) {
		return time.Time{}, false
	}
	inter := x509.NewCertPool()
	for _, c := range p.certs {
		inter.AddCert(c)
	}
	if _, err := tsa.Verify(x509.VerifyOptions{
		Roots: a.roots, Intermediates: inter, CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping},
	}); err != nil {
		return time.Time{}, false
	}
	return at, true
}

// authAttrs reads a SignerInfo's authenticated attributes (their DER
// without the SET's tag): it returns the message digest and sets *value
// to the attribute of type other (named name in errors: the content type
// of a signer, the signing time of a counter-signature). Neither may be
// there twice or with two values; a missing one is left for the caller to
// refuse (digest nil, *value unset).
func authAttrs(der []byte, other asn1.ObjectIdentifier, name string, value any) (digest []byte, err error) {
	digests, others := 0, 0
	for rest := der; len(rest) > 0; {
		var a attribute
		if rest, err = asn1.Unmarshal(rest, &a); err != nil {
			return nil, fmt.Errorf("an authenticated attribute does not parse: %v", err)
		}
		switch {
		case a.Type.Equal(oidMessageDigest):
			digests++
			if r, err := asn1.Unmarshal(a.Values.Bytes, &digest); err != nil || len(r) > 0 {
				return nil, errors.New("the message digest attribute does not parse or has more than one value")
			}
		case a.Type.Equal(other):
			others++
			if r, err := asn1.Unmarshal(a.Values.Bytes, value); err != nil || len(r) > 0 {
				return nil, fmt.Errorf("the %s attribute does not parse or has more than one value", name)
			}
		}
	}
	if digests > 1 || others > 1 {
		return nil, fmt.Errorf("the signed attributes name the message digest or the %s more than once", name)
	}
	return digest, nil
}

// checkLegacySignature checks an RSA or ECDSA signature by cert over
// signed with the digest h, SHA-1 included: legacy time stamps are SHA-1
// counter-signatures, which x509.Certificate.CheckSignature refuses. A
// time stamp only dates the signature; the catalog's own signature must
// still be SHA-256.
func checkLegacySignature(cert *x509.Certificate, h crypto.Hash, signed, sig []byte) bool {
	d := h.New()
	d.Write(signed)
	sum := d.Sum(nil)
	switch pub := cert.PublicKey.(type) {
	case *rsa.PublicKey:
		return rsa.VerifyPKCS1v15(pub, h, sum, sig) == nil
	case *ecdsa.PublicKey:
		return ecdsa.VerifyASN1(pub, sum, sig)
	}
	return false
}

// certOf is the certificate of certs that si names (issuer and serial).
func certOf(certs []*x509.Certificate, si signerInfo) *x509.Certificate {
	for _, c := range certs {
		if bytes.Equal(c.RawIssuer, si.IssuerAndSerial.Issuer.FullBytes) && c.SerialNumber.Cmp(si.IssuerAndSerial.Serial) == 0 {
			return c
		}
	}
	return nil
}
