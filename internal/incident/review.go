package incident

import (
	"strings"
	"unicode/utf8"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/problem"
)

// Review is what closing an incident requires: what went wrong in people,
// technology and operations, the root cause, the preventive actions with
// an owner and a due date each, and a lesson for staff without names.
type Review struct {
	People     string   `json:"people"`
	Technology string   `json:"technology"`
	Operations string   `json:"operations"`
	RootCause  string   `json:"root_cause"`
	Actions    []Action `json:"actions"`
	Lesson     string   `json:"lesson"`
}

// Action is one preventive action.
type Action struct {
	What    string       `json:"what"`
	OwnerID int64        `json:"owner_id"`
	Owner   string       `json:"owner"`
	Due     calendar.Day `json:"due"`
}

// Check refuses a review that would close an incident without learning
// from it, naming the field.
func (r *Review) Check(today calendar.Day) error {
	for _, f := range []struct {
		name string
		v    *string
	}{{"people", &r.People}, {"technology", &r.Technology}, {"operations", &r.Operations}, {"root_cause", &r.RootCause}, {"lesson", &r.Lesson}} {
		*f.v = strings.TrimSpace(*f.v)
		if *f.v == "" {
			return problem.Field(f.name, "incident.error.review_missing")
		}
		if utf8.RuneCountInString(*f.v) > MaxText {
			return problem.Field(f.name, "incident.error.too_long", MaxText)
		}
	}
	if len(r.Actions) == 0 {
		return problem.Field("action_1", "incident.error.review_action")
	}
	for _, a := range r.Actions {
		if a.OwnerID == 0 || a.Due.IsZero() {
			return problem.Field("action_1", "incident.error.review_action")
		}
		if a.Due < today {
			return problem.Field("action_1", "incident.error.review_due_past")
		}
	}
	return nil
}

// Scenarios are the tabletop exercises the seeds describe, as catalogue
// keys (incident.scenario.<id>) and the type whose playbook they run.
var Scenarios = []string{"mis_sent_list", "laptop_train", "ransomware_server", "public_link"}

// ScenarioType is the playbook a scenario runs.
func ScenarioType(id string) Type {
	return map[string]Type{"mis_sent_list": MisSent, "laptop_train": LostDevice, "ransomware_server": Malware, "public_link": ShareExposed}[id]
}

// DraftKinds are the documents an incident drafts: the regulator report's
// items, the notice to the people concerned, the public notice, the phone
// FAQ and the inquiry log.
var DraftKinds = []string{"regulator", "notice", "public", "faq", "inquiries"}
