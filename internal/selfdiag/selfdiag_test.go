package selfdiag

import (
	"slices"
	"testing"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/problem"
)

// sitting answers every question with fill, then sets the answers given.
func sitting(fill Answer, set map[int]Answer) Answers {
	var a Answers
	for q := 1; q <= Questions; q++ {
		a.Set(q, fill)
	}
	for q, v := range set {
		a.Set(q, v)
	}
	return a
}

func TestScoreBands(t *testing.T) {
	tests := []struct {
		name  string
		a     Answers
		total int
		band  Band
		dk    int
	}{
		{"all done", sitting(Done, nil), 100, BandFull, 0},
		{"", Answers{}, 0, 0, 0},
		{"70", sitting(Done, map[int]Answer{1: Partly, 2: Partly, 3: Partly, 4: Partly, 5: Partly, 6: Partly, 7: Partly, 8: Partly, 9: Partly, 10: Partly, 11: Partly, 12: Partly, 13: Partly, 14: Partly, 15: Partly}), 70, BandMostly, 0},
		{"69", sitting(Done, map[int]Answer{19: DontKnow, 20: DontKnow, 21: DontKnow, 22: NotDone, 23: NotDone, 24: NotDone, 25: NotDone}), 69, BandPartial, 3},
		{"50", sitting(Partly, nil), 50, BandPartial, 0},
		{"49", sitting(NotDone, map[int]Answer{1: Done, 2: Done, 3: Done, 4: Done, 5: Done, 6: Done, 7: Done, 8: Done, 9: Done, 10: Done, 11: Done, 12: Done, 13: Done, 14: DontKnow, 15: DontKnow, 16: DontKnow}), 49, BandUrgent, 3},
		{"all don't know", sitting(DontKnow, nil), -25, BandUrgent, 25},
	}
	// A total of 99 cannot be reached with 4 / 2 / 0 / −1 on 25 questions
	// (24 done leave at most 96 + 4 = 100, or 96 + 2 = 98); the nearest
	// below 100 is 98 with one "partly", and 99 is checked on BandOf below.
	tests[1].a = sitting(Done, map[int]Answer{25: Partly})
	tests[1].name, tests[1].total, tests[1].band = "98", 98, BandMostly
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Score(tt.a)
			if r.Total != tt.total || r.Band != tt.band || len(r.DontKnow) != tt.dk {
				t.Errorf("got total %d band %v don't know %v, want %d %v %d", r.Total, r.Band, r.DontKnow, tt.total, tt.band, tt.dk)
			}
			if sum := r.Parts[0] + r.Parts[1] + r.Parts[2]; sum != r.Total {
				t.Errorf("parts %v add to %d, want %d", r.Parts, sum, r.Total)
			}
		})
	}
	for total, want := range map[int]Band{100: BandFull, 99: BandMostly, 70: BandMostly, 69: BandPartial, 50: BandPartial, 49: BandUrgent, -25: BandUrgent} {
		if got := BandOf(total); got != want {
			t.Errorf("BandOf(%d) = %v, want %v", total, got, want)
		}
	}
}

func TestScoreParts(t *testing.T) {
	a := sitting(NotDone, map[int]Answer{1: Done, 5: Done, 6: Partly, 18: DontKnow, 25: Done})
	r := Score(a)
	if r.Parts != [3]int{8, 1, 4} {
		t.Errorf("parts = %v, want [8 1 4]", r.Parts)
	}
	if !slices.Equal(r.DontKnow, []int{18}) {
		t.Errorf("don't know = %v, want [18]", r.DontKnow)
	}
	if Parts[0].Max()+Parts[1].Max()+Parts[2].Max() != 100 {
		t.Error("the parts do not add to 100")
	}
}

func TestCompareAndMerge(t *testing.T) {
	prev := sitting(Partly, nil)
	cur := sitting(Partly, map[int]Answer{3: Done, 7: NotDone})
	ch := Compare(prev, cur)
	if len(ch) != 2 || ch[0] != (Change{3, Partly, Done}) || !ch[0].Better() || ch[1].Better() {
		t.Errorf("Compare = %+v", ch)
	}
	sales := Department{Name: "営業部", Answers: sitting(Done, map[int]Answer{2: NotDone})}
	office := Department{Name: "総務部", Answers: sitting(Done, map[int]Answer{2: Partly, 3: DontKnow, 4: Unanswered})}
	m, said := Merge([]Department{sales, office})
	if m.Get(1) != Done || m.Get(2) != NotDone || m.Get(3) != DontKnow || m.Get(4) != Done {
		t.Errorf("merged 1–4 = %v %v %v %v, want done, not done, don't know, done", m.Get(1), m.Get(2), m.Get(3), m.Get(4))
	}
	if len(said[1]) != 2 || said[1][0] != (Said{"営業部", NotDone}) || len(said[3]) != 1 {
		t.Errorf("said = %+v / %+v", said[1], said[3])
	}
}

