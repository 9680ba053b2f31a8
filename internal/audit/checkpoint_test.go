package audit

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var testKey = DeriveKey([]byte("0123456789abcdef0123456789abcdef"))

func TestAnchorLineRoundTrip(t *testing.T) {
	c := testKey.Sign(12345, strings.Repeat("3f", 32), time.Date(2026, 12, 6, 15, 52, 2, 123456000, time.UTC))
	line := c.AnchorLine()
	if !strings.HasPrefix(line, "mamori-audit-anchor/v1 seq=12345 hash=3f3f") || strings.Contains(line, "\n") {
		t.Fatalf("got %q, want one versioned line", line)
	}
	got, err := ParseAnchor(strings.NewReader("\uFEFF# kept on 2026-12-06\n\n  " + line + "  \r\n"))
	if err != nil || got != c {
		t.Fatalf("got %+v, %v, want %+v", got, err, c)
	}
	if !testKey.Genuine(got) {
		t.Fatal("a parsed anchor no longer verifies")
	}
	path := filepath.Join(t.TempDir(), "audit-anchor.txt")
	if err := WriteAnchorFile(path, c); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != line+"\n" {
		t.Fatalf("file holds %q, want the line", b)
	}
	for _, bad := range []string{"", "hello", strings.Replace(line, "seq=12345", "seq=-1", 1), strings.Replace(line, "v1", "v9", 1), line[:len(line)-1]} {
		if _, err := ParseAnchor(strings.NewReader(bad)); !errors.Is(err, ErrNotAnchor) {
			t.Errorf("ParseAnchor(%q): got %v, want ErrNotAnchor", bad, err)
		}
	}
}

func TestGenuine(t *testing.T) {
	c := testKey.Sign(7, strings.Repeat("a", 64), time.Now())
	other := DeriveKey([]byte("another secret key of 32 bytes.."))
	for _, tt := range []struct {
		name string
		key  Key
		c    Checkpoint
		want bool
	}{
		{"signed", testKey, c, true},
		{"other key", other, c, false},
		{"zero key", Key{}, c, false},
		{"seq changed", testKey, Checkpoint{Seq: 8, Hash: c.Hash, At: c.At, MAC: c.MAC}, false},
		{"hash changed", testKey, Checkpoint{Seq: 7, Hash: strings.Repeat("b", 64), At: c.At, MAC: c.MAC}, false},
		{"time changed", testKey, Checkpoint{Seq: 7, Hash: c.Hash, At: c.At.Add(time.Second), MAC: c.MAC}, false},
		{"mac not hex", testKey, Checkpoint{Seq: 7, Hash: c.Hash, At: c.At, MAC: "zz"}, false},
	} {
		if got := tt.key.Genuine(tt.c); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestCheckpointDue(t *testing.T) {
	now := time.Date(2026, 4, 2, 0, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		head, last int64
		lastAt     time.Time
		want       bool
	}{
		{1, 0, time.Time{}, true},                     // the first append
		{999, 1, now.Add(-time.Hour), false},          // neither 1,000 entries nor a day
		{1000, 1, now.Add(-time.Hour), true},          // crossed 1,000
		{2300, 1005, now.Add(-time.Hour), true},       // crossed 2,000 (a bulk write)
		{1500, 1005, now.Add(-25 * time.Hour), true},  // a day passed
		{1005, 1005, now.Add(-25 * time.Hour), false}, // nothing new
	} {
		if got := CheckpointDue(tt.head, now, tt.last, tt.lastAt); got != tt.want {
			t.Errorf("CheckpointDue(%d, last %d at %v): got %v, want %v", tt.head, tt.last, tt.lastAt, got, tt.want)
		}
	}
}

func TestVerifierWithCheckpoints(t *testing.T) {
	entries := chain(t, 10)
	at := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
	cp := func(seq int64) Checkpoint { return testKey.Sign(seq, entries[seq-1].Hash, at) }
	run := func(es []Entry, cps, anchors []Checkpoint) error {
		v := NewVerifier()
		v.Expect(testKey, cps, anchors)
		for _, e := range es {
			if err := v.Next(e); err != nil {
				return err
			}
		}
		return v.Finish()
	}
	rewritten := chain(t, 10)
	rewritten[4].After = `{"name":"改竄"}`
	for i := 4; i < len(rewritten); i++ {
		if i > 0 {
			rewritten[i].PrevHash = rewritten[i-1].Hash
		}
		rewritten[i].Hash = rewritten[i].ComputeHash()
	}
	wrong := DeriveKey([]byte("x"))
	tests := []struct {
		name    string
		entries []Entry
		cps     []Checkpoint
		anchors []Checkpoint
		want    BrokenLink // zero: intact
	}{
		{"intact", entries, []Checkpoint{cp(3), cp(8)}, []Checkpoint{cp(10)}, BrokenLink{}},
		{"truncated below a checkpoint", entries[:6], []Checkpoint{cp(3), cp(8)}, nil, BrokenLink{Seq: 7, Reason: "truncated", Want: 8}},
		{"truncated after the checkpoints", entries[:9], []Checkpoint{cp(3), cp(8)}, []Checkpoint{cp(10)}, BrokenLink{Seq: 10, Reason: "anchor_truncated", Want: 10}},
		{"rewritten", rewritten, []Checkpoint{cp(3), cp(8)}, nil, BrokenLink{Seq: 8, Reason: "checkpoint", Since: 3}},
		{"rewritten, only the anchor left", rewritten, nil, []Checkpoint{cp(10)}, BrokenLink{Seq: 10, Reason: "anchor"}},
		{"forged checkpoint", entries, []Checkpoint{wrong.Sign(5, entries[4].Hash, at)}, nil, BrokenLink{Seq: 5, Reason: "forged"}},
		{"forged beyond the end", entries, []Checkpoint{wrong.Sign(50, entries[4].Hash, at)}, nil, BrokenLink{Seq: 50, Reason: "forged"}},
		{"forged anchor", entries, nil, []Checkpoint{wrong.Sign(10, entries[9].Hash, at)}, BrokenLink{Seq: 10, Reason: "anchor_forged"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(tt.entries, tt.cps, tt.anchors)
			if tt.want.Reason == "" {
				if err != nil {
					t.Fatalf("got %v, want intact", err)
				}
				return
			}
			var bl *BrokenLink
			if !errors.As(err, &bl) {
				t.Fatalf("got %v, want %+v", err, tt.want)
			}
			bl.At = time.Time{}
			if *bl != tt.want {
				t.Fatalf("got %+v, want %+v", *bl, tt.want)
			}
		})
	}
}

// FuzzParseAnchor feeds the anchor reader whatever a kept file might hold:
// it must not panic, and what it accepts must print back as the same line.
func FuzzParseAnchor(f *testing.F) {
	good := testKey.Sign(12345, strings.Repeat("3f", 32), time.Date(2026, 12, 6, 15, 52, 2, 0, time.UTC)).AnchorLine()
	for _, s := range []string{good, "# note\n" + good + "\n", "", "mamori-audit-anchor/v1 seq=1", strings.Replace(good, "Z", "+09:00", 1), "\uFEFF" + good} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAnchor(strings.NewReader(s))
		if err != nil {
			return
		}
		again, err := ParseAnchor(strings.NewReader(a.AnchorLine()))
		if err != nil || again != a {
			t.Fatalf("%q parsed as %+v, which prints as %q and reads back as %+v, %v", s, a, a.AnchorLine(), again, err)
		}
	})
}
