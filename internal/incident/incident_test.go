package incident_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/incident"
)

func ids(steps []incident.Step, ph incident.Phase) string {
	var out []string
	for _, s := range steps {
		if s.Phase == ph {
			out = append(out, s.ID)
		}
	}
	return strings.Join(out, " ")
}

// TestFillFromRecords: the steps name the chosen records — suspend THIS
// account on THAT service, wipe the phone only when remote wipe is
// recorded, otherwise the alternative, isolate THAT PC, call each contact.
func TestFillFromRecords(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	pb := incident.Defaults()
	records := []incident.Record{
		{Ref: incident.Ref{Kind: incident.Device, ID: 7}, Name: "社用スマホ-営業1", RemoteWipe: true},
		{Ref: incident.Ref{Kind: incident.Device, ID: 8}, Name: "私物タブレット", RemoteWipe: false},
		{Ref: incident.Ref{Kind: incident.Account, ID: 3}, Name: "sato@example.jp", Service: "Microsoft 365"},
	}
	contacts := []incident.Contact{{Name: "山本IT顧問", Role: "IT顧問", Phone: "03-1234-5678"}}
	steps := incident.Fill(pb[incident.LostDevice], records, contacts)
	got := ids(steps, incident.FirstHour)
	want := "ask_where_lost wipe_device:device:7 lock_device_no_wipe:device:8 suspend_account:account:3 change_passwords_of report_police call_contact:contact:1"
	if got != want {
		t.Errorf("first hour:\n got %s\nwant %s", got, want)
	}
	text := map[string]string{}
	for _, s := range steps {
		text[s.ID] = cat.T(i18n.Japanese, s.Key, s.Args...)
	}
	for id, w := range map[string]string{
		"wipe_device:device:7":         "「社用スマホ-営業1」を管理画面から遠隔消去",
		"lock_device_no_wipe:device:8": "「私物タブレット」は遠隔消去が使えない",
		"suspend_account:account:3":    "Microsoft 365 のアカウント「sato@example.jp」を一時停止",
		"call_contact:contact:1":       "山本IT顧問（IT顧問）に連絡します：03-1234-5678",
	} {
		if !strings.Contains(text[id], w) {
			t.Errorf("%s: got %q, want it to contain %q", id, text[id], w)
		}
	}
	// An office known by its role alone is named once, not "警察（警察）".
	steps = incident.Fill(pb[incident.LostDevice], nil, []incident.Contact{{Name: "警察（サイバー犯罪の相談）", Role: "警察（サイバー犯罪の相談）", Phone: "#9110"}})
	for _, s := range steps {
		if s.ID == "call_contact:contact:1" {
			if got, want := cat.T(i18n.Japanese, s.Key, s.Args...), "警察（サイバー犯罪の相談）に連絡します：#9110"; got != want {
				t.Errorf("unnamed contact: got %q, want %q", got, want)
			}
		}
	}
	// Malware: isolate THAT PC without switching it off.
	steps = incident.Fill(pb[incident.Malware], []incident.Record{{Ref: incident.Ref{Kind: incident.Device, ID: 2}, Name: "経理PC"}}, nil)
	if s := cat.T(i18n.Japanese, steps[0].Key, steps[0].Args...); !strings.Contains(s, "「経理PC」の LAN ケーブルを抜き") || !strings.Contains(s, "電源は切らないで") {
		t.Errorf("malware first step: got %q", s)
	}
}

// TestEveryStepHasWords: every step of every built-in playbook, filled
// with and without records, has words in both languages.
func TestEveryStepHasWords(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	var all []incident.Record
	for i, k := range incident.Kinds {
		all = append(all, incident.Record{Ref: incident.Ref{Kind: k, ID: int64(i + 1)}, Name: "x", Service: "y"})
	}
	for _, typ := range incident.Types {
		p, ok := incident.Defaults()[typ]
		if !ok {
			t.Errorf("no playbook for %s", typ)
			continue
		}
		for _, recs := range [][]incident.Record{nil, all, {{Ref: incident.Ref{Kind: incident.Device, ID: 1}, RemoteWipe: true}}} {
			for _, s := range append(incident.Fill(p, recs, nil), incident.Fill(p, recs, []incident.Contact{{Name: "a"}})...) {
				for _, l := range i18n.Locales {
					if cat.Raw(l, s.Key) == "" {
						t.Errorf("%s: %s has no words in %s", typ, s.Key, l)
					}
				}
			}
		}
	}
}

func TestVerifyNamesTheFirstBrokenEntry(t *testing.T) {
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	var es []incident.Entry
	prev := incident.GenesisHash
	for i := 1; i <= 4; i++ {
		e := incident.Entry{Seq: int64(i), Kind: incident.Note, OccurredAt: at, RecordedAt: at, Author: "keeper", Body: fmt.Sprintf(`{"n":%d}`, i)}
		e.Seal(9, prev)
		prev = e.Hash
		es = append(es, e)
	}
	if err := incident.Verify(9, es, nil); err != nil {
		t.Fatal(err)
	}
	var b *incident.Broken
	edited := append([]incident.Entry(nil), es...)
	edited[2].Body = `{"n":99}`
	if err := incident.Verify(9, edited, nil); !errors.As(err, &b) || b.Seq != 3 || b.Reason != "hash" {
		t.Errorf("edited: got %v, want entry 3 hash", err)
	}
	removed := append(append([]incident.Entry(nil), es[:1]...), es[2:]...)
	if err := incident.Verify(9, removed, nil); !errors.As(err, &b) || b.Seq != 2 || b.Reason != "gap" {
		t.Errorf("removed: got %v, want entry 2 gap", err)
	}
	if err := incident.Verify(10, es, nil); !errors.As(err, &b) || b.Seq != 1 {
		t.Errorf("moved to another incident: got %v, want entry 1", err)
	}
}