func TestParseFile(t *testing.T) {
	good := []struct{ name, file string }{
		{"csv ja", "設問,回答\n1,実施している\n2,一部実施\n3,実施していない\n4,わからない\n"},
		{"csv en", "1,done\n2,partly\n3,not done\n4,Don't know\n"},
		{"csv variants", "No.1, 実施済み\n２,Partially\n3,No\n4,unknown\n"},
		{"json list", `[{"question":1,"answer":"done"},{"question":2,"answer":"一部実施している"},{"question":"3","answer":"not_done"},{"question":4,"answer":"わからない"}]`},
		{"json object", `{"answers":[{"question":1,"answer":"実施している"},{"question":2,"answer":"partly"},{"question":3,"answer":"実施していない"},{"question":4,"answer":"dont_know"}]}`},
	}
	for _, tt := range good {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ParseFile([]byte(tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if a.Get(1) != Done || a.Get(2) != Partly || a.Get(3) != NotDone || a.Get(4) != DontKnow || a.Get(5) != Unanswered {
				t.Errorf("got %v", a[:5])
			}
		})
	}
	bad := []struct {
		name, file, key string
		line            int
	}{
		{"unknown number", "1,done\n2,done\n26,done\n", "selfdiag.file.line_question", 3},
		{"not a number", "1,done\nx,done\n", "selfdiag.file.line_question", 2},
		{"duplicate", "1,done\n2,done\n\n1,partly\n", "selfdiag.file.line_duplicate", 4},
		{"unknown word", "1,done\n2,maybe\n", "selfdiag.file.line_word", 2},
		{"json unknown word", `[{"question":1,"answer":"done"},{"question":2,"answer":"sometimes"}]`, "selfdiag.file.entry_word", 2},
		{"json zero", `[{"question":0,"answer":"done"}]`, "selfdiag.file.entry_question", 1},
		{"json duplicate", `[{"question":5,"answer":"done"},{"question":5,"answer":"done"}]`, "selfdiag.file.entry_duplicate", 2},
		{"empty", "  \n", "selfdiag.file.empty", 0},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseFile([]byte(tt.file))
			e, ok := problem.As(err)
			if !ok || e.Key != tt.key {
				t.Fatalf("got %v, want %s", err, tt.key)
			}
			if tt.line > 0 && (len(e.Args) == 0 || e.Args[0] != tt.line) {
				t.Errorf("line = %v, want %d", e.Args, tt.line)
			}
		})
	}
}

func TestPrefill(t *testing.T) {
	today := calendar.Date(2026, 12, 1)
	pcs := func(av inventory.Tri) []inventory.Device {
		return []inventory.Device{
			{ID: 1, Name: "PC-01", Kind: inventory.PC, Antivirus: av, LastUpdated: "2026-11-20", ScreenLock: inventory.Yes},
			{ID: 2, Name: "PC-02", Kind: inventory.PC, Antivirus: inventory.Yes, LastUpdated: "2026-11-20", ScreenLock: inventory.Yes},
		}
	}
	pc1 := inventory.Name{Kind: "device", Name: "PC-01", Type: "pc"}
	tests := []struct {
		name     string
		live     Live
		q        int
		want     Answer
		evidence int
	}{
		{"every PC has antivirus", Live{Data: inventory.Data{Devices: pcs(inventory.Yes)}}, 2, Done, 2},
		{"antivirus not known on one PC", Live{Data: inventory.Data{Devices: pcs(inventory.Unknown)}}, 2, Unanswered, 1},
		{"no PCs at all", Live{}, 2, Unanswered, 0},
		{"a finding says a PC has none", Live{Data: inventory.Data{Devices: pcs(inventory.No)},
			Findings: []OpenFinding{{CheckID: "devices.pc_no_antivirus", Subject: pc1}}}, 2, Partly, 1},
		{"every PC without", Live{Data: inventory.Data{Devices: pcs(inventory.No)[:1]},
			Findings: []OpenFinding{{CheckID: "devices.pc_no_antivirus", Subject: pc1}}}, 2, NotDone, 1},
		{"accepted risk", Live{Data: inventory.Data{Devices: pcs(inventory.No)},
			Findings: []OpenFinding{{CheckID: "devices.pc_no_antivirus", Subject: pc1, Accepted: true}}}, 2, Partly, 1},
		{"disposed PC does not count", Live{Data: inventory.Data{Devices: append(pcs(inventory.Yes), inventory.Device{ID: 3, Name: "old", Kind: inventory.PC, DisposedOn: "2026-01-01"})}}, 2, Done, 2},
		{"cloud checked this year", Live{Data: inventory.Data{Services: []inventory.Service{{Name: "kintone", Category: inventory.Cloud, CloudCheckDone: "2026-06-01"}}}}, 23, Done, 1},
		{"cloud check too old", Live{Data: inventory.Data{Services: []inventory.Service{{Name: "kintone", Category: inventory.Cloud, CloudCheckDone: "2025-06-01"}}}}, 23, Unanswered, 1},
		{"cloud never checked", Live{Data: inventory.Data{Services: []inventory.Service{{Name: "kintone", Category: inventory.Cloud}}}}, 23, Unanswered, 1},
		{"MFA unknown is no pass", Live{Data: inventory.Data{Accounts: []inventory.Account{{LoginID: "a@x.jp", Status: inventory.Active, MFA: inventory.MFAUnknown}}}}, 3, Unanswered, 1},
		{"MFA on everywhere", Live{Data: inventory.Data{Accounts: []inventory.Account{{LoginID: "a@x.jp", Status: inventory.Active, MFA: inventory.MFAOn}}}}, 3, Done, 1},
		{"only missing data", Live{Data: inventory.Data{Accounts: []inventory.Account{{LoginID: "a@x.jp", Status: inventory.Active, MFA: inventory.MFAOn}}},
			Findings: []OpenFinding{{CheckID: "accounts.admin_mfa_unknown", Subject: inventory.Name{Kind: "account", Name: "a@x.jp"}}}}, 3, Unanswered, 1},
		{"no measure, no findings: backups", Live{Data: inventory.Data{Devices: pcs(inventory.Yes)}}, 11, Unanswered, 0},
		{"no measure, a finding: partly, never done", Live{Findings: []OpenFinding{{CheckID: "devices.disposed_no_erasure", Subject: pc1}}}, 18, Partly, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.live.Today = today
			p := Prefill(tt.live)[tt.q-1]
			if want := map[string]int{"selfdiag.reason.findings": 2, "selfdiag.reason.not_shown": 2, "selfdiag.reason.accepted": 1, "selfdiag.reason.all_shown": 1}[p.Reason]; len(p.ReasonArgs()) != want {
				t.Errorf("reason %s has %d arguments, want %d", p.Reason, len(p.ReasonArgs()), want)
			}
			if p.Answer != tt.want || len(p.Evidence) != tt.evidence {
				t.Errorf("got %v (%s) with %d records, want %v with %d", p.Answer, p.Reason, len(p.Evidence), tt.want, tt.evidence)
			}
		})
	}
}

