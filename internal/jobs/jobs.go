// Package jobs is mamori's durable background work: a River queue
// (github.com/riverqueue/river) kept in the same database as the records,
// SQLite or PostgreSQL. A change to an organisation's inventory enqueues
// that organisation's evaluation in the change's own transaction (the store
// calls the follow-up Open installs), so the follow-up is committed with the
// change, survives a crash and runs once however many app servers share
// the database. Daily re-evaluation and clean-ups are periodic jobs. Later
// modules (reminders, scans, mail, syncs) add their own job kinds here.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/posture"
	"github.com/mamori-sec/mamori/internal/scan"
	"github.com/mamori-sec/mamori/internal/store"
)

// Delay is how long an evaluation waits after the change that asked for
// it, so a burst of edits (or an import) gives one evaluation.
const Delay = 2 * time.Second

// RescueAfter is how long a job left "running" by a server that died
// waits before another server runs it again (River's default is an hour).
const RescueAfter = posture.LeaseTime

// busyRetry is how long an evaluation waits while another evaluation of
// its organisation holds the lease.
const busyRetry = 2 * time.Second

// EvaluateArgs asks for the evaluation of one organisation. It is unique
// per organisation among jobs not yet finished: a change while one waits
// adds nothing, and a change while one runs is caught by the lease's
// change count (see evaluateWorker).
type EvaluateArgs struct {
	OrgID int64 `json:"org_id"`
}

// Kind names the job in River's table.
func (EvaluateArgs) Kind() string { return "evaluate" }

// InsertOpts makes the job unique per organisation while it waits, runs or
// retries.
func (EvaluateArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: []rivertype.JobState{
		rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
		rivertype.JobStateScheduled, rivertype.JobStateRetryable,
	}}}
}

// EvaluateAllArgs is the daily job that enqueues every organisation's
// evaluation, so findings that depend on the date (an account unused for
// 90 days, an accepted risk that expires) appear on their own — and, as
// each evaluation ends by syncing its organisation's routines, so
// occurrences fall due and overdue ones escalate.
type EvaluateAllArgs struct{}

// Kind names the job in River's table.
func (EvaluateAllArgs) Kind() string { return "evaluate_all" }

// PruneArgs is the hourly clean-up of expired sessions and old sign-in
// records.
type PruneArgs struct{}

// Kind names the job in River's table.
func (PruneArgs) Kind() string { return "prune" }

// Config says how the queue runs.
type Config struct {
	// Work runs the workers and periodic jobs in this process (mamori
	// serve); without it the queue only inserts (CLI commands, or an app
	// server that leaves the work to others).
	Work bool
	// Delay overrides the coalescing delay (0: Delay; negative: none).
	Delay time.Duration
	// PollInterval is how often idle workers look for jobs (0: River's
	// default, one second); tests make it short.
	PollInterval time.Duration
	Logger       *slog.Logger
	// Notify is what reminders need (the seal key, the catalogues, the
	// address links point to, the clock).
	Notify Notify
	// RetryPolicy overrides River's back-off (tests make it short).
	RetryPolicy river.ClientRetryPolicy
	// ScanRoots are the folders the web may scan (serve --scan-root).
	ScanRoots []scan.Root
	// MailSpool is the mail guard's spool directory; when set, the hourly
	// retention job removes the files of finished messages.
	MailSpool string
}

// Queue is the River client of one process.
type Queue struct {
	db     *store.DB
	client *river.Client[*sql.Tx]
	delay  time.Duration
	log    *slog.Logger
	work   bool
	notify Notify
	// scanRoots are the folders the web may scan.
	scanRoots []scan.Root
	// mailSpool: Config.MailSpool.
	mailSpool string
}

// driver picks River's driver for the store's engine. Both take
// database/sql, so an insert can join the store's *sql.Tx: riversqlite on
// the modernc SQLite, riverdatabasesql on PostgreSQL (pgx underneath;
// riverpgxv5 would need a pgx.Tx, which the store's transactions are not).
func driver(db *store.DB) (riverdriver.Driver[*sql.Tx], error) {
	pool, err := db.QueuePool()
	if err != nil {
		return nil, err
	}
	if db.Engine() == store.Postgres {
		return riverdatabasesql.New(pool), nil
	}
	return riversqlite.New(pool), nil
}

// Migrate installs or upgrades River's own tables with River's migrator,
// each version in a transaction. mamori's schema (store.Migrate) comes
// first; cmd/mamori runs both wherever it migrates.
func Migrate(ctx context.Context, db *store.DB) (int, error) {
	drv, err := driver(db)
	if err != nil {
		return 0, err
	}
	m, err := rivermigrate.New(drv, &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return 0, err
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return 0, fmt.Errorf("river migrate: %w", err)
	}
	return len(res.Versions), nil
}

