package audit

import (
	"errors"
	"testing"
	"time"
)

func chain(t *testing.T, n int) []Entry {
	t.Helper()
	prev := GenesisHash
	var out []Entry
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	for i := 1; i <= n; i++ {
		e, err := NewEntry(int64(i), at.Add(time.Duration(i)*time.Minute), Actor{UserID: 1, Label: "a@example.jp"},
			Event{OrgID: 1, Action: "person.update", Target: "person:1", Before: map[string]string{"name": "山田"}, After: map[string]string{"name": "山田太郎"}}, prev)
		if err != nil {
			t.Fatal(err)
		}
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

func verify(entries []Entry) error {
	v := NewVerifier()
	for _, e := range entries {
		if err := v.Next(e); err != nil {
			return err
		}
	}
	return nil
}

func TestVerify(t *testing.T) {
	tests := []struct {
		name     string
		tamper   func([]Entry) []Entry
		wantSeq  int64
		wantWhy  string
		wantGood bool
	}{
		{name: "intact", tamper: func(e []Entry) []Entry { return e }, wantGood: true},
		{name: "after altered", tamper: func(e []Entry) []Entry { e[2].After = `{"name":"別人"}`; return e }, wantSeq: 3, wantWhy: "hash"},
		{name: "actor altered", tamper: func(e []Entry) []Entry { e[0].Actor = "mallory"; return e }, wantSeq: 1, wantWhy: "hash"},
		{name: "time altered", tamper: func(e []Entry) []Entry { e[4].At = e[4].At.Add(time.Second); return e }, wantSeq: 5, wantWhy: "hash"},
		{name: "row removed", tamper: func(e []Entry) []Entry { return append(e[:3], e[4:]...) }, wantSeq: 4, wantWhy: "gap"},
		{name: "row rehashed", tamper: func(e []Entry) []Entry { e[1].Target = "x"; e[1].Hash = e[1].ComputeHash(); return e }, wantSeq: 3, wantWhy: "prev"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := verify(tt.tamper(chain(t, 6)))
			if tt.wantGood {
				if err != nil {
					t.Fatalf("got %v, want intact chain", err)
				}
				return
			}
			var bl *BrokenLink
			if !errors.As(err, &bl) {
				t.Fatalf("got %v, want *BrokenLink", err)
			}
			if bl.Seq != tt.wantSeq || bl.Reason != tt.wantWhy {
				t.Fatalf("got broken link at %d (%s), want %d (%s)", bl.Seq, bl.Reason, tt.wantSeq, tt.wantWhy)
			}
		})
	}
}
