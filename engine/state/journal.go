package state

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/updplan/updplan/engine/addr"
	"github.com/updplan/updplan/engine/encryption"
)

// JournalFormatVersion is the version of the journal record format.
const JournalFormatVersion = 1

// journalHeader says which stored state a journal applies on top of.
type journalHeader struct {
	Journal int    `json:"journal"`
	Lineage string `json:"lineage"`
	Serial  uint64 `json:"serial"`
}

// journalRecord is one line of a journal after the header: exactly one of
// Set and Remove is present.
type journalRecord struct {
	Set    *fileResource `json:"set,omitempty"`
	Remove string        `json:"remove,omitempty"`
}

func encodeSet(r *Resource) ([]byte, error) {
	fr, err := encodeResource(r)
	if err != nil {
		return nil, err
	}
	return json.Marshal(journalRecord{Set: fr})
}

func encodeRemove(a addr.Instance) ([]byte, error) {
	return json.Marshal(journalRecord{Remove: a.String()})
}

// inRecord is journalRecord as read.
type inRecord struct {
	Set    *inResource `json:"set,omitempty"`
	Remove string      `json:"remove,omitempty"`
}

func decodeRecord(b []byte) (*inRecord, error) {
	var rec inRecord
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&rec); err != nil {
		return nil, err
	}
	if (rec.Set == nil) == (rec.Remove == "") {
		return nil, errors.New("a record must either set or remove one object")
	}
	return &rec, nil
}

// journalVerdict says what to do with a journal found beside a state.
type journalVerdict int

const (
	journalReplay journalVerdict = iota // it applies on top of the stored state
	journalStale                        // already folded into the stored state
)

// judgeJournal compares a journal's header with the stored state (nil when
// there is none yet: then a journal of any lineage is the first apply's).
// where names the journal for messages.
func judgeJournal(stored *State, h journalHeader, where string) (journalVerdict, error) {
	if h.Journal > JournalFormatVersion {
		return 0, fmt.Errorf("journal %s was written in format version %d by a newer updplan; upgrade updplan to replay it", where, h.Journal)
	}
	if stored == nil {
		return journalReplay, nil
	}
	if h.Lineage != stored.Lineage {
		return 0, fmt.Errorf("journal %s belongs to another state (lineage %s) than the stored one (lineage %s). It was left by an apply against a different state; if that state is gone, delete the journal, then run the command again", where, h.Lineage, stored.Lineage)
	}
	switch {
	case h.Serial == stored.Serial:
		return journalReplay, nil
	case h.Serial < stored.Serial:
		// The state was written after the journal began, but the run died
		// before it could delete the journal: its records are in the state.
		return journalStale, nil
	}
	return 0, fmt.Errorf("journal %s was started on serial %d of the state, but the stored state has the older serial %d: the state was rolled back after the apply that left the journal. Delete the journal if the rollback was wanted, or restore the newer state, then run the command again", where, h.Serial, stored.Serial)
}

// replayJournal applies records on top of stored (nil for none) and returns
// the result with Serial one above the header's, so the next Write is
// newer than anything stored.
func replayJournal(stored *State, h journalHeader, records [][]byte, types TypeFunc, where string) (*State, error) {
	var s *State
	if stored == nil {
		s = New()
		s.Lineage = h.Lineage
	} else {
		s = stored.DeepCopy()
	}
	for i, line := range records {
		rec, err := decodeRecord(line)
		if err != nil {
			return nil, fmt.Errorf("journal %s: record %d is corrupt (%v). Move the journal away and run plan to see what the interrupted apply left", where, i+1, err)
		}
		if rec.Set != nil {
			r, err := decodeResource(rec.Set, types)
			if err != nil {
				return nil, fmt.Errorf("journal %s: record %d: %w", where, i+1, err)
			}
			s.Set(r)
			continue
		}
		a, diags := addr.ParseInstance(rec.Remove)
		if diags.HasErrors() {
			return nil, fmt.Errorf("journal %s: record %d removes %q, which is not a resource address", where, i+1, rec.Remove)
		}
		s.Remove(a)
	}
	s.Serial = h.Serial + 1
	s.Replayed = true
	return s, nil
}

// openRecords decrypts journal records written under encryption (each
// record is its own envelope); plain records pass when enc allows them.
func openRecords(enc *encryption.Target, records [][]byte, where string) ([][]byte, error) {
	out := make([][]byte, len(records))
	for i, rec := range records {
		b, err := enc.Open("journal", rec)
		if err != nil {
			return nil, fmt.Errorf("journal %s: record %d: %w", where, i+1, err)
		}
		out[i] = b
	}
	return out, nil
}
