package findings

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/mamori-sec/mamori/internal/problem"
)

// result is a result of the check "accounts.unlinked" about account id,
// proven by the given evidence.
func result(id int64, evidence ...Ref) Result {
	return Result{CheckID: "accounts.unlinked", Subject: Ref{KindAccount, id}, Severity: Medium, Evidence: EncodeEvidence(evidence),
		Detail: Msg("detail.accounts_without_mfa", 2)}
}

// stored is r as stored under id with the given status.
func stored(id int64, r Result, s Status) Record {
	return Record{ID: id, Result: r, Status: s}
}

func accepted(id int64, r Result, until string) Record {
	rec := stored(id, r, Accepted)
	rec.AcceptedBy, rec.AcceptedReason, rec.AcceptedUntil = "owner@example.jp", "来月まで", until
	return rec
}

// step is a transition as the tests compare it.
type step struct {
	Action   Action
	ID       int64
	From, To Status
	Subject  int64
}

func steps(ts []Transition) []step {
	out := []step{}
	for _, t := range ts {
		out = append(out, step{t.Action, t.ID, t.From, t.To, t.Result.Subject.ID})
	}
	return out
}

func TestReconcile(t *testing.T) {
	const today = "2026-04-15"
	a, b, c := result(1), result(2), result(3)
	moved := result(1, Ref{KindPerson, 7}) // a, with different proof
	moreSevere := a
	moreSevere.Severity = High
	otherDetail := a
	otherDetail.Detail = Msg("detail.accounts_without_mfa", 3)
	tests := []struct {
		name    string
		stored  []Record
		results []Result
		changes []step
		refresh []step
	}{
		{name: "empty inventory, nothing stored"},
		{name: "new finding opens", results: []Result{a},
			changes: []step{{ActionOpen, 0, "", Open, 1}}},
		{name: "unchanged stays as it is", stored: []Record{stored(10, a, Open)}, results: []Result{a}},
		{name: "vanished resolves", stored: []Record{stored(10, a, Open)},
			changes: []step{{ActionResolve, 10, Open, Resolved, 1}}},
		{name: "empty inventory resolves everything not yet resolved",
			stored:  []Record{stored(10, a, Open), accepted(11, b, "2026-05-01"), stored(12, c, Resolved)},
			changes: []step{{ActionResolve, 10, Open, Resolved, 1}, {ActionResolve, 11, Accepted, Resolved, 2}}},
		{name: "resolved stays resolved while absent", stored: []Record{stored(10, a, Resolved)}},
		{name: "resolved reappearing reopens", stored: []Record{stored(10, a, Resolved)}, results: []Result{a},
			changes: []step{{ActionReopen, 10, Resolved, Open, 1}}},
		{name: "accepted before its date stays accepted", stored: []Record{accepted(10, a, "2026-05-01")}, results: []Result{a}},
		{name: "accepted on its last day stays accepted", stored: []Record{accepted(10, a, today)}, results: []Result{a}},
		{name: "accepted past its date reopens", stored: []Record{accepted(10, a, "2026-04-14")}, results: []Result{a},
			changes: []step{{ActionExpire, 10, Accepted, Open, 1}}},
		{name: "accepted without a date never expires", stored: []Record{accepted(10, a, "")}, results: []Result{a}},
		{name: "accepted past its date but gone resolves", stored: []Record{accepted(10, a, "2026-04-14")},
			changes: []step{{ActionResolve, 10, Accepted, Resolved, 1}}},
		{name: "evidence change refreshes, no transition", stored: []Record{stored(10, a, Open)}, results: []Result{moved},
			refresh: []step{{"", 10, Open, Open, 1}}},
		{name: "severity change refreshes", stored: []Record{stored(10, a, Open)}, results: []Result{moreSevere},
			refresh: []step{{"", 10, Open, Open, 1}}},
		{name: "detail change in either language refreshes", stored: []Record{stored(10, a, Open)}, results: []Result{otherDetail},
			refresh: []step{{"", 10, Open, Open, 1}}},
		{name: "accepted with new evidence stays accepted, refreshed", stored: []Record{accepted(10, a, "2026-05-01")}, results: []Result{moved},
			refresh: []step{{"", 10, Accepted, Accepted, 1}}},
		{name: "a repeated new result opens once", results: []Result{a, a, b},
			changes: []step{{ActionOpen, 0, "", Open, 1}, {ActionOpen, 0, "", Open, 2}}},
		{name: "a repeated stored result reopens once", stored: []Record{stored(10, a, Resolved)}, results: []Result{a, a},
			changes: []step{{ActionReopen, 10, Resolved, Open, 1}}},
		{name: "same subject, another check, is another finding", stored: []Record{stored(10, a, Open)},
			results: []Result{a, {CheckID: "accounts.shared", Subject: a.Subject, Severity: Low, Evidence: "[]"}},
			changes: []step{{ActionOpen, 0, "", Open, 1}}},
		{name: "same check and id, another kind, is another finding", stored: []Record{stored(10, a, Open)},
			results: []Result{{CheckID: a.CheckID, Subject: Ref{KindPerson, 1}, Severity: Medium, Evidence: "[]"}},
			changes: []step{{ActionOpen, 0, "", Open, 1}, {ActionResolve, 10, Open, Resolved, 1}}},
		{name: "all at once, in result order then stored order",
			stored:  []Record{stored(10, a, Open), stored(11, b, Resolved), accepted(12, c, "2026-01-01"), stored(13, result(4), Open), stored(14, result(5), Open)},
			results: []Result{result(6), c, b, result(5, Ref{KindPerson, 1})},
			changes: []step{{ActionOpen, 0, "", Open, 6}, {ActionExpire, 12, Accepted, Open, 3}, {ActionReopen, 11, Resolved, Open, 2},
				{ActionResolve, 10, Open, Resolved, 1}, {ActionResolve, 13, Open, Resolved, 4}},
			refresh: []step{{"", 14, Open, Open, 5}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Reconcile(tt.stored, tt.results, today)
			if want := orEmpty(tt.changes); !reflect.DeepEqual(steps(p.Changes), want) {
				t.Errorf("changes: got %+v, want %+v", steps(p.Changes), want)
			}
			if want := orEmpty(tt.refresh); !reflect.DeepEqual(steps(p.Refresh), want) {
				t.Errorf("refresh: got %+v, want %+v", steps(p.Refresh), want)
			}
		})
	}
}

