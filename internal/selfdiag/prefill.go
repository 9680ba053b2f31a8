package selfdiag

import (
	"slices"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/inventory"
)

// OpenFinding is a finding that is not resolved, as the prefill reads it:
// its check, the record it is about, by name, and whether the risk was
// accepted (knowingly left as it is).
type OpenFinding struct {
	CheckID  string
	Subject  inventory.Name
	Accepted bool
}

// Live is what mamori knows about the company today.
type Live struct {
	Today    calendar.Day
	Data     inventory.Data
	Findings []OpenFinding
	// Programme is what the policy, incident, routine and lesson modules
	// know (written rules, incident preparation, backups, training).
	Programme Programme
}

// Evidence is one record behind a proposal: a record that shows the
// measure in place (CheckID empty), or a finding's record that shows it
// missing (CheckID names the check, whose title says what is wrong).
type Evidence struct {
	Record  inventory.Name
	CheckID string
}

// Proposal is the answer mamori proposes for one question from live data.
type Proposal struct {
	Q int
	// Answer is Unanswered when the data does not allow a proposal; the
	// person answers from what they know.
	Answer Answer
	// Reason is the catalogue key saying why (selfdiag.reason.*); its
	// arguments are Count and Of.
	Reason    string
	Count, Of int
	// Args are the Reason's arguments for the reasons drawn from the
	// programme modules (policy version and rate, days, counts).
	Args     []any
	Evidence []Evidence
}

// ReasonArgs are the arguments of the Reason message: how many records
// (and of how many) for the reasons that count them, none otherwise.
func (p Proposal) ReasonArgs() []any {
	if p.Args != nil {
		return p.Args
	}
	switch p.Reason {
	case "selfdiag.reason.findings", "selfdiag.reason.not_shown":
		return []any{p.Count, p.Of}
	case "selfdiag.reason.accepted", "selfdiag.reason.all_shown":
		return []any{p.Count}
	}
	return nil
}

// MaxEvidence is how many records a proposal names; Count says how many
// there are in all.
const MaxEvidence = 12

// measure says, for the questions whose measure shows in the inventory,
// which records show it in place and which do not (missing or unknown
// data). A question without a measure gets a proposal only from findings:
// "partly" or "not done", never "done".
type measure func(d *inventory.Data, today calendar.Day) (shown, notShown []inventory.Name)

var measures = map[int]measure{
	1: func(d *inventory.Data, today calendar.Day) (ok, no []inventory.Name) {
		for _, dv := range inUse(d, today, inventory.PC, inventory.Smartphone, inventory.Tablet, inventory.Router, inventory.UTM, inventory.VPN, inventory.WiFiAP, inventory.NAS) {
			ok, no = sort2(ok, no, dv.LastUpdated != "", deviceName(dv))
		}
		return ok, no
	},
	2: func(d *inventory.Data, today calendar.Day) (ok, no []inventory.Name) {
		for _, dv := range inUse(d, today, inventory.PC) {
			ok, no = sort2(ok, no, dv.Antivirus == inventory.Yes, deviceName(dv))
		}
		return ok, no
	},
	3: func(d *inventory.Data, today calendar.Day) (ok, no []inventory.Name) {
		svc := serviceNames(d)
		for _, a := range d.Accounts {
			if a.Status == inventory.Active {
				ok, no = sort2(ok, no, a.MFA == inventory.MFAOn, inventory.Name{Kind: "account", Name: a.LoginID, Service: svc[a.ServiceID]})
			}
		}
		return ok, no
	},
	4: func(d *inventory.Data, today calendar.Day) (ok, no []inventory.Name) {
		svc := serviceNames(d)
		for _, s := range d.Shares {
			ok, no = sort2(ok, no, s.LastReviewed != "", inventory.Name{Kind: "share", Name: s.Path, Service: svc[s.ServiceID]})
		}
		return ok, no
	},
	9: func(d *inventory.Data, today calendar.Day) (ok, no []inventory.Name) {
		for _, dv := range inUse(d, today, inventory.Router, inventory.WiFiAP) {
			ok, no = sort2(ok, no, dv.GuestSeparated == inventory.Yes, deviceName(dv))
		}
		return ok, no
	},
	14: func(d *inventory.Data, today calendar.Day) (ok, no []inventory.Name) {
		for _, dv := range inUse(d, today, inventory.PC, inventory.Smartphone, inventory.Tablet) {
			ok, no = sort2(ok, no, dv.ScreenLock == inventory.Yes, deviceName(dv))
		}
		return ok, no
	},
	21: func(d *inventory.Data, today calendar.Day) (ok, no []inventory.Name) {
		for _, dv := range inUse(d, today, inventory.DeviceKinds...) {
			if dv.Ownership == inventory.BYOD {
				ok, no = sort2(ok, no, dv.ScreenLock == inventory.Yes && dv.Network != inventory.Internal, deviceName(dv))
			}
		}
		return ok, no
	},
	23: func(d *inventory.Data, today calendar.Day) (ok, no []inventory.Name) {
		for _, s := range d.Services {
			if s.Category != inventory.Cloud {
				continue
			}
			done, err := calendar.ParseISO(s.CloudCheckDone)
			ok, no = sort2(ok, no, err == nil && done <= today && today-done <= 365, inventory.Name{Kind: "service", Name: s.Name})
		}
		return ok, no
	},
}

func sort2(ok, no []inventory.Name, shown bool, n inventory.Name) ([]inventory.Name, []inventory.Name) {
	if shown {
		return append(ok, n), no
	}
	return ok, append(no, n)
}

