package store

import (
	"context"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/incident"
	"github.com/mamori-sec/mamori/internal/partner"
	"github.com/mamori-sec/mamori/internal/policy"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/routine"
	"github.com/mamori-sec/mamori/internal/selfdiag"
)

// restoreChore is the routine whose completions answer the backup
// question: a restore actually tried, with evidence.
const restoreChore = "quarterly.restore_test"

// SelfdiagProgramme gathers what the policy, incident, routine, lesson and
// partner modules know for the self-diagnosis proposals (written rules and
// the staff's confidentiality, incident preparation, backups, training,
// partners' confidentiality terms) as of today.
func (t Tenant) SelfdiagProgramme(ctx context.Context, today calendar.Day) (selfdiag.Programme, error) {
	var p selfdiag.Programme
	v, acks, err := t.PolicyAcks(ctx)
	switch {
	case err == nil:
		p.Policy.Version = v.Number
		p.Policy.Confidentiality = policy.CoversConfidentiality(v.RulesJA, v.RulesEN)
		for _, a := range acks {
			p.Policy.Acked.Of++
			if !a.AckedAt.IsZero() {
				p.Policy.Acked.Done++
			}
		}
	case problem.CodeOf(err) != problem.NotFound:
		return p, err
	}

	stored, err := t.StoredContacts(ctx)
	if err != nil {
		return p, err
	}
	for _, c := range stored {
		if c.Set() {
			p.Incident.OwnContacts++
		}
	}
	p.Incident.Desks = len(policy.ContactKinds)
	p.Incident.Playbooks = len(incident.Defaults())
	var closed int64
	if err := t.db.queryRow(ctx, "SELECT COALESCE(MAX(closed_at), 0) FROM incidents WHERE org_id = ? AND status = ? AND classification <> ?",
		t.org, incident.Closed, incident.NearMiss).Scan(&closed); err != nil {
		return p, err
	}
	if closed != 0 {
		p.Incident.LastExercise = calendar.Of(fromMicros(closed))
	}

	if p.Restore, err = t.routineFacts(ctx, restoreChore, today); err != nil {
		return p, err
	}

	prog, err := t.LessonProgress(ctx)
	if err != nil {
		return p, err
	}
	all := prog.Rates().Overall
	p.Training = selfdiag.Rate{Done: all.Done, Of: all.Assigned}

	partners, err := t.Partners(ctx)
	if err != nil {
		return p, err
	}
	for _, pt := range partners {
		p.Partners = append(p.Partners, selfdiag.PartnerFacts{Name: pt.Name, Entrusted: pt.Entrusted,
			Terms: pt.Terms == partner.TermsYes, Checked: pt.Terms != partner.TermsUnchecked})
	}
	return p, nil
}

// routineFacts reads the state of the company's active routine of chore:
// its last completions and whether an occurrence is overdue on today.
func (t Tenant) routineFacts(ctx context.Context, chore string, today calendar.Day) (selfdiag.RoutineFacts, error) {
	var f selfdiag.RoutineFacts
	var id int64
	var cadence routine.Cadence
	err := t.db.queryRow(ctx, "SELECT id, cadence FROM routines WHERE org_id = ? AND chore = ? AND applicable = 1 AND paused = 0 ORDER BY id LIMIT 1",
		t.org, chore).Scan(&id, &cadence)
	if notFound(err) == problem.ErrNotFound {
		return f, nil
	}
	if err != nil {
		return f, err
	}
	f.Active = true
	f.Period = map[routine.Cadence]int{routine.Weekly: 7, routine.Monthly: 31, routine.Quarterly: 92, routine.Yearly: 366}[cadence]
	var overdue int
	var last, withEvidence int64
	if err := t.db.queryRow(ctx, `SELECT
		(SELECT count(*) FROM routine_occurrences WHERE org_id = ? AND routine_id = ? AND done_at = 0 AND due_on < ?),
		(SELECT COALESCE(MAX(done_at), 0) FROM routine_occurrences WHERE org_id = ? AND routine_id = ?),
		(SELECT COALESCE(MAX(o.done_at), 0) FROM routine_occurrences o WHERE o.org_id = ? AND o.routine_id = ? AND o.done_at <> 0
			AND EXISTS (SELECT 1 FROM routine_evidence e WHERE e.org_id = o.org_id AND e.occurrence_id = o.id))`,
		t.org, id, today.String(), t.org, id, t.org, id).Scan(&overdue, &last, &withEvidence); err != nil {
		return f, err
	}
	f.Overdue = overdue > 0
	if last != 0 {
		f.LastDone = calendar.Of(fromMicros(last))
	}
	if withEvidence != 0 {
		f.LastWithEvidence = calendar.Of(fromMicros(withEvidence))
	}
	return f, nil
}
