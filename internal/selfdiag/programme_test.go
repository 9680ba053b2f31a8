package selfdiag

import (
	"testing"

	"github.com/mamori-sec/mamori/internal/calendar"
)

func TestPrefillProgramme(t *testing.T) {
	today := calendar.Date(2026, 12, 1)
	ago := func(days int) calendar.Day { return today - calendar.Day(days) }
	policy := func(v, done, of int) Programme {
		return Programme{Policy: PolicyFacts{Version: v, Acked: Rate{done, of}}}
	}
	restore := func(r RoutineFacts) Programme { r.Period = 92; return Programme{Restore: r} }
	incident := func(own int, last calendar.Day) Programme {
		return Programme{Incident: IncidentFacts{OwnContacts: own, Desks: 5, Playbooks: 6, LastExercise: last}}
	}
	conf := func(v, done, of int, covers bool) Programme {
		return Programme{Policy: PolicyFacts{Version: v, Acked: Rate{done, of}, Confidentiality: covers}}
	}
	partners := func(ps ...PartnerFacts) Programme { return Programme{Partners: ps} }
	with := func(name string) PartnerFacts {
		return PartnerFacts{Name: name, Entrusted: true, Terms: true, Checked: true}
	}
	without := func(name string) PartnerFacts { return PartnerFacts{Name: name, Entrusted: true, Checked: true} }
	unchecked := func(name string) PartnerFacts { return PartnerFacts{Name: name, Entrusted: true} }
	notEntrusted := func(name string) PartnerFacts { return PartnerFacts{Name: name, Checked: true} }
	tests := []struct {
		name string
		pr   Programme
		q    int
		want Answer
		args int
	}{
		{"policy published, 9 of 10 acknowledged", policy(2, 9, 10), 25, Done, 4},
		{"policy published, 5 of 10 acknowledged", policy(2, 5, 10), 25, Partly, 4},
		{"policy published, no members to acknowledge is no pass", policy(1, 0, 0), 25, Partly, 4},
		{"no policy published", Programme{}, 25, NotDone, 0},
		{"contacts, playbooks and a drill this year", incident(2, ago(100)), 24, Done, 4},
		{"contacts but the last drill too old", incident(2, ago(400)), 24, Partly, 3},
		{"a drill but only the public defaults", incident(0, ago(30)), 24, Partly, 4},
		{"only the defaults and built-in playbooks: no proposal", incident(0, 0), 24, Unanswered, 0},
		{"restore tested with evidence, not overdue", restore(RoutineFacts{Active: true, LastWithEvidence: ago(40), LastDone: ago(40)}), 11, Done, 1},
		{"restore tested without evidence", restore(RoutineFacts{Active: true, LastDone: ago(40)}), 11, Partly, 1},
		{"restore overdue, tested this year", restore(RoutineFacts{Active: true, Overdue: true, LastWithEvidence: ago(200), LastDone: ago(200)}), 11, Partly, 1},
		{"restore overdue, never tested", restore(RoutineFacts{Active: true, Overdue: true}), 11, NotDone, 0},
		{"restore routine not yet due", restore(RoutineFacts{Active: true}), 11, Unanswered, 0},
		{"no restore routine", Programme{}, 11, Unanswered, 0},
		{"lessons 8 of 10", Programme{Training: Rate{8, 10}}, 20, Done, 3},
		{"lessons 3 of 10", Programme{Training: Rate{3, 10}}, 20, Partly, 3},
		{"lessons none of 10", Programme{Training: Rate{0, 10}}, 20, NotDone, 3},
		{"no lessons assigned", Programme{}, 20, Unanswered, 0},
		{"confidentiality rules, 80 of 100 acknowledged", conf(3, 80, 100, true), 19, Done, 4},
		{"confidentiality rules, 79 of 100 acknowledged", conf(3, 79, 100, true), 19, Partly, 4},
		{"confidentiality rules, no members to acknowledge is no pass", conf(1, 0, 0, true), 19, Partly, 4},
		{"published without a confidentiality rule, all acknowledged", conf(2, 10, 10, false), 19, Partly, 4},
		{"nothing published: no proposal on confidentiality", Programme{}, 19, Unanswered, 0},
		{"every entrusted partner has terms", partners(with("山田商事"), with("つばさ給与"), notEntrusted("ひかり物産")), 22, Done, 2},
		{"some entrusted partners have terms", partners(with("山田商事"), without("ひかり物産")), 22, Partly, 3},
		{"one entrusted partner not checked", partners(with("山田商事"), unchecked("ひかり物産")), 22, Partly, 3},
		{"no entrusted partner has terms", partners(without("山田商事"), unchecked("ひかり物産")), 22, NotDone, 3},
		{"partners, none entrusted: no proposal", partners(notEntrusted("山田商事"), PartnerFacts{Name: "ひかり物産"}), 22, Unanswered, 0},
		{"no partners: no proposal", Programme{}, 22, Unanswered, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Prefill(Live{Today: today, Programme: tt.pr})[tt.q-1]
			if p.Answer != tt.want || len(p.ReasonArgs()) != tt.args {
				t.Errorf("got %v (%s, %d arguments), want %v with %d", p.Answer, p.Reason, len(p.ReasonArgs()), tt.want, tt.args)
			}
		})
	}

	// An open finding (a member who has not acknowledged it for weeks)
	// outranks a "done" from the rate.
	live := Live{Today: today, Programme: policy(1, 9, 10), Findings: []OpenFinding{{CheckID: "people.policy_not_acknowledged"}}}
	if p := Prefill(live)[24]; p.Answer != Partly || p.Reason != "selfdiag.reason.findings" {
		t.Errorf("question 25 with an open finding: got %v (%s), want partly from the finding", p.Answer, p.Reason)
	}
}

