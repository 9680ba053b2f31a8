package selfdiag

import (
	"slices"
	"strconv"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/findings"
)

// SECURITY ACTION is IPA's self-declaration scheme for small companies: a
// company declares ★ when it works on the 5か条 (five basic rules), ★★
// when it has also taken the self-diagnosis and set and published a basic
// security policy. It is a declaration, never a certification; the pages
// say so.

// RuleState is how one of the five rules stands in the live findings.
type RuleState int

// The states.
const (
	// RuleClear: checks read this rule and none of their findings is open.
	RuleClear RuleState = iota + 1
	// RuleFindings: open findings say something is missing.
	RuleFindings
	// RuleNoData: no check reads this rule, or only data is missing; the
	// keeper confirms it themself.
	RuleNoData
)

// Code names the state for the catalogue and the API.
func (s RuleState) Code() string {
	switch s {
	case RuleClear:
		return "clear"
	case RuleFindings:
		return "findings"
	}
	return "no_data"
}

// Rule is one of the five rules with its state.
type Rule struct {
	N        int // 1–5
	State    RuleState
	Findings []Evidence // the open findings against it, up to MaxEvidence
	Count    int        // how many in all
}

// Key is the catalogue key of the rule's title (.title) or what doing it
// looks like (.practice).
func (r Rule) Key(what string) string { return "selfdiag.rule." + strconv.Itoa(r.N) + "." + what }

// Readiness is where the company stands for the two stars.
type Readiness struct {
	Rules [5]Rule
	// OneStar: every rule is clear. A rule without data counts as missing
	// until live data shows it.
	OneStar bool
	// Sitting: a complete self-diagnosis within the last 12 months; on
	// the day it was taken.
	Sitting   bool
	SittingOn calendar.Day
	// Policy: a basic policy set by the owner and published outside the
	// company, on the day it was published.
	Policy   bool
	PolicyOn calendar.Day
	TwoStars bool
	// Missing counts what is still missing for ★ and for ★★ (which needs
	// ★ too).
	MissingOne, MissingTwo int
}

// ReadinessInput is what readiness reads.
type ReadinessInput struct {
	Today    calendar.Day
	Findings []OpenFinding
	// Open, when Findings is nil, gives the open findings as counts per
	// check (findings.OpenCount): the dashboard's figures, which name no
	// record.
	Open []findings.OpenCount
	// LastSitting is the day of the last complete sitting, zero for none.
	LastSitting calendar.Day
	// PolicyPublished and PolicyOn say whether the owner's basic policy is
	// published, and since when.
	PolicyPublished bool
	PolicyOn        calendar.Day
}

// SittingValidDays is how long a sitting counts: a year.
const SittingValidDays = 365

// ReadinessOf works out the readiness from live findings and the sittings.
func ReadinessOf(in ReadinessInput) Readiness {
	var r Readiness
	checks := findings.Checks()
	r.OneStar = true
	for i := range r.Rules {
		n := i + 1
		rule := Rule{N: n, State: RuleNoData}
		reads := false
		byID := map[string]findings.Check{}
		for _, c := range checks {
			if slices.Contains(c.FiveRules, n) {
				byID[c.ID] = c
				if len(c.Needs) == 0 {
					reads = true
				}
			}
		}
		if reads {
			rule.State = RuleClear
		}
		for _, c := range in.Open {
			if k, ok := byID[c.CheckID]; ok && in.Findings == nil && len(k.Needs) == 0 && c.Open > 0 {
				rule.State = RuleFindings
				rule.Count += c.Open
			}
		}
		for _, f := range in.Findings {
			c, ok := byID[f.CheckID]
			if !ok || f.Accepted || len(c.Needs) > 0 {
				continue
			}
			rule.State = RuleFindings
			rule.Count++
			if len(rule.Findings) < MaxEvidence {
				rule.Findings = append(rule.Findings, Evidence{Record: subjectOf(f.Subject), CheckID: f.CheckID})
			}
		}
		if rule.State != RuleClear {
			r.OneStar = false
			r.MissingOne++
		}
		r.Rules[i] = rule
	}
	if !in.LastSitting.IsZero() && in.LastSitting <= in.Today && in.Today-in.LastSitting <= SittingValidDays {
		r.Sitting, r.SittingOn = true, in.LastSitting
	}
	r.Policy, r.PolicyOn = in.PolicyPublished, in.PolicyOn
	r.MissingTwo = r.MissingOne
	if !r.Sitting {
		r.MissingTwo++
	}
	if !r.Policy {
		r.MissingTwo++
	}
	r.TwoStars = r.OneStar && r.Sitting && r.Policy
	return r
}
