// Package appi decides whether a personal-data breach must be reported to
// Japan's Personal Information Protection Commission (個人情報保護委員会) and
// the people concerned told, under the Act on the Protection of Personal
// Information (法26条) and its Enforcement Rules (施行規則7条・8条・10条), with
// the report deadlines and, where EU residents are concerned, the GDPR
// 72-hour clock.
//
// The rules are data (rules.json), each row with the date it took effect:
// a change of law is a new row, and every ruling names the row it used.
// The package is pure: no database, no clock of its own.
package appi

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/holiday"
	"github.com/mamori-sec/mamori/internal/problem"
)

// Rule is one version of the reporting rules, in force from EffectiveFrom
// until the next row takes effect.
type Rule struct {
	Version       string `json:"version"`
	EffectiveFrom string `json:"effective_from"`
	TitleKey      string `json:"title_key"`
	// PeopleMoreThan is the scale trigger: reportable when the people
	// concerned are MORE than this number (施行規則7条4号「千人を超える」).
	PeopleMoreThan int `json:"people_more_than"`
	// AcquiringCovered: the wrongful-purpose trigger also covers personal
	// information the business is acquiring or about to acquire (the
	// amendment in force from 2024-04-01, aimed at web skimming).
	AcquiringCovered   bool `json:"acquiring_covered"`
	PreliminaryDaysMin int  `json:"preliminary_days_min"`
	PreliminaryDaysMax int  `json:"preliminary_days_max"`
	FinalDays          int  `json:"final_days"`
	FinalDaysWrongful  int  `json:"final_days_wrongful"`
	// AwarenessIsDayOne: the day the business became aware counts as day
	// 1 of the final-report period (PPC guidelines, 通則編 3-5-3-4).
	AwarenessIsDayOne bool `json:"awareness_is_day_one"`
	// RollPastClosedDays: a last day falling on a Saturday, Sunday, public
	// holiday or the year-end closure moves to the next open day.
	RollPastClosedDays bool              `json:"roll_past_closed_days"`
	ClosedYearEnd      []string          `json:"closed_year_end"` // "MM-DD"
	GDPRHours          int               `json:"gdpr_hours"`
	Articles           map[string]string `json:"articles"`

	from calendar.Day
}

//go:embed rules.json
var rulesJSON []byte

// Rules returns the embedded rule versions, oldest first.
func Rules() ([]Rule, error) { return ParseRules(rulesJSON) }

// ParseRules reads rule versions from JSON, so a company or a test can
// bring a row the binary does not carry.
func ParseRules(b []byte) ([]Rule, error) {
	var rs []Rule
	if err := json.Unmarshal(b, &rs); err != nil {
		return nil, fmt.Errorf("appi: rules: %w", err)
	}
	for i := range rs {
		d, err := calendar.ParseISO(rs[i].EffectiveFrom)
		if err != nil {
			return nil, fmt.Errorf("appi: rule %s: effective_from: %w", rs[i].Version, err)
		}
		rs[i].from = d
	}
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].from < rs[j].from })
	return rs, nil
}

// In returns the rule in force on day: the latest row that took effect on
// or before it.
func In(rules []Rule, day calendar.Day) (Rule, bool) {
	var out Rule
	found := false
	for _, r := range rules {
		if r.from <= day {
			out, found = r, true
		}
	}
	return out, found
}

// Trigger codes, one per case of 施行規則7条.
const (
	Sensitive = "sensitive" // 1号: 要配慮個人情報
	Property  = "property"  // 2号: 財産的被害のおそれ
	Wrongful  = "wrongful"  // 3号: 不正の目的のおそれ
	Scale     = "scale"     // 4号: 千人を超える
)

// Reason is one sentence of a ruling: a catalogue key with its arguments,
// and the article it rests on.
type Reason struct {
	Code    string `json:"code"`
	Article string `json:"article"`
	Key     string `json:"-"`
	Args    []any  `json:"-"`
}

// Decision is a ruling on one set of facts.
type Decision struct {
	MustReport   bool
	NotifyPeople bool
	Triggers     []Reason // the cases of 施行規則7条 that apply
	Reasons      []Reason // every step of the ruling, triggers included
	Rule         Rule
	Awareness    calendar.Day
	// PreliminaryTarget and PreliminaryLatest bound the 速報: "promptly",
	// which the PPC guidelines put at about 3 to 5 days after awareness.
	PreliminaryTarget calendar.Day
	PreliminaryLatest calendar.Day
	FinalDays         int
	FinalDeadline     calendar.Day
	// GDPRDeadline is 72 hours after awareness when EU residents are
	// concerned; nil otherwise.
	GDPRDeadline *time.Time
}

