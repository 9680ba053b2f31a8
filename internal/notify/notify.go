// Package notify is how reminders reach people: the channels a company can
// use (e-mail through its smarthost, Slack, Microsoft Teams, Google Chat,
// Chatwork and LINE WORKS), the message each channel renders well, built
// from one daily digest as pure functions, and the rules of when a digest
// goes out — once per person per working day, at the start of the
// person's hours, never on a weekend or a Japanese public holiday.
//
// Rendering and scheduling need neither the store nor the network; the
// senders (SMTP and HTTP) take everything they talk to as arguments, so
// tests point them at loopback servers.
package notify

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/holiday"
)

// Kind is one kind of channel.
type Kind string

// The channel kinds.
const (
	Email      Kind = "email"
	Slack      Kind = "slack"
	Teams      Kind = "teams"
	GoogleChat Kind = "googlechat"
	Chatwork   Kind = "chatwork"
	LineWorks  Kind = "lineworks"
)

// Kinds lists every channel kind in the order pages show them.
var Kinds = []Kind{Email, Slack, Teams, GoogleChat, Chatwork, LineWorks}

// ParseKind reads a channel name as people type it: "google_chat" and
// "line_works" are googlechat and lineworks. Check the result with Valid.
func ParseKind(s string) Kind {
	return Kind(strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "_", ""))
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if k == x {
			return true
		}
	}
	return false
}

// Label is the catalogue key of the kind's name.
func (k Kind) Label() string { return "notify.kind." + string(k) }

// ItemKind says where a digest item comes from.
type ItemKind string

// The item kinds.
const (
	FindingItem  ItemKind = "finding"
	RoutineItem  ItemKind = "routine"
	LeaverItem   ItemKind = "leaver"   // a leaver checklist past its due day
	PolicyItem   ItemKind = "policy"   // the published rules, not yet acknowledged
	IncidentItem ItemKind = "incident" // an incident just reported
)

// Item is one thing a person is asked to look at, already in the
// recipient's language.
type Item struct {
	Kind    ItemKind
	Title   string
	Due     calendar.Day // a routine's or checklist's due day; zero for a finding
	Overdue int          // days past Due
	URL     string       // absolute link back to the task
}

// Digest is one person's daily message.
type Digest struct {
	Day       calendar.Day
	Org       string
	Recipient string
	Items     []Item
	URL       string // absolute link to the organisation's page
	// Test marks a "send test message" digest.
	Test bool
	// Alert, when set, makes the message an urgent one-off (an incident
	// reported) with this as its first line.
	Alert string
}

// T translates a catalogue key in the recipient's language.
type T func(key string, args ...any) string

// MaxItems bounds the items one message lists; the rest are counted and
// linked. Chat tools cut long messages (Slack: 50 blocks).
const MaxItems = 20

// IdempotencyKey names one delivery: the same organisation, person, day
// and channel always give the same key, so a retry after a crash can be
// recognised (it is the e-mail's Message-ID).
func IdempotencyKey(orgID, userID int64, day calendar.Day, kind Kind) string {
	h := sha256.Sum256(fmt.Appendf(nil, "mamori-digest\x00%d\x00%d\x00%s\x00%s", orgID, userID, day, kind))
	return hex.EncodeToString(h[:16])
}

// Hours are the part of the day a person accepts reminders, in Japan
// time, as minutes after midnight: a digest goes out at Start, and
// nothing goes out from End until the next working day's Start.
type Hours struct {
	Start int
	End   int
}

// DefaultHours are 9:00–18:00.
var DefaultHours = Hours{Start: 9 * 60, End: 18 * 60}

// Valid reports whether the hours make a non-empty window within a day.
func (h Hours) Valid() bool { return h.Start >= 0 && h.End <= 24*60 && h.Start < h.End }

// SendAt is when the digest covering day goes out: at the start of the
// person's hours on day, or on the next working day when day is a
// weekend or public holiday (a chore due on 2026-05-04 is in the digest of
// Thursday 2026-05-07).
func SendAt(day calendar.Day, h Hours) (time.Time, calendar.Day, error) {
	work, err := holiday.NextBusinessDay(day)
	if err != nil {
		return time.Time{}, 0, err
	}
	return work.Time().Add(time.Duration(h.Start) * time.Minute), work, nil
}

// DueNow reports whether, at now, a person with hours h should get the
// digest of today: today is a working day and now is within the hours.
// It returns the digest's day. Outside the hours, or on a day off, it
// returns false: the digest waits for the next working day's start.
func DueNow(now time.Time, h Hours) (calendar.Day, bool, error) {
	today := calendar.Of(now)
	ok, err := holiday.BusinessDay(today)
	if err != nil || !ok {
		return today, false, err
	}
	t := now.In(calendar.Japan)
	m := t.Hour()*60 + t.Minute()
	return today, m >= h.Start && m < h.End, nil
}

// NextWindow is the earliest moment from now within a person's hours on a
// working day: now itself when it is, else the start of the next
// window. A digest retried in the evening waits for the morning.
func NextWindow(now time.Time, h Hours) (time.Time, error) {
	today, in, err := DueNow(now, h)
	if err != nil || in {
		return now, err
	}
	at, _, err := SendAt(today, h)
	if err != nil {
		return now, err
	}
	if at.After(now) {
		return at, nil
	}
	at, _, err = SendAt(today.AddDays(1), h)
	return at, err
}