func orEmpty(s []step) []step {
	if s == nil {
		return []step{}
	}
	return s
}

// TestReconcileCarries checks what each transition says from now on: the
// new result for what the evaluation found, the stored one for a
// resolution, so that the audit entry and the stored row are right.
func TestReconcileCarries(t *testing.T) {
	old := result(1, Ref{KindPerson, 7})
	now := result(1, Ref{KindPerson, 8})
	p := Reconcile([]Record{stored(10, old, Resolved)}, []Result{now}, "2026-04-15")
	if len(p.Changes) != 1 || p.Changes[0].Result != now {
		t.Fatalf("reopen: got %+v, want the new result", p.Changes)
	}
	p = Reconcile([]Record{stored(10, old, Open)}, nil, "2026-04-15")
	if len(p.Changes) != 1 || p.Changes[0].Result != old {
		t.Fatalf("resolve: got %+v, want the stored result", p.Changes)
	}
	p = Reconcile([]Record{stored(10, old, Open)}, []Result{now}, "2026-04-15")
	if len(p.Refresh) != 1 || p.Refresh[0].Result != now || len(p.Changes) != 0 {
		t.Fatalf("refresh: got %+v, want the new result", p)
	}
	if got := (Plan{Changes: []Transition{{Action: ActionOpen}, {Action: ActionResolve}, {Action: ActionOpen}}}).Count(ActionOpen); got != 2 {
		t.Fatalf("count: got %d, want 2", got)
	}
}

// TestReconcileIsStable runs a plan's transitions and then the same
// evaluation again: the second time nothing changes.
func TestReconcileIsStable(t *testing.T) {
	const today = "2026-04-15"
	var st []Record
	results := []Result{result(1), result(2, Ref{KindPerson, 3}), result(3)}
	for round := range 3 {
		p := Reconcile(st, results, today)
		if round > 0 && len(p.Changes)+len(p.Refresh) != 0 {
			t.Fatalf("round %d: got %+v, want nothing to do", round, p)
		}
		for i, tr := range p.Changes {
			st = append(st, Record{ID: int64(100 + i), Result: tr.Result, Status: tr.To})
		}
	}
}

func TestRecordExpired(t *testing.T) {
	tests := []struct {
		rec   Record
		today string
		want  bool
	}{
		{accepted(1, result(1), "2026-04-15"), "2026-04-15", false},
		{accepted(1, result(1), "2026-04-15"), "2026-04-16", true},
		{accepted(1, result(1), ""), "2099-01-01", false},
		{Record{Status: Open, AcceptedUntil: "2020-01-01"}, "2026-04-16", false},
	}
	for _, tt := range tests {
		if got := tt.rec.Expired(tt.today); got != tt.want {
			t.Errorf("%s until %q on %s: got %v, want %v", tt.rec.Status, tt.rec.AcceptedUntil, tt.today, got, tt.want)
		}
	}
}

