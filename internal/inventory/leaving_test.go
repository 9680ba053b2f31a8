package inventory

import "testing"

func TestLeavingIn(t *testing.T) {
	const today = "2026-04-01"
	for leave, want := range map[string]struct {
		days int
		soon bool
	}{
		"":           {0, false},
		"2026-03-31": {0, false}, // left: the departed finding's
		"2026-04-01": {0, false}, // the leave date itself: left
		"2026-04-02": {1, true},
		"2026-04-15": {14, true},
		"2026-04-16": {15, false},
		"not a date": {0, false},
	} {
		days, soon := Person{LeaveDate: leave}.LeavingIn(today)
		if soon != want.soon || (soon && days != want.days) {
			t.Errorf("%q: got %d %v, want %d %v", leave, days, soon, want.days, want.soon)
		}
	}
	if after, until := LeavingWindow(today); after != today || until != "2026-04-15" {
		t.Errorf("window = %s..%s, want 2026-04-01..2026-04-15", after, until)
	}
}
