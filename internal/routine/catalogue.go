// Package routine owns the routine chores of the seeds' 「導入ではなく運用」:
// the catalogue of chores a small company should do every week, month,
// quarter and year, which of them apply to a company (from its own
// inventory: no VPN appliance, no VPN firmware check), and when each falls
// due. Everything here is a pure function over inventory records and dates,
// tested without a database; the store keeps a company's routines and their
// occurrences, and reminders are jobs.
//
// Texts live in the catalogues under routine.<chore id>.title / .why /
// .step.N and .evidence, so a new language needs no Go change.
package routine

import (
	"slices"

	"github.com/mamori-sec/mamori/internal/inventory"
)

// Cadence is how often a chore recurs.
type Cadence string

// The cadences, most frequent first.
const (
	Weekly    Cadence = "weekly"
	Monthly   Cadence = "monthly"
	Quarterly Cadence = "quarterly"
	Yearly    Cadence = "yearly"
	// Once is a one-off task, due on the day the keeper set (Schedule.On)
	// and never again: what a near miss showed is to change. It is not
	// offered for the catalogue's chores (not in Cadences).
	Once Cadence = "once"
)

// Cadences lists the cadences in display order.
var Cadences = []Cadence{Weekly, Monthly, Quarterly, Yearly}

// Valid reports whether c is one of the cadences.
func (c Cadence) Valid() bool { return c == Once || slices.Contains(Cadences, c) }

// Evidence is what proves an occurrence was done.
type Evidence string

// The kinds of evidence.
const (
	EvidenceNote   Evidence = "note"   // a short written note of what was seen and done
	EvidenceFile   Evidence = "file"   // an uploaded file (a screenshot, an export, a signed sheet)
	EvidenceImport Evidence = "import" // an import of the latest console export of the service
	EvidenceShares Evidence = "shares" // each open share marked kept or closed
)

// Chore is one entry of the catalogue.
type Chore struct {
	ID      string  // stable key: "monthly.share_review"
	Cadence Cadence // the default cadence; a company may change it
	Steps   int     // checklist steps, routine.<ID>.step.1 … step.N
	// Evidence lists what proves it, the first being the one asked for
	// by default.
	Evidence []Evidence
	// PerService: the chore is done once per service it applies to (the
	// share review of each service that holds personal data).
	PerService bool
	// OneOff: a task made from a record (a near miss needing action), one
	// routine per record, due once; never planned, never offered in the
	// list of chores to add.
	OneOff bool
	// applies says whether the company needs the chore, from its
	// inventory; nil means every company does.
	applies func(f facts) bool
	// service says which services a per-service chore covers.
	service func(f facts, s inventory.Service) bool
}

