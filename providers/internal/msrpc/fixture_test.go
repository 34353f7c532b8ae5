package msrpc

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/updplan/updplan/internal/sambatest"
)

var record = flag.Bool("record", false, "record testdata/fixtures.json from the test server")

// fixture is one call as recorded from the test server: the arguments, the
// request and response PDUs byte for byte, and what the response decoded to.
type fixture struct {
	Call     string          `json:"call"`
	Args     json.RawMessage `json:"args"`
	Request  string          `json:"request"`  // hex of the PDU sent
	Response string          `json:"response"` // hex of the PDU(s) received
	Decoded  json.RawMessage `json:"decoded"`  // the result, or the error text
}

type fixtureArgs struct {
	Server string    `json:"server,omitempty"`
	Name   string    `json:"name,omitempty"`
	Info   ShareInfo `json:"info"`
	SD     []byte    `json:"sd,omitempty"`
	Names  []string  `json:"names,omitempty"`
	SIDs   []string  `json:"sids,omitempty"`
	Handle [20]byte  `json:"handle"`
}

const fixtureFile = "testdata/fixtures.json"

// encodeRequest builds the request stub of a recorded call from its
// arguments.
func encodeRequest(call string, a fixtureArgs) ([]byte, uint16) {
	switch call {
	case "NetrShareAdd":
		return AddRequest(a.Server, a.Info), opNetrShareAdd
	case "NetrShareGetInfo":
		return GetInfoRequest(a.Server, a.Name), opNetrShareGetInfo
	case "NetrShareSetInfo502":
		return SetInfoRequest(a.Server, a.Name, a.Info), opNetrShareSetInfo
	case "NetrShareSetInfo1501":
		return SetSecurityRequest(a.Server, a.Name, a.SD), opNetrShareSetInfo
	case "NetrShareDel":
		return DelRequest(a.Server, a.Name), opNetrShareDel
	case "NetrShareEnum":
		return EnumRequest(a.Server, 0), opNetrShareEnum
	case "LsarOpenPolicy2":
		return OpenPolicyRequest(a.Server), opLsarOpenPolicy2
	case "LsarLookupNames":
		return LookupNamesRequest(a.Handle, a.Names), opLsarLookupNames
	case "LsarLookupSids":
		var sids []SID
		for _, s := range a.SIDs {
			sid, _ := ParseSID(s)
			sids = append(sids, sid)
		}
		return LookupSidsRequest(a.Handle, sids), opLsarLookupSids
	}
	panic("unknown call " + call)
}

// decodeResponse decodes a recorded response stub as the call does.
func decodeResponse(call string, a fixtureArgs, stub []byte) any {
	result := func(v any, err error) any {
		if err != nil {
			return map[string]string{"error": err.Error()}
		}
		return v
	}
	d := &decoder{b: stub}
	switch call {
	case "NetrShareAdd", "NetrShareSetInfo502", "NetrShareSetInfo1501":
		if d.ptr() {
			d.u32()
		}
		return result("ok", status(d))
	case "NetrShareDel":
		return result("ok", status(d))
	case "NetrShareGetInfo":
		return result(decodeGetInfo(stub))
	case "NetrShareEnum":
		shares, _, _, _, err := decodeEnum(stub)
		return result(shares, err)
	case "LsarOpenPolicy2":
		h := d.take(20)
		return result(hex.EncodeToString(h), ntstatus(d))
	case "LsarLookupNames":
		return result(decodeLookupNames(stub, len(a.Names)))
	case "LsarLookupSids":
		var sids []SID
		for _, s := range a.SIDs {
			sid, _ := ParseSID(s)
			sids = append(sids, sid)
		}
		return result(decodeLookupSids(stub, sids))
	}
	panic("unknown call " + call)
}

// stubOf takes the stub out of response PDUs (one or more fragments).
func stubOf(t *testing.T, pdus []byte) []byte {
	var out []byte
	for len(pdus) > 0 {
		n := int(binary.LittleEndian.Uint16(pdus[8:]))
		if pdus[2] != ptypeResponse {
			t.Fatalf("PDU type %d in a recorded response", pdus[2])
		}
		out = append(out, pdus[24:n]...)
		pdus = pdus[n:]
	}
	return out
}

// TestFixtures checks the encoders and decoders against calls recorded
// from Samba: each request is rebuilt byte for byte from its arguments, and
// each response decodes to what it decoded to when recorded.
func TestFixtures(t *testing.T) {
	raw, err := os.ReadFile(fixtureFile)
	if err != nil {
		t.Fatal(err)
	}
	var fixtures []fixture
	if err := json.Unmarshal(raw, &fixtures); err != nil {
		t.Fatal(err)
	}
	if len(fixtures) < 9 {
		t.Fatalf("only %d fixtures", len(fixtures))
	}
	for i, f := range fixtures {
		t.Run(fmt.Sprintf("%02d-%s", i, f.Call), func(t *testing.T) {
			var a fixtureArgs
			if err := json.Unmarshal(f.Args, &a); err != nil {
				t.Fatal(err)
			}
			req, _ := hex.DecodeString(f.Request)
			stub, opnum := encodeRequest(f.Call, a)
			want := requestPDU(binary.LittleEndian.Uint32(req[12:]), opnum, stub)
			if !bytes.Equal(want, req) {
				t.Errorf("request differs from the recorded one:\nbuilt    %x\nrecorded %x", want, req)
			}
			resp, _ := hex.DecodeString(f.Response)
			got, err := json.Marshal(decodeResponse(f.Call, a, stubOf(t, resp)))
			if err != nil {
				t.Fatal(err)
			}
			var g, w any
			_ = json.Unmarshal(got, &g)
			_ = json.Unmarshal(f.Decoded, &w)
			if d := cmp.Diff(w, g); d != "" {
				t.Errorf("decoded response (-recorded +now):\n%s", d)
			}
		})
	}
}

