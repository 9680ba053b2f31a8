package findings

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/problem"
)

// Status is where a finding is in its life. A finding is open while the
// data triggers it, resolved when the data no longer does, and accepted when
// someone with authority takes the risk until a date, after which it
// reopens.
type Status string

// The statuses, as stored and as used in URLs and catalogue keys
// (findings.status.open, …).
const (
	Open     Status = "open"
	Resolved Status = "resolved"
	Accepted Status = "accepted"
)

// Valid reports whether s is one of the statuses.
func (s Status) Valid() bool { return s == Open || s == Resolved || s == Accepted }

// Action names a change in a finding's life as the audit trail records it;
// the catalogues label each as action.<name>.
type Action string

// The actions: the first four are decided by Reconcile, the last two by a
// person (Accept, Withdraw).
const (
	ActionOpen     Action = "finding.open"     // a new finding
	ActionReopen   Action = "finding.reopen"   // a resolved finding came back
	ActionExpire   Action = "finding.expire"   // an accepted risk passed its date
	ActionResolve  Action = "finding.resolve"  // the data no longer triggers it
	ActionAccept   Action = "finding.accept"   // the risk is taken until a date
	ActionWithdraw Action = "finding.withdraw" // the acceptance is taken back
)

// Result is one finding of an evaluation as it is kept: with its check's
// severity and its evidence encoded, so that it compares cheaply with what
// is stored.
type Result struct {
	CheckID  string
	Subject  Ref
	Severity Severity
	Evidence string  // EncodeEvidence of the proof
	Detail   Message // rendered in the reader's language (Message.Render)
}

// key identifies a finding across evaluations: one check, one subject.
type key struct {
	check string
	kind  Kind
	id    int64
}

func (r Result) key() key { return key{r.CheckID, r.Subject.Kind, r.Subject.ID} }

// Results turns an evaluation's findings into what is kept of them.
func Results(fs []Finding) []Result {
	severity := make(map[string]Severity, 64)
	for _, c := range Checks() {
		severity[c.ID] = c.Severity
	}
	out := make([]Result, len(fs))
	var buf []byte
	for i, f := range fs {
		buf = appendEvidence(buf[:0], f.Evidence)
		out[i] = Result{CheckID: f.CheckID, Subject: f.Subject, Severity: severity[f.CheckID], Evidence: string(buf), Detail: f.Detail}
	}
	return out
}

// maxInvolved bounds how many evidence records Involved names: enough to
// find the change that fixed a finding, few enough for one query.
const maxInvolved = 50

// Involved lists the records a change to which may have made the finding
// go away: its subject, then its evidence.
func (r Result) Involved() []Ref {
	ev := DecodeEvidence(r.Evidence)
	return append([]Ref{r.Subject}, ev[:min(len(ev), maxInvolved)]...)
}

// Proof decodes the finding's evidence.
func (r Result) Proof() []Ref { return DecodeEvidence(r.Evidence) }

// EncodeEvidence is the stored form of a finding's evidence: a JSON list of
// {"kind":…,"id":…} objects, "[]" when there is none.
func EncodeEvidence(refs []Ref) string { return string(appendEvidence(nil, refs)) }

