package routine

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mamori-sec/mamori/internal/calendar"
)

func TestStatusAndEscalation(t *testing.T) {
	on := day("2026-04-06")
	for _, c := range []struct {
		today string
		done  bool
		want  Status
	}{
		{"2026-03-20", false, Upcoming}, {"2026-03-30", false, DueSoon}, {"2026-04-06", false, DueSoon},
		{"2026-04-07", false, Overdue}, {"2026-04-07", true, Done},
	} {
		if got := StatusOf(on, c.done, day(c.today)); got != c.want {
			t.Errorf("on %s (done %v): got %s, want %s", c.today, c.done, got, c.want)
		}
	}
	for _, c := range []struct {
		today          string
		after          int
		done, escalate bool
		want           bool
	}{
		{"2026-04-12", 7, false, false, false}, {"2026-04-13", 7, false, false, true}, {"2026-04-20", 7, true, false, false},
		{"2026-04-20", 7, false, true, false}, {"2026-12-31", 0, false, false, false},
	} {
		if got := Escalates(on, day(c.today), c.after, c.done, c.escalate); got != c.want {
			t.Errorf("%+v: got %v, want %v", c, got, c.want)
		}
	}
}

func TestToMaterialise(t *testing.T) {
	weekly := Schedule{Cadence: Weekly, Weekday: time.Monday}
	for _, c := range []struct {
		name                string
		starts, last, today string
		paused              bool
		want                []string
	}{
		{"new routine: the next one only", "2026-04-01", "", "2026-04-01", false, []string{"2026-04-06"}},
		{"next one exists: nothing", "2026-04-01", "2026-04-06", "2026-04-02", false, nil},
		{"weeks without a run: the missed ones and the next", "2026-04-01", "2026-04-06", "2026-04-22", false,
			[]string{"2026-04-13", "2026-04-20", "2026-04-27"}},
		{"paused: none", "2026-04-01", "", "2026-04-22", true, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var last calendar.Day
			if c.last != "" {
				last = day(c.last)
			}
			got, err := ToMaterialise(weekly, day(c.starts), last, day(c.today), c.paused)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(dates(got), c.want) {
				t.Errorf("got %v, want %v", dates(got), c.want)
			}
		})
	}
}

func TestCheckFile(t *testing.T) {
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 32)...)
	for _, c := range []struct {
		name string
		data []byte
		key  string
	}{
		{"report.pdf", []byte("%PDF-1.7\n..."), ""},
		{"shot.PNG", png, ""},
		{"list.csv", []byte("名前,状態\n佐藤,停止\n"), ""},
		{"book.xlsx", []byte("PK\x03\x04rest"), ""},
		{"big.txt", bytes.Repeat([]byte("a"), MaxEvidenceBytes+1), "routines.evidence_too_large"},
		{"tool.exe", []byte("MZ\x90\x00"), "routines.evidence_type"},
		{"fake.pdf", []byte("MZ\x90\x00 not a pdf"), "routines.evidence_type"},
		{"fake.png", []byte("%PDF-1.7"), "routines.evidence_type"},
		{"bin.txt", []byte("a\x00b"), "routines.evidence_type"},
		{"empty.txt", nil, "routines.evidence_empty"},
	} {
		if _, key := CheckFile(c.name, c.data); key != c.key {
			t.Errorf("%s: got %q, want %q", c.name, key, c.key)
		}
	}
}

func TestCompletionNeedsEvidenceTheChoreTakes(t *testing.T) {
	signin := mustChore(t, "weekly.signin_review")
	accounts := mustChore(t, "monthly.account_review")
	shares := mustChore(t, "monthly.share_review")
	updates := mustChore(t, "weekly.pending_updates")
	for _, c := range []struct {
		chore Chore
		comp  Completion
		field string
	}{
		{signin, Completion{}, "note"},
		{signin, Completion{Note: "  "}, "note"},
		{signin, Completion{Note: "問題なし"}, ""},
		{signin, Completion{File: true}, ""},
		{signin, Completion{ImportID: 3}, "import"},
		{accounts, Completion{ImportID: 3}, ""},
		{accounts, Completion{Shares: map[int64]ShareMark{1: Kept}}, "shares"},
		{shares, Completion{Shares: map[int64]ShareMark{1: Kept, 2: Closed}}, ""},
		{shares, Completion{Shares: map[int64]ShareMark{1: "maybe"}}, "shares"},
		{updates, Completion{File: true}, "file"},
		{signin, Completion{Note: strings.Repeat("あ", MaxNote+1)}, "note"},
	} {
		if f, _ := c.chore.Check(c.comp); f != c.field {
			t.Errorf("%s %+v: got field %q, want %q", c.chore.ID, c.comp, f, c.field)
		}
	}
}

