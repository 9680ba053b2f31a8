package incident

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strconv"
)

// Phase of a playbook.
type Phase string

// The phases: the first 60 minutes and the first 24 hours.
const (
	FirstHour Phase = "first_hour"
	FirstDay  Phase = "first_day"
)

// Phases lists the phases in order.
var Phases = []Phase{FirstHour, FirstDay}

// StepDef is one step of a playbook as data: what to do (ID, whose words
// are the catalogue key incident.step.<ID>), for which records it repeats
// (For: once, a kind of record, or contact), and for a device a condition
// (When: remote_wipe) with the step to take instead when it does not hold.
type StepDef struct {
	ID   string `json:"id"`
	For  string `json:"for"`
	When string `json:"when,omitempty"`
	Else string `json:"else,omitempty"`
}

// Playbook is the steps of one incident type, per phase.
type Playbook map[Phase][]StepDef

//go:embed playbooks.json
var defaultPlaybooks []byte

// Defaults returns the built-in playbooks, per type.
func Defaults() map[Type]Playbook {
	var m map[Type]Playbook
	if err := json.Unmarshal(defaultPlaybooks, &m); err != nil {
		panic(fmt.Sprintf("incident: built-in playbooks: %v", err))
	}
	return m
}

// ParsePlaybook reads a company's own playbook for a type, refusing a step
// without an id or repeating over something unknown.
func ParsePlaybook(b []byte) (Playbook, error) {
	var p Playbook
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("incident: playbook: %w", err)
	}
	for ph, steps := range p {
		if ph != FirstHour && ph != FirstDay {
			return nil, fmt.Errorf("incident: playbook: unknown phase %q", ph)
		}
		for _, s := range steps {
			if s.ID == "" || !validFor(s.For) {
				return nil, fmt.Errorf("incident: playbook: step %q for %q", s.ID, s.For)
			}
		}
	}
	return p, nil
}

func validFor(f string) bool {
	if f == "once" || f == "contact" {
		return true
	}
	for _, k := range Kinds {
		if string(k) == f {
			return true
		}
	}
	return false
}

// Record is an affected inventory record as the playbook needs it: its
// name in words, the service it lives on, and what the device can do.
type Record struct {
	Ref
	Name       string
	Service    string // for an account or a share
	RemoteWipe bool   // for a device: remote wipe recorded as available
	Encrypted  bool   // for a device: disk encryption recorded
}

// Contact is someone to call, from the company's emergency contacts.
type Contact struct {
	Name  string
	Role  string
	Phone string
}

// Step is a playbook step filled for this incident: its stable ID (the
// step and the record), its words (Key, Args) and its phase.
type Step struct {
	ID    string
	Phase Phase
	Key   string
	Args  []any
}

// Fill turns a playbook into this incident's steps: a step for each
// chosen record of its kind (suspend THIS account on THAT service), the
// device's own step when the condition fails (no remote wipe: the
// alternative), one step per contact, and a step once for the rest. A step
// for a kind with no record chosen becomes one general step.
func Fill(p Playbook, records []Record, contacts []Contact) []Step {
	var out []Step
	for _, ph := range Phases {
		for _, d := range p[ph] {
			switch d.For {
			case "once":
				out = append(out, Step{ID: d.ID, Phase: ph, Key: "incident.step." + d.ID})
			case "contact":
				if len(contacts) == 0 {
					out = append(out, Step{ID: d.ID, Phase: ph, Key: "incident.step." + d.ID + ".none"})
				}
				for i, c := range contacts {
					st := Step{ID: d.ID + ":contact:" + strconv.Itoa(i+1), Phase: ph, Key: "incident.step." + d.ID, Args: []any{c.Name, c.Role, c.Phone}}
					if c.Name == c.Role || c.Role == "" {
						// An office known by its role alone (the IPA's helpline,
						// the police): named once, not "IPA（IPA）".
						st.Key, st.Args = st.Key+".unnamed", []any{c.Name, c.Phone}
					}
					out = append(out, st)
				}
			default:
				n := 0
				for _, r := range records {
					if string(r.Kind) != d.For {
						continue
					}
					n++
					id := d.ID
					if d.When == "remote_wipe" && !r.RemoteWipe && d.Else != "" {
						id = d.Else
					}
					out = append(out, Step{ID: id + ":" + d.For + ":" + strconv.FormatInt(r.ID, 10), Phase: ph, Key: "incident.step." + id, Args: []any{r.Name, r.Service}})
				}
				if n == 0 {
					out = append(out, Step{ID: d.ID, Phase: ph, Key: "incident.step." + d.ID + ".any"})
				}
			}
		}
	}
	return out
}
