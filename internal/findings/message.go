package findings

import (
	"bytes"
	"encoding/json"
	"github.com/mamori-sec/mamori/internal/calendar"
	"strconv"
	"time"
)

// Message is words kept as a catalogue key and its arguments, rendered in
// the reader's language when shown: a finding's detail is stored so, and a
// language added to the catalogues needs no change to what is stored.
// It is comparable, so that Reconcile sees a changed detail.
type Message struct {
	Key string // catalogue key; "" for no message
	// Args is the JSON list of the arguments: numbers, strings, and days
	// as {"day":"YYYY-MM-DD"}, which each language writes its own way.
	Args string
}

// Msg makes a message of a key and its arguments (numbers, strings, days).
func Msg(key string, args ...any) Message {
	if len(args) == 0 {
		return Message{Key: key}
	}
	// Written without reflection: an evaluation of a large tenant makes
	// tens of thousands of messages.
	b := make([]byte, 0, 16*len(args))
	b = append(b, '[')
	for i, a := range args {
		if i > 0 {
			b = append(b, ',')
		}
		switch x := a.(type) {
		case int:
			b = strconv.AppendInt(b, int64(x), 10)
		case int64:
			b = strconv.AppendInt(b, x, 10)
		case day:
			b = x.appendJSON(b)
		default:
			j, err := json.Marshal(x)
			if err != nil {
				j = []byte("null")
			}
			b = append(b, j...)
		}
	}
	return Message{Key: key, Args: string(append(b, ']'))}
}

// IsZero reports a message with nothing to say.
func (m Message) IsZero() bool { return m.Key == "" }

// Render writes the message with t, a catalogue's translation for one
// language (key, args → text). A day argument is written with the
// language's "finding.day" format, whose arguments are the year, month and
// day as numbers, then the month and day as two digits ("04", "01").
func (m Message) Render(t func(key string, args ...any) string) string {
	if m.Key == "" {
		return ""
	}
	return t(m.Key, m.args(t)...)
}

// args decodes the arguments; what cannot be read is left out.
func (m Message) args(t func(key string, args ...any) string) []any {
	if m.Args == "" {
		return nil
	}
	var raw []json.RawMessage
	if json.Unmarshal([]byte(m.Args), &raw) != nil {
		return nil
	}
	out := make([]any, len(raw))
	for i, r := range raw {
		out[i] = arg(r, t)
	}
	return out
}

func arg(r json.RawMessage, t func(key string, args ...any) string) any {
	r = bytes.TrimSpace(r)
	if len(r) == 0 {
		return ""
	}
	switch r[0] {
	case '"':
		var s string
		json.Unmarshal(r, &s)
		return s
	case '{':
		var d struct{ Day string }
		if json.Unmarshal(r, &d) == nil {
			if at, err := time.Parse(time.DateOnly, d.Day); err == nil {
				return t("finding.day", at.Year(), int(at.Month()), at.Day(), at.Format("01"), at.Format("02"))
			}
			return d.Day
		}
	default:
		if n, err := strconv.ParseInt(string(r), 10, 64); err == nil {
			return n
		}
		if f, err := strconv.ParseFloat(string(r), 64); err == nil {
			return f
		}
	}
	return string(r)
}

// MarshalJSON writes a day as a message argument: {"day":"YYYY-MM-DD"}.
func (d day) MarshalJSON() ([]byte, error) { return d.appendJSON(nil), nil }

func (d day) appendJSON(b []byte) []byte {
	b = append(b, `{"day":"`...)
	b = append(b, calendar.Day(d).String()...)
	return append(b, `"}`...)
}

// sinceMemo hands out "N days since <event> (<day>)" messages, encoding
// each start day once: the records a check reports share a few hundred
// dates, so a check reporting a hundred thousand shares encodes a few
// hundred messages.
type sinceMemo struct {
	key   string
	today day
	m     map[day]Message
}

// newSince makes the memo of one message key, whose arguments are the
// number of days (%[1]d) and the start day (%[2]s).
func newSince(key string, today day) *sinceMemo {
	return &sinceMemo{key: key, today: today, m: map[day]Message{}}
}

func (m *sinceMemo) get(from day) Message {
	if msg, ok := m.m[from]; ok {
		return msg
	}
	msg := Msg(m.key, int(m.today-from), from)
	m.m[from] = msg
	return msg
}
