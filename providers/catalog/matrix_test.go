package catalog

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// pki is a throwaway certificate hierarchy written as PEM files.
type pki struct {
	dir string
}

type issued struct {
	cert     *x509.Certificate
	key      *rsa.PrivateKey
	certFile string // PEM: the certificate
	keyFile  string // PEM: its key
}

var pkiSerial int64 = 1000

func (k pki) issue(t *testing.T, name string, parent *issued, ca bool, eku []x509.ExtKeyUsage, from, to time.Time) *issued {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pkiSerial++
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(pkiSerial), Subject: pkix.Name{CommonName: name},
		NotBefore: from, NotAfter: to, ExtKeyUsage: eku, BasicConstraintsValid: true, IsCA: ca,
		KeyUsage: x509.KeyUsageDigitalSignature,
	}
	if ca {
		tmpl.KeyUsage = x509.KeyUsageCertSign | x509.KeyUsageCRLSign
	}
	if len(eku) == 1 && eku[0] == x509.ExtKeyUsageTimeStamping {
		// OpenSSL wants a time-stamping certificate's usage critical,
		// which crypto/x509 does not write by itself.
		value, _ := asn1.Marshal([]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 8}})
		tmpl.ExtKeyUsage = nil
		tmpl.ExtraExtensions = []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Critical: true, Value: value}}
	}
	signer, signerKey := tmpl, key
	if parent != nil {
		signer, signerKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, signerKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	is := &issued{cert: cert, key: key, certFile: filepath.Join(k.dir, name+".pem"), keyFile: filepath.Join(k.dir, name+".key")}
	os.WriteFile(is.certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(is.keyFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600)
	return is
}

// legacyTSA is an Authenticode (pre-RFC 3161) time-stamping server: it
// answers a base64 TimeStampRequest with a base64 PKCS#7 SignedData whose
// signer (the counter-signature osslsigncode embeds) signs, with SHA-1 as
// the old servers did, the hash of the signature's encrypted digest and
// the time at.
func legacyTSA(t *testing.T, tsa *issued, at time.Time) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		der, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(body)), ""))
		var req struct {
			Type asn1.ObjectIdentifier
			Blob struct {
				Type      asn1.ObjectIdentifier
				Signature []byte `asn1:"explicit,tag:0"`
			}
		}
		if err == nil {
			_, err = asn1.Unmarshal(der, &req)
		}
		if err != nil {
			http.Error(w, "bad request", http.StatusBadRequest)
			return
		}
		resp, err := legacyStamp(tsa, req.Blob.Signature, at)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		io.WriteString(w, base64.StdEncoding.EncodeToString(resp))
	}))
	t.Cleanup(srv.Close)
	return srv
}

