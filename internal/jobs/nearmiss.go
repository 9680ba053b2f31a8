package jobs

import (
	"context"

	"github.com/riverqueue/river"

	"github.com/mamori-sec/mamori/internal/calendar"
)

// NearMissAuditArgs is the hourly job that records the anonymous near
// misses of days that have ended in the audit trail, one entry per
// organisation and day (store.DB.AuditAnonymousNearMisses): an anonymous
// report writes no entry of its own, which would date it within its day.
// It carries nothing, so its row in River's table says nothing of any
// report either.
type NearMissAuditArgs struct{}

// Kind names the job in River's table.
func (NearMissAuditArgs) Kind() string { return "near_miss_audit" }

// nearMissAudit writes the entries of the days before today (Japan's
// calendar) not yet recorded.
func (q *Queue) nearMissAudit(ctx context.Context, _ *river.Job[NearMissAuditArgs]) error {
	n, err := q.db.AuditAnonymousNearMisses(ctx, calendar.Of(q.db.Now()))
	if n > 0 {
		q.log.Info("anonymous near misses recorded", "days", n)
	}
	return err
}
