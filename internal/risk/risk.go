// Package risk is the IPA risk analysis (付録7 リスク分析シート, 詳細リスク分析)
// as pure rules: the threat catalogue, the guideline's table that turns a
// threat level and a vulnerability level into 被害発生可能性, the risk value
// (重要度 × 被害発生可能性), the company's acceptance line, the treatments
// (低減・回避・移転・保有) and what a risk above the line must have, and the
// vulnerabilities the open findings suggest. The store persists what these
// rules decide; 重要度 itself is the inventory's (inventory.Asset.Importance).
package risk

import (
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/problem"
)

// likelihood is the guideline's conversion table (rows: threat 1–3,
// columns: vulnerability 1–3), copied as the guideline prints it rather
// than computed, because the formula sometimes quoted for it (threat ÷
// (4 − vulnerability)) disagrees unless rounded up.
var likelihood = [4][4]int{
	1: {1: 1, 2: 1, 3: 1},
	2: {1: 1, 2: 1, 3: 2},
	3: {1: 1, 2: 2, 3: 3},
}

// ValidLevel reports whether v is a level of the guideline's 1–3 scales.
func ValidLevel(v int) bool { return v >= 1 && v <= 3 }

// Likelihood is 被害発生可能性 for a threat level (脅威の起こりやすさ) and a
// vulnerability level (脆弱性のつけ込みやすさ), both 1–3; 0 when either is
// out of range.
func Likelihood(threat, vulnerability int) int {
	if !ValidLevel(threat) || !ValidLevel(vulnerability) {
		return 0
	}
	return likelihood[threat][vulnerability]
}

// Value is リスク値 = 重要度 × 被害発生可能性 (1–9); 0 when an input is out
// of range.
func Value(importance, likelihood int) int {
	if !ValidLevel(importance) || !ValidLevel(likelihood) {
		return 0
	}
	return importance * likelihood
}

// DefaultLine is the acceptance line a company starts with: risk values up
// to it are accepted as they are, values above it need a treatment. The
// guideline leaves the line to the company; 3 accepts the bottom row and
// column of the 3×3 matrix (1, 2, 3) and asks for a treatment from 4 on,
// the "low / medium / high" split the guideline's training material shows.
const DefaultLine = 3

// ValidLine reports whether line can be an acceptance line (1–8: 9 would
// accept every risk).
func ValidLine(line int) bool { return line >= 1 && line <= 8 }

// Treatment is how a risk is dealt with.
type Treatment string

// The treatments of the guideline.
const (
	None     Treatment = ""
	Reduce   Treatment = "reduce"   // 低減: e.g. access control, updates
	Avoid    Treatment = "avoid"    // 回避: e.g. stop taking devices out
	Transfer Treatment = "transfer" // 移転: e.g. a cloud service, cyber insurance
	Retain   Treatment = "retain"   // 保有: accept the residual risk knowingly
)

// Treatments lists them in the guideline's order.
var Treatments = []Treatment{Reduce, Avoid, Transfer, Retain}

// Key is the catalogue key of the treatment's word (the audit trail labels
// the stored value with the same key).
func (t Treatment) Key() string {
	if t == None {
		return "risk.treatment_none"
	}
	return "inv.risk.treatment." + string(t)
}

// Valid reports whether t is a known treatment or none.
func (t Treatment) Valid() bool {
	return t == None || t == Reduce || t == Avoid || t == Transfer || t == Retain
}

// Status is where a risk's treatment stands.
type Status string

// The statuses.
const (
	Open Status = "open" // the treatment is planned or under way
	Done Status = "done" // the treatment has been carried out
)

// Key is the catalogue key of the status's word.
func (s Status) Key() string { return "inv.risk.status." + string(s) }

// Risk is one line of the register: one threat to one information asset.
type Risk struct {
	ID            int64
	AssetID       int64
	Threat        string // a catalogue threat's ID, or the company's own words
	ThreatLevel   int    // 脅威の起こりやすさ 1–3
	Vulnerability int    // 脆弱性のつけ込みやすさ 1–3
	Treatment     Treatment
	Plan          string // what will be done
	OwnerID       int64  // the person responsible (inventory person), 0 none
	Due           calendar.Day
	Status        Status
	Note          string
	UpdatedAt     time.Time
}

// Likelihood is the risk's 被害発生可能性.
func (r Risk) Likelihood() int { return Likelihood(r.ThreatLevel, r.Vulnerability) }

// ValueFor is the risk's value for its asset's 重要度.
func (r Risk) ValueFor(importance int) int { return Value(importance, r.Likelihood()) }

// Above reports whether the risk, for its asset's 重要度, lies above the
// acceptance line.
func (r Risk) Above(importance, line int) bool { return r.ValueFor(importance) > line }

// Untreated reports whether a risk above the line has no complete
// treatment (a treatment, a plan, an owner and a due day).
func (r Risk) Untreated(importance, line int) bool {
	return r.Above(importance, line) && r.Status != Done &&
		(r.Treatment == None || strings.TrimSpace(r.Plan) == "" || r.OwnerID == 0 || r.Due.IsZero())
}

// Overdue reports whether the treatment is past its due day on today and
// not done.
func (r Risk) Overdue(today calendar.Day) bool {
	return r.Treatment != None && r.Status != Done && !r.Due.IsZero() && r.Due < today
}

// Normal trims the text fields and fills the defaults.
func (r Risk) Normal() Risk {
	r.Threat = strings.TrimSpace(r.Threat)
	r.Plan = strings.TrimSpace(r.Plan)
	r.Note = strings.TrimSpace(r.Note)
	if r.Status == "" {
		r.Status = Open
	}
	return r
}

// Validate is the one validation of a risk, for the form, the API and the
// importer alike: levels 1–3, a known treatment, and for a risk above the
// acceptance line a treatment with a plan, an owner and a due day. The
// error names the field.
func Validate(r Risk, importance, line int) error {
	switch {
	case r.AssetID == 0:
		return problem.Field("asset", "risk.asset_required")
	case r.Threat == "":
		return problem.Field("threat", "risk.threat_required")
	case !ValidLevel(r.ThreatLevel):
		return problem.Field("threat_level", "risk.level_invalid")
	case !ValidLevel(r.Vulnerability):
		return problem.Field("vulnerability", "risk.level_invalid")
	case !r.Treatment.Valid():
		return problem.Field("treatment", "risk.treatment_invalid")
	case r.Status != Open && r.Status != Done:
		return problem.Field("status", "risk.status_invalid")
	case len([]rune(r.Plan)) > 2000 || len([]rune(r.Note)) > 2000 || len([]rune(r.Threat)) > 200:
		return problem.Field("plan", "risk.too_long")
	}
	if !r.Above(importance, line) {
		return nil
	}
	switch {
	case r.Treatment == None:
		return problem.Field("treatment", "risk.treatment_required")
	case r.Plan == "":
		return problem.Field("plan", "risk.plan_required")
	case r.OwnerID == 0:
		return problem.Field("owner", "risk.owner_required")
	case r.Due.IsZero():
		return problem.Field("due", "risk.due_required")
	}
	return nil
}
