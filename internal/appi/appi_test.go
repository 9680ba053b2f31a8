package appi_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/appi"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/problem"
)

// now is after every awareness date used here.
var now = time.Date(2030, 6, 1, 12, 0, 0, 0, calendar.Japan)

func decide(t *testing.T, js string) appi.Decision {
	t.Helper()
	rules, err := appi.Rules()
	if err != nil {
		t.Fatal(err)
	}
	f, err := appi.ParseFacts([]byte(js), now)
	if err != nil {
		t.Fatalf("ParseFacts(%s): %v", js, err)
	}
	d, err := appi.Decide(f, rules)
	if err != nil {
		t.Fatalf("Decide(%s): %v", js, err)
	}
	return d
}

func codes(rs []appi.Reason) string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Code)
	}
	return strings.Join(out, ",")
}

// 施行規則7条: report when (1) sensitive data, (2) data whose misuse may
// cause property damage, (3) a wrongful purpose may be involved — each
// from one person — or (4) the people concerned are 「千人を超える」; the
// parenthesis of 1号 excludes data under high-level encryption.
func TestTriggersFromTheRule(t *testing.T) {
	cases := []struct {
		name     string
		facts    string
		report   bool
		triggers string
	}{
		{"nothing", `{"people": 10, "awareness": "2026-01-15"}`, false, ""},
		{"exactly 1,000 is not more than 1,000", `{"people": 1000, "awareness": "2026-01-15"}`, false, ""},
		{"1,001 is more than 1,000", `{"people": 1001, "awareness": "2026-01-15"}`, true, "scale"},
		{"zero people", `{"people": 0, "awareness": "2026-01-15"}`, false, ""},
		{"sensitive, one person", `{"people": 1, "sensitive": true, "awareness": "2026-01-15"}`, true, "sensitive"},
		{"property, one person", `{"people": 1, "property_risk": true, "awareness": "2026-01-15"}`, true, "property"},
		{"wrongful, one person", `{"people": 1, "wrongful": true, "awareness": "2026-01-15"}`, true, "wrongful"},
		{"all four", `{"people": 5000, "sensitive": true, "property_risk": true, "wrongful": true, "awareness": "2026-01-15"}`, true, "sensitive,property,wrongful,scale"},
		{"sensitive and scale", `{"people": 1001, "sensitive": true, "awareness": "2026-01-15"}`, true, "sensitive,scale"},
		{"encryption excludes every case", `{"people": 5000, "sensitive": true, "property_risk": true, "wrongful": true, "encrypted_high_grade": true, "awareness": "2026-01-15"}`, false, ""},
		{"only a suspicion still triggers (おそれ)", `{"people": 1, "sensitive": true, "possible_only": true, "awareness": "2026-01-15"}`, true, "sensitive"},
		{"acquiring and wrongful after the 2024 amendment", `{"people": 3, "acquiring": true, "wrongful": true, "awareness": "2024-04-01"}`, true, "wrongful"},
		{"acquiring and wrongful the day before the amendment", `{"people": 3, "acquiring": true, "wrongful": true, "awareness": "2024-03-31"}`, false, ""},
		{"acquiring without a wrongful purpose", `{"people": 3000, "acquiring": true, "awareness": "2026-01-15"}`, false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := decide(t, c.facts)
			if d.MustReport != c.report || codes(d.Triggers) != c.triggers {
				t.Errorf("got report %v triggers %q, want %v %q", d.MustReport, codes(d.Triggers), c.report, c.triggers)
			}
			if d.NotifyPeople != c.report {
				t.Errorf("got notify %v, want %v (規則10条: the same cases)", d.NotifyPeople, c.report)
			}
			for _, r := range d.Reasons {
				if r.Key == "" {
					t.Errorf("reason %s without a message", r.Code)
				}
			}
			for _, tr := range d.Triggers {
				if !strings.HasPrefix(tr.Article, "施行規則7条") {
					t.Errorf("trigger %s cites %q, want 施行規則7条…", tr.Code, tr.Article)
				}
			}
		})
	}
}

