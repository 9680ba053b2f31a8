package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/mamori-sec/mamori/internal/mailguard"
)

// MailRetentionArgs is the hourly job that removes the spool files and
// sealed attachments of mail guard messages past their organisation's
// retention (store.MailToPurge); the log keeps the metadata.
type MailRetentionArgs struct{}

// Kind names the job in River's table.
func (MailRetentionArgs) Kind() string { return "mail_retention" }

// mailRetention purges what is due, in rounds of 500. A file already gone
// is not an error; a removal that fails leaves the message for the next
// run.
func (q *Queue) mailRetention(ctx context.Context, _ *river.Job[MailRetentionArgs]) error {
	_, err := PurgeMail(ctx, q, mailguard.Spool{Dir: q.mailSpool})
	return err
}

// PurgeMail removes the files of every message due at the store's clock
// and returns how many messages it purged.
func PurgeMail(ctx context.Context, q *Queue, spool mailguard.Spool) (int, error) {
	n := 0
	for {
		ids, err := q.db.MailToPurge(ctx, q.db.Now(), 500)
		if err != nil || len(ids) == 0 {
			if n > 0 {
				q.log.Info("mail guard files removed after retention", "messages", n)
			}
			return n, err
		}
		for _, id := range ids {
			if err := spool.Purge(id); err != nil {
				return n, err
			}
			if err := q.db.MarkMailPurged(ctx, id); err != nil {
				return n, err
			}
			n++
		}
	}
}

func mailRetentionPeriodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return MailRetentionArgs{}, nil },
		&river.PeriodicJobOpts{ID: "mail_retention", RunOnStart: true})
}
