package importer

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/problem"
)

// neverWords are what exports write for "no date": Google's "Never logged
// in", dashes, なし.
var neverWords = map[string]bool{
	"never logged in": true, "never": true, "none": true, "n/a": true, "null": true,
	"なし": true, "無し": true, "ログインしていません": true, "未ログイン": true, "ログインなし": true, "未定": true,
	"-": true, "ー": true, "―": true, "—": true, "–": true, "‐": true, "−": true,
}

func errDate(s string) *problem.Error {
	return &problem.Error{Code: problem.Invalid, Key: "import.invalid_date", Args: []any{s}}
}

// ParseDate reads a date the way people and exports write it and returns
// it as YYYY-MM-DD, or "" for a blank or a "never". It accepts 2026/4/1,
// 2026-04-01, 2026.4.1, 2026年4月1日, 20260401, 和暦 (令和8年4月1日, R8.4.1,
// 平成31年4月30日, 元年, and every other form calendar.Parse reads), Excel
// serial numbers in the 1900 date system
// (46113), timestamps such as 2016/04/04 00:24:13 and RFC 3339 (a timestamp
// with an offset is converted to Japan time), and full-width digits.
// Impossible dates (2026/2/30, 令和0年, a 平成 date after the era ended)
// are refused with a *problem.Error.
func ParseDate(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	if d, ok := fastISO(s); ok {
		return d, nil
	}
	t := strings.TrimSpace(strings.ToLower(nfkc(s)))
	if neverWords[t] {
		return "", nil
	}
	if t != "" && t[0] >= '0' && t[0] <= '9' {
		if d, ok, err := serialDate(t); ok {
			if err != nil {
				return "", errDate(s)
			}
			return d, nil
		}
	}
	if d, ok := written(t); ok {
		return d, nil
	}
	return "", errDate(s)
}

// parseConsoleDate also reads the year-last dates of consoles set to
// other locales: 4/1/2026 9:00:00 AM (United States, month first) and
// 01.04.2026 09:00:00 (Europe, day first). A slashed date whose day and
// month could be swapped is read month first and reported as ambiguous.
func parseConsoleDate(s string) (d string, ambiguous bool, err error) {
	d, err = ParseDate(s)
	if err == nil {
		if d == "1970-01-01" && strings.HasPrefix(strings.TrimSpace(s), "1970-01-01T00:00:00") {
			return "", false, nil // GAM's "never": the Unix epoch
		}
		return d, false, nil
	}
	t := strings.TrimSpace(strings.ToLower(nfkc(s)))
	a, i := readInt(t, 0, 2)
	if i == 0 || i >= len(t) || (t[i] != '/' && t[i] != '.') {
		return "", false, err
	}
	sep := t[i]
	b, j := readInt(t, i+1, 2)
	if j == i+1 || j >= len(t) || t[j] != sep {
		return "", false, err
	}
	y, k := readInt(t, j+1, 4)
	if k != j+5 {
		return "", false, err
	}
	m, dd := a, b
	if sep == '.' || a > 12 {
		m, dd = b, a
	}
	if (y == 1 || y == 1601) && m == 1 && dd == 1 {
		return "", false, nil
	}
	if y < 1900 {
		return "", false, err
	}
	if !calendar.Valid(y, m, dd) {
		return "", false, err
	}
	out, ok := finish(calendar.Date(y, time.Month(m), dd), t[k:])
	if !ok {
		return "", false, err
	}
	return out, sep == '/' && a <= 12 && b <= 12 && a != b, nil
}

// fastISO handles the common YYYY-MM-DD without allocating.
func fastISO(s string) (string, bool) {
	d, err := calendar.ParseISO(s)
	if err != nil || d < minDay {
		return "", false
	}
	return s, true
}

// minDay is the first day an import takes: earlier years are typing
// slips or a system's "never", not a sign-in or a leave date.
var minDay = calendar.Date(1900, 1, 1)