func TestRuleVersionByAwarenessDate(t *testing.T) {
	for _, c := range []struct{ aware, version string }{
		{"2022-04-01", "APPI-2022-04"},
		{"2024-03-31", "APPI-2022-04"},
		{"2024-04-01", "APPI-2024-04"},
		{"2026-01-15", "APPI-2024-04"},
	} {
		d := decide(t, fmt.Sprintf(`{"people": 1, "sensitive": true, "awareness": %q}`, c.aware))
		if d.Rule.Version != c.version {
			t.Errorf("aware %s: got rule %s, want %s", c.aware, d.Rule.Version, c.version)
		}
	}
	rules, _ := appi.Rules()
	f, err := appi.ParseFacts([]byte(`{"people": 1, "sensitive": true, "awareness": "2022-03-31"}`), now)
	if err != nil {
		t.Fatal(err)
	}
	_, err = appi.Decide(f, rules)
	if e, ok := problem.As(err); !ok || e.Field != "awareness" {
		t.Errorf("awareness before any rule: got %v, want an error naming awareness", err)
	}
}

// A change of law is a new row: a rule file with a lower threshold from a
// later date rules with it, and names it.
func TestNewRowChangesTheRuling(t *testing.T) {
	rules, err := appi.Rules()
	if err != nil {
		t.Fatal(err)
	}
	extra, err := appi.ParseRules([]byte(`[{"version": "TEST-2029", "effective_from": "2029-01-01", "title_key": "x", "people_more_than": 500,
		"preliminary_days_min": 3, "preliminary_days_max": 5, "final_days": 20, "final_days_wrongful": 40, "awareness_is_day_one": true,
		"articles": {"scale": "施行規則7条4号"}}]`))
	if err != nil {
		t.Fatal(err)
	}
	rules = append(rules, extra...)
	f, _ := appi.ParseFacts([]byte(`{"people": 600, "awareness": "2029-03-02"}`), now)
	d, err := appi.Decide(f, rules)
	if err != nil {
		t.Fatal(err)
	}
	if !d.MustReport || d.Rule.Version != "TEST-2029" || d.FinalDeadline.String() != "2029-03-21" {
		t.Errorf("got report %v rule %s deadline %s, want true TEST-2029 2029-03-21", d.MustReport, d.Rule.Version, d.FinalDeadline)
	}
	f, _ = appi.ParseFacts([]byte(`{"people": 600, "awareness": "2028-12-31"}`), now)
	if d, _ := appi.Decide(f, rules); d.MustReport {
		t.Errorf("600 people before the new row: got report, want none under %s", d.Rule.Version)
	}
}

// 施行規則8条2項: the final report within 30 days, 60 for case 3, counted
// (PPC guidelines 通則編 3-5-3-4) with the day of awareness as day 1, a
// last day on a Saturday, Sunday, holiday or 12/29–1/3 moving to the next
// open day. 速報: promptly, about 3–5 days.
func TestDeadlines(t *testing.T) {
	cases := []struct {
		name                       string
		facts                      string
		days                       int
		prelim, prelimLatest, last string
	}{
		{"30 days, a Friday", `{"people": 1, "sensitive": true, "awareness": "2026-01-15"}`, 30, "2026-01-18", "2026-01-20", "2026-02-13"},
		{"60 days when wrongful, across two month ends", `{"people": 1, "wrongful": true, "awareness": "2026-01-31"}`, 60, "2026-02-03", "2026-02-05", "2026-03-31"},
		{"30 days from 31 January end on Sunday 1 March, so Monday", `{"people": 1, "sensitive": true, "awareness": "2026-01-31"}`, 30, "2026-02-03", "2026-02-05", "2026-03-02"},
		{"across the year end", `{"people": 1, "sensitive": true, "awareness": "2025-12-10"}`, 30, "2025-12-13", "2025-12-15", "2026-01-08"},
		{"last day in the year-end closure, then a Sunday", `{"people": 1, "property_risk": true, "awareness": "2025-12-01"}`, 30, "2025-12-04", "2025-12-06", "2026-01-05"},
		{"leap February", `{"people": 2000, "awareness": "2028-02-01"}`, 30, "2028-02-04", "2028-02-06", "2028-03-01"},
		{"wrongful with scale is still 60", `{"people": 2000, "wrongful": true, "awareness": "2026-01-15"}`, 60, "2026-01-18", "2026-01-20", "2026-03-16"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := decide(t, c.facts)
			got := fmt.Sprintf("%d %s %s %s", d.FinalDays, d.PreliminaryTarget, d.PreliminaryLatest, d.FinalDeadline)
			want := fmt.Sprintf("%d %s %s %s", c.days, c.prelim, c.prelimLatest, c.last)
			if got != want {
				t.Errorf("got %s, want %s", got, want)
			}
		})
	}
}

