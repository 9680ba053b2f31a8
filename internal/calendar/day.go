// Package calendar provides the calendar day mamori keeps dates in — a day
// in Japan, without a time or a zone — the Japan time zone that decides
// which day a moment falls on, and the reading of days the way Japanese
// companies write them, Japanese eras (和暦) included.
//
// Records store a day as text, YYYY-MM-DD, which sorts as the day does;
// everything that reads a day from a person, a file or the database, or
// writes one, goes through this package.
package calendar

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"time"
)

// Japan is the zone a moment is read in to find its day: mamori's
// companies are in Japan, where 2022-03-18 19:49:35Z was 19 March. Japan
// has kept UTC+9 without daylight saving since 1951, so a fixed zone needs
// no time-zone database on the server.
var Japan = time.FixedZone("JST", 9*60*60)

// Day is a calendar day counted from 0000-12-31 of the proleptic Gregorian
// calendar (0001-01-01 is 1, as Python's date.toordinal), so days compare
// with < and ==, and d-e is the number of days between them. The zero Day
// is "no day", an empty date field.
type Day int32

// The days a Day can hold: years 1 to 9999, as YYYY-MM-DD can write.
const (
	first Day = 1
	last  Day = 3652059 // 9999-12-31
)

// ErrInvalid is returned for text that is not a day.
var ErrInvalid = errors.New("calendar: not a day")

// Date is the day y-m-d. Like time.Date, a month or day out of range is
// normalised (1 April plus 30 days is 1 May); a result outside years
// 1–9999 is the zero Day.
func Date(y int, m time.Month, d int) Day {
	if !Valid(y, int(m), d) {
		t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		y, m, d = t.Date()
		if y < 1 || y > 9999 {
			return 0
		}
	}
	return Day(daysFromCivil(y, int(m), d) + 719163)
}

// Of is the day t falls on in Japan.
func Of(t time.Time) Day {
	y, m, d := t.In(Japan).Date()
	return Date(y, m, d)
}

// Valid reports whether y-m-d is a real day of years 1–9999.
func Valid(y, m, d int) bool {
	return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m)
}

// IsZero reports whether d is no day.
func (d Day) IsZero() bool { return d == 0 }

// Date returns the year, month and day of d; (0, 0, 0) for no day.
func (d Day) Date() (y int, m time.Month, dd int) {
	if d < first || d > last {
		return 0, 0, 0
	}
	y, mm, dd := civilFromDays(int(d) - 719163)
	return y, time.Month(mm), dd
}

// AddDays is the day n days after d (before, for negative n); no day stays
// no day.
func (d Day) AddDays(n int) Day {
	if d == 0 {
		return 0
	}
	e := int(d) + n
	if e < int(first) || e > int(last) {
		return 0
	}
	return Day(e)
}

// AddDate adds years, months and days as time.AddDate does (31 March plus
// one month is 1 May).
func (d Day) AddDate(years, months, days int) Day {
	if d == 0 {
		return 0
	}
	y, m, dd := d.Date()
	return Date(y+years, m+time.Month(months), dd+days)
}

// Time is the start of d in Japan.
func (d Day) Time() time.Time {
	y, m, dd := d.Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, Japan)
}

// Weekday is the day of the week of d.
func (d Day) Weekday() time.Weekday {
	// 0001-01-01 was a Monday.
	return time.Weekday(int(d) % 7)
}

// String writes d as YYYY-MM-DD, the form records store; no day is "".
func (d Day) String() string {
	if d < first || d > last {
		return ""
	}
	y, m, dd := d.Date()
	b := [10]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + m/10), byte('0' + m%10), '-', byte('0' + dd/10), byte('0' + dd%10)}
	return string(b[:])
}

// Slashed writes d as 2026/04/01, the numeric form Japanese pages use.
func (d Day) Slashed() string {
	s := d.String()
	if s == "" {
		return ""
	}
	return s[:4] + "/" + s[5:7] + "/" + s[8:]
}

// ParseISO reads exactly YYYY-MM-DD, as records store a day, without
// allocating. Anything else, "" included, is ErrInvalid.
func ParseISO(s string) (Day, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, ErrInvalid
	}
	y, m, d := digits(s[0:4]), digits(s[5:7]), digits(s[8:10])
	if !Valid(y, m, d) {
		return 0, ErrInvalid
	}
	return Day(daysFromCivil(y, m, d) + 719163), nil
}

// MarshalText writes YYYY-MM-DD, or nothing for no day.
func (d Day) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD; empty text is no day.
func (d *Day) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = 0
		return nil
	}
	v, err := ParseISO(string(b))
	if err != nil {
		return fmt.Errorf("%w: %q", err, b)
	}
	*d = v
	return nil
}

// Value stores d as its YYYY-MM-DD text; no day is "", as the date
// columns (NOT NULL, empty by default) have it.
func (d Day) Value() (driver.Value, error) { return d.String(), nil }

// Scan reads a date column: text, bytes or NULL (no day). A time (a
// PostgreSQL DATE) is taken by its own calendar date.
func (d *Day) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*d = 0
		return nil
	case string:
		return d.UnmarshalText([]byte(v))
	case []byte:
		return d.UnmarshalText(v)
	case time.Time:
		y, m, dd := v.Date()
		*d = Date(y, m, dd)
		return nil
	}
	return fmt.Errorf("calendar: cannot scan %T into a day", src)
}

func digits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil counts days from 1970-01-01 (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int) (y, m, d int) {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	if mp < 10 {
		m = mp + 3
	} else {
		m = mp - 9
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}