func inUse(d *inventory.Data, today calendar.Day, kinds ...inventory.DeviceKind) []*inventory.Device {
	var out []*inventory.Device
	for i := range d.Devices {
		dv := &d.Devices[i]
		if gone, err := calendar.ParseISO(dv.DisposedOn); err == nil && gone <= today {
			continue
		}
		if slices.Contains(kinds, dv.Kind) {
			out = append(out, dv)
		}
	}
	return out
}

func deviceName(dv *inventory.Device) inventory.Name {
	return inventory.Name{Kind: "device", Name: dv.Name, Type: string(dv.Kind)}
}

func serviceNames(d *inventory.Data) map[int64]string {
	m := make(map[int64]string, len(d.Services))
	for _, s := range d.Services {
		m[s.ID] = s.Name
	}
	return m
}

// Speaks reports whether live data can say anything about question q: a
// check reads it or the inventory shows its measure.
func Speaks(q int) bool {
	_, ok := measures[q]
	return ok || programmeSpeaks[q] || len(checksFor(q)) > 0
}

// checksFor returns the checks that are evidence for question q.
func checksFor(q int) map[string]findings.Check {
	out := map[string]findings.Check{}
	for _, c := range findings.Checks() {
		if slices.Contains(c.SelfCheck, q) {
			out[c.ID] = c
		}
	}
	return out
}

// Prefill proposes an answer to each question live data speaks to. It is
// honest about what the data shows:
//   - an open finding of a check that reads the question shows the measure
//     missing for that record: "not done" when every record the measure is
//     about is affected, otherwise "partly"; an accepted risk is "partly";
//   - "done" only when the inventory holds records the measure is about
//     and every one of them shows it in place (a blank or unknown value
//     does not), and no finding says otherwise;
//   - for backups, staff confidentiality, training, partners' contracts,
//     incident preparation and written rules (11, 19, 20, 22, 24, 25), what
//     the programme modules hold (Live.Programme), when no finding speaks
//     first;
//   - otherwise no proposal: no data is never a pass.
func Prefill(live Live) [Questions]Proposal {
	var out [Questions]Proposal
	for q := 1; q <= Questions; q++ {
		out[q-1] = propose(q, &live)
	}
	return out
}

func propose(q int, live *Live) Proposal {
	p := Proposal{Q: q}
	checks := checksFor(q)
	var against, accepted, missing []Evidence
	subjects := map[inventory.Name]bool{}
	for _, f := range live.Findings {
		c, ok := checks[f.CheckID]
		if !ok {
			continue
		}
		ev := Evidence{Record: subjectOf(f.Subject), CheckID: f.CheckID}
		switch {
		case len(c.Needs) > 0:
			missing = append(missing, ev)
		case f.Accepted:
			accepted = append(accepted, ev)
		default:
			against = append(against, ev)
			subjects[ev.Record] = true
		}
	}
	m := measures[q]
	var shown, notShown []inventory.Name
	if m != nil {
		shown, notShown = m(&live.Data, live.Today)
	}
	total := len(shown) + len(notShown)
	switch {
	case len(against) > 0:
		p.Answer, p.Reason = Partly, "selfdiag.reason.findings"
		if total > 0 && len(subjects) >= total || total == 0 && m != nil {
			p.Answer = NotDone
		}
		p.Count, p.Of = len(subjects), total
		p.Evidence = against
	case len(accepted) > 0:
		p.Answer, p.Reason = Partly, "selfdiag.reason.accepted"
		p.Count = len(accepted)
		p.Evidence = accepted
	case m == nil:
		if pp, ok := fromProgramme(q, live.Today, &live.Programme); ok {
			return pp
		}
		p.Reason = "selfdiag.reason.no_measure"
		if len(checks) > 0 {
			p.Reason = "selfdiag.reason.no_findings"
		}
		return p
	case total == 0:
		p.Reason = "selfdiag.reason.no_records"
		return p
	case len(notShown) > 0 || len(missing) > 0:
		p.Reason = "selfdiag.reason.not_shown"
		p.Count, p.Of = len(notShown), total
		for _, n := range notShown {
			p.Evidence = append(p.Evidence, Evidence{Record: n})
		}
		p.Evidence = append(p.Evidence, missing...)
		if len(notShown) == 0 {
			p.Count = len(missing)
		}
	default:
		p.Answer, p.Reason = Done, "selfdiag.reason.all_shown"
		p.Count, p.Of = len(shown), total
		for _, n := range shown {
			p.Evidence = append(p.Evidence, Evidence{Record: n})
		}
	}
	if len(p.Evidence) > MaxEvidence {
		p.Evidence = p.Evidence[:MaxEvidence]
	}
	return p
}

// subjectOf keeps a name comparable (a finding's own subject pointer is
// dropped: the record is what counts).
func subjectOf(n inventory.Name) inventory.Name {
	n.Subject = nil
	return n
}

// Contradiction is an answer of "done" that live findings say is not
// true.
type Contradiction struct {
	Q        int
	Findings []Evidence
}

// Contradictions lists the questions answered "done" while findings of a
// check that reads them are open (not accepted; a check that only says
// data is missing does not contradict).
func Contradictions(a Answers, open []OpenFinding) []Contradiction {
	var out []Contradiction
	for q := 1; q <= Questions; q++ {
		if a.Get(q) != Done {
			continue
		}
		checks := checksFor(q)
		var ev []Evidence
		for _, f := range open {
			if c, ok := checks[f.CheckID]; ok && !f.Accepted && len(c.Needs) == 0 {
				ev = append(ev, Evidence{Record: subjectOf(f.Subject), CheckID: f.CheckID})
			}
		}
		if len(ev) > 0 {
			if len(ev) > MaxEvidence {
				ev = ev[:MaxEvidence]
			}
			out = append(out, Contradiction{Q: q, Findings: ev})
		}
	}
	return out
}
