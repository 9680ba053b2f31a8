// Package audit defines mamori's tamper-evident audit trail: every change to
// the programme becomes an Entry whose hash covers the previous entry's hash,
// so that altering or removing any row breaks the chain at that row.
package audit

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// GenesisHash is the previous hash of the first entry in a chain.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// Actor is who made a change: a signed-in user, or the command line.
type Actor struct {
	UserID int64  // 0 when not a user (command line, system)
	Label  string // e-mail address or "cli" / "system", kept even if the user is later renamed
	IP     string
}

// System is the actor for changes mamori makes on its own.
var System = Actor{Label: "system"}

// CLI returns the actor for a change made from the command line.
func CLI() Actor { return Actor{Label: "cli"} }

// Event is a change about to be recorded.
type Event struct {
	OrgID  int64  // 0 for install-wide changes (users, new organisations)
	Action string // e.g. "user.create", "org.settings"
	Target string // e.g. "user:12"
	Before any    // nil when created
	After  any    // nil when deleted
}

// Entry is one recorded change, as stored.
type Entry struct {
	Seq      int64
	At       time.Time
	OrgID    int64
	ActorID  int64
	Actor    string
	IP       string
	Action   string
	Target   string
	Before   string // JSON, "" when none
	After    string // JSON, "" when none
	PrevHash string
	Hash     string
}

// NewEntry builds the entry for ev, chained after prevHash.
func NewEntry(seq int64, at time.Time, actor Actor, ev Event, prevHash string) (Entry, error) {
	before, err := encode(ev.Before)
	if err != nil {
		return Entry{}, fmt.Errorf("encode before: %w", err)
	}
	after, err := encode(ev.After)
	if err != nil {
		return Entry{}, fmt.Errorf("encode after: %w", err)
	}
	e := Entry{
		Seq: seq, At: at.UTC().Truncate(time.Microsecond), OrgID: ev.OrgID,
		ActorID: actor.UserID, Actor: actor.Label, IP: actor.IP,
		Action: ev.Action, Target: ev.Target, Before: before, After: after,
		PrevHash: prevHash,
	}
	e.Hash = e.ComputeHash()
	return e, nil
}

func encode(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// ComputeHash is the SHA-256 over every field of the entry except Hash
// itself, each length-prefixed so that no two entries share an encoding.
func (e Entry) ComputeHash() string {
	var b strings.Builder
	for _, f := range []string{
		strconv.FormatInt(e.Seq, 10),
		strconv.FormatInt(e.At.UnixMicro(), 10),
		strconv.FormatInt(e.OrgID, 10),
		strconv.FormatInt(e.ActorID, 10),
		e.Actor, e.IP, e.Action, e.Target, e.Before, e.After, e.PrevHash,
	} {
		b.WriteString(strconv.Itoa(len(f)))
		b.WriteByte(':')
		b.WriteString(f)
		b.WriteByte(';')
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// BrokenLink says where a chain stops being trustworthy.
type BrokenLink struct {
	Seq int64
	// Reason is "hash" (entry altered), "prev" (entry before it removed or
	// altered), "gap" (sequence number missing), "checkpoint" or "anchor"
	// (the entry's hash differs from a signed checkpoint or a kept anchor:
	// the chain was rewritten at or before Seq), "truncated" or
	// "anchor_truncated" (a checkpoint or anchor names entry Want but the
	// chain ends before it: Seq is the first missing entry), "forged" or
	// "anchor_forged" (the checkpoint or anchor for entry Seq was not signed
	// with this install's key).
	Reason string
	Want   int64     // for truncation: the entry the checkpoint or anchor names
	Since  int64     // for a rewrite: the newest entry a checkpoint confirmed before Seq, 0 if none
	At     time.Time // the checkpoint's or anchor's time, zero for chain links
}

func (b *BrokenLink) Error() string {
	return fmt.Sprintf("audit chain broken at entry %d (%s)", b.Seq, b.Reason)
}

// mark is a signed claim the chain must still meet.
type mark struct {
	Checkpoint
	anchor bool
}

// Verifier checks entries one at a time, in sequence order, and the signed
// checkpoints and anchors it was given against them.
type Verifier struct {
	prevHash string
	prevSeq  int64
	Count    int64
	key      Key
	marks    []mark // sorted by Seq
	confirm  int64  // newest entry a checkpoint or anchor confirmed
}

// NewVerifier starts a verification at the genesis of the chain.
func NewVerifier() *Verifier { return &Verifier{prevHash: GenesisHash} }

// Expect adds checkpoints recorded in the database and anchors kept by the
// owner, all of which must be signed with key and name an entry of the
// chain with the hash they hold.
func (v *Verifier) Expect(key Key, checkpoints, anchors []Checkpoint) {
	v.key = key
	for _, c := range checkpoints {
		v.marks = append(v.marks, mark{Checkpoint: c})
	}
	for _, c := range anchors {
		v.marks = append(v.marks, mark{Checkpoint: c, anchor: true})
	}
	slices.SortStableFunc(v.marks, func(a, b mark) int { return cmp.Compare(a.Seq, b.Seq) })
}

// Next checks e against the entries seen so far and the checkpoints naming
// it, and returns a *BrokenLink for the first entry that does not follow.
func (v *Verifier) Next(e Entry) error {
	switch {
	case e.Seq != v.prevSeq+1:
		return &BrokenLink{Seq: v.prevSeq + 1, Reason: "gap"}
	case e.ComputeHash() != e.Hash:
		return &BrokenLink{Seq: e.Seq, Reason: "hash"}
	case e.PrevHash != v.prevHash:
		return &BrokenLink{Seq: e.Seq, Reason: "prev"}
	}
	for len(v.marks) > 0 && v.marks[0].Seq <= e.Seq {
		m := v.marks[0]
		v.marks = v.marks[1:]
		if m.Seq != e.Seq || !v.key.Genuine(m.Checkpoint) {
			return &BrokenLink{Seq: m.Seq, Reason: m.reason("forged"), At: m.At}
		}
		if m.Hash != e.Hash {
			return &BrokenLink{Seq: e.Seq, Reason: m.reason("checkpoint"), Since: v.confirm, At: m.At}
		}
		v.confirm = e.Seq
	}
	v.prevHash, v.prevSeq = e.Hash, e.Seq
	v.Count++
	return nil
}

// Finish reports, once every entry has passed Next, a checkpoint or anchor
// naming an entry beyond the chain's end: the chain was truncated.
func (v *Verifier) Finish() error {
	if len(v.marks) == 0 {
		return nil
	}
	m := v.marks[0]
	if !v.key.Genuine(m.Checkpoint) {
		return &BrokenLink{Seq: m.Seq, Reason: m.reason("forged"), At: m.At}
	}
	return &BrokenLink{Seq: v.prevSeq + 1, Reason: m.reason("truncated"), Want: m.Seq, At: m.At}
}

func (m mark) reason(r string) string {
	if !m.anchor {
		return r
	}
	if r == "checkpoint" {
		return "anchor"
	}
	return "anchor_" + r
}
