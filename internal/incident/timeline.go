package incident

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// GenesisHash is the previous hash of an incident's first entry.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// EntryKind says what a timeline entry records.
type EntryKind string

// The entry kinds.
const (
	Reported   EntryKind = "reported"   // the intake
	Triaged    EntryKind = "triaged"    // incident or near miss, with reasons
	StepDone   EntryKind = "step_done"  // a playbook step done
	StepSkip   EntryKind = "step_skip"  // a playbook step skipped, with why
	Note       EntryKind = "note"       // a note
	Evidence   EntryKind = "evidence"   // an evidence file (its SHA-256 in the entry)
	Decision   EntryKind = "decision"   // the APPI ruling
	Draft      EntryKind = "draft"      // a version of a draft
	Correction EntryKind = "correction" // corrects an earlier entry (Corrects)
	Contained  EntryKind = "contained"  // the incident is contained
	Reviewed   EntryKind = "reviewed"   // the review, and closing
	Shared     EntryKind = "shared"     // a read-only link for an outside expert
)

// Entry is one line of an incident's timeline. Its hash covers every field
// but AuditSeq (the audit entry that names it, recorded with the hash) and
// the previous entry's hash, so that altering, removing or reordering any
// entry breaks the chain there.
type Entry struct {
	Seq        int64     `json:"seq"`
	Kind       EntryKind `json:"kind"`
	OccurredAt time.Time `json:"occurred_at"` // when it happened
	RecordedAt time.Time `json:"recorded_at"` // when it was written down
	AuthorID   int64     `json:"author_id"`
	Author     string    `json:"author"`
	Body       string    `json:"body"` // JSON
	Corrects   int64     `json:"corrects,omitempty"`
	SHA256     string    `json:"sha256,omitempty"` // of the evidence file
	PrevHash   string    `json:"prev_hash"`
	Hash       string    `json:"hash"`
	AuditSeq   int64     `json:"audit_seq"`
}

// ComputeHash is the SHA-256 over the entry's fields, each length-prefixed
// so that no two entries share an encoding (as audit.Entry does).
func (e Entry) ComputeHash(incidentID int64) string {
	var b strings.Builder
	for _, f := range []string{
		strconv.FormatInt(incidentID, 10),
		strconv.FormatInt(e.Seq, 10),
		string(e.Kind),
		strconv.FormatInt(e.OccurredAt.UnixMicro(), 10),
		strconv.FormatInt(e.RecordedAt.UnixMicro(), 10),
		strconv.FormatInt(e.AuthorID, 10),
		e.Author, e.Body,
		strconv.FormatInt(e.Corrects, 10),
		e.SHA256, e.PrevHash,
	} {
		b.WriteString(strconv.Itoa(len(f)))
		b.WriteByte(':')
		b.WriteString(f)
		b.WriteByte(';')
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// Seal fills PrevHash and Hash for an entry appended after prev.
func (e *Entry) Seal(incidentID int64, prev string) {
	e.OccurredAt = e.OccurredAt.UTC().Truncate(time.Microsecond)
	e.RecordedAt = e.RecordedAt.UTC().Truncate(time.Microsecond)
	e.PrevHash = prev
	e.Hash = e.ComputeHash(incidentID)
}

// Broken names the first timeline entry that cannot be trusted, and why:
// "gap" (an entry missing), "hash" (the entry altered), "prev" (the entry
// before it removed or altered), "audit" (the audit trail recorded another
// hash for it), "file" (its evidence file differs from the SHA-256 it
// recorded), "correction" (it corrects an entry that is not before it).
type Broken struct {
	Seq    int64
	Reason string
	File   string // the evidence file, for "file"
}

func (b *Broken) Error() string {
	if b.File != "" {
		return fmt.Sprintf("incident timeline broken at entry %d (%s: %s)", b.Seq, b.Reason, b.File)
	}
	return fmt.Sprintf("incident timeline broken at entry %d (%s)", b.Seq, b.Reason)
}

// Verify checks an incident's entries in order and returns a *Broken for
// the first one that does not follow. audited maps an entry's sequence
// number to the hash the audit trail recorded for it (nil: not checked).
func Verify(incidentID int64, entries []Entry, audited map[int64]string) error {
	prev := GenesisHash
	for i, e := range entries {
		switch {
		case e.Seq != int64(i+1):
			return &Broken{Seq: int64(i + 1), Reason: "gap"}
		case e.ComputeHash(incidentID) != e.Hash:
			return &Broken{Seq: e.Seq, Reason: "hash"}
		case e.PrevHash != prev:
			return &Broken{Seq: e.Seq, Reason: "prev"}
		case e.Corrects < 0 || e.Corrects >= e.Seq:
			return &Broken{Seq: e.Seq, Reason: "correction"}
		}
		if audited != nil && audited[e.Seq] != e.Hash {
			return &Broken{Seq: e.Seq, Reason: "audit"}
		}
		prev = e.Hash
	}
	return nil
}
