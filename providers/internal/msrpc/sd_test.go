package msrpc

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSID(t *testing.T) {
	for _, tc := range []struct {
		in, want, wantErr string
	}{
		{in: "S-1-1-0", want: "S-1-1-0"},
		{in: "s-1-5-32-544", want: "S-1-5-32-544"},
		{in: "S-1-5-21-1881775288-1413017915-3771412509-1003", want: "S-1-5-21-1881775288-1413017915-3771412509-1003"},
		{in: "S-1-0x5-11", want: "S-1-5-11"},
		{in: "Everyone", wantErr: "not a SID"},
		{in: "S-2-5-11", wantErr: "revision 1"},
		{in: "S-1-5-x", wantErr: "invalid sub-authority"},
		{in: "S-1-5-4294967296", wantErr: "invalid sub-authority"},
	} {
		sid, err := ParseSID(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseSID(%q) = %v, %v; want error %q", tc.in, sid, err, tc.wantErr)
			}
			continue
		}
		if err != nil || sid.String() != tc.want {
			t.Errorf("ParseSID(%q) = %v, %v; want %s", tc.in, sid, err, tc.want)
		}
		back, _, err := parseSIDBytes(sid.binary())
		if err != nil || back.String() != tc.want {
			t.Errorf("binary round trip of %s: %v, %v", tc.want, back, err)
		}
	}
}

// TestSecurityDescriptor checks the self-relative encoding against the
// bytes Samba stores for D:(D;;0x1f01ff;;;WD)(A;;0x1301bf;;;BA).
func TestSecurityDescriptor(t *testing.T) {
	everyone, _ := ParseSID("S-1-1-0")
	admins, _ := ParseSID("S-1-5-32-544")
	sd := SecurityDescriptor{DACL: []ACE{
		{Type: AccessDenied, Mask: 0x1f01ff, SID: everyone},
		{Type: AccessAllowed, Mask: 0x1301bf, SID: admins},
	}}
	want := "01000480" + "00000000" + "00000000" + "00000000" + "14000000" +
		"02003400" + "0200" + "0000" +
		"01001400" + "ff011f00" + "010100000000000100000000" +
		"00001800" + "bf011300" + "01020000000000052000000020020000"
	got := hex.EncodeToString(sd.Encode())
	if got != want {
		t.Errorf("Encode:\n got %s\nwant %s", got, want)
	}
	back, err := DecodeSecurityDescriptor(sd.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(sd.DACL, back.DACL); d != "" {
		t.Errorf("round trip (-want +got):\n%s", d)
	}
	for n := 0; n < len(sd.Encode()); n++ {
		if _, err := DecodeSecurityDescriptor(sd.Encode()[:n]); err == nil {
			t.Errorf("a descriptor cut to %d bytes decoded", n)
		}
	}
}

// TestTruncatedResponses decodes every prefix of every recorded response:
// an error, never a panic.
func TestTruncatedResponses(t *testing.T) {
	raw, err := os.ReadFile(fixtureFile)
	if err != nil {
		t.Fatal(err)
	}
	var fixtures []fixture
	if err := json.Unmarshal(raw, &fixtures); err != nil {
		t.Fatal(err)
	}
	for _, f := range fixtures {
		var a fixtureArgs
		_ = json.Unmarshal(f.Args, &a)
		resp, _ := hex.DecodeString(f.Response)
		stub := stubOf(t, resp)
		for n := 0; n < len(stub); n++ {
			_ = decodeResponse(f.Call, a, stub[:n])
		}
	}
}

func TestBindPDU(t *testing.T) {
	// A bind of srvsvc v3.0 over NDR v2 offering 4280-byte fragments (0x10b8),
	// as Windows clients do.
	want := "05000b03100000004800000001000000b810b810000000000100000000000100" +
		"c84f324b7016d30112785a47bf6ee18803000000" +
		"045d888aeb1cc9119fe808002b10486002000000"
	if got := hex.EncodeToString(bindPDU(SrvSvc, 1)); got != want {
		t.Errorf("bind PDU:\n got %s\nwant %s", got, want)
	}
}
