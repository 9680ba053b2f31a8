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
