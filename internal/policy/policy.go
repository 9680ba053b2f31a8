// Package policy is a company's written security policy set: the basic
// policy (基本方針) it publishes, the rule chapters its staff follow, the
// one-page "three rules" sheets, the executive's sign-off (the 3 principles
// and the 7 important actions), the guideline roles and the emergency
// contacts. It generates the set from embedded templates in mamori's own
// words with the company's facts filled in, compares versions line by
// line, and decides where each person stands with acknowledging it. It is
// pure: the store persists what it decides.
package policy

import (
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mamori-sec/mamori/internal/problem"
)

// Limits of the texts a company edits.
const (
	MaxText = 60000 // one part (basic policy or rules) of a version, in characters
	MaxNote = 2000
	MaxName = 200
)

// Reminders and overdue: a member who has not acknowledged the current
// version after ReminderDays gets it in their daily digest; after
// OverdueDays it is a finding.
const (
	ReminderDays = 7
	OverdueDays  = 30
)

// Item is one line of the executive's checklist: a principle or an
// important action (catalogue key signoff.item.<Item>).
type Item string

// The 3 principles an executive keeps in mind and the 7 important actions
// they take (IPA guideline part 1), in their order.
var (
	Principles = []Item{"principle_1", "principle_2", "principle_3"}
	Actions    = []Item{"action_1", "action_2", "action_3", "action_4", "action_5", "action_6", "action_7"}
)

// Items is the whole checklist in order.
func Items() []Item { return append(append([]Item{}, Principles...), Actions...) }

// Valid reports whether i is on the checklist.
func (i Item) Valid() bool {
	for _, x := range Items() {
		if x == i {
			return true
		}
	}
	return false
}

// Role is one of the guideline's security roles (catalogue key
// signoff.role.<Role>).
type Role string

// The guideline's roles, in order.
const (
	SecurityLead   Role = "security_lead"   // 情報セキュリティ責任者
	ITLead         Role = "it_lead"         // 情報部門責任者
	SystemAdmin    Role = "system_admin"    // システム管理者
	TrainingLead   Role = "training_lead"   // 教育責任者
	InspectionLead Role = "inspection_lead" // 点検責任者
)

// Roles lists the roles in display order.
var Roles = []Role{SecurityLead, ITLead, SystemAdmin, TrainingLead, InspectionLead}

// Valid reports whether r is a guideline role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// ContactKind is one of the emergency contacts (catalogue key
// signoff.contact.<kind>).
type ContactKind string

// The emergency contacts, in the order one calls them.
const (
	Inside    ContactKind = "inside"    // the company's own first point of contact
	ITVendor  ContactKind = "it_vendor" // the IT vendor or maintenance company
	Insurer   ContactKind = "insurer"   // the cyber insurer
	Police    ContactKind = "police"    // the police cyber-crime desk
	IPA       ContactKind = "ipa"       // IPA's security consultation desk
	Regulator ContactKind = "regulator" // the Personal Information Protection Commission
)

// ContactKinds lists the kinds in display order.
var ContactKinds = []ContactKind{Inside, ITVendor, Insurer, Police, IPA, Regulator}

// Valid reports whether k is a known kind of contact.
func (k ContactKind) Valid() bool {
	for _, x := range ContactKinds {
		if x == k {
			return true
		}
	}
	return false
}

// Contact is one emergency contact. Default marks a public default the
// company has not replaced.
type Contact struct {
	Kind    ContactKind
	Name    string
	Phone   string
	Email   string
	URL     string
	Note    string
	Default bool
}

// Set reports whether the contact says how to reach someone.
func (c Contact) Set() bool { return c.Phone != "" || c.Email != "" || c.URL != "" }

// Defaults are the public desks every company in Japan can call, shown
// until the company writes its own: the police consultation line (#9110,
// which passes cyber crime to the prefecture's desk), IPA's consultation
// desk, and the commission's page for reporting a personal-data breach.
// The company's own contacts have no default.
func Defaults() map[ContactKind]Contact {
	return map[ContactKind]Contact{
		Police:    {Kind: Police, Phone: "#9110", Default: true},
		IPA:       {Kind: IPA, URL: "https://www.ipa.go.jp/security/anshin/", Default: true},
		Regulator: {Kind: Regulator, URL: "https://www.ppc.go.jp/personalinfo/legal/leakAction/", Default: true},
	}
}

// WithDefaults returns the full list of contacts in order: the stored ones,
// and for each kind not stored its public default or an empty contact.
func WithDefaults(stored []Contact) []Contact {
	by := map[ContactKind]Contact{}
	for _, c := range stored {
		by[c.Kind] = c
	}
	def := Defaults()
	out := make([]Contact, 0, len(ContactKinds))
	for _, k := range ContactKinds {
		c, ok := by[k]
		if !ok || !c.Set() && c.Name == "" && c.Note == "" {
			c, ok = def[k]
			if !ok {
				c = Contact{Kind: k}
			}
		}
		out = append(out, c)
	}
	return out
}

