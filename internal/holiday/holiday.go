// Package holiday knows Japan's public holidays (国民の祝日, 振替休日 and
// 国民の休日) as data, with the years the data covers, and the business-day
// rules reminders follow: no reminder on a weekend or a public holiday.
//
// The dates are data rather than a formula because the equinox holidays are
// fixed each February by the National Astronomical Observatory's 暦要項 for
// the following year, and because the law moves holidays now and then (as
// it did for the 2020 and 2021 Olympics). A year outside Covered is an
// error, never a guess: a reminder scheduler asked about 2031 must say it
// does not know rather than treat 春分の日 as a working day.
package holiday

import (
	"fmt"
	"sort"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
)

// Holiday is one public holiday.
type Holiday struct {
	Date string // YYYY-MM-DD
	// Key names the holiday in the catalogues ("holiday.ganjitsu"), so the
	// name reads in the reader's language.
	Key string
}

// First and Last are the years the table covers.
const (
	First = 2025
	Last  = 2030
)

// ErrNotCovered is returned for a day outside the years the table covers.
type ErrNotCovered struct{ Year int }

func (e ErrNotCovered) Error() string {
	return fmt.Sprintf("holiday: the table covers %d–%d, not %d", First, Last, e.Year)
}

// table: 内閣府「国民の祝日について」 for 2025–2027 (2027's equinoxes from the
// 暦要項 published in February 2026), and for 2028–2030 the same rules with
// the equinox days the observatory's formula gives (to be checked against
// each year's 暦要項 when it is published).
var table = []Holiday{
	{"2025-01-01", "holiday.ganjitsu"}, {"2025-01-13", "holiday.seijin"}, {"2025-02-11", "holiday.kenkoku"},
	{"2025-02-23", "holiday.tenno"}, {"2025-02-24", "holiday.furikae"}, {"2025-03-20", "holiday.shunbun"},
	{"2025-04-29", "holiday.showa"}, {"2025-05-03", "holiday.kenpo"}, {"2025-05-04", "holiday.midori"},
	{"2025-05-05", "holiday.kodomo"}, {"2025-05-06", "holiday.furikae"}, {"2025-07-21", "holiday.umi"},
	{"2025-08-11", "holiday.yama"}, {"2025-09-15", "holiday.keiro"}, {"2025-09-23", "holiday.shubun"},
	{"2025-10-13", "holiday.sports"}, {"2025-11-03", "holiday.bunka"}, {"2025-11-23", "holiday.kinro"},
	{"2025-11-24", "holiday.furikae"},

	{"2026-01-01", "holiday.ganjitsu"}, {"2026-01-12", "holiday.seijin"}, {"2026-02-11", "holiday.kenkoku"},
	{"2026-02-23", "holiday.tenno"}, {"2026-03-20", "holiday.shunbun"}, {"2026-04-29", "holiday.showa"},
	{"2026-05-03", "holiday.kenpo"}, {"2026-05-04", "holiday.midori"}, {"2026-05-05", "holiday.kodomo"},
	{"2026-05-06", "holiday.furikae"}, {"2026-07-20", "holiday.umi"}, {"2026-08-11", "holiday.yama"},
	{"2026-09-21", "holiday.keiro"}, {"2026-09-22", "holiday.kokumin"}, {"2026-09-23", "holiday.shubun"},
	{"2026-10-12", "holiday.sports"}, {"2026-11-03", "holiday.bunka"}, {"2026-11-23", "holiday.kinro"},

	{"2027-01-01", "holiday.ganjitsu"}, {"2027-01-11", "holiday.seijin"}, {"2027-02-11", "holiday.kenkoku"},
	{"2027-02-23", "holiday.tenno"}, {"2027-03-21", "holiday.shunbun"}, {"2027-03-22", "holiday.furikae"},
	{"2027-04-29", "holiday.showa"}, {"2027-05-03", "holiday.kenpo"}, {"2027-05-04", "holiday.midori"},
	{"2027-05-05", "holiday.kodomo"}, {"2027-07-19", "holiday.umi"}, {"2027-08-11", "holiday.yama"},
	{"2027-09-20", "holiday.keiro"}, {"2027-09-23", "holiday.shubun"}, {"2027-10-11", "holiday.sports"},
	{"2027-11-03", "holiday.bunka"}, {"2027-11-23", "holiday.kinro"},

	{"2028-01-01", "holiday.ganjitsu"}, {"2028-01-10", "holiday.seijin"}, {"2028-02-11", "holiday.kenkoku"},
	{"2028-02-23", "holiday.tenno"}, {"2028-03-20", "holiday.shunbun"}, {"2028-04-29", "holiday.showa"},
	{"2028-05-03", "holiday.kenpo"}, {"2028-05-04", "holiday.midori"}, {"2028-05-05", "holiday.kodomo"},
	{"2028-07-17", "holiday.umi"}, {"2028-08-11", "holiday.yama"}, {"2028-09-18", "holiday.keiro"},
	{"2028-09-22", "holiday.shubun"}, {"2028-10-09", "holiday.sports"}, {"2028-11-03", "holiday.bunka"},
	{"2028-11-23", "holiday.kinro"},

	{"2029-01-01", "holiday.ganjitsu"}, {"2029-01-08", "holiday.seijin"}, {"2029-02-11", "holiday.kenkoku"},
	{"2029-02-12", "holiday.furikae"}, {"2029-02-23", "holiday.tenno"}, {"2029-03-20", "holiday.shunbun"},
	{"2029-04-29", "holiday.showa"}, {"2029-04-30", "holiday.furikae"}, {"2029-05-03", "holiday.kenpo"},
	{"2029-05-04", "holiday.midori"}, {"2029-05-05", "holiday.kodomo"}, {"2029-07-16", "holiday.umi"},
	{"2029-08-11", "holiday.yama"}, {"2029-09-17", "holiday.keiro"}, {"2029-09-23", "holiday.shubun"},
	{"2029-09-24", "holiday.furikae"}, {"2029-10-08", "holiday.sports"}, {"2029-11-03", "holiday.bunka"},
	{"2029-11-23", "holiday.kinro"},

	{"2030-01-01", "holiday.ganjitsu"}, {"2030-01-14", "holiday.seijin"}, {"2030-02-11", "holiday.kenkoku"},
	{"2030-02-23", "holiday.tenno"}, {"2030-03-20", "holiday.shunbun"}, {"2030-04-29", "holiday.showa"},
	{"2030-05-03", "holiday.kenpo"}, {"2030-05-04", "holiday.midori"}, {"2030-05-05", "holiday.kodomo"},
	{"2030-05-06", "holiday.furikae"}, {"2030-07-15", "holiday.umi"}, {"2030-08-11", "holiday.yama"},
	{"2030-08-12", "holiday.furikae"}, {"2030-09-16", "holiday.keiro"}, {"2030-09-23", "holiday.shubun"},
	{"2030-10-14", "holiday.sports"}, {"2030-11-03", "holiday.bunka"}, {"2030-11-04", "holiday.furikae"},
	{"2030-11-23", "holiday.kinro"},
}

