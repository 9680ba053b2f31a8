package routine

import (
	"bufio"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mamori-sec/mamori/internal/calendar"
)

// Event is one occurrence as a calendar program shows it: an all-day event
// on its due day, with words already in the reader's language.
type Event struct {
	UID         string // stable across exports, so a calendar updates rather than duplicates
	On          calendar.Day
	Summary     string
	Description string
	URL         string
}

// WriteICS writes events as an iCalendar file (RFC 5545): all-day events
// (DTSTART;VALUE=DATE), text escaped, lines folded at 75 octets without
// splitting a character, CRLF line ends.
func WriteICS(w io.Writer, name string, events []Event, stamp time.Time) error {
	b := bufio.NewWriter(w)
	line := func(s string) { b.WriteString(fold(s)) }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//mamori//routines//EN")
	line("CALSCALE:GREGORIAN")
	line("METHOD:PUBLISH")
	line("X-WR-CALNAME:" + EscapeText(name))
	ts := stamp.UTC().Format("20060102T150405Z")
	for _, e := range events {
		line("BEGIN:VEVENT")
		line("UID:" + EscapeText(e.UID))
		line("DTSTAMP:" + ts)
		line("DTSTART;VALUE=DATE:" + compact(e.On))
		line("DTEND;VALUE=DATE:" + compact(e.On.AddDays(1)))
		line("SUMMARY:" + EscapeText(e.Summary))
		if e.Description != "" {
			line("DESCRIPTION:" + EscapeText(e.Description))
		}
		if e.URL != "" {
			line("URL:" + e.URL)
		}
		line("TRANSP:TRANSPARENT")
		line("END:VEVENT")
	}
	line("END:VCALENDAR")
	return b.Flush()
}

func compact(d calendar.Day) string { return strings.ReplaceAll(d.String(), "-", "") }

// EscapeText escapes a TEXT value: backslash, semicolon, comma and line
// breaks (RFC 5545 §3.3.11).
func EscapeText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', ';', ',':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			b.WriteString(`\n`)
		case '\n':
			b.WriteString(`\n`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// fold splits a content line into lines of at most 75 octets, each
// continuation starting with a space, never inside a UTF-8 sequence, and
// ends it with CRLF (RFC 5545 §3.1).
func fold(s string) string {
	var b strings.Builder
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
	return b.String()
}
