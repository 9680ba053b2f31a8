package inventory

import (
	"fmt"
	"strconv"

	"github.com/mamori-sec/mamori/internal/calendar"
)

// Name is how a person names a record wherever it appears — a finding, its
// evidence, an audit entry, a history line, the command line, the API: the
// person's name, the account's login and service, the device's name and
// kind, the share's path and service, the asset's name. Never an id.
type Name struct {
	Kind string // person, account, device, share, asset, service, finding, user, org, checklist, checklist_item, routine, occurrence
	// Name is the record's own words: the person's or user's name, the
	// account's login, the share's path, the name of a device, asset,
	// service or organisation; for a finding, its check's id.
	Name string
	// Service is the service an account or a share belongs to.
	Service string
	// Type is a device's kind ("pc"), labelled in the reader's language;
	// a user's e-mail address.
	Type string
	// Subject is the record a finding is about.
	Subject *Name
}

// Label writes the name in the reader's language; t is the catalogue's
// translation for that language (key, args → text). A record that is not
// known (deleted, or never there) reads as such, never as an id.
func (n Name) Label(t func(key string, args ...any) string) string {
	switch n.Kind {
	case "account", "share":
		if n.Service != "" {
			return t("name.with_service", n.Name, n.Service)
		}
	case "device":
		if n.Type != "" {
			return t("name.with_type", n.Name, t("inv.device.kind."+n.Type))
		}
	case "user":
		if n.Type != "" && n.Type != n.Name {
			return t("name.with_type", n.Name, n.Type)
		}
	case "checklist", "checklist_item":
		// Type is the checklist's kind or the item's, labelled by
		// internal/workflow's catalogue.
		if n.Name != "" && n.Type != "" {
			return t("name.with_type", n.Name, t("inv."+n.Kind+".kind."+n.Type))
		}
	case "routine", "occurrence":
		// Name is the chore's id; an occurrence's Type is its due day.
		if n.Name == "" {
			break
		}
		title := t("routine." + n.Name + ".title")
		if n.Service != "" {
			title = t("name.with_service", title, n.Service)
		}
		if n.Kind == "occurrence" && n.Type != "" {
			title = t("name.with_type", title, t("name.due", n.Type))
		}
		return title
	case "risk":
		// Name is the asset's, Type the threat: a catalogue threat's id
		// (labelled by internal/risk's catalogue) or the company's words.
		if n.Name != "" && n.Type != "" {
			threat := t("inv.risk.threat." + n.Type)
			if threat == "inv.risk.threat."+n.Type {
				threat = n.Type
			}
			return t("name.with_type", n.Name, threat)
		}
	case "selfdiag":
		// Name is the sitting's day (YYYY-MM-DD), Service its department.
		if d, err := calendar.ParseISO(n.Name); err == nil {
			y, m, dd := d.Date()
			day := t("finding.day", y, int(m), dd, fmt.Sprintf("%02d", int(m)), fmt.Sprintf("%02d", dd))
			if n.Service != "" {
				return t("name.selfdiag_department", day, n.Service)
			}
			return t("name.selfdiag", day)
		}
	case "finding":
		title := t("check." + n.Name + ".title")
		if n.Subject != nil {
			return t("name.finding", title, n.Subject.Label(t))
		}
		return title
	}
	if n.Name == "" {
		return t("name.unknown", t("kind."+n.Kind))
	}
	return n.Name
}

// Ref names one record by kind and id, as audit targets do ("account:12").
type Ref struct {
	Kind string
	ID   int64
}

// ParseRef reads an audit target such as "account:12".
func ParseRef(target string) (Ref, bool) {
	for i := 0; i < len(target); i++ {
		if target[i] == ':' {
			id, err := strconv.ParseInt(target[i+1:], 10, 64)
			if err != nil || id <= 0 {
				return Ref{}, false
			}
			return Ref{Kind: target[:i], ID: id}, true
		}
	}
	return Ref{}, false
}

// String is the ref as an audit target.
func (r Ref) String() string { return r.Kind + ":" + strconv.FormatInt(r.ID, 10) }

// Names are the names behind a page's refs, looked up together.
type Names map[Ref]Name

// Want collects refs whose names a page needs, without repeats.
type Want map[Ref]struct{}

// Add notes a ref; zero ids are ignored.
func (w Want) Add(kind string, id int64) {
	if id > 0 && kind != "" {
		w[Ref{kind, id}] = struct{}{}
	}
}

// AddTarget notes an audit target when it names a record.
func (w Want) AddTarget(target string) {
	if r, ok := ParseRef(target); ok {
		w[r] = struct{}{}
	}
}