func legacyStamp(tsa *issued, encDigest []byte, at time.Time) ([]byte, error) {
	oidData := asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 7, 1}
	sha1Alg := pkix.AlgorithmIdentifier{Algorithm: oidSHA1, Parameters: asn1.NullRawValue}
	attr := func(oid asn1.ObjectIdentifier, v any) []byte {
		val, _ := asn1.Marshal(v)
		b, _ := asn1.Marshal(struct {
			Type   asn1.ObjectIdentifier
			Values asn1.RawValue
		}{oid, asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: val}})
		return b
	}
	digest := sha1.Sum(encDigest)
	attrs := [][]byte{
		attr(oidContentType, oidData),
		attr(oidSigningTime, at.UTC()),
		attr(oidMessageDigest, digest[:]),
	}
	sort.Slice(attrs, func(i, j int) bool { return bytes.Compare(attrs[i], attrs[j]) < 0 })
	content := bytes.Join(attrs, nil)
	set, _ := asn1.Marshal(asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: content})
	sum := sha1.Sum(set)
	sig, err := rsa.SignPKCS1v15(rand.Reader, tsa.key, crypto.SHA1, sum[:])
	if err != nil {
		return nil, err
	}
	type ias struct {
		Issuer asn1.RawValue
		Serial *big.Int
	}
	si := struct {
		Version         int
		IAS             ias
		DigestAlgorithm pkix.AlgorithmIdentifier
		AuthAttrs       asn1.RawValue
		DigestEncAlg    pkix.AlgorithmIdentifier
		EncryptedDigest []byte
	}{1, ias{asn1.RawValue{FullBytes: tsa.cert.RawIssuer}, tsa.cert.SerialNumber}, sha1Alg,
		asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: content},
		pkix.AlgorithmIdentifier{Algorithm: oidRSA, Parameters: asn1.NullRawValue}, sig}
	siDER, err := asn1.Marshal(si)
	if err != nil {
		return nil, err
	}
	algs, _ := asn1.Marshal(sha1Alg)
	octets, _ := asn1.Marshal(encDigest)
	sd := struct {
		Version          int
		DigestAlgorithms asn1.RawValue
		ContentInfo      struct {
			Type    asn1.ObjectIdentifier
			Content asn1.RawValue
		}
		Certificates asn1.RawValue
		SignerInfos  asn1.RawValue
	}{Version: 1,
		DigestAlgorithms: asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: algs},
		Certificates:     asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: tsa.cert.Raw},
		SignerInfos:      asn1.RawValue{Class: asn1.ClassUniversal, Tag: asn1.TagSet, IsCompound: true, Bytes: siDER}}
	sd.ContentInfo.Type = oidData
	sd.ContentInfo.Content = asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: octets}
	sdDER, err := asn1.Marshal(sd)
	if err != nil {
		return nil, err
	}
	return asn1.Marshal(struct {
		Type    asn1.ObjectIdentifier
		Content asn1.RawValue
	}{oidSignedData, asn1.RawValue{Class: asn1.ClassContextSpecific, Tag: 0, IsCompound: true, Bytes: sdDER}})
}

// needTools skips (or fails, with UPDPLAN_REQUIRE_SERVERS=1) without the
// Debian packages the matrix is built with.
func needTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			msg := tool + " not installed: apt-get install gcab osslsigncode"
			if os.Getenv("UPDPLAN_REQUIRE_SERVERS") == "1" {
				t.Fatalf("%s (UPDPLAN_REQUIRE_SERVERS=1)", msg)
			}
			t.Skip(msg)
		}
	}
}

func run(t *testing.T, dir, prog string, args ...string) {
	t.Helper()
	cmd := exec.Command(prog, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", prog, strings.Join(args, " "), err, out)
	}
}

