package i18n

import (
	"strconv"
	"time"
)

// FormatDate writes a day the way the reader's language does: 2026年12月6日
// in Japanese, 6 Dec 2026 in English. t is already in the zone it is read
// in.
func FormatDate(l Locale, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if l == Japanese {
		return strconv.Itoa(t.Year()) + "年" + strconv.Itoa(int(t.Month())) + "月" + strconv.Itoa(t.Day()) + "日"
	}
	return t.Format("2 Jan 2006")
}

// FormatDateTime writes a day and a time of day: 2026年12月6日 15:04, or
// 6 Dec 2026, 15:04.
func FormatDateTime(l Locale, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if l == Japanese {
		return FormatDate(l, t) + " " + t.Format("15:04")
	}
	return t.Format("2 Jan 2006, 15:04")
}

// FormatDay writes a calendar day kept as text (2026-12-06) like
// FormatDate; text that is not such a day (「退職後7年」) is returned as it
// is.
func FormatDay(l Locale, day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return FormatDate(l, t)
}