// GDPR Art. 33(1): 72 hours, counted in hours from the moment of awareness.
func TestGDPRHours(t *testing.T) {
	for _, c := range []struct{ facts, want string }{
		{`{"people": 1, "gdpr": true, "awareness": "2026-12-30T22:00:00+09:00"}`, "2027-01-02T22:00:00+09:00"},
		{`{"people": 1, "gdpr": true, "awareness": "2026-02-27"}`, "2026-03-02T00:00:00+09:00"},
		{`{"people": 1, "gdpr": true, "awareness": "2026-02-27T10:15:00Z"}`, "2026-03-02T19:15:00+09:00"},
	} {
		d := decide(t, c.facts)
		if d.GDPRDeadline == nil || d.GDPRDeadline.Format(time.RFC3339) != c.want {
			t.Errorf("%s: got %v, want %s", c.facts, d.GDPRDeadline, c.want)
		}
		if d.MustReport {
			t.Errorf("%s: GDPR alone made the APPI report due", c.facts)
		}
	}
	if d := decide(t, `{"people": 1, "awareness": "2026-02-27"}`); d.GDPRDeadline != nil {
		t.Errorf("no EU residents: got a GDPR deadline %v", d.GDPRDeadline)
	}
}

func TestBadInputNamesTheField(t *testing.T) {
	for _, c := range []struct{ js, field string }{
		{`{"people": -1, "awareness": "2026-01-15"}`, "people"},
		{`{"people": 1.5, "awareness": "2026-01-15"}`, "people"},
		{`{"people": "10", "awareness": "2026-01-15"}`, "people"},
		{`{"people": 1, "awareness": "2030-06-02"}`, "awareness"},
		{`{"people": 1, "awareness": "2030-06-01T12:00:01+09:00"}`, "awareness"},
		{`{"people": 1, "awareness": "2026-02-30"}`, "awareness"},
		{`{"people": 1}`, "awareness"},
		{`{"people": 1, "awareness": 20260115}`, "awareness"},
		{`{"people": 1, "sensitve": true, "awareness": "2026-01-15"}`, "sensitve"},
		{`{"people": 1, "sensitive": "yes", "awareness": "2026-01-15"}`, "sensitive"},
		{`{"people": 1, "gdpr": null, "awareness": "2026-01-15"}`, "gdpr"},
	} {
		_, err := appi.ParseFacts([]byte(c.js), now)
		var e *problem.Error
		if !errors.As(err, &e) || e.Field != c.field || e.Code != problem.Invalid {
			t.Errorf("%s: got %v, want invalid naming %q", c.js, err, c.field)
		}
	}
	if _, err := appi.ParseFacts([]byte(`[1]`), now); err == nil {
		t.Error("an array: got no error")
	}
	// Today is not the future.
	if _, err := appi.ParseFacts([]byte(`{"people": 1, "awareness": "2030-06-01"}`), now); err != nil {
		t.Errorf("awareness today: %v", err)
	}
}
