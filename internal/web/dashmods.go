package web

import (
	"context"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/lesson"
	"github.com/mamori-sec/mamori/internal/mailguard"
	"github.com/mamori-sec/mamori/internal/nearmiss"
	"github.com/mamori-sec/mamori/internal/store"
)

// dashModFigures are the figures of the dashboard's later modules (near
// misses, lessons, policy, mail guard, self-diagnosis) and the raw rows of
// the keeper's week, read once per organisation and kept until the audit
// head, the mail version or the day moves: a dashboard rendered for
// another reader, language or address then asks the database nothing
// module by module. They are kept in the data the database returned; each
// request words them for its reader.
type dashModFigures struct {
	nearMiss map[nearmiss.Category]int // this month's reports by category
	lessons  lesson.Rate
	policy   dashPolicy
	mail     [2]mailguard.Day // today, the last 30 days (kept apart, by the mail version)
	selfdiag dashSelfdiagData
	leaving  []inventory.Person // who leave soon, up to dashLeavingMax
	week     []store.Occurrence // routines waiting through a week from today
}

// dashLeavingMax bounds the leavers' notice on the dashboard.
const dashLeavingMax = 20

// readDashMods reads the figures; open is the open findings of dashData at
// the same version (the self-diagnosis readiness reads them).
func readDashMods(ctx context.Context, t store.Tenant, day string, open []findings.OpenCount) (dashModFigures, error) {
	var d dashModFigures
	today, err := calendar.ParseISO(day)
	if err != nil {
		return d, err
	}
	if d.nearMiss, err = readMonthCounts(ctx, t, today); err != nil {
		return d, err
	}
	if d.lessons, err = readLessonRate(ctx, t); err != nil {
		return d, err
	}
	if d.policy, err = readDashPolicy(ctx, t); err != nil {
		return d, err
	}
	if d.selfdiag, err = readDashSelfdiag(ctx, t, today, open); err != nil {
		return d, err
	}
	after, until := inventory.LeavingWindow(day)
	if d.leaving, err = t.LeavingBetween(ctx, after, until, dashLeavingMax); err != nil {
		return d, err
	}
	d.week, err = t.Occurrences(ctx, store.OccurrenceQuery{Through: today.AddDays(7), Waiting: true, AnyAssignee: true})
	return d, err
}