func TestContradictions(t *testing.T) {
	a := sitting(Done, nil)
	open := []OpenFinding{
		{CheckID: "devices.pc_no_antivirus", Subject: inventory.Name{Kind: "device", Name: "PC-01"}},
		{CheckID: "accounts.admin_mfa_unknown", Subject: inventory.Name{Kind: "account", Name: "a"}},
		{CheckID: "devices.os_outdated", Subject: inventory.Name{Kind: "device", Name: "PC-02"}, Accepted: true},
	}
	c := Contradictions(a, open)
	if len(c) != 1 || c[0].Q != 2 {
		t.Fatalf("got %+v, want question 2 only", c)
	}
	a.Set(2, Partly)
	if c := Contradictions(a, open); len(c) != 0 {
		t.Errorf("partly flagged: %+v", c)
	}
}

func TestReadiness(t *testing.T) {
	today := calendar.Date(2026, 12, 1)
	r := ReadinessOf(ReadinessInput{Today: today})
	if r.OneStar || r.Rules[4].State != RuleNoData || r.Rules[0].State != RuleClear || r.MissingOne != 1 || r.MissingTwo != 3 {
		t.Errorf("empty: %+v", r)
	}
	r = ReadinessOf(ReadinessInput{Today: today, Findings: []OpenFinding{{CheckID: "devices.pc_no_antivirus"}},
		LastSitting: today.AddDays(-400), PolicyPublished: true})
	if r.Rules[1].State != RuleFindings || r.Rules[1].Count != 1 || r.Sitting || r.TwoStars {
		t.Errorf("with finding: %+v", r)
	}
	r = ReadinessOf(ReadinessInput{Today: today, Open: []findings.OpenCount{{CheckID: "devices.pc_no_antivirus", Open: 3}, {CheckID: "accounts.admin_mfa_unknown", Open: 2}}})
	if r.Rules[1].State != RuleFindings || r.Rules[1].Count != 3 || r.Rules[2].State != RuleClear {
		t.Errorf("from counts: %+v", r.Rules)
	}
	r = ReadinessOf(ReadinessInput{Today: today, LastSitting: today.AddDays(-30), PolicyPublished: true})
	if !r.Sitting || !r.Policy || r.MissingTwo != r.MissingOne {
		t.Errorf("sitting and policy: %+v", r)
	}
}

func TestCloudSheet(t *testing.T) {
	var s CloudSheet
	if s.Complete() {
		t.Error("empty sheet complete")
	}
	for i := range s {
		s[i].Mark = CloudChecked
	}
	s[3].Mark = CloudNA
	if !s.Complete() || s.Validate() != nil {
		t.Error("all checked not complete")
	}
	s[4] = CloudAnswer{Mark: CloudIssue}
	if s.Complete() {
		t.Error("an issue left complete")
	}
	if e, ok := problem.As(s.Validate()); !ok || e.Key != "selfdiag.cloud.issue_needs_note" {
		t.Errorf("issue without a note: %v", s.Validate())
	}
	s[4].Mark = "maybe"
	if e, ok := problem.As(s.Validate()); !ok || e.Field != "mark_5" {
		t.Errorf("bad mark: %v", s.Validate())
	}
}
