package jobs

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/scan"
	"github.com/mamori-sec/mamori/internal/store"
)

// Where personal data lives (issue 13 part 2): a scan asked for on the web
// — a folder inside the roots the operator allowed, or an uploaded zip — or
// due on a schedule runs here, in the background, and records what it
// found (store.Tenant.SaveScan).

// ScanArgs runs one queued scan.
type ScanArgs struct {
	OrgID int64 `json:"org_id"`
	RunID int64 `json:"run_id"`
}

// Kind names the job in River's table.
func (ScanArgs) Kind() string { return "scan" }

// InsertOpts: a scan that failed for a passing reason is tried again a few
// times (the run says why it failed in the end); scans have their own
// queue, one at a time, so that a large share never holds up the
// evaluations.
func (ScanArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3, Queue: ScanQueue}
}

// ScanQueue is the River queue of scans.
const ScanQueue = "scan"

// ScanDueArgs is the hourly job that queues the re-scans whose day has come.
type ScanDueArgs struct{}

// Kind names the job in River's table.
func (ScanDueArgs) Kind() string { return "scan_due" }

// UploadContext binds a sealed uploaded archive to its organisation and
// name, so that it opens nowhere else.
func UploadContext(orgID int64, name string) string {
	return fmt.Sprintf("scan-upload:%d:%s", orgID, name)
}

// ScanFolder queues the scan of a folder inside the allowed roots,
// refusing one outside them (scan.ErrOutsideRoots) before anything is
// recorded.
func (q *Queue) ScanFolder(ctx context.Context, actor audit.Actor, orgID int64, dir string) (int64, error) {
	_, real, err := scan.Allowed(q.scanRoots, dir)
	if err != nil {
		return 0, scan.ErrOutsideRoots
	}
	return q.queueScan(ctx, actor, orgID, store.ScanRun{Source: scan.FromFolder, Root: real, SeenAs: seenAsOf(q.scanRoots, real)}, nil)
}

// ScanUploaded queues the scan of an uploaded zip archive; seenAs, if
// given, is the folder its files come from as people see it (\\NAS\share),
// so that shares on it can be matched.
func (q *Queue) ScanUploaded(ctx context.Context, actor audit.Actor, orgID int64, name, seenAs string, data []byte) (int64, error) {
	if data == nil {
		data = []byte{}
	}
	return q.queueScan(ctx, actor, orgID, store.ScanRun{Source: scan.FromUpload, Root: name, SeenAs: seenAs}, data)
}

// queueScan records a scan run and enqueues its job in one transaction;
// upload, when not nil, is the archive to read (sealed at rest when the
// queue has a seal key).
func (q *Queue) queueScan(ctx context.Context, actor audit.Actor, orgID int64, run store.ScanRun, upload []byte) (int64, error) {
	if upload != nil && q.notify.Box != nil {
		upload = q.notify.Box.SealBytes(upload, UploadContext(orgID, run.Root))
	}
	return q.db.Tenant(orgID).QueueScan(ctx, actor, run, upload, func(ctx context.Context, tx *sql.Tx, id int64) error {
		_, err := q.client.InsertTx(ctx, tx, ScanArgs{OrgID: orgID, RunID: id}, nil)
		return err
	})
}

type scanWorker struct {
	river.WorkerDefaults[ScanArgs]
	q *Queue
}

// Timeout: a large share takes long; the job is bounded by the rescue time.
func (w *scanWorker) Timeout(*river.Job[ScanArgs]) time.Duration { return RescueAfter - time.Minute }

func (w *scanWorker) Work(ctx context.Context, job *river.Job[ScanArgs]) error {
	q := w.q
	t := q.db.Tenant(job.Args.OrgID)
	run, err := t.ScanRun(ctx, job.Args.RunID)
	if err != nil {
		return river.JobCancel(err)
	}
	if run.Status == store.ScanDone || run.Status == store.ScanFailed {
		return nil
	}
	if err := t.MarkScanRunning(ctx, run.ID); err != nil {
		return err
	}
	start := time.Now()
	entries, reason, err := q.runScan(ctx, job.Args.OrgID, run)
	if err != nil {
		return err // retried; the run stays "running" meanwhile
	}
	if reason != "" {
		q.log.Warn("scan failed", "org_id", job.Args.OrgID, "run_id", run.ID, "reason", reason)
		return t.FailScan(ctx, audit.System, run.ID, reason)
	}
	if _, err := t.SaveScan(ctx, audit.System, run.ID, store.ScanRun{Duration: time.Since(start)}, entries); err != nil {
		return err
	}
	q.log.Info("scanned", "org_id", job.Args.OrgID, "run_id", run.ID, "files", len(entries), "duration_ms", time.Since(start).Milliseconds())
	return nil
}

// runScan reads what the run names. A reason (a catalogue key) says why it
// cannot be read at all; err is a passing failure worth a retry.
func (q *Queue) runScan(ctx context.Context, orgID int64, run store.ScanRun) ([]scan.Entry, string, error) {
	sc := scan.New(scan.Options{Workers: 1})
	if run.Source == scan.FromUpload {
		name, data, err := q.db.Tenant(orgID).ScanUpload(ctx, run.ID)
		if errors.Is(err, problem.ErrNotFound) {
			return nil, "scan.fail.upload_gone", nil
		}
		if err != nil {
			return nil, "", err
		}
		if q.notify.Box != nil {
			if data, err = q.notify.Box.OpenBytes(data, UploadContext(orgID, name)); err != nil {
				return nil, "scan.fail.upload_gone", nil
			}
		}
		f := sc.Reader(ctx, name, bytes.NewReader(data), int64(len(data)))
		rep := &scan.Report{Files: []scan.File{f}}
		return scan.TrimArchive(scan.Entries(rep, nil), name), "", ctx.Err()
	}
	root, dir, err := scan.Allowed(q.scanRoots, run.Root)
	if err != nil {
		return nil, "scan.fail.outside", nil
	}
	rep, err := sc.RunWithin(ctx, root.Path, dir)
	if err != nil {
		return nil, "", err
	}
	return scan.Entries(rep, scan.DiskStat), "", nil
}

// scanDue queues every re-scan whose day has come.
func (q *Queue) scanDue(ctx context.Context, _ *river.Job[ScanDueArgs]) error {
	due, err := q.db.DueScanSchedules(ctx, q.db.Now())
	if err != nil {
		return err
	}
	var first error
	for _, s := range due {
		_, err := q.db.Tenant(s.OrgID).QueueScheduledScan(ctx, s, seenAsOf(q.scanRoots, s.Root), func(ctx context.Context, tx *sql.Tx, id int64) error {
			_, err := q.client.InsertTx(ctx, tx, ScanArgs{OrgID: s.OrgID, RunID: id}, nil)
			return err
		})
		if err != nil && first == nil {
			first = err
		}
	}
	return first
}

func scanDuePeriodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
		func() (river.JobArgs, *river.InsertOpts) { return ScanDueArgs{}, nil },
		&river.PeriodicJobOpts{ID: "scan_due", RunOnStart: true})
}

// ScanRoots are the folders the web may scan.
func (q *Queue) ScanRoots() []scan.Root { return q.scanRoots }

// seenAsOf writes a folder inside the roots as people see it.
func seenAsOf(roots []scan.Root, dir string) string {
	r, real, err := scan.Allowed(roots, dir)
	if err != nil || r.SeenAs == "" {
		return ""
	}
	return scan.SeenAs(real, r.Path, r.SeenAs)
}