// Decide rules on facts under the rule in force on the awareness date.
// Facts come from ParseFacts (or an incident's form), already validated.
func Decide(f Facts, rules []Rule) (Decision, error) {
	day := calendar.Of(f.AwareAt.In(calendar.Japan))
	rule, ok := In(rules, day)
	if !ok {
		return Decision{}, problem.Field("awareness", "appi.error.before_rules", rules[0].EffectiveFrom)
	}
	d := Decision{Rule: rule, Awareness: day}
	art := func(code string) string { return rule.Articles[code] }
	add := func(code, key string, args ...any) Reason {
		r := Reason{Code: code, Article: art(code), Key: key, Args: args}
		d.Reasons = append(d.Reasons, r)
		return r
	}

	switch {
	case f.EncryptedHighGrade:
		add("encryption", "appi.reason.encrypted")
	case f.Acquiring && !rule.AcquiringCovered:
		add(Wrongful, "appi.reason.acquiring_not_covered", rule.EffectiveFrom)
	case f.Acquiring && !f.Wrongful:
		add(Wrongful, "appi.reason.acquiring_needs_wrongful")
	case f.Acquiring:
		d.Triggers = append(d.Triggers, add(Wrongful, "appi.reason.acquiring"))
	default:
		if f.Sensitive {
			d.Triggers = append(d.Triggers, add(Sensitive, "appi.reason.sensitive"))
		}
		if f.PropertyRisk {
			d.Triggers = append(d.Triggers, add(Property, "appi.reason.property"))
		}
		if f.Wrongful {
			d.Triggers = append(d.Triggers, add(Wrongful, "appi.reason.wrongful"))
		}
		if f.People > rule.PeopleMoreThan {
			d.Triggers = append(d.Triggers, add(Scale, "appi.reason.scale", f.People, rule.PeopleMoreThan))
		} else {
			add(Scale, "appi.reason.scale_not", f.People, rule.PeopleMoreThan)
		}
	}
	d.MustReport = len(d.Triggers) > 0
	d.NotifyPeople = d.MustReport
	if d.MustReport {
		if f.PossibleOnly {
			add("possible_only", "appi.reason.possible_only")
		}
		wrongful := false
		for _, t := range d.Triggers {
			wrongful = wrongful || t.Code == Wrongful
		}
		d.FinalDays = rule.FinalDays
		if wrongful {
			d.FinalDays = rule.FinalDaysWrongful
		}
		d.PreliminaryTarget = day.AddDays(rule.PreliminaryDaysMin)
		d.PreliminaryLatest = day.AddDays(rule.PreliminaryDaysMax)
		add("preliminary", "appi.reason.preliminary", rule.PreliminaryDaysMin, rule.PreliminaryDaysMax)
		d.FinalDeadline = finalDeadline(rule, day, d.FinalDays)
		add("final", "appi.reason.final", d.FinalDays)
		if d.FinalDeadline != lastDay(rule, day, d.FinalDays) {
			add("final", "appi.reason.final_rolled", lastDay(rule, day, d.FinalDays).String())
		}
		add("notice", "appi.reason.notice")
	} else {
		add("none", "appi.reason.none")
	}
	if f.GDPR {
		t := f.AwareAt.Add(time.Duration(rule.GDPRHours) * time.Hour).In(calendar.Japan)
		d.GDPRDeadline = &t
		if f.AwareDateOnly {
			add("gdpr", "appi.reason.gdpr_date_only", rule.GDPRHours)
		} else {
			add("gdpr", "appi.reason.gdpr", rule.GDPRHours)
		}
	}
	return d, nil
}

// lastDay is the last day of an n-day period that starts with awareness:
// with the awareness day as day 1 the period ends on awareness+n-1, else
// (民法140条, first day not counted) on awareness+n.
func lastDay(rule Rule, aware calendar.Day, n int) calendar.Day {
	if rule.AwarenessIsDayOne {
		return aware.AddDays(n - 1)
	}
	return aware.AddDays(n)
}

// finalDeadline is lastDay moved past Saturdays, Sundays, public holidays
// and the year-end closure when the rule says so.
func finalDeadline(rule Rule, aware calendar.Day, n int) calendar.Day {
	d := lastDay(rule, aware, n)
	if !rule.RollPastClosedDays {
		return d
	}
	for range 31 {
		if !closed(rule, d) {
			return d
		}
		d = d.AddDays(1)
	}
	return d
}

func closed(rule Rule, d calendar.Day) bool {
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return true
	}
	md := d.String()[5:]
	for _, c := range rule.ClosedYearEnd {
		if c == md {
			return true
		}
	}
	// Outside the holiday table's years only weekends and the year end
	// are known; holiday.Of says so with an error, which is not a holiday.
	_, hol, err := holiday.Of(d)
	return err == nil && hol
}
