package routine_test

import (
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/routine"
	"github.com/mamori-sec/mamori/internal/synth"
)

// BenchmarkCalendars500 generates the year's calendar of 500
// organisations of synth.Small's shape: each organisation's routines from
// its inventory (routine.Plan), then every due day of each in a year
// (Schedule.Due, weekends and holidays moved). One op is all 500.
func BenchmarkCalendars500(b *testing.B) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, calendar.Japan)
	invs := make([]routine.Inventory, 500)
	for i := range invs {
		invs[i] = routine.Inventory(synth.Generate(int64(i+1), synth.Size{People: 60, Accounts: 300, Devices: 120, Assets: 40, Shares: 300}, now))
	}
	from, to := calendar.Date(2027, time.January, 1), calendar.Date(2027, time.December, 31)
	b.ResetTimer()
	for b.Loop() {
		days := 0
		for _, inv := range invs {
			for _, it := range routine.Plan(inv) {
				ds, err := it.Schedule.Due(from, to)
				if err != nil {
					b.Fatal(err)
				}
				days += len(ds)
			}
		}
		if days == 0 {
			b.Fatal("no due days")
		}
	}
}