var byDate = func() map[string]string {
	m := make(map[string]string, len(table))
	for _, h := range table {
		m[h.Date] = h.Key
	}
	return m
}()

// Of returns the holiday on day, and whether there is one.
func Of(day calendar.Day) (Holiday, bool, error) {
	y, _, _ := day.Date()
	if y < First || y > Last {
		return Holiday{}, false, ErrNotCovered{y}
	}
	d := day.String()
	k, ok := byDate[d]
	return Holiday{Date: d, Key: k}, ok, nil
}

// In lists the holidays of year, in date order.
func In(year int) ([]Holiday, error) {
	if year < First || year > Last {
		return nil, ErrNotCovered{year}
	}
	var out []Holiday
	prefix := fmt.Sprintf("%04d-", year)
	for _, h := range table {
		if h.Date[:5] == prefix {
			out = append(out, h)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Date < out[j].Date })
	return out, nil
}

// BusinessDay reports whether day is a working day: not a Saturday, Sunday
// or public holiday.
func BusinessDay(day calendar.Day) (bool, error) {
	if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false, nil
	}
	_, hol, err := Of(day)
	return !hol, err
}

// NextBusinessDay returns day itself when it is a working day, otherwise
// the next working day (Golden Week can skip a week).
func NextBusinessDay(day calendar.Day) (calendar.Day, error) {
	for range 15 {
		ok, err := BusinessDay(day)
		if err != nil || ok {
			return day, err
		}
		day = day.AddDays(1)
	}
	return day, fmt.Errorf("holiday: no working day within 15 days of %s", day)
}
