package importer

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/problem"
)

// jst is the zone a timestamp with an offset is read in: mamori's
// companies are in Japan, where a sign-in at 2022-03-18 19:49:35Z happened
// on 19 March.
var jst = time.FixedZone("JST", 9*60*60)

// era is a Japanese era name (元号) and its first and last day.
type era struct {
	name, letter string
	start, end   time.Time // end is zero for the current era
}

var eras = []era{
	{"令和", "r", day(2019, 5, 1), time.Time{}},
	{"平成", "h", day(1989, 1, 8), day(2019, 4, 30)},
	{"昭和", "s", day(1926, 12, 25), day(1989, 1, 7)},
}

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

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
// 平成31年4月30日, 元年), Excel serial numbers in the 1900 date system
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
		if d, ok := western(t); ok {
			return d, nil
		}
		return "", errDate(s)
	}
	if d, ok := japaneseEra(t); ok {
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
	out, ok := finish(y, m, dd, t[k:])
	if !ok {
		return "", false, err
	}
	return out, sep == '/' && a <= 12 && b <= 12 && a != b, nil
}

// fastISO handles the common YYYY-MM-DD without allocating.
func fastISO(s string) (string, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return "", false
	}
	y, i := readInt(s, 0, 4)
	m, j := readInt(s, 5, 2)
	d, k := readInt(s, 8, 2)
	if i != 4 || j != 7 || k != 10 || y < 1900 || !valid(y, m, d) {
		return "", false
	}
	return s, true
}

// readInt reads up to max digits from s[i:].
func readInt(s string, i, max int) (int, int) {
	n, j := 0, i
	for j < len(s) && j-i < max && s[j] >= '0' && s[j] <= '9' {
		n = n*10 + int(s[j]-'0')
		j++
	}
	return n, j
}

// ymd writes a date as YYYY-MM-DD.
func ymd(y, m, d int) string {
	b := [10]byte{byte('0' + y/1000%10), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + m/10), byte('0' + m%10), '-', byte('0' + d/10), byte('0' + d%10)}
	return string(b[:])
}

func valid(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 || y < 1 || y > 9999 {
		return false
	}
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m]
	if m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		days = 29
	}
	return d <= days
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
		if y < 1900 || !valid(y, m, dd) {
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
		return day(1899, 12, 31).AddDate(0, 0, n).Format(time.DateOnly), true, nil
	}
	return day(1899, 12, 30).AddDate(0, 0, n).Format(time.DateOnly), true, nil
}

// western reads year-first dates with any of - / . 年月日, and a time after.
func western(t string) (string, bool) {
	y, i := readInt(t, 0, 4)
	if i != 4 {
		return "", false
	}
	i, ok := separator(t, i, "年")
	if !ok {
		return "", false
	}
	m, j := readInt(t, i, 2)
	if j == i {
		return "", false
	}
	j, ok = separator(t, j, "月")
	if !ok {
		return "", false
	}
	d, k := readInt(t, j, 2)
	if k == j {
		return "", false
	}
	k = skipSpace(t, k)
	k += len(prefixOf(t[k:], "日"))
	if (y == 1 || y == 1601) && m == 1 && d == 1 {
		return "", true // .NET and Windows write these for "never"
	}
	if y < 1900 {
		return "", false
	}
	return finish(y, m, d, t[k:])
}

// separator skips a date separator (- / . or the given kanji) with spaces
// around it.
func separator(t string, i int, kanji string) (int, bool) {
	i = skipSpace(t, i)
	if i >= len(t) {
		return i, false
	}
	switch {
	case t[i] == '-' || t[i] == '/' || t[i] == '.':
		i++
	case strings.HasPrefix(t[i:], kanji):
		i += len(kanji)
	default:
		return i, false
	}
	return skipSpace(t, i), true
}

func skipSpace(t string, i int) int {
	for i < len(t) && (t[i] == ' ' || t[i] == '\t') {
		i++
	}
	return i
}

func prefixOf(s, p string) string {
	if strings.HasPrefix(s, p) {
		return p
	}
	return ""
}

// restPattern is what may follow a date: a weekday, then a time with an
// optional AM/PM and zone.
var restPattern = regexp.MustCompile(`^\s*(?:\((?:[月火水木金土日]|mon|tue|wed|thu|fri|sat|sun)\))?\s*(?:t?\s*(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?\s*(am|pm)?\s*(z|utc|gmt|[+-]\d{2}:?\d{2})?)?\s*$`)

// finish checks the day and reads what follows it.
func finish(y, m, d int, rest string) (string, bool) {
	if !valid(y, m, d) {
		return "", false
	}
	if rest == "" {
		return ymd(y, m, d), true
	}
	date := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	g := restPattern.FindStringSubmatch(rest)
	if g == nil {
		return "", false
	}
	if g[1] == "" {
		return date.Format(time.DateOnly), true
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
		return date.Format(time.DateOnly), true
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
	at := time.Date(y, time.Month(m), d, h, mi, sec, 0, loc).In(jst)
	if at.Year() > 9999 {
		return "", false
	}
	return at.Format(time.DateOnly), true
}

// japaneseEra reads 令和8年4月1日, R8.4.1, 平成元年5月1日 and the like.
func japaneseEra(t string) (string, bool) {
	for _, e := range eras {
		var rest string
		switch {
		case strings.HasPrefix(t, e.name):
			rest = t[len(e.name):]
		case strings.HasPrefix(t, e.letter):
			rest = t[1:]
		default:
			continue
		}
		rest = strings.TrimLeft(rest, " ")
		var n, i int
		if strings.HasPrefix(rest, "元") {
			n, i = 1, len("元")
		} else {
			n, i = readInt(rest, 0, 2)
			if i == 0 {
				return "", false
			}
		}
		if n < 1 {
			return "", false
		}
		i, ok := separator(rest, i, "年")
		if !ok {
			return "", false
		}
		m, j := readInt(rest, i, 2)
		if j == i {
			return "", false
		}
		j, ok = separator(rest, j, "月")
		if !ok {
			return "", false
		}
		d, k := readInt(rest, j, 2)
		if k == j {
			return "", false
		}
		k = skipSpace(rest, k)
		k += len(prefixOf(rest[k:], "日"))
		y := e.start.Year() + n - 1
		out, ok := finish(y, m, d, rest[k:])
		if !ok {
			return "", false
		}
		at := day(y, m, d)
		if at.Before(e.start) || (!e.end.IsZero() && at.After(e.end)) {
			return "", false
		}
		return out, true
	}
	return "", false
}
