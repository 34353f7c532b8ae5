package compliance

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"time"
)

// FuzzReadRows reads any bytes as an inventory file: it never panics, every
// fault is a FileError, a rowError or io.EOF, and every accepted row is
// valid.
func FuzzReadRows(f *testing.F) {
	for _, seed := range []string{
		"ResourceID,Name0,UniqueUpdateID,ID,QNumbers,Title,LastStateName,ScanDateTime,LastHWScan\n1,PC01,u,MS08-067,958644,\"T, \"\"q\"\"\",Installed,2026-11-30T08:00:00Z,\n",
		"CollectionID,ResourceID,Name\nSMS00001,1,PC01\n",
		`{"ResourceID": 1, "Name0": "PC", "UniqueUpdateID": "u", "LastStateName": "Required", "ScanDateTime": "2026-11-30 08:00:00"}` + "\n",
		"\xff\xfeR\x00e\x00s\x00",
		"ResourceID,Name0\n\"unterminated",
	} {
		f.Add([]byte(seed))
	}
	now := time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		rs, err := openRows(bytes.NewReader(data))
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) && err != io.EOF {
				t.Fatalf("openRows: unexpected error %T %v", err, err)
			}
			return
		}
		tp := timeParser{now: now}
		for i := 0; i < 10000; i++ {
			line, err := rs.next(rs.fields)
			if err == io.EOF {
				return
			}
			var fe *FileError
			var re *rowError
			switch {
			case errors.As(err, &fe):
				return
			case errors.As(err, &re):
				continue
			case err != nil:
				t.Fatalf("next: unexpected error %T %v", err, err)
			}
			if rs.kind == Memberships {
				if m, why := memberRowOf(line, rs.fields); why == "" && (!validCollectionID(m.collectionID) || m.resourceID <= 0 || m.name == "") {
					t.Fatalf("accepted an invalid membership row %+v", m)
				}
				continue
			}
			if r, why := tp.scanRow(line, rs.fields); why == "" {
				if r.resourceID <= 0 || r.updateID == "" || r.name == "" || len(r.scanned) != len(timeLayout) {
					t.Fatalf("accepted an invalid scan row %+v", r)
				}
			}
		}
	})
}