// Open builds the queue on db and installs the store's follow-up, so every
// inventory change from now on enqueues its evaluation in its own
// transaction. Start it to work.
func Open(db *store.DB, cfg Config) (*Queue, error) {
	drv, err := driver(db)
	if err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	log = log.With("component", "jobs")
	if cfg.Notify.Routines == nil {
		cfg.Notify.Routines = func(t store.Tenant) DueLister { return t }
	}
	q := &Queue{db: db, delay: cfg.Delay, log: log, work: cfg.Work, notify: cfg.Notify, scanRoots: cfg.ScanRoots, mailSpool: cfg.MailSpool}
	if q.delay == 0 {
		q.delay = Delay
	}
	rc := &river.Config{
		// River reports its routine (every fetch, every maintenance run)
		// at info; mamori's log keeps its warnings and errors.
		Logger:            slog.New(warnings{log.Handler()}),
		FetchPollInterval: cfg.PollInterval,
		// Evaluations are bounded by the lease; a job that outlives it is
		// stopped rather than overlapping the next holder.
		JobTimeout: posture.LeaseTime - time.Minute,
		// A job left running by a server that died (kill -9, power loss)
		// is given back to the queue after this long: River cannot tell a
		// dead server from a slow one sooner than the longest job may run.
		RescueStuckJobsAfter: RescueAfter,
		// The SQLite driver has no LISTEN/NOTIFY, and riverdatabasesql is
		// poll-only: idle workers poll every FetchPollInterval.
		PollOnly:    true,
		RetryPolicy: cfg.RetryPolicy,
	}
	if cfg.PollInterval > 0 {
		rc.FetchCooldown = min(cfg.PollInterval, river.FetchCooldownDefault)
	}
	if cfg.Work {
		workers := river.NewWorkers()
		river.AddWorker(workers, &evaluateWorker{q: q})
		river.AddWorker(workers, river.WorkFunc(q.evaluateAll))
		river.AddWorker(workers, river.WorkFunc(q.prune))
		river.AddWorker(workers, river.WorkFunc(q.digestAll))
		river.AddWorker(workers, &digestWorker{q: q})
		river.AddWorker(workers, &testWorker{q: q})
		river.AddWorker(workers, &signInLinkWorker{q: q})
		river.AddWorker(workers, river.WorkFunc(q.lessonsAll))
		river.AddWorker(workers, &incidentWorker{q: q})
		river.AddWorker(workers, river.WorkFunc(q.nearMissAudit))
		river.AddWorker(workers, &scanWorker{q: q})
		river.AddWorker(workers, river.WorkFunc(q.scanDue))
		river.AddWorker(workers, river.WorkFunc(q.mailRetention))
		every := cfg.Notify.Every
		if every <= 0 {
			every = DigestEvery
		}
		rc.Workers = workers
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 2}, ScanQueue: {MaxWorkers: 1}}
		rc.PeriodicJobs = []*river.PeriodicJob{
			river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour),
				func() (river.JobArgs, *river.InsertOpts) { return EvaluateAllArgs{}, nil },
				&river.PeriodicJobOpts{ID: "evaluate_all", RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
				func() (river.JobArgs, *river.InsertOpts) { return PruneArgs{}, nil },
				&river.PeriodicJobOpts{ID: "prune", RunOnStart: true}),
			river.NewPeriodicJob(river.PeriodicInterval(every),
				func() (river.JobArgs, *river.InsertOpts) { return DigestAllArgs{}, nil },
				&river.PeriodicJobOpts{ID: "digest_all", RunOnStart: true}),
			lessonsPeriodic(),
			river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
				func() (river.JobArgs, *river.InsertOpts) { return NearMissAuditArgs{}, nil },
				&river.PeriodicJobOpts{ID: "near_miss_audit", RunOnStart: true}),
			scanDuePeriodic(),
		}
		if cfg.MailSpool != "" {
			rc.PeriodicJobs = append(rc.PeriodicJobs, mailRetentionPeriodic())
		}
	}
	q.client, err = river.NewClient(drv, rc)
	if err != nil {
		return nil, fmt.Errorf("river client: %w", err)
	}
	db.SetFollowUp(q.enqueueTx)
	db.SetIncidentAlert(q.alertTx)
	return q, nil
}

// enqueueTx is the store's follow-up: it inserts the organisation's
// evaluation in the change's transaction. The evaluation syncs the
// organisation's routines when it is done (evaluateWorker).
func (q *Queue) enqueueTx(ctx context.Context, tx *sql.Tx, orgID int64) error {
	_, err := q.client.InsertTx(ctx, tx, EvaluateArgs{OrgID: orgID}, q.opts())
	return err
}

func (q *Queue) opts() *river.InsertOpts {
	if q.delay < 0 {
		return nil
	}
	return &river.InsertOpts{ScheduledAt: time.Now().Add(q.delay)}
}

