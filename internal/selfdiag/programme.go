package selfdiag

import "github.com/mamori-sec/mamori/internal/calendar"

// Programme is what the modules beyond the inventory know about the
// company's written rules, incident preparation, backups, training and
// partners' contracts,
// gathered by the store and passed in. A zero field means mamori holds
// no data on it, and no data is never a pass.
type Programme struct {
	// Policy is the published policy set; Version 0 when none is.
	Policy PolicyFacts
	// Incident is the incident preparation.
	Incident IncidentFacts
	// Restore is the routine "restore test" (quarterly.restore_test).
	Restore RoutineFacts
	// Training is lesson completion: assignments given and completed.
	Training Rate
	// Partners are the partners register's contract facts (question 22).
	Partners []PartnerFacts
}

// PartnerFacts is what the partners register says of one partner's
// contract: whether the company entrusts it with important information
// and whether confidentiality terms are known to be in the contract (not
// checked counts as not known).
type PartnerFacts struct {
	Name      string
	Entrusted bool
	Terms     bool
	// Checked is false when nobody has looked at the contract yet.
	Checked bool
}

// Names are partners' names as one argument of a reason; the page joins
// them the reader's way.
type Names []string

// Rate is done of all.
type Rate struct{ Done, Of int }

// Percent is the rate in whole percent; 0 of 0 is 0.
func (r Rate) Percent() int {
	if r.Of == 0 {
		return 0
	}
	return r.Done * 100 / r.Of
}

// PolicyFacts are the published policy version, how many members
// acknowledged it and whether its rules hold the staff's duty of
// confidentiality (policy.CoversConfidentiality).
type PolicyFacts struct {
	Version         int
	Acked           Rate
	Confidentiality bool
}

// IncidentFacts are the emergency contacts the company filled in itself
// (the public defaults do not count), the playbooks it can open (the
// built-in ones and its own) and the last drill or real incident closed by
// a review.
type IncidentFacts struct {
	OwnContacts, Desks int
	Playbooks          int
	LastExercise       calendar.Day // 0: none
}

// RoutineFacts are a routine's state: whether it is kept and falls due,
// its last completion with evidence (and without), and whether an
// occurrence is overdue on the day.
type RoutineFacts struct {
	Active           bool
	LastWithEvidence calendar.Day // 0: never
	LastDone         calendar.Day // 0: never
	Overdue          bool
	Period           int // days between occurrences
}

// AckThreshold is the share of members (in percent) who must have
// acknowledged the published policy for written rules to count as shared.
const AckThreshold = 80

// TrainingThreshold is the lesson completion (in percent) for training to
// count as done.
const TrainingThreshold = 80

// fromProgramme proposes an answer from the programme modules for the
// questions they speak to; ok is false when they say nothing (no data).
func fromProgramme(q int, today calendar.Day, pr *Programme) (p Proposal, ok bool) {
	p.Q = q
	switch q {
	case 11:
		r := pr.Restore
		if !r.Active {
			return p, false
		}
		recent := func(d calendar.Day, within int) bool { return d != 0 && d <= today && int(today-d) <= within }
		p.Args = []any{r.LastWithEvidence}
		switch {
		case !r.Overdue && recent(r.LastWithEvidence, r.Period):
			p.Answer, p.Reason = Done, "selfdiag.reason.restore_done"
		case !r.Overdue && recent(r.LastDone, r.Period):
			p.Answer, p.Reason = Partly, "selfdiag.reason.restore_no_evidence"
			p.Args = []any{r.LastDone}
		case r.Overdue && recent(r.LastWithEvidence, 365):
			p.Answer, p.Reason = Partly, "selfdiag.reason.restore_overdue"
		case r.Overdue:
			p.Answer, p.Reason = NotDone, "selfdiag.reason.restore_never"
			p.Args = nil
		default:
			return p, false // not yet due for the first time
		}
		return p, true
	case 20:
		t := pr.Training
		if t.Of == 0 {
			return p, false
		}
		p.Args = []any{t.Done, t.Of, t.Percent()}
		p.Reason = "selfdiag.reason.training"
		switch {
		case t.Percent() >= TrainingThreshold:
			p.Answer = Done
		case t.Done > 0:
			p.Answer = Partly
		default:
			p.Answer = NotDone
		}
		return p, true
	case 24:
		in := pr.Incident
		exercised := in.LastExercise != 0 && in.LastExercise <= today && today-in.LastExercise <= 365
		if in.OwnContacts == 0 && !exercised {
			// The public defaults and the built-in playbooks alone say
			// nothing of what the company decided.
			return p, false
		}
		p.Reason = "selfdiag.reason.incident"
		p.Args = []any{in.OwnContacts, in.Desks, in.Playbooks, in.LastExercise}
		if !exercised {
			p.Reason = "selfdiag.reason.incident_no_exercise"
			p.Args = p.Args[:3]
		}
		p.Answer = Partly
		if in.OwnContacts > 0 && in.Playbooks > 0 && exercised {
			p.Answer = Done
		}
		return p, true
	case 19:
		pol := pr.Policy
		if pol.Version == 0 {
			return p, false // nothing written down: the person answers
		}
		p.Args = []any{pol.Version, pol.Acked.Done, pol.Acked.Of, pol.Acked.Percent()}
		p.Answer, p.Reason = Partly, "selfdiag.reason.confidentiality"
		if !pol.Confidentiality {
			p.Reason = "selfdiag.reason.confidentiality_missing"
		} else if pol.Acked.Of > 0 && pol.Acked.Percent() >= AckThreshold {
			p.Answer = Done
		}
		return p, true
	case 22:
		var with, missing Names
		unchecked := false
		for _, pt := range pr.Partners {
			switch {
			case !pt.Entrusted:
			case pt.Terms:
				with = append(with, pt.Name)
			default:
				missing = append(missing, pt.Name)
				unchecked = unchecked || !pt.Checked
			}
		}
		of := len(with) + len(missing)
		if of == 0 {
			return p, false // no partner marked entrusted: no data
		}
		switch {
		case len(missing) == 0:
			p.Answer, p.Reason = Done, "selfdiag.reason.partners_done"
			p.Args = []any{of, with}
			return p, true
		case len(with) > 0:
			p.Answer = Partly
		default:
			p.Answer = NotDone
		}
		p.Reason = "selfdiag.reason.partners_missing"
		if unchecked {
			p.Reason = "selfdiag.reason.partners_unchecked"
		}
		p.Args = []any{missing, len(with), of}
		return p, true
	case 25:
		pol := pr.Policy
		if pol.Version == 0 {
			p.Answer, p.Reason = NotDone, "selfdiag.reason.policy_none"
			return p, true
		}
		p.Args = []any{pol.Version, pol.Acked.Done, pol.Acked.Of, pol.Acked.Percent()}
		p.Reason = "selfdiag.reason.policy"
		p.Answer = Partly
		if pol.Acked.Of > 0 && pol.Acked.Percent() >= AckThreshold {
			p.Answer = Done
		}
		return p, true
	}
	return p, false
}

// programmeSpeaks lists the questions the programme modules can answer.
var programmeSpeaks = map[int]bool{11: true, 19: true, 20: true, 22: true, 24: true, 25: true}