func TestReconcile(t *testing.T) {
	plan := Plan(Inventory{})
	stored := []Stored{
		{ID: 1, Key: Key{Chore: "yearly.policy_review"}, Origin: FromPlan, Applicable: true},
		{ID: 2, Key: Key{Chore: "yearly.self_diagnosis"}, Origin: FromPlan, Applicable: false},
		{ID: 3, Key: Key{Chore: "monthly.account_review", ServiceID: 9}, Origin: FromPlan, Applicable: true},
		{ID: 4, Key: Key{Chore: "quarterly.restore_test"}, Origin: FromKeeper, Applicable: true},
	}
	s := Reconcile(stored, plan)
	if got := ids(s.Create); !reflect.DeepEqual(got, []string{"yearly.incident_drill"}) {
		t.Errorf("create: got %v", got)
	}
	if !reflect.DeepEqual(s.Reapply, []int64{2}) || !reflect.DeepEqual(s.NotApplicable, []int64{3}) {
		t.Errorf("got reapply %v, not applicable %v; want [2] and [3] (the keeper's 4 left alone)", s.Reapply, s.NotApplicable)
	}
}

// parseICS unfolds and splits an iCalendar file as a reader does.
func parseICS(t *testing.T, s string) []string {
	t.Helper()
	if !strings.HasSuffix(s, "\r\n") {
		t.Fatal("file does not end with CRLF")
	}
	var out []string
	for _, l := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		if len(l) > 75 {
			t.Errorf("line of %d octets, want at most 75: %q", len(l), l)
		}
		if !utf8.ValidString(l) {
			t.Errorf("line splits a character: %q", l)
		}
		if strings.HasPrefix(l, " ") {
			out[len(out)-1] += l[1:]
			continue
		}
		out = append(out, l)
	}
	return out
}

func unescape(s string) string {
	r := strings.NewReplacer(`\\`, `\`, `\;`, ";", `\,`, ",", `\n`, "\n", `\N`, "\n")
	return r.Replace(s)
}

func TestICSRoundTrip(t *testing.T) {
	summary := "アカウントの棚卸し（Google Workspace; 本社, 支社）"
	desc := "退職者・未使用・共有のアカウントを確認します。\n手順 1\\2: " + strings.Repeat("長い説明文です。", 12)
	var b bytes.Buffer
	err := WriteICS(&b, "mamori, 定期業務", []Event{{UID: "occurrence-7@mamori", On: day("2026-04-06"), Summary: summary, Description: desc,
		URL: "https://mamori.example/o/demo/occurrences/7"}}, time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	lines := parseICS(t, b.String())
	props := map[string]string{}
	for _, l := range lines {
		k, v, _ := strings.Cut(l, ":")
		props[k] = v
	}
	for k, want := range map[string]string{
		"DTSTART;VALUE=DATE": "20260406", "DTEND;VALUE=DATE": "20260407", "UID": "occurrence-7@mamori",
		"URL": "https://mamori.example/o/demo/occurrences/7",
	} {
		if props[k] != want {
			t.Errorf("%s: got %q, want %q", k, props[k], want)
		}
	}
	if lines[0] != "BEGIN:VCALENDAR" || lines[len(lines)-1] != "END:VCALENDAR" {
		t.Errorf("got %q … %q, want a VCALENDAR", lines[0], lines[len(lines)-1])
	}
	if got := unescape(props["SUMMARY"]); got != summary {
		t.Errorf("summary: got %q, want %q", got, summary)
	}
	if got := unescape(props["DESCRIPTION"]); got != desc {
		t.Errorf("description: got %q, want %q", got, desc)
	}
	if props["X-WR-CALNAME"] != `mamori\, 定期業務` {
		t.Errorf("calendar name: got %q", props["X-WR-CALNAME"])
	}
}
