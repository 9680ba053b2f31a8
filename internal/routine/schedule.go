package routine

import (
	"fmt"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/holiday"
)

// Schedule says when a routine falls due. The day it names is moved to the
// next working day when it is a weekend or a public holiday in Japan (a
// chore due on 成人の日 is due the Tuesday after), so that nobody is asked
// to do a chore on a day off.
type Schedule struct {
	Cadence Cadence
	// Weekday for weekly routines.
	Weekday time.Weekday
	// Day of the month (1–28) for monthly, quarterly and yearly routines.
	Day int
	// Month for yearly routines; for quarterly ones, the month of the
	// first quarter it falls in (1–3: January–March, then every third
	// month after it).
	Month time.Month
	// On is the due day of a one-off (Once), kept as the routine's first
	// day.
	On calendar.Day
}

// DefaultSchedule is when a chore falls due unless the company says
// otherwise: weekly ones on Monday, monthly ones on the 25th, quarterly
// ones on the 25th of the last month of each quarter (March, June,
// September, December), and yearly ones in the month that suits each (the
// policy review in April, at the start of most Japanese business years;
// the incident drill in September, the month of 防災の日).
func DefaultSchedule(c Chore) Schedule {
	s := Schedule{Cadence: c.Cadence, Weekday: time.Monday, Day: 25, Month: time.March}
	if c.Cadence == Yearly {
		s.Month = yearlyMonth[c.ID]
		if s.Month == 0 {
			s.Month = time.April
		}
	}
	return s
}

var yearlyMonth = map[string]time.Month{
	"yearly.policy_review":    time.April,
	"yearly.self_diagnosis":   time.May,
	"yearly.training_refresh": time.June,
	"yearly.incident_drill":   time.September,
	"yearly.supplier_review":  time.October,
	"yearly.risk_analysis":    time.January,
}

// Validate says what is wrong with a schedule a keeper typed, as a field
// name and a catalogue key.
func (s Schedule) Validate() (field, key string) {
	switch {
	case !s.Cadence.Valid():
		return "cadence", "routine.invalid_cadence"
	case s.Cadence == Once:
		if s.On.IsZero() {
			return "due", "routine.invalid_due"
		}
		return "", ""
	case s.Cadence == Weekly && (s.Weekday < time.Sunday || s.Weekday > time.Saturday):
		return "weekday", "routine.invalid_weekday"
	case s.Cadence != Weekly && (s.Day < 1 || s.Day > 28):
		return "day", "routine.invalid_day"
	case s.Cadence == Quarterly && (s.Month < time.January || s.Month > time.March):
		return "month", "routine.invalid_quarter_month"
	case s.Cadence == Yearly && (s.Month < time.January || s.Month > time.December):
		return "month", "routine.invalid_month"
	}
	return "", ""
}

// Due lists the due days of the schedule whose nominal day (before moving
// off a day off) lies in [from, to], each moved to a working day. It fails,
// rather than guess, for a year the holiday table does not cover.
func (s Schedule) Due(from, to calendar.Day) ([]calendar.Day, error) {
	if f, k := s.Validate(); f != "" {
		return nil, fmt.Errorf("routine: schedule %s: %s", f, k)
	}
	var out []calendar.Day
	add := func(d calendar.Day) error {
		if d < from || d > to {
			return nil
		}
		w, err := holiday.NextBusinessDay(d)
		if err != nil {
			return err
		}
		out = append(out, w)
		return nil
	}
	switch s.Cadence {
	case Once:
		// The day the keeper set, as set: they chose a working day.
		if s.On >= from && s.On <= to {
			out = append(out, s.On)
		}
	case Weekly:
		d := from
		for d.Weekday() != s.Weekday {
			d = d.AddDays(1)
		}
		for ; d <= to; d = d.AddDays(7) {
			if err := add(d); err != nil {
				return nil, err
			}
		}
	default:
		step := map[Cadence]int{Monthly: 1, Quarterly: 3, Yearly: 12}[s.Cadence]
		first := time.Month(1)
		if s.Cadence != Monthly {
			first = s.Month
		}
		fy, _, _ := from.Date()
		ty, _, _ := to.Date()
		for y := fy; y <= ty; y++ {
			for m := int(first); m <= 12; m += step {
				if err := add(calendar.Date(y, time.Month(m), s.Day)); err != nil {
					return nil, err
				}
			}
		}
	}
	return out, nil
}

// Next is the first due day on or after day.
func (s Schedule) Next(day calendar.Day) (calendar.Day, error) {
	ds, err := s.Due(day, day.AddDate(1, 0, 7))
	if err != nil {
		return 0, err
	}
	for _, d := range ds {
		if d >= day {
			return d, nil
		}
	}
	return 0, fmt.Errorf("routine: no due day within a year of %s", day)
}

// Due is one occurrence of a routine that is waiting to be done, as the
// keeper's week, the reminders and the advisor portfolio show it.
type Due struct {
	OccurrenceID int64
	RoutineID    int64
	Chore        Chore
	Service      string // the service's name for a per-service chore, else ""
	On           calendar.Day
	AssigneeID   int64 // the mamori user it is assigned to; 0 for the organisation's keepers
}

// Overdue reports whether the occurrence is past its due day on today.
func (d Due) Overdue(today calendar.Day) bool { return today > d.On }

// DaysOverdue is how many days past its due day the occurrence is on
// today (0 when not overdue).
func (d Due) DaysOverdue(today calendar.Day) int { return max(0, int(today-d.On)) }