// TestPrefillPartnersNamed: the reasons of questions 22 and 19 name what
// they are about — the partners without terms (not those with them), the
// policy version and the rate.
func TestPrefillPartnersNamed(t *testing.T) {
	today := calendar.Date(2026, 12, 1)
	pr := Programme{Partners: []PartnerFacts{
		{Name: "山田商事", Entrusted: true, Terms: true, Checked: true},
		{Name: "ひかり物産", Entrusted: true, Checked: true},
		{Name: "あおば運送", Entrusted: true},
		{Name: "文具のナカノ", Checked: true},
	}, Policy: PolicyFacts{Version: 2, Acked: Rate{8, 10}, Confidentiality: true}}
	ps := Prefill(Live{Today: today, Programme: pr})
	p := ps[21]
	if p.Reason != "selfdiag.reason.partners_unchecked" {
		t.Errorf("question 22 with one partner not checked: got reason %s, want selfdiag.reason.partners_unchecked", p.Reason)
	}
	names, ok := p.Args[0].(Names)
	if !ok || len(names) != 2 || names[0] != "ひかり物産" || names[1] != "あおば運送" {
		t.Errorf("question 22 names %v, want [ひかり物産 あおば運送]", p.Args[0])
	}
	if p.Args[1] != 1 || p.Args[2] != 3 {
		t.Errorf("question 22 counts %v of %v, want 1 of 3", p.Args[1], p.Args[2])
	}
	pr.Partners[2].Checked = true
	if p := Prefill(Live{Today: today, Programme: pr})[21]; p.Reason != "selfdiag.reason.partners_missing" {
		t.Errorf("question 22, every contract checked: got reason %s, want selfdiag.reason.partners_missing", p.Reason)
	}
	if p := ps[18]; p.Answer != Done || p.Args[0] != 2 || p.Args[3] != 80 {
		t.Errorf("question 19: got %v with %v, want done naming version 2 and 80%%", p.Answer, p.Args)
	}
}