// Catalogue is every chore mamori knows, drawn from the seeds (001, 002,
// 004) and IPA's guideline: weekly sign-in and update checks, monthly share,
// account and backup reviews, quarterly restore tests, stocktakes, firmware
// and privilege reviews, and the yearly policy, self-diagnosis, training,
// drill, supplier and risk reviews.
var Catalogue = []Chore{
	{ID: "weekly.signin_review", Cadence: Weekly, Steps: 3, Evidence: []Evidence{EvidenceNote, EvidenceFile},
		applies: func(f facts) bool { return f.cloudServices > 0 }},
	{ID: "weekly.pending_updates", Cadence: Weekly, Steps: 3, Evidence: []Evidence{EvidenceNote},
		applies: func(f facts) bool { return f.devices > 0 }},

	{ID: "monthly.share_review", Cadence: Monthly, Steps: 3, Evidence: []Evidence{EvidenceShares, EvidenceNote},
		PerService: true,
		applies:    func(f facts) bool { return f.shareServices > 0 || f.personalServices > 0 },
		service:    func(f facts, s inventory.Service) bool { return f.sharesOf[s.ID] > 0 || f.personal[s.ID] }},
	{ID: "monthly.account_review", Cadence: Monthly, Steps: 4, Evidence: []Evidence{EvidenceImport, EvidenceNote},
		PerService: true,
		applies:    func(f facts) bool { return f.accountServices > 0 },
		service:    func(f facts, s inventory.Service) bool { return f.accountsOf[s.ID] > 0 }},
	{ID: "monthly.backup_check", Cadence: Monthly, Steps: 2, Evidence: []Evidence{EvidenceNote, EvidenceFile},
		applies: func(f facts) bool { return f.nas > 0 || f.onPremServices > 0 || f.personalServices > 0 }},

	{ID: "quarterly.restore_test", Cadence: Quarterly, Steps: 3, Evidence: []Evidence{EvidenceFile, EvidenceNote},
		applies: func(f facts) bool { return f.nas > 0 || f.onPremServices > 0 || f.personalServices > 0 }},
	{ID: "quarterly.device_stocktake", Cadence: Quarterly, Steps: 3, Evidence: []Evidence{EvidenceFile, EvidenceNote},
		applies: func(f facts) bool { return f.devices > 0 }},
	{ID: "quarterly.network_firmware", Cadence: Quarterly, Steps: 3, Evidence: []Evidence{EvidenceNote, EvidenceFile},
		applies: func(f facts) bool { return f.networkDevices > 0 }},
	{ID: "quarterly.privilege_review", Cadence: Quarterly, Steps: 3, Evidence: []Evidence{EvidenceNote, EvidenceImport},
		applies: func(f facts) bool { return f.adminAccounts > 0 }},

	{ID: "yearly.policy_review", Cadence: Yearly, Steps: 3, Evidence: []Evidence{EvidenceFile, EvidenceNote}},
	{ID: "yearly.self_diagnosis", Cadence: Yearly, Steps: 2, Evidence: []Evidence{EvidenceNote, EvidenceFile}},
	{ID: "yearly.training_refresh", Cadence: Yearly, Steps: 3, Evidence: []Evidence{EvidenceNote, EvidenceFile},
		applies: func(f facts) bool { return f.people > 0 }},
	{ID: "yearly.incident_drill", Cadence: Yearly, Steps: 3, Evidence: []Evidence{EvidenceNote, EvidenceFile}},
	{ID: "yearly.supplier_review", Cadence: Yearly, Steps: 3, Evidence: []Evidence{EvidenceNote, EvidenceFile},
		applies: func(f facts) bool { return f.cloudServices > 0 || f.externalAccounts > 0 }},
	{ID: "yearly.risk_analysis", Cadence: Yearly, Steps: 3, Evidence: []Evidence{EvidenceFile, EvidenceNote},
		applies: func(f facts) bool { return f.assets > 0 || f.personalServices > 0 }},

	{ID: "once.near_miss_action", Cadence: Once, Steps: 2, Evidence: []Evidence{EvidenceNote, EvidenceFile}, OneOff: true,
		applies: func(facts) bool { return false }},
	{ID: "once.incident_action", Cadence: Once, Steps: 2, Evidence: []Evidence{EvidenceNote, EvidenceFile}, OneOff: true,
		applies: func(facts) bool { return false }},
}

// ChoreByID returns the catalogue entry with id.
func ChoreByID(id string) (Chore, bool) {
	for _, c := range Catalogue {
		if c.ID == id {
			return c, true
		}
	}
	return Chore{}, false
}

// TitleKey, WhyKey and StepKey name the chore's texts in the catalogues.
func (c Chore) TitleKey() string { return "routine." + c.ID + ".title" }

// WhyKey names why the chore matters, for a non-expert.
func (c Chore) WhyKey() string { return "routine." + c.ID + ".why" }

// StepKeys name the checklist steps in order.
func (c Chore) StepKeys() []string {
	out := make([]string, c.Steps)
	for i := range out {
		out[i] = "routine." + c.ID + ".step." + string(rune('1'+i))
	}
	return out
}