// appendEvidence writes what json.Marshal would, without reflection: an
// evaluation of a large tenant encodes hundreds of thousands of them.
func appendEvidence(b []byte, refs []Ref) []byte {
	b = append(b, '[')
	for i, r := range refs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"kind":`...)
		if plain(string(r.Kind)) {
			b = append(b, '"')
			b = append(b, r.Kind...)
			b = append(b, '"')
		} else {
			k, _ := json.Marshal(string(r.Kind))
			b = append(b, k...)
		}
		b = append(b, `,"id":`...)
		b = strconv.AppendInt(b, r.ID, 10)
		b = append(b, '}')
	}
	return append(b, ']')
}

// plain reports whether s needs no escaping in JSON (the kinds never do).
func plain(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool {
		return r < 0x20 || r == '"' || r == '\\' || r >= 0x7f || r == '<' || r == '>' || r == '&'
	})
}

// DecodeEvidence reads stored evidence; what cannot be read is no evidence.
func DecodeEvidence(stored string) []Ref {
	var refs []Ref
	if json.Unmarshal([]byte(stored), &refs) != nil || refs == nil {
		return []Ref{}
	}
	return refs
}

// Record is a stored finding with its life so far.
type Record struct {
	ID int64
	Result
	Status         Status
	FirstSeenAt    time.Time
	LastSeenAt     time.Time
	ResolvedAt     time.Time
	ResolvedBy     int64 // audit entry of the change that resolved it, 0 unknown
	AcceptedBy     string
	AcceptedReason string
	AcceptedUntil  string // YYYY-MM-DD, the last day the acceptance holds
}

// Expired reports whether the record is an accepted risk whose date has
// passed on day today (YYYY-MM-DD): the acceptance holds through its last
// day and ends the day after.
func (r Record) Expired(today string) bool {
	return r.Status == Accepted && r.AcceptedUntil != "" && r.AcceptedUntil < today
}

// Transition is one change Reconcile decides for the stored findings.
type Transition struct {
	// Action is the audit action; empty for a refresh, which is not a
	// transition but the proof of an unchanged finding brought up to date.
	Action Action
	ID     int64  // the stored finding; 0 for a new one
	From   Status // "" for a new one
	To     Status
	// Result is what the finding says from now on: the evaluation's result,
	// or for a resolution the stored one.
	Result Result
}

// Plan is what one evaluation changes in the stored findings.
type Plan struct {
	// Changes are the transitions, each to be recorded in the audit trail:
	// in the order of the results, then the resolutions in stored order.
	Changes []Transition
	// Refresh brings the severity, evidence and detail of findings whose
	// status does not change up to date, without an audit entry: it is
	// derived bookkeeping, like the score history.
	Refresh []Transition
}

// Count is the number of changes with the given action.
func (p Plan) Count(a Action) int {
	n := 0
	for _, t := range p.Changes {
		if t.Action == a {
			n++
		}
	}
	return n
}

// Reconcile decides what an evaluation on day today (YYYY-MM-DD) changes in
// the stored findings of an organisation: a new result opens, a resolved one
// that returns reopens, an accepted one past its date reopens (expires), an
// unchanged one whose proof changed is refreshed, and a stored one missing
// from the results resolves, whatever its status. A result repeated for the
// same check and subject counts once, the first time.
func Reconcile(stored []Record, results []Result, today string) Plan {
	var p Plan
	index := make(map[key]int, len(stored))
	for i, r := range stored {
		index[r.key()] = i
	}
	seen := make([]bool, len(stored))
	var fresh map[key]bool // results matching no stored finding, to drop repeats
	for _, in := range results {
		k := in.key()
		i, ok := index[k]
		if !ok {
			if fresh == nil {
				fresh = map[key]bool{}
			}
			if fresh[k] {
				continue
			}
			fresh[k] = true
			p.Changes = append(p.Changes, Transition{Action: ActionOpen, To: Open, Result: in})
			continue
		}
		if seen[i] {
			continue
		}
		seen[i] = true
		r := stored[i]
		switch {
		case r.Status == Resolved:
			p.Changes = append(p.Changes, Transition{Action: ActionReopen, ID: r.ID, From: r.Status, To: Open, Result: in})
		case r.Expired(today):
			p.Changes = append(p.Changes, Transition{Action: ActionExpire, ID: r.ID, From: r.Status, To: Open, Result: in})
		case r.Evidence != in.Evidence || r.Detail != in.Detail || r.Severity != in.Severity:
			p.Refresh = append(p.Refresh, Transition{ID: r.ID, From: r.Status, To: r.Status, Result: in})
		}
	}
	for i, r := range stored {
		if seen[i] || r.Status == Resolved {
			continue
		}
		p.Changes = append(p.Changes, Transition{Action: ActionResolve, ID: r.ID, From: r.Status, To: Resolved, Result: r.Result})
	}
	return p
}

// Acceptance is a risk taken knowingly: by whom, why and until which day.
type Acceptance struct {
	By, Reason, Until string
}

// NewAcceptance validates an acceptance decided on day today (YYYY-MM-DD)
// by the person named by: a reason is required, and until must be a real
// day after today.
func NewAcceptance(by, reason, until, today string) (Acceptance, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Acceptance{}, problem.Field("reason", "finding.reason_required")
	}
	if _, err := calendar.ParseISO(until); err != nil || until <= today {
		return Acceptance{}, problem.Field("until", "finding.until_invalid")
	}
	return Acceptance{By: by, Reason: reason, Until: until}, nil
}

// Accept returns r accepted as a; only an open finding can be.
func (r Record) Accept(a Acceptance) (Record, error) {
	if r.Status != Open {
		return r, problem.New(problem.Conflict, "finding.not_open")
	}
	r.Status, r.AcceptedBy, r.AcceptedReason, r.AcceptedUntil = Accepted, a.By, a.Reason, a.Until
	return r, nil
}

// Withdraw returns r open again, its acceptance taken back; only an
// accepted finding can be.
func (r Record) Withdraw() (Record, error) {
	if r.Status != Accepted {
		return r, problem.New(problem.Conflict, "finding.not_accepted")
	}
	r.Status, r.AcceptedBy, r.AcceptedReason, r.AcceptedUntil = Open, "", "", ""
	return r, nil
}
