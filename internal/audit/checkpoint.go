package audit

import (
	"bufio"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The hash chain alone shows an entry edited or removed in the middle, but
// not the last entries removed, nor a chain rewritten with every later hash
// recomputed: both leave a chain that verifies. A Checkpoint closes that gap
// with a claim the database cannot make on its own: "entry Seq had hash Hash
// at time At", tagged with an HMAC under a key kept outside the database.
// Checkpoints recorded in the database catch a rewrite (the entry no longer
// has the hash) and truncation below the newest checkpoint (the entry is
// gone). An anchor is the same signed claim about the chain's head, kept by
// the owner outside mamori; it catches what happens after the newest
// checkpoint, including checkpoint rows deleted by someone who can write to
// the database.

// CheckpointEvery is how many entries may pass between two checkpoints
// recorded at append time; a checkpoint is also due when the newest one is
// older than CheckpointMaxAge.
const (
	CheckpointEvery  = 1000
	CheckpointMaxAge = 24 * time.Hour
)

// Key tags checkpoints and anchors. The zero Key tags nothing.
type Key struct{ k []byte }

// keyLabel separates the checkpoint key from every other use of the secret
// key it is derived from (sealing secrets uses the secret key itself).
const keyLabel = "mamori audit checkpoint v1"

// DeriveKey derives the checkpoint key from the install's secret key (the
// one internal/seal seals secrets with): HMAC-SHA256(secret, label).
func DeriveKey(secret []byte) Key {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(keyLabel))
	return Key{k: m.Sum(nil)}
}

// IsZero reports a Key that was never derived.
func (k Key) IsZero() bool { return len(k.k) == 0 }

// Checkpoint is a signed claim that the entry Seq of the chain had Hash at
// time At. Anchors are checkpoints printed for the owner to keep.
type Checkpoint struct {
	Seq  int64
	Hash string
	At   time.Time
	MAC  string // hex HMAC-SHA256 over Seq, Hash and At
}

// Sign returns the checkpoint for entry seq with hash at time at.
func (k Key) Sign(seq int64, hash string, at time.Time) Checkpoint {
	c := Checkpoint{Seq: seq, Hash: hash, At: at.UTC().Truncate(time.Microsecond)}
	c.MAC = k.mac(c)
	return c
}

// Genuine reports whether c was signed with k.
func (k Key) Genuine(c Checkpoint) bool {
	if k.IsZero() {
		return false
	}
	got, err := hex.DecodeString(c.MAC)
	if err != nil {
		return false
	}
	want, _ := hex.DecodeString(k.mac(c))
	return hmac.Equal(got, want)
}

func (k Key) mac(c Checkpoint) string {
	m := hmac.New(sha256.New, k.k)
	fmt.Fprintf(m, "checkpoint;%d;%s;%d", c.Seq, c.Hash, c.At.UnixMicro())
	return hex.EncodeToString(m.Sum(nil))
}

// CheckpointDue reports whether an append that moved the head to headSeq
// at time now should record a checkpoint, given the newest one (lastSeq at
// lastAt; zero when there is none).
func CheckpointDue(headSeq int64, now time.Time, lastSeq int64, lastAt time.Time) bool {
	if headSeq <= lastSeq {
		return false
	}
	return headSeq/CheckpointEvery > lastSeq/CheckpointEvery || lastAt.IsZero() || now.Sub(lastAt) >= CheckpointMaxAge
}

// anchorVersion starts every anchor line; a later format gets a new one.
const anchorVersion = "mamori-audit-anchor/v1"

// AnchorLine formats c as the one line an owner keeps:
//
//	mamori-audit-anchor/v1 seq=12345 hash=3f2a… at=2026-12-06T15:52:02.123456Z hmac=9c1e…
func (c Checkpoint) AnchorLine() string {
	return fmt.Sprintf("%s seq=%d hash=%s at=%s hmac=%s", anchorVersion, c.Seq, c.Hash, c.At.UTC().Format(time.RFC3339Nano), c.MAC)
}

var anchorRE = regexp.MustCompile(`^` + regexp.QuoteMeta(anchorVersion) + ` seq=([0-9]{1,19}) hash=([0-9a-f]{64}) at=(\S+) hmac=([0-9a-f]{64})$`)

// ErrNotAnchor is returned for text that holds no anchor line.
var ErrNotAnchor = errors.New("no mamori audit anchor line")

// ParseAnchor reads an anchor from text: the first line that is not blank
// and not a # comment must be an anchor line.
func ParseAnchor(r io.Reader) (Checkpoint, error) {
	sc := bufio.NewScanner(io.LimitReader(r, 64<<10))
	for sc.Scan() {
		line := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\uFEFF"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := anchorRE.FindStringSubmatch(line)
		if m == nil {
			return Checkpoint{}, ErrNotAnchor
		}
		seq, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil || seq < 1 {
			return Checkpoint{}, ErrNotAnchor
		}
		at, err := time.Parse(time.RFC3339Nano, m[3])
		if err != nil || at.UTC().Year() < 2000 || at.UTC().Year() > 9999 {
			return Checkpoint{}, ErrNotAnchor
		}
		return Checkpoint{Seq: seq, Hash: m[2], At: at.UTC().Truncate(time.Microsecond), MAC: m[4]}, nil
	}
	if err := sc.Err(); err != nil {
		return Checkpoint{}, err
	}
	return Checkpoint{}, ErrNotAnchor
}

// WriteAnchorFile replaces path with c's anchor line atomically: a reader
// sees the old anchor or the new one, never half of either.
func WriteAnchorFile(path string, c Checkpoint) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".audit-anchor-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(c.AnchorLine() + "\n"); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if d, err := os.Open(filepath.Dir(path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