// Validate refuses a contact that could not be used in an emergency or
// that would be unsafe to show as a link; the field names are the form's
// (contact_<kind>_<field>).
func (c *Contact) Validate() error {
	if !c.Kind.Valid() {
		return problem.Field("kind", "signoff.contact_kind_invalid")
	}
	f := func(name string) string { return "contact_" + string(c.Kind) + "_" + name }
	c.Name, c.Phone, c.Email, c.URL, c.Note = strings.TrimSpace(c.Name), strings.TrimSpace(c.Phone), strings.TrimSpace(c.Email), strings.TrimSpace(c.URL), strings.TrimSpace(c.Note)
	for _, x := range []struct {
		field, v string
		max      int
	}{{"name", c.Name, MaxName}, {"phone", c.Phone, 40}, {"email", c.Email, 320}, {"url", c.URL, 500}, {"note", c.Note, MaxNote}} {
		if !utf8.ValidString(x.v) || utf8.RuneCountInString(x.v) > x.max {
			return problem.Field(f(x.field), "signoff.too_long", x.max)
		}
		if strings.ContainsFunc(x.v, func(r rune) bool { return r < 0x20 && (x.field != "note" || r != '\n' && r != '\r') || r == 0x7f }) {
			return problem.Field(f(x.field), "signoff.control")
		}
	}
	if c.Phone != "" && !validPhone(c.Phone) {
		return problem.Field(f("phone"), "signoff.phone_invalid")
	}
	if c.Email != "" {
		a, err := mail.ParseAddress(c.Email)
		if err != nil || a.Address != c.Email {
			return problem.Field(f("email"), "signoff.email_invalid")
		}
	}
	if c.URL != "" && !ValidLink(c.URL) {
		return problem.Field(f("url"), "signoff.url_invalid")
	}
	return nil
}

// validPhone accepts what people write as a phone number: digits (ASCII or
// full-width), + at the start, # for short codes such as #9110, hyphens,
// spaces and brackets; at least three digits.
func validPhone(s string) bool {
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9', r >= '０' && r <= '９':
			digits++
		case r == '+' && i == 0, r == '#' && i == 0:
		case strings.ContainsRune("-‐−－ー ()（）　", r):
		default:
			return false
		}
	}
	return digits >= 3
}

// ValidLink reports whether s is an absolute http or https address, the
// only kind of link mamori shows as evidence or a contact's page.
func ValidLink(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.User == nil && len(s) <= 500
}

// Mark is the state of one checklist item: the day it was done, a note and
// a link to its evidence.
type Mark struct {
	Item   Item
	DoneOn string // YYYY-MM-DD, empty when not done
	Note   string
	Link   string
	// File is the name of an uploaded evidence file, if any.
	File      string
	UpdatedAt time.Time
}

// Validate checks a mark as the form sends it.
func (m *Mark) Validate() error {
	if !m.Item.Valid() {
		return problem.Field("item", "signoff.item_invalid")
	}
	m.Note, m.Link = strings.TrimSpace(m.Note), strings.TrimSpace(m.Link)
	if !utf8.ValidString(m.Note) || utf8.RuneCountInString(m.Note) > MaxNote {
		return problem.Field("note", "signoff.too_long", MaxNote)
	}
	if m.Link != "" && !ValidLink(m.Link) {
		return problem.Field("link", "signoff.url_invalid")
	}
	return nil
}

// Status is where a version stands.
type Status string

// The states of a version: a draft is edited; publishing a version makes it
// the current one and retires the one before; unpublishing withdraws the
// current one, so that nothing is published.
const (
	Draft     Status = "draft"
	Published Status = "published"
	Retired   Status = "retired"
	Withdrawn Status = "withdrawn"
)

// Label is the catalogue key of the status's name.
func (s Status) Label() string { return "policy.status." + string(s) }

// Pending is a published version a person has yet to acknowledge.
type Pending struct {
	Version     int       // the version's number in its organisation
	PublishedAt time.Time // since when the person has had it to acknowledge
}

// AckState is where one person stands with the current version.
type AckState string

// The states of a person's acknowledgement.
const (
	Acknowledged AckState = "acknowledged"
	ToAck        AckState = "to_acknowledge"
	ReminderDue  AckState = "reminder"
	Overdue      AckState = "overdue"
)

// StateOf says where a person stands with a version published at
// published: acknowledged (ackedAt set), or waiting for whole days since
// it was published, reminded after ReminderDays and overdue after
// OverdueDays.
func StateOf(published, ackedAt, now time.Time) AckState {
	switch days := int(now.Sub(published) / (24 * time.Hour)); {
	case !ackedAt.IsZero():
		return Acknowledged
	case days >= OverdueDays:
		return Overdue
	case days >= ReminderDays:
		return ReminderDue
	}
	return ToAck
}

// Label is the catalogue key of the state's name.
func (s AckState) Label() string { return "policy.ack." + string(s) }

// Rate is the share of people who acknowledged, as a whole percentage
// rounded down (so 100 only when everyone did); -1 when there is nobody.
func Rate(acked, people int) int {
	if people == 0 {
		return -1
	}
	return acked * 100 / people
}

// ValidText checks one part of a version as edited.
func ValidText(field, s string) error {
	if !utf8.ValidString(s) {
		return problem.Field(field, "policy.text_encoding")
	}
	if utf8.RuneCountInString(s) > MaxText {
		return problem.Field(field, "policy.too_long", MaxText)
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\r' && r != '\t' || r == 0x7f }) {
		return problem.Field(field, "policy.text_control")
	}
	if strings.TrimSpace(s) == "" {
		return problem.Field(field, "policy.text_required")
	}
	return nil
}