// requestPDU frames a single-fragment request as Client.Call does.
func requestPDU(callID uint32, opnum uint16, stub []byte) []byte {
	var buf bytes.Buffer
	c := &Client{rw: &struct {
		io.Reader
		io.Writer
	}{bytes.NewReader(nil), &buf}, callID: callID, maxXmit: maxFrag}
	_, _ = c.Call(opnum, stub) // fails reading the answer; the request is written
	return buf.Bytes()
}

// TestRecord records testdata/fixtures.json (go test -run TestRecord
// -record). The SIDs and paths of the test server differ per run, so the
// file is recorded once and kept.
func TestRecord(t *testing.T) {
	if !*record {
		t.Skip("run with -record to record the fixtures")
	}
	srv := sambatest.Get(t)
	var fixtures []fixture
	var reqPDU, respPDU []byte
	hook := func(request bool, pdu []byte) {
		if request {
			reqPDU = append([]byte(nil), pdu...)
			respPDU = nil
		} else {
			respPDU = append(respPDU, pdu...)
		}
	}
	add := func(call string, a fixtureArgs, v any, err error) {
		args, _ := json.Marshal(a)
		if err != nil {
			v = map[string]string{"error": err.Error()}
		}
		dec, _ := json.Marshal(v)
		fixtures = append(fixtures, fixture{Call: call, Args: args, Request: hex.EncodeToString(reqPDU), Response: hex.EncodeToString(respPDU), Decoded: dec})
	}
	c := bindTo(t, srv, srv.Admin, "srvsvc", SrvSvc)
	c.Record = hook
	sh := NewShares(c)
	dir := srv.Folder(t, "fixture")
	sms, _ := ParseSID(srv.SMSAdmins)
	sd := SecurityDescriptor{DACL: []ACE{{Type: AccessAllowed, Mask: 0x1f01ff, SID: sms}, {Type: AccessAllowed, Mask: 0x1200a9, SID: SID{Revision: 1, Authority: [6]byte{0, 0, 0, 0, 0, 5}, Sub: []uint32{32, 545}}}}}
	info := ShareInfo{Name: "fixture", Path: sambatest.WinPath(dir), Remark: "recorded", MaxUses: Unlimited, SD: sd.Encode()}
	a := fixtureArgs{Server: "127.0.0.1", Name: "fixture", Info: info}
	err := sh.Add(a.Server, info)
	add("NetrShareAdd", a, "ok", err)
	got, err := sh.GetInfo(a.Server, a.Name)
	add("NetrShareGetInfo", a, got, err)
	sd2 := SecurityDescriptor{DACL: []ACE{{Type: AccessDenied, Mask: 0x1f01ff, SID: SID{Revision: 1, Authority: [6]byte{0, 0, 0, 0, 0, 1}, Sub: []uint32{0}}}, {Type: AccessAllowed, Mask: 0x1301bf, SID: sms}}}
	a.SD = sd2.Encode()
	err = sh.SetSecurity(a.Server, a.Name, a.SD)
	add("NetrShareSetInfo1501", a, "ok", err)
	a.SD = nil
	a.Info.Remark = "changed"
	err = sh.SetInfo(a.Server, a.Name, a.Info)
	add("NetrShareSetInfo502", a, "ok", err)
	all, err := sh.Enum(a.Server)
	add("NetrShareEnum", fixtureArgs{Server: a.Server}, all, err)
	err = sh.Del(a.Server, a.Name)
	add("NetrShareDel", fixtureArgs{Server: a.Server, Name: a.Name}, "ok", err)
	_, err = sh.GetInfo(a.Server, a.Name)
	add("NetrShareGetInfo", fixtureArgs{Server: a.Server, Name: a.Name}, nil, err)

	lc := bindTo(t, srv, srv.Member, "lsarpc", LSARPC)
	lc.Record = hook
	p, err := OpenPolicy(lc, "127.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	add("LsarOpenPolicy2", fixtureArgs{Server: "127.0.0.1"}, hex.EncodeToString(p.handle[:]), nil)
	names := []string{"SMS Admins", "Administrators", "Everyone", "No Such Group"}
	res, err := p.LookupNames(names)
	add("LsarLookupNames", fixtureArgs{Handle: p.handle, Names: names}, res, err)
	sids := []string{srv.SMSAdmins, "S-1-5-32-544", "S-1-1-0", "S-1-5-21-1-2-3-4444"}
	var ss []SID
	for _, s := range sids {
		sid, _ := ParseSID(s)
		ss = append(ss, sid)
	}
	back, err := p.LookupSids(ss)
	add("LsarLookupSids", fixtureArgs{Handle: p.handle, SIDs: sids}, back, err)
	_ = p.Close()

	out, err := json.MarshalIndent(fixtures, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(fixtureFile), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(fixtureFile, append(out, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}