// readInt reads up to max digits from s[i:].
func readInt(s string, i, max int) (int, int) {
	n, j := 0, i
	for j < len(s) && j-i < max && s[j] >= '0' && s[j] <= '9' {
		n = n*10 + int(s[j]-'0')
		j++
	}
	return n, j
}

// serialDate reads an Excel serial number (days since 1899-12-31, with
// Lotus 1-2-3's 29 February 1900 that never was) or an 8-digit 20260401.
// ok is false when t is not a plain number.
func serialDate(t string) (d string, ok bool, err error) {
	whole, frac, _ := strings.Cut(t, ".")
	if whole == "" || strings.Trim(whole, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" {
		return "", false, nil
	}
	if len(whole) == 8 && frac == "" {
		y, _ := strconv.Atoi(whole[:4])
		m, _ := strconv.Atoi(whole[4:6])
		dd, _ := strconv.Atoi(whole[6:])
		if y < 1900 || !calendar.Valid(y, m, dd) {
			return "", true, errDate(t)
		}
		return whole[:4] + "-" + whole[4:6] + "-" + whole[6:], true, nil
	}
	if len(whole) > 7 {
		return "", true, errDate(t)
	}
	n, _ := strconv.Atoi(whole)
	switch {
	case len(whole) == 4 && n >= 1900 && n <= 2100:
		return "", true, errDate(t) // a year on its own, not a day of 1905
	case n < 1 || n > 2958465 || n == 60:
		return "", true, errDate(t) // 60 is 1900-02-29
	case n < 60:
		return calendar.Date(1899, 12, 31).AddDays(n).String(), true, nil
	}
	return calendar.Date(1899, 12, 30).AddDays(n).String(), true, nil
}

// written reads a day as people write it, year first or in a Japanese
// era (calendar.Parse), with a time after it.
func written(t string) (string, bool) {
	d, rest, err := calendar.ParsePrefix(t)
	if err != nil {
		return "", false
	}
	y, m, dd := d.Date()
	if (y == 1 || y == 1601) && m == 1 && dd == 1 {
		return "", true // .NET and Windows write these for "never"
	}
	if d < minDay {
		return "", false
	}
	return finish(d, rest)
}

// restPattern is what may follow a date: a weekday, then a time with an
// optional AM/PM and zone.
var restPattern = regexp.MustCompile(`^\s*(?:\((?:[月火水木金土日]|mon|tue|wed|thu|fri|sat|sun)\))?\s*(?:t?\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?\s*(am|pm)?\s*(z|utc|gmt|[+-]\d{2}:?\d{2})?)?\s*$`)

// finish reads what follows the day: nothing, a weekday or a time, which
// moves the day when its zone puts it on another day in Japan.
func finish(day calendar.Day, rest string) (string, bool) {
	if rest == "" {
		return day.String(), true
	}
	g := restPattern.FindStringSubmatch(rest)
	if g == nil {
		return "", false
	}
	if g[1] == "" {
		return day.String(), true
	}
	h, _ := strconv.Atoi(g[1])
	mi, _ := strconv.Atoi(g[2])
	sec, _ := strconv.Atoi(g[3])
	switch g[4] {
	case "am", "pm":
		if h < 1 || h > 12 {
			return "", false
		}
		h %= 12
		if g[4] == "pm" {
			h += 12
		}
	}
	if h > 23 || mi > 59 || sec > 60 {
		return "", false
	}
	if g[5] == "" {
		return day.String(), true
	}
	loc := time.UTC
	if z := strings.ReplaceAll(g[5], ":", ""); z[0] == '+' || z[0] == '-' {
		oh, _ := strconv.Atoi(z[1:3])
		om, _ := strconv.Atoi(z[3:5])
		if oh > 14 || om > 59 {
			return "", false
		}
		off := (oh*60 + om) * 60
		if z[0] == '-' {
			off = -off
		}
		loc = time.FixedZone("", off)
	}
	y, m, d := day.Date()
	at := calendar.Of(time.Date(y, m, d, h, mi, sec, 0, loc))
	if at == 0 {
		return "", false
	}
	return at.String(), true
}