func TestAcceptAndWithdraw(t *testing.T) {
	const today = "2026-04-15"
	tests := []struct {
		name, reason, until string
		field               string // refused on this field, "" accepted
	}{
		{"accepted", "取引先との共同作業が続くため", "2026-05-01", ""},
		{"reason trimmed", "  理由  ", "2026-04-16", ""},
		{"no reason", "", "2026-05-01", "reason"},
		{"blank reason", " \t\n ", "2026-05-01", "reason"},
		{"today is not after today", "理由", today, "until"},
		{"past", "理由", "2026-01-01", "until"},
		{"not a day", "理由", "2026-02-30", "until"},
		{"not a date", "理由", "来月", "until"},
		{"empty date", "理由", "", "until"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := NewAcceptance("owner@example.jp", tt.reason, tt.until, today)
			if tt.field != "" {
				if e, ok := problem.As(err); !ok || e.Code != problem.Invalid || e.Field != tt.field {
					t.Fatalf("got %v, want refusal on %s", err, tt.field)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := stored(1, result(1), Open).Accept(a)
			if err != nil || got.Status != Accepted || got.AcceptedBy != "owner@example.jp" || got.AcceptedUntil != tt.until || got.AcceptedReason == "" || got.AcceptedReason[0] == ' ' {
				t.Fatalf("got %+v (%v), want accepted until %s", got, err, tt.until)
			}
			back, err := got.Withdraw()
			if err != nil || back.Status != Open || back.AcceptedBy+back.AcceptedReason+back.AcceptedUntil != "" {
				t.Fatalf("withdraw: got %+v (%v), want open without acceptance", back, err)
			}
		})
	}
	a, _ := NewAcceptance("owner@example.jp", "理由", "2026-05-01", today)
	for _, s := range []Status{Accepted, Resolved} {
		if _, err := stored(1, result(1), s).Accept(a); problem.CodeOf(err) != problem.Conflict {
			t.Errorf("accept a finding %s: got %v, want conflict", s, err)
		}
	}
	for _, s := range []Status{Open, Resolved} {
		if _, err := stored(1, result(1), s).Withdraw(); problem.CodeOf(err) != problem.Conflict {
			t.Errorf("withdraw a finding %s: got %v, want conflict", s, err)
		}
	}
}

func TestStatusValid(t *testing.T) {
	for _, s := range []Status{Open, Resolved, Accepted} {
		if !s.Valid() {
			t.Errorf("%s: got invalid, want valid", s)
		}
	}
	for _, s := range []Status{"", "OPEN", "closed", "open "} {
		if s.Valid() {
			t.Errorf("%q: got valid, want invalid", s)
		}
	}
}

// TestEvidenceEncoding checks that the hand-written encoder writes exactly
// what encoding/json writes (the stored evidence of earlier versions), and
// that decoding reads it back.
func TestEvidenceEncoding(t *testing.T) {
	cases := [][]Ref{
		nil,
		{},
		{{KindAccount, 12}},
		{{KindPerson, 1}, {KindShare, 1 << 40}, {KindService, -3}},
		{{Kind(`odd"kind\<&>é`), 5}},
	}
	for _, refs := range cases {
		want := []Ref{}
		if refs != nil {
			want = refs
		}
		js, _ := json.Marshal(want)
		got := EncodeEvidence(refs)
		if got != string(js) {
			t.Errorf("%v: got %s, want %s", refs, got, js)
		}
		if back := DecodeEvidence(got); !reflect.DeepEqual(back, want) {
			t.Errorf("%s: decoded %v, want %v", got, back, want)
		}
	}
	for _, bad := range []string{"", "null", "{", `[{"kind":1}]`} {
		if got := DecodeEvidence(bad); got == nil || len(got) != 0 {
			t.Errorf("%q: got %v, want no evidence", bad, got)
		}
	}
}

func TestInvolved(t *testing.T) {
	var ev []Ref
	for i := range 80 {
		ev = append(ev, Ref{KindAccount, int64(i)})
	}
	got := result(9, ev...).Involved()
	if len(got) != 1+maxInvolved || got[0] != (Ref{KindAccount, 9}) || got[1] != ev[0] || got[maxInvolved] != ev[maxInvolved-1] {
		t.Fatalf("got %d refs starting %v, want the subject and the first %d of the evidence", len(got), got[:2], maxInvolved)
	}
	if got := result(9).Involved(); len(got) != 1 {
		t.Fatalf("got %v, want only the subject", got)
	}
}

func TestResults(t *testing.T) {
	fs := []Finding{{CheckID: "people.departed_active", Subject: Ref{KindPerson, 4}, Evidence: []Ref{{KindAccount, 8}}, Detail: Msg("detail.departed_active", day(20000), 3, 1)}}
	c, ok := Lookup("people.departed_active")
	if !ok {
		t.Fatal("no check people.departed_active")
	}
	got := Results(fs)
	want := Result{CheckID: c.ID, Subject: Ref{KindPerson, 4}, Severity: c.Severity, Evidence: `[{"kind":"account","id":8}]`, Detail: Msg("detail.departed_active", day(20000), 3, 1)}
	if len(got) != 1 || got[0] != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

// BenchmarkReconcile reconciles a large tenant's second evaluation:
// 300,000 stored findings against the same results with a tenth changed.
func BenchmarkReconcile(b *testing.B) {
	const n = 300_000
	st := make([]Record, n)
	results := make([]Result, n)
	for i := range n {
		r := Result{CheckID: "shares.public_link", Subject: Ref{KindShare, int64(i)}, Severity: High, Evidence: EncodeEvidence([]Ref{{KindAsset, int64(i % 100)}})}
		st[i] = Record{ID: int64(i + 1), Result: r, Status: Open}
		if i%10 == 0 {
			r.Evidence = "[]"
		}
		results[i] = r
	}
	for b.Loop() {
		if p := Reconcile(st, results, "2026-04-15"); len(p.Refresh) != n/10 {
			b.Fatalf("got %d refreshed", len(p.Refresh))
		}
	}
}