// TestSignatureMatrix builds catalogs with gcab and osslsigncode (signed,
// tampered, unsigned, untrusted, SHA-1 only, expired with and without a
// time stamp of either kind, nested, truncated) and holds every verdict of
// the verifier to osslsigncode verify's.
func TestSignatureMatrix(t *testing.T) {
	needTools(t, "gcab", "osslsigncode")
	dir := t.TempDir()
	k := pki{dir}
	long := func() (time.Time, time.Time) {
		return time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2044, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	from, to := long()
	root := k.issue(t, "root", nil, true, nil, from, to)
	codesign := k.issue(t, "codesign", root, false, []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}, from, to)
	expired := k.issue(t, "expired", root, false, []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}, from, time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC))
	tsa := k.issue(t, "tsa", root, false, []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}, from, to)
	other := k.issue(t, "other-root", nil, true, nil, from, to)
	stranger := k.issue(t, "stranger", other, false, []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}, from, to)
	stampTime := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	legacy := legacyTSA(t, tsa, stampTime)
	tsaChain := filepath.Join(dir, "tsa-chain.pem")
	os.WriteFile(tsaChain, append(fileBytes(t, tsa.certFile), fileBytes(t, root.certFile)...), 0o644)

	// The payload: a few files, like the real catalog's inner cabinets.
	os.WriteFile(filepath.Join(dir, "package.xml"), []byte("package.xml of a test catalog\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "index.xml"), bytes.Repeat([]byte("u"), 20000), 0o644)
	run(t, dir, "gcab", "-c", "-z", "unsigned.cab", "package.xml", "index.xml")
	sign := func(out string, who *issued, hash, in string, extra ...string) string {
		args := append([]string{"sign", "-certs", who.certFile, "-key", who.keyFile, "-h", hash, "-n", "wsusscn2 test"}, extra...)
		run(t, dir, "osslsigncode", append(args, "-in", in, "-out", out)...)
		return out
	}
	edit := func(out, in string, change func([]byte) []byte) string {
		os.WriteFile(filepath.Join(dir, out), change(fileBytes(t, filepath.Join(dir, in))), 0o644)
		return out
	}
	sign("signed.cab", codesign, "sha256", "unsigned.cab")
	sign("sha1.cab", codesign, "sha1", "unsigned.cab")

	cases := []struct {
		name string
		file string
		// kind is the verifier's verdict ("" accepts); oracle is whether
		// osslsigncode verify accepts; why explains where they differ.
		kind   string
		oracle bool
		why    string
	}{
		{"good", "signed.cab", "", true, ""},
		{"tampered payload", edit("tampered.cab", "signed.cab", func(b []byte) []byte { b[120] ^= 0x55; return b }), "tampered", false, ""},
		{"tampered signature", edit("tampered-sig.cab", "signed.cab", func(b []byte) []byte {
			p, err := parseSignedData(b[len(b)-signatureSize(t, b):])
			if err != nil {
				t.Fatal(err)
			}
			i := bytes.Index(b, p.sd.SignerInfos[0].EncryptedDigest)
			b[i+10] ^= 0x01
			return b
		}), "tampered", false, ""},
		{"unsigned", "unsigned.cab", "unsigned", false, ""},
		{"untrusted root", sign("untrusted.cab", stranger, "sha256", "unsigned.cab"), "untrusted", false, ""},
		{"SHA-1 only", "sha1.cab", "weak", true, "osslsigncode accepts SHA-1; Windows Update has required SHA-256 since 2020, and so does updplan"},
		{"expired signer", sign("expired.cab", expired, "sha256", "unsigned.cab"), "untrusted", false, ""},
		{"expired signer, RFC 3161 time stamp", sign("expired-rfc3161.cab", expired, "sha256", "unsigned.cab",
			"-TSA-certs", tsaChain, "-TSA-key", tsa.keyFile, "-TSA-time", strconv.FormatInt(stampTime.Unix(), 10)), "", true, ""},
		{"expired signer, legacy time stamp", sign("expired-legacy.cab", expired, "sha256", "unsigned.cab", "-t", legacy.URL), "", true, ""},
		{"nested SHA-256 under SHA-1", sign("nested.cab", codesign, "sha256", "sha1.cab", "-nest"), "", true, ""},
		{"truncated", edit("truncated.cab", "signed.cab", func(b []byte) []byte { return b[:len(b)-200] }), "malformed", false, ""},
	}
	a, err := NewAuthenticode([]string{root.certFile})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.file)
			c := a.Begin()
			c.Write(fileBytes(t, path))
			_, err := c.Finish()
			kind := ""
			var se *SignatureError
			if errors.As(err, &se) {
				kind = se.Kind
			} else if err != nil {
				t.Fatalf("not a SignatureError: %v", err)
			}
			if kind != tc.kind {
				t.Errorf("verifier: %q (%v), want %q", kind, err, tc.kind)
			}
			out, oerr := exec.Command("osslsigncode", "verify", "-ignore-cdp", "-CAfile", root.certFile, "-TSA-CAfile", root.certFile, "-in", path).CombinedOutput()
			if (oerr == nil) != tc.oracle {
				t.Errorf("osslsigncode verify accepts: %v, want %v:\n%s", oerr == nil, tc.oracle, out)
			}
			if (kind == "") != (oerr == nil) && tc.why == "" {
				t.Errorf("the verifier (%q) and osslsigncode (accepts: %v) disagree without a reason", kind, oerr == nil)
			}
		})
	}
}

// signatureSize is the size of the signature blob at the end of a signed
// cabinet (from its header).
func signatureSize(t *testing.T, b []byte) int {
	if len(b) < 52 {
		t.Fatal("not a signed cabinet")
	}
	return int(uint32(b[48]) | uint32(b[49])<<8 | uint32(b[50])<<16 | uint32(b[51])<<24)
}
