// Package incident is what a small company does when something goes wrong:
// the intake of an incident (or a near miss, or a tabletop drill), its
// triage, the playbooks of the first hour and the first day filled from the
// inventory, a timeline whose entries are hash-chained so that no edit
// after the fact goes unseen, and the review that closes it. It is pure:
// the store keeps what these rules decide.
package incident

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mamori-sec/mamori/internal/problem"
)

// Type is the kind of incident; each has its own playbook.
type Type string

// The types, in the order the forms offer them.
const (
	MisSent         Type = "mis_sent"         // mis-sent e-mail or fax
	LostDevice      Type = "lost_device"      // lost or stolen device
	ShareExposed    Type = "share_exposed"    // a share open to more than it should
	Malware         Type = "malware"          // malware or ransomware
	AccountTakeover Type = "account_takeover" // account takeover or invoice fraud
	WebTampering    Type = "web_tampering"    // website tampering
	Insider         Type = "insider"          // an insider taking or misusing data
	Other           Type = "other"
)

// Types lists every type in display order.
var Types = []Type{MisSent, LostDevice, ShareExposed, Malware, AccountTakeover, WebTampering, Insider, Other}

// Valid reports whether t is a known type.
func (t Type) Valid() bool {
	for _, x := range Types {
		if t == x {
			return true
		}
	}
	return false
}

// Key is the catalogue key of the type's name.
func (t Type) Key() string { return "incident.type." + string(t) }

// Kind of an inventory record an incident may concern.
type Kind string

// The kinds of record an incident may name as affected.
const (
	Person  Kind = "person"
	Account Kind = "account"
	Device  Kind = "device"
	Share   Kind = "share"
	Asset   Kind = "asset"
	Service Kind = "service"
)

// Kinds lists the kinds in the order the intake form shows them.
var Kinds = []Kind{Person, Account, Device, Share, Asset, Service}

// Ref names one inventory record.
type Ref struct {
	Kind Kind  `json:"kind"`
	ID   int64 `json:"id"`
}

// Limits of the free text, so that a report fits a page and a row.
const (
	MaxTitle = 200
	MaxText  = 4000
)

// Intake is what is known when an incident is opened.
type Intake struct {
	Type        Type
	Title       string
	Description string
	Affected    []Ref
	OccurredAt  time.Time
	FoundAt     time.Time
	FoundBy     string
	// Drill marks a tabletop exercise on Scenario: it never counts with
	// real incidents.
	Drill    bool
	Scenario string
	// Alert asks for the owners and keepers to be told at once (a staff
	// report, an escalated near miss): the alert is queued in the same
	// transaction as the incident, so neither exists without the other.
	Alert bool
}

// Check refuses an intake no response can rest on, naming the field:
// an unknown type, an empty or oversized title, a time in the future, and
// an incident found before it happened.
func (in *Intake) Check(now time.Time) error {
	in.Title = strings.TrimSpace(in.Title)
	in.Description = strings.TrimSpace(in.Description)
	in.FoundBy = strings.TrimSpace(in.FoundBy)
	switch {
	case !in.Type.Valid():
		return problem.Field("type", "incident.error.type")
	case in.Title == "":
		return problem.Field("title", "incident.error.title")
	case utf8.RuneCountInString(in.Title) > MaxTitle:
		return problem.Field("title", "incident.error.too_long", MaxTitle)
	case utf8.RuneCountInString(in.Description) > MaxText:
		return problem.Field("description", "incident.error.too_long", MaxText)
	case utf8.RuneCountInString(in.FoundBy) > MaxTitle:
		return problem.Field("found_by", "incident.error.too_long", MaxTitle)
	case in.OccurredAt.IsZero():
		return problem.Field("occurred_at", "incident.error.when")
	case in.FoundAt.IsZero():
		return problem.Field("found_at", "incident.error.when")
	case in.OccurredAt.After(now):
		return problem.Field("occurred_at", "incident.error.future")
	case in.FoundAt.After(now):
		return problem.Field("found_at", "incident.error.future")
	case in.FoundAt.Before(in.OccurredAt):
		return problem.Field("found_at", "incident.error.found_before")
	}
	for _, r := range in.Affected {
		ok := false
		for _, k := range Kinds {
			ok = ok || r.Kind == k
		}
		if !ok || r.ID <= 0 {
			return problem.Field("affected", "incident.error.affected")
		}
	}
	return nil
}

// Classification is the triage's answer.
type Classification string

// The classifications: an incident, or a near miss (ヒヤリハット) that
// harmed nothing.
const (
	Unclassified Classification = ""
	IsIncident   Classification = "incident"
	NearMiss     Classification = "near_miss"
)

// Status of an incident.
type Status string

// The statuses.
const (
	Open   Status = "open"
	Closed Status = "closed"
)
