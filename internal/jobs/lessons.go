package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
)

// LessonsAllArgs is the daily job that runs the lesson rules in every
// organisation: new joiners get the basics set, everyone the yearly
// refresh (lesson.Plan). Running it twice a day assigns nothing twice.
type LessonsAllArgs struct{}

// Kind names the job in River's table.
func (LessonsAllArgs) Kind() string { return "lessons_all" }

// lessonsAll assigns lessons by rule in each organisation on the store's
// clock. One organisation's failure does not stop the others; the job
// fails (and is retried) when any did.
func (q *Queue) lessonsAll(ctx context.Context, _ *river.Job[LessonsAllArgs]) error {
	orgs, err := q.db.Orgs(ctx)
	if err != nil {
		return err
	}
	today := calendar.Of(q.db.Now())
	var first error
	for _, o := range orgs {
		n, err := q.db.Tenant(o.ID).AssignLessons(ctx, audit.System, today)
		if err != nil {
			q.log.Error("lessons", "org_id", o.ID, "error", err)
			if first == nil {
				first = err
			}
			continue
		}
		if n > 0 {
			q.log.Info("lessons assigned", "org_id", o.ID, "assigned", n)
		}
	}
	return first
}

// lessonsPeriodic is the daily lesson job, run at start too so that a new
// joiner added yesterday is not kept waiting a day.
func lessonsPeriodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return LessonsAllArgs{}, nil },
		&river.PeriodicJobOpts{ID: "lessons_all", RunOnStart: true})
}