// Start runs the workers and periodic jobs until Stop. A queue opened
// without Work has nothing to start.
func (q *Queue) Start(ctx context.Context) error {
	if !q.work {
		return nil
	}
	return q.client.Start(ctx)
}

// Stop lets running jobs finish until ctx ends, then cancels them (they
// run again on the next start) and waits for every River goroutine.
func (q *Queue) Stop(ctx context.Context) error {
	if !q.work {
		return nil
	}
	err := q.client.Stop(ctx)
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		err = q.client.StopAndCancel(cctx)
	}
	return err
}

// evaluateWorker evaluates one organisation under its lease.
type evaluateWorker struct {
	river.WorkerDefaults[EvaluateArgs]
	q *Queue
}

// Work evaluates, and completes the job in the same transaction that
// releases the lease and records what was evaluated. While another
// evaluation of the organisation runs, or when a change arrived during
// this one (its own insert was absorbed by this running job), the job
// snoozes and runs again.
func (w *evaluateWorker) Work(ctx context.Context, job *river.Job[EvaluateArgs]) error {
	db := w.q.db
	t := db.Tenant(job.Args.OrgID)
	res, again, err := posture.EvaluateThen(ctx, t, audit.System, db.Now(), func(ctx context.Context, tx *sql.Tx) error {
		_, err := complete(ctx, db.Engine(), tx, job)
		return err
	})
	switch {
	case errors.Is(err, store.ErrEvaluationBusy):
		return river.JobSnooze(busyRetry)
	case err != nil:
		return err
	case again:
		w.q.log.Info("evaluated; changed meanwhile, again", "org_id", job.Args.OrgID)
		return river.JobSnooze(time.Second)
	}
	w.q.log.Info("evaluated", "org_id", job.Args.OrgID, "findings", res.Findings, "opened", res.Sync.Opened,
		"resolved", res.Sync.Resolved, "score", res.Score.Value, "score_assessed", res.Score.Assessed, "duration_ms", res.Took.Milliseconds())
	// The routines follow the same inventory: the evaluation saw every
	// change up to its completion (otherwise it would have run again), and
	// a later change enqueues a new evaluation, so no change is missed —
	// which a separate job enqueued by the change would not promise, being
	// absorbed (unique) by one still running. A failure here is retried by
	// the next day's evaluation, the job being complete already.
	if err := w.q.syncRoutines(ctx, job.Args.OrgID); err != nil {
		w.q.log.Error("routines sync", "org_id", job.Args.OrgID, "error", err)
	}
	return nil
}

// complete marks the job completed inside tx (River needs the driver type
// only for its type parameter; the driver itself comes from the worker's
// context).
func complete(ctx context.Context, engine store.Engine, tx *sql.Tx, job *river.Job[EvaluateArgs]) (*river.Job[EvaluateArgs], error) {
	if engine == store.Postgres {
		return river.JobCompleteTx[*riverdatabasesql.Driver](ctx, tx, job)
	}
	return river.JobCompleteTx[*riversqlite.Driver](ctx, tx, job)
}

// evaluateAll enqueues every organisation's evaluation.
func (q *Queue) evaluateAll(ctx context.Context, _ *river.Job[EvaluateAllArgs]) error {
	orgs, err := q.db.Orgs(ctx)
	if err != nil {
		return err
	}
	params := make([]river.InsertManyParams, len(orgs))
	for i, o := range orgs {
		params[i] = river.InsertManyParams{Args: EvaluateArgs{OrgID: o.ID}}
	}
	if len(params) == 0 {
		return nil
	}
	_, err = q.client.InsertMany(ctx, params)
	return err
}

// syncRoutines syncs an organisation's routines on the store's clock.
func (q *Queue) syncRoutines(ctx context.Context, orgID int64) error {
	res, err := q.db.Tenant(orgID).SyncRoutines(ctx, audit.System, calendar.Of(q.db.Now()))
	if err != nil {
		return err
	}
	if res != (store.RoutineSync{}) {
		q.log.Info("routines synced", "org_id", orgID, "created", res.Created, "not_applicable", res.NotApplicable,
			"reapplied", res.Reapplied, "occurrences", res.Occurrences, "escalated", res.Escalated)
	}
	return nil
}

func (q *Queue) prune(ctx context.Context, _ *river.Job[PruneArgs]) error {
	return q.db.PruneSessions(ctx)
}

// warnings passes on only warnings and errors.
type warnings struct{ slog.Handler }

func (h warnings) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}

func (h warnings) WithAttrs(attrs []slog.Attr) slog.Handler {
	return warnings{h.Handler.WithAttrs(attrs)}
}

func (h warnings) WithGroup(name string) slog.Handler { return warnings{h.Handler.WithGroup(name)} }
