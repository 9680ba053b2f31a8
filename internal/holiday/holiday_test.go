package holiday

import (
	"errors"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
)

func day(s string) calendar.Day {
	d, err := calendar.ParseISO(s)
	if err != nil {
		panic(err)
	}
	return d
}

// byRules derives a year's holidays from the Act on National Holidays as it
// stands since 2022 (fixed days, Happy Monday days, the equinoxes by the
// observatory's approximation, 振替休日 and 国民の休日), independently of the
// table, so a typing mistake in the table shows.
func byRules(y int) []Holiday {
	date := func(m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	nthMonday := func(m time.Month, n int) time.Time {
		t := date(m, 1)
		for t.Weekday() != time.Monday {
			t = t.AddDate(0, 0, 1)
		}
		return t.AddDate(0, 0, 7*(n-1))
	}
	k := float64(y - 1980)
	leap := math.Floor(k / 4)
	spring := int(math.Floor(20.8431 + 0.242194*k - leap))
	autumn := int(math.Floor(23.2488 + 0.242194*k - leap))
	base := map[time.Time]string{
		date(1, 1): "holiday.ganjitsu", nthMonday(1, 2): "holiday.seijin", date(2, 11): "holiday.kenkoku",
		date(2, 23): "holiday.tenno", date(3, spring): "holiday.shunbun", date(4, 29): "holiday.showa",
		date(5, 3): "holiday.kenpo", date(5, 4): "holiday.midori", date(5, 5): "holiday.kodomo",
		nthMonday(7, 3): "holiday.umi", date(8, 11): "holiday.yama", nthMonday(9, 3): "holiday.keiro",
		date(9, autumn): "holiday.shubun", nthMonday(10, 2): "holiday.sports", date(11, 3): "holiday.bunka",
		date(11, 23): "holiday.kinro",
	}
	all := map[time.Time]string{}
	for d, key := range base {
		all[d] = key
	}
	// 国民の休日: a day between two holidays that is not one itself.
	for d := range base {
		next := d.AddDate(0, 0, 2)
		mid := d.AddDate(0, 0, 1)
		if _, ok := base[next]; ok {
			if _, hol := base[mid]; !hol && mid.Weekday() != time.Sunday {
				all[mid] = "holiday.kokumin"
			}
		}
	}
	// 振替休日: a holiday on a Sunday moves to the next day that is not one.
	for d := range base {
		if d.Weekday() != time.Sunday {
			continue
		}
		s := d.AddDate(0, 0, 1)
		for {
			if _, ok := all[s]; !ok {
				break
			}
			s = s.AddDate(0, 0, 1)
		}
		all[s] = "holiday.furikae"
	}
	var out []Holiday
	for d, key := range all {
		out = append(out, Holiday{Date: d.Format(time.DateOnly), Key: key})
	}
	sortHolidays(out)
	return out
}

func sortHolidays(h []Holiday) {
	for i := 1; i < len(h); i++ {
		for j := i; j > 0 && h[j].Date < h[j-1].Date; j-- {
			h[j], h[j-1] = h[j-1], h[j]
		}
	}
}

func TestTableFollowsTheLaw(t *testing.T) {
	for y := First; y <= Last; y++ {
		got, err := In(y)
		if err != nil {
			t.Fatal(err)
		}
		if want := byRules(y); !reflect.DeepEqual(got, want) {
			t.Errorf("%d: got %v, want %v", y, got, want)
		}
	}
}

func TestKnownDays(t *testing.T) {
	for _, c := range []struct {
		day, key string
	}{
		{"2026-09-22", "holiday.kokumin"},  // シルバーウィーク: between 敬老の日 and 秋分の日
		{"2026-05-06", "holiday.furikae"},  // 憲法記念日 on a Sunday
		{"2025-02-24", "holiday.furikae"},  // 天皇誕生日 on a Sunday
		{"2027-03-22", "holiday.furikae"},  // 春分の日 on a Sunday
		{"2030-11-04", "holiday.furikae"},  // 文化の日 on a Sunday
		{"2026-03-20", "holiday.shunbun"},  // from the 暦要項
		{"2026-12-06", ""},                 // an ordinary Sunday
		{"2026-12-31", ""},                 // 大晦日 is not a public holiday
		{"2026-01-12", "holiday.seijin"},   // second Monday
		{"2028-09-22", "holiday.shubun"},   // the autumn equinox on the 22nd
		{"2029-04-30", "holiday.furikae"},  // 昭和の日 on a Sunday
		{"2025-05-06", "holiday.furikae"},  // みどりの日 on a Sunday: the next free day
		{"2025-11-24", "holiday.furikae"},  // 勤労感謝の日 on a Sunday
		{"2027-05-06", ""},                 // Golden Week ends on the 5th
		{"2030-08-12", "holiday.furikae"},  // 山の日 on a Sunday
		{"2029-02-12", "holiday.furikae"},  // 建国記念の日 on a Sunday
		{"2029-09-24", "holiday.furikae"},  // 秋分の日 on a Sunday
		{"2026-07-20", "holiday.umi"},      // third Monday of July
		{"2026-10-12", "holiday.sports"},   // second Monday of October
		{"2026-02-23", "holiday.tenno"},    // 天皇誕生日
		{"2026-08-11", "holiday.yama"},     // 山の日
		{"2026-11-23", "holiday.kinro"},    // 勤労感謝の日
		{"2026-01-01", "holiday.ganjitsu"}, // 元日
	} {
		h, ok, err := Of(day(c.day))
		if err != nil {
			t.Fatal(err)
		}
		if ok != (c.key != "") || h.Key != c.key {
			t.Errorf("%s: got %q (holiday %v), want %q", c.day, h.Key, ok, c.key)
		}
	}
}

func TestBusinessDays(t *testing.T) {
	for _, c := range []struct {
		from, want string
	}{
		{"2026-12-07", "2026-12-07"}, // a Monday
		{"2026-12-05", "2026-12-07"}, // Saturday → Monday
		{"2026-05-02", "2026-05-07"}, // Golden Week: Sat, Sun, 3 holidays, furikae
		{"2026-09-19", "2026-09-24"}, // Silver Week 2026
		{"2027-01-01", "2027-01-04"}, // 元日 on a Friday
	} {
		got, err := NextBusinessDay(day(c.from))
		if err != nil {
			t.Fatal(err)
		}
		if got.String() != c.want {
			t.Errorf("after %s: got %s, want %s", c.from, got, c.want)
		}
	}
}

func TestOutsideTheTableIsAnError(t *testing.T) {
	var nc ErrNotCovered
	for _, d := range []string{"2024-12-31", "2031-01-01"} {
		if _, _, err := Of(day(d)); !errors.As(err, &nc) {
			t.Errorf("%s: got %v, want ErrNotCovered", d, err)
		}
		if _, err := BusinessDay(day(d)); err == nil && day(d).Weekday() != time.Saturday && day(d).Weekday() != time.Sunday {
			t.Errorf("%s: a weekday outside the table passed as a business day", d)
		}
	}
}
