package calendar

import (
	"encoding/json"
	"testing"
	"time"
)

func TestDayMatchesTime(t *testing.T) {
	// Every day from 1800 to 2100 against the standard library.
	start := time.Date(1800, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 110000; i++ {
		tm := start.AddDate(0, 0, i)
		y, m, d := tm.Date()
		day := Date(y, m, d)
		if gy, gm, gd := day.Date(); gy != y || gm != m || gd != d {
			t.Fatalf("Date(%d, %d, %d).Date() = %d-%d-%d", y, m, d, gy, gm, gd)
		}
		if got, want := day.String(), tm.Format(time.DateOnly); got != want {
			t.Fatalf("String() = %q, want %q", got, want)
		}
		if day.Weekday() != tm.Weekday() {
			t.Fatalf("%s: Weekday() = %v, want %v", day, day.Weekday(), tm.Weekday())
		}
		if p, err := ParseISO(day.String()); err != nil || p != day {
			t.Fatalf("ParseISO(%q) = %v, %v", day, p, err)
		}
		if i > 0 && day-Date(start.AddDate(0, 0, i-1).Date()) != 1 {
			t.Fatalf("%s is not one day after the day before", day)
		}
	}
}

func TestDay(t *testing.T) {
	d := Date(2026, 4, 1)
	if got := d.AddDays(30).String(); got != "2026-05-01" {
		t.Errorf("AddDays(30) = %s, want 2026-05-01", got)
	}
	if got := Date(2026, 3, 31).AddDate(0, 1, 0).String(); got != "2026-05-01" {
		t.Errorf("AddDate(0, 1, 0) = %s, want 2026-05-01", got)
	}
	if got := Date(2026, 2, 30).String(); got != "2026-03-02" {
		t.Errorf("Date(2026, 2, 30) = %s, want 2026-03-02", got)
	}
	if Date(10000, 1, 1) != 0 || Date(0, 12, 31) != 0 || Date(9999, 12, 31).AddDays(1) != 0 {
		t.Error("a day outside years 1–9999 is not the zero Day")
	}
	if got := Of(time.Date(2022, 3, 18, 19, 49, 35, 0, time.UTC)).String(); got != "2022-03-19" {
		t.Errorf("Of(2022-03-18T19:49:35Z) = %s, want 2022-03-19 (Japan)", got)
	}
	if got := d.Time(); !got.Equal(time.Date(2026, 3, 31, 15, 0, 0, 0, time.UTC)) {
		t.Errorf("Time() = %v, want midnight in Japan", got)
	}
	if d.Slashed() != "2026/04/01" || d.Japanese() != "2026年4月1日" || Day(0).String() != "" || Day(0).Slashed() != "" {
		t.Errorf("Slashed, Japanese = %q, %q", d.Slashed(), d.Japanese())
	}
	for _, s := range []string{"", "2026-4-1", "2026-02-29", "2026/04/01", "0000-01-01", "2026-04-01 ", "２０２６-04-01"} {
		if _, err := ParseISO(s); err == nil {
			t.Errorf("ParseISO(%q) accepted", s)
		}
	}
}

func TestDayMarshal(t *testing.T) {
	type rec struct {
		Leave Day `json:"leave"`
		Join  Day `json:"join"`
	}
	b, err := json.Marshal(rec{Leave: Date(2026, 4, 1)})
	if err != nil || string(b) != `{"leave":"2026-04-01","join":""}` {
		t.Fatalf("json.Marshal = %s, %v", b, err)
	}
	var r rec
	if err := json.Unmarshal(b, &r); err != nil || r.Leave != Date(2026, 4, 1) || r.Join != 0 {
		t.Fatalf("json.Unmarshal = %+v, %v", r, err)
	}
	if err := json.Unmarshal([]byte(`{"leave":"2026/04/01"}`), &r); err == nil {
		t.Error("json.Unmarshal accepted 2026/04/01")
	}
	var d Day
	for _, src := range []any{"2026-04-01", []byte("2026-04-01"), time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)} {
		if err := d.Scan(src); err != nil || d != Date(2026, 4, 1) {
			t.Errorf("Scan(%v) = %v, %v", src, d, err)
		}
	}
	if err := d.Scan(nil); err != nil || d != 0 {
		t.Errorf("Scan(nil) = %v, %v", d, err)
	}
	if err := d.Scan(42); err == nil {
		t.Error("Scan(42) accepted")
	}
	if v, _ := Date(2026, 4, 1).Value(); v != "2026-04-01" {
		t.Errorf("Value() = %v", v)
	}
	if v, _ := Day(0).Value(); v != "" {
		t.Errorf("Value() of no day = %v, want \"\"", v)
	}
}
