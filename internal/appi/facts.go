package appi

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/problem"
)

// Facts are what the ruling needs to know about a breach.
type Facts struct {
	People             int  // people concerned (本人の数), or the most it may be
	Sensitive          bool // 要配慮個人情報 included
	PropertyRisk       bool // misuse could cause financial harm (cards, bank logins)
	Wrongful           bool // a wrongful purpose may be involved (unauthorised access, theft, insider)
	Acquiring          bool // the data was being acquired, not yet held (2024 amendment)
	PossibleOnly       bool // only a suspicion so far (おそれ)
	EncryptedHighGrade bool // high-level encryption with the key safe
	GDPR               bool // EU residents concerned
	// AwareAt is when the business became aware; AwareDateOnly when only
	// the day was given (then AwareAt is its first moment, in Japan time).
	AwareAt       time.Time
	AwareDateOnly bool
}

// field is one input field: its JSON name and whether it is a yes/no.
var fields = []struct {
	name string
	flag bool
}{
	{"people", false}, {"sensitive", true}, {"property_risk", true}, {"wrongful", true},
	{"acquiring", true}, {"possible_only", true}, {"encrypted_high_grade", true}, {"gdpr", true},
	{"awareness", false},
}

// FieldNames lists the input fields, in the order the CLI documents them.
func FieldNames() []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.name
	}
	return out
}

// ParseFacts reads facts from a JSON object, refusing (and naming) an
// unknown field, a value of the wrong type, a negative count, a missing
// or impossible awareness date and one after now.
func ParseFacts(b []byte, now time.Time) (Facts, error) {
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&raw); err != nil || raw == nil {
		return Facts{}, problem.Field("", "appi.error.not_object")
	}
	if dec.More() {
		return Facts{}, problem.Field("", "appi.error.not_object")
	}
	known := map[string]bool{}
	for _, f := range fields {
		known[f.name] = true
	}
	for name := range raw {
		if !known[name] {
			return Facts{}, problem.Field(name, "appi.error.unknown_field", name)
		}
	}
	var f Facts
	flags := map[string]*bool{
		"sensitive": &f.Sensitive, "property_risk": &f.PropertyRisk, "wrongful": &f.Wrongful,
		"acquiring": &f.Acquiring, "possible_only": &f.PossibleOnly,
		"encrypted_high_grade": &f.EncryptedHighGrade, "gdpr": &f.GDPR,
	}
	for _, fd := range fields {
		v, ok := raw[fd.name]
		if !ok {
			continue
		}
		if fd.flag {
			if err := json.Unmarshal(v, flags[fd.name]); err != nil || bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
				return Facts{}, problem.Field(fd.name, "appi.error.want_bool", fd.name)
			}
		}
	}
	if v, ok := raw["people"]; ok {
		var i int64
		if err := json.Unmarshal(v, &i); err != nil || i > 1<<31 || bytes.Equal(bytes.TrimSpace(v), []byte("null")) {
			return Facts{}, problem.Field("people", "appi.error.want_count", "people")
		}
		if i < 0 {
			return Facts{}, problem.Field("people", "appi.error.negative", "people")
		}
		f.People = int(i)
	}
	v, ok := raw["awareness"]
	var s string
	if !ok || json.Unmarshal(v, &s) != nil || strings.TrimSpace(s) == "" {
		return Facts{}, problem.Field("awareness", "appi.error.want_awareness", "awareness")
	}
	at, dateOnly, err := ParseAwareness(s)
	if err != nil {
		return Facts{}, err
	}
	f.AwareAt, f.AwareDateOnly = at, dateOnly
	return f, Check(f, now)
}

// ParseAwareness reads a date (2026-01-15) or a date-time with its offset
// (2026-01-15T10:30:00+09:00); a date is its first moment in Japan time.
func ParseAwareness(s string) (time.Time, bool, error) {
	s = strings.TrimSpace(s)
	if d, err := calendar.ParseISO(s); err == nil && len(s) == 10 {
		return d.Time().In(calendar.Japan), true, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, false, problem.Field("awareness", "appi.error.want_awareness", "awareness")
	}
	return t, false, nil
}

// Check refuses facts no ruling can rest on: a negative count, and an
// awareness after now (for a date, after today in Japan).
func Check(f Facts, now time.Time) error {
	if f.People < 0 {
		return problem.Field("people", "appi.error.negative", "people")
	}
	if f.AwareAt.IsZero() {
		return problem.Field("awareness", "appi.error.want_awareness", "awareness")
	}
	if f.AwareDateOnly {
		if calendar.Of(f.AwareAt.In(calendar.Japan)) > calendar.Of(now.In(calendar.Japan)) {
			return problem.Field("awareness", "appi.error.future", "awareness")
		}
	} else if f.AwareAt.After(now) {
		return problem.Field("awareness", "appi.error.future", "awareness")
	}
	return nil
}
