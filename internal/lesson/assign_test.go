package lesson

import (
	"testing"

	"github.com/mamori-sec/mamori/internal/calendar"
)

var (
	today   = calendar.Date(2026, 12, 6)
	lessons = []Lesson{
		{ID: "mis-send", Basics: true, Categories: []string{"mis_send"}},
		{ID: "phishing", Basics: true, Categories: []string{"suspicious_mail", "account_takeover"}},
		{ID: "usb", Categories: []string{"lost_item", "malware"}},
	}
)

// TestPlanJoiners: someone who joined lately gets the basics set, due two
// weeks after joining; someone joining later gets nothing yet; a leaver
// gets nothing; planning again the same day adds nothing.
func TestPlanJoiners(t *testing.T) {
	people := []Person{
		{ID: 1, Department: "営業", Joined: today.AddDays(-3)},
		{ID: 2, Department: "営業", Joined: today.AddDays(5)},
		{ID: 3, Department: "総務", Joined: today.AddDays(-3), Left: today},
	}
	got := Plan(today, people, lessons, nil, nil)
	if len(got) != 2 {
		t.Fatalf("got %+v, want the two basics for person 1", got)
	}
	for _, a := range got {
		if a.PersonID != 1 || a.Reason != Joiner || a.Due != today.AddDays(JoinerDays-3) || a.On != today {
			t.Errorf("got %+v, want a joiner's basics due %s", a, today.AddDays(JoinerDays-3))
		}
	}
	if again := Plan(today, people, lessons, got, nil); len(again) != 0 {
		t.Fatalf("planning again gave %+v, want nothing", again)
	}
	// A joiner whose two weeks are over is still given a fair due date.
	late := Plan(today, []Person{{ID: 4, Joined: today.AddDays(-20)}}, lessons, nil, nil)
	if len(late) != 2 || late[0].Due != today {
		t.Fatalf("got %+v, want due today", late)
	}
}

// TestPlanRefresh: a basics lesson passed or assigned more than a year ago
// comes back; one passed this year does not; a failed attempt does not
// count as taken.
func TestPlanRefresh(t *testing.T) {
	people := []Person{{ID: 1, Joined: calendar.Date(2020, 4, 1)}, {ID: 2}}
	done := []Completion{
		{PersonID: 1, Lesson: "mis-send", On: today.AddDays(-Year - 1), Passed: true},
		{PersonID: 1, Lesson: "phishing", On: today.AddDays(-30), Passed: true},
		{PersonID: 2, Lesson: "mis-send", On: today.AddDays(-10), Passed: false},
	}
	given := []Assignment{{PersonID: 2, Lesson: "phishing", On: today.AddDays(-100)}}
	got := Plan(today, people, lessons, given, done)
	want := map[key]bool{{1, "mis-send"}: true, {2, "mis-send"}: true}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want refreshes of %v", got, want)
	}
	for _, a := range got {
		if !want[key{a.PersonID, a.Lesson}] || a.Reason != Refresh || a.Due != today.AddDays(RefreshDays) {
			t.Errorf("got %+v, want a refresh due in %d days", a, RefreshDays)
		}
	}
}

// TestForEvent: a near miss assigns the lessons of its category to the
// department's active people, once while open; a passed completion closes
// it so a later event assigns it again.
func TestForEvent(t *testing.T) {
	people := []Person{{ID: 1, Department: "営業"}, {ID: 2, Department: "営業"}, {ID: 3, Department: "総務"}, {ID: 4, Department: "営業", Left: today.AddDays(-1)}}
	got := ForEvent(today, "lost_item", "営業", people, lessons, nil, nil)
	if len(got) != 2 || got[0].Lesson != "usb" || got[0].Reason != Event || got[0].Detail != "lost_item" || got[0].Due != today.AddDays(EventDays) {
		t.Fatalf("got %+v, want usb for the two active people of 営業", got)
	}
	if again := ForEvent(today, "malware", "営業", people, lessons, got, nil); len(again) != 0 {
		t.Fatalf("got %+v while the lesson is open, want nothing", again)
	}
	done := []Completion{{PersonID: 1, Lesson: "usb", On: today.AddDays(1), Passed: true}}
	later := ForEvent(today.AddDays(2), "malware", "営業", people, lessons, got, done)
	if len(later) != 1 || later[0].PersonID != 1 {
		t.Fatalf("got %+v, want person 1 again after passing", later)
	}
	if all := ForEvent(today, "suspicious_mail", "", people, lessons, nil, nil); len(all) != 3 {
		t.Fatalf("got %d for the whole company, want 3 active people", len(all))
	}
	if ValidCategory("gossip") || !ValidCategory("account_takeover") {
		t.Fatal("category validation is wrong")
	}
}

// TestCompletionRates counts each assignment once, per lesson and per
// department.
func TestCompletionRates(t *testing.T) {
	people := []Person{{ID: 1, Department: "営業"}, {ID: 2, Department: "総務"}}
	given := []Assignment{{PersonID: 1, Lesson: "a", On: today}, {PersonID: 2, Lesson: "a", On: today}, {PersonID: 2, Lesson: "b", On: today}}
	done := []Completion{{PersonID: 2, Lesson: "a", On: today, Passed: true}, {PersonID: 1, Lesson: "a", On: today.AddDays(-1), Passed: true}}
	r := CompletionRates(people, given, done)
	if r.Overall != (Rate{1, 3}) || r.ByLesson["a"] != (Rate{1, 2}) || r.ByDepartment["総務"] != (Rate{1, 2}) || r.ByDepartment["営業"] != (Rate{0, 1}) {
		t.Fatalf("got %+v", r)
	}
	if r.Overall.Percent() != 33 || (Rate{}).Percent() != 0 {
		t.Fatalf("got %d%%, want 33%%", r.Overall.Percent())
	}
}

// TestByHand skips people who have the lesson open and people who left,
// and never sets a due date in the past.
func TestByHand(t *testing.T) {
	people := []Person{{ID: 1}, {ID: 2}, {ID: 3, Left: today}}
	given := []Assignment{{PersonID: 1, Lesson: "a", On: today.AddDays(-1)}}
	got := ByHand(today, today.AddDays(-5), "a", people, given, nil)
	if len(got) != 1 || got[0].PersonID != 2 || got[0].Due != today.AddDays(ManualDays) || got[0].Reason != Manual {
		t.Fatalf("got %+v", got)
	}
}
