package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/findings"
)

const findingColumns = "id, check_id, subject_kind, subject_id, severity, status, evidence, detail_key, detail_args, first_seen_at, last_seen_at, resolved_at, resolved_by, accepted_by, accepted_reason, accepted_until"

// scanFinding reads a stored finding; its statuses and the rules of its
// life are the findings capability's (findings.Reconcile, Record.Accept).
func scanFinding(r rowScanner) (findings.Record, error) {
	var f findings.Record
	var kind, status string
	var severity int
	var first, last, resolved int64
	err := r.Scan(&f.ID, &f.CheckID, &kind, &f.Subject.ID, &severity, &status, &f.Evidence, &f.Detail.Key, &f.Detail.Args,
		&first, &last, &resolved, &f.ResolvedBy, &f.AcceptedBy, &f.AcceptedReason, &f.AcceptedUntil)
	f.Subject.Kind, f.Severity, f.Status = findings.Kind(kind), findings.Severity(severity), findings.Status(status)
	f.FirstSeenAt, f.LastSeenAt, f.ResolvedAt = fromMicros(first), fromMicros(last), fromMicros(resolved)
	return f, err
}

// SyncResult counts the transitions one evaluation caused, and the open
// and accepted findings after it.
type SyncResult struct {
	Opened, Reopened, Resolved, Expired, Open, Accepted int
}

// SyncFindings applies what findings.Reconcile decides for an evaluation's
// results on day today: each transition is written with its audit entry (a
// resolution naming the latest change to the records involved), and the
// refreshed proofs without one. Transitions are written in transactions of
// syncBatch, so that a first evaluation of a very large tenant does not hold
// the single writer for minutes; an interrupted sync is completed by the
// next evaluation.
func (t Tenant) SyncFindings(ctx context.Context, actor audit.Actor, results []findings.Result, today string) (SyncResult, error) {
	var res SyncResult
	var stored []findings.Record
	rows, err := t.db.query(ctx, "SELECT "+findingColumns+" FROM findings WHERE org_id = ?", t.org)
	if err != nil {
		return res, err
	}
	for rows.Next() {
		f, err := scanFinding(rows)
		if err != nil {
			rows.Close()
			return res, err
		}
		stored = append(stored, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, err
	}
	plan := findings.Reconcile(stored, results, today)
	stored = nil
	res.Opened, res.Reopened = plan.Count(findings.ActionOpen), plan.Count(findings.ActionReopen)
	res.Resolved, res.Expired = plan.Count(findings.ActionResolve), plan.Count(findings.ActionExpire)
	for start := 0; start < len(plan.Changes); start += syncBatch {
		batch := plan.Changes[start:min(start+syncBatch, len(plan.Changes))]
		err := t.change(ctx, actor, func(tx *Tx) error {
			now := micros(tx.db.Now())
			for _, tr := range batch {
				if err := t.applyFinding(ctx, tx, now, tr); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return res, err
		}
	}
	if len(plan.Refresh) > 0 {
		tx, err := t.db.w.BeginTx(ctx, nil)
		if err != nil {
			return res, err
		}
		now := micros(t.db.Now())
		q := t.db.rebind("UPDATE findings SET severity = ?, evidence = ?, detail_key = ?, detail_args = ?, last_seen_at = ? WHERE org_id = ? AND id = ?")
		for _, r := range plan.Refresh {
			in := r.Result
			if _, err := tx.ExecContext(ctx, q, int(in.Severity), in.Evidence, in.Detail.Key, in.Detail.Args, now, t.org, r.ID); err != nil {
				tx.Rollback()
				return res, err
			}
		}
		if err := tx.Commit(); err != nil {
			return res, err
		}
	}
	return res, t.db.queryRow(ctx, "SELECT COALESCE(SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN status = 'accepted' THEN 1 ELSE 0 END), 0) FROM findings WHERE org_id = ?", t.org).Scan(&res.Open, &res.Accepted)
}

// syncBatch is how many finding transitions one transaction writes.
const syncBatch = 2000

// applyFinding writes one transition and its audit entry.
func (t Tenant) applyFinding(ctx context.Context, tx *Tx, now int64, tr findings.Transition) error {
	in := tr.Result
	id := tr.ID
	switch tr.Action {
	case findings.ActionOpen:
		var err error
		id, err = tx.insert(ctx, "INSERT INTO findings (org_id, check_id, subject_kind, subject_id, severity, status, evidence, detail_key, detail_args, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			t.org, in.CheckID, string(in.Subject.Kind), in.Subject.ID, int(in.Severity), string(tr.To), in.Evidence, in.Detail.Key, in.Detail.Args, now, now)
		if err != nil {
			return fmt.Errorf("insert finding: %w", err)
		}
	case findings.ActionReopen, findings.ActionExpire:
		if _, err := tx.exec(ctx, "UPDATE findings SET status = ?, severity = ?, evidence = ?, detail_key = ?, detail_args = ?, last_seen_at = ?, resolved_at = 0, resolved_by = 0, accepted_by = '', accepted_reason = '', accepted_until = '' WHERE org_id = ? AND id = ?",
			string(tr.To), int(in.Severity), in.Evidence, in.Detail.Key, in.Detail.Args, now, t.org, id); err != nil {
			return err
		}
	case findings.ActionResolve:
		by, err := t.lastChangeOf(ctx, tx, in.Involved())
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "UPDATE findings SET status = ?, resolved_at = ?, resolved_by = ? WHERE org_id = ? AND id = ?", string(tr.To), now, by, t.org, id); err != nil {
			return err
		}
	default:
		return fmt.Errorf("finding transition %q: not applied by a sync", tr.Action)
	}
	ev := audit.Event{Action: string(tr.Action), Target: findingTarget(id),
		After: map[string]any{"status": string(tr.To), "check": in.CheckID, "subject": refTarget(in.Subject)}}
	if tr.From != "" {
		ev.Before = map[string]any{"status": string(tr.From)}
	}
	return t.record(ctx, tx, ev)
}

func findingTarget(id int64) string { return "finding:" + strconv.FormatInt(id, 10) }

// refTarget is the audit target of an inventory record ("account:12").
func refTarget(r findings.Ref) string { return string(r.Kind) + ":" + strconv.FormatInt(r.ID, 10) }

// lastChangeOf finds the newest audit entry about the given records — an
// entry of its own or an import whose details changed them: the change
// that made a finding about them go away.
func (t Tenant) lastChangeOf(ctx context.Context, tx *Tx, refs []findings.Ref) (int64, error) {
	targets := make([]string, 0, len(refs))
	for _, r := range refs {
		targets = append(targets, refTarget(r))
	}
	return t.lastTouched(ctx, tx, targets)
}

// FindingQuery selects findings for a list.
type FindingQuery struct {
	Status   findings.Status // "" for open and accepted
	CheckID  string
	Severity int
	Subject  string // "account:12"
	// Kind keeps the findings about one kind of record: one area of the
	// score. About keeps those about any of the records listed.
	Kind  findings.Kind
	About []findings.Ref
	// Involving keeps the findings about a record or proven by it (a
	// leaver's finding lists their accounts as evidence).
	Involving *findings.Ref
	Offset    int
	Limit     int
	CountUpTo int // above zero, bounds the count as ListQuery.CountUpTo does
}

// Findings lists findings, most severe first.
func (t Tenant) Findings(ctx context.Context, q FindingQuery) ([]findings.Record, int, error) {
	where, args := t.findingWhere(q)
	if q.Limit <= 0 {
		q.Limit = 100
	}
	return page(ctx, t.db, "findings", findingColumns, where, args, "severity DESC, check_id, subject_id", q.Offset, q.Limit, q.CountUpTo, scanFinding)
}

// findingWhere is the condition selecting q's findings.
func (t Tenant) findingWhere(q FindingQuery) (string, []any) {
	where := "org_id = ?"
	args := []any{t.org}
	if q.Status == "" {
		where += " AND status <> 'resolved'"
	} else {
		where += " AND status = ?"
		args = append(args, string(q.Status))
	}
	if q.CheckID != "" {
		where += " AND check_id = ?"
		args = append(args, q.CheckID)
	}
	if q.Severity > 0 {
		where += " AND severity = ?"
		args = append(args, q.Severity)
	}
	if kind, id, ok := strings.Cut(q.Subject, ":"); ok {
		where += " AND subject_kind = ? AND subject_id = ?"
		args = append(args, kind, id)
	}
	if q.Kind != "" {
		where += " AND subject_kind = ?"
		args = append(args, string(q.Kind))
	}
	if q.About != nil {
		var ors []string
		for _, r := range q.About {
			ors = append(ors, "(subject_kind = ? AND subject_id = ?)")
			args = append(args, string(r.Kind), r.ID)
		}
		if len(ors) == 0 {
			ors = []string{"1 = 0"} // about nothing
		}
		where += " AND (" + strings.Join(ors, " OR ") + ")"
	}
	return where, args
}

// Finding returns one finding of this organisation.
func (t Tenant) Finding(ctx context.Context, id int64) (findings.Record, error) {
	f, err := scanFinding(t.db.queryRow(ctx, "SELECT "+findingColumns+" FROM findings WHERE org_id = ? AND id = ?", t.org, id))
	return f, notFound(err)
}

// OpenByCheck counts open findings per check, for findings.ScoreOf.
func (t Tenant) OpenByCheck(ctx context.Context) ([]findings.OpenCount, error) {
	rows, err := t.db.query(ctx, "SELECT check_id, subject_kind, MAX(severity), count(*) FROM findings WHERE org_id = ? AND status = 'open' GROUP BY check_id, subject_kind ORDER BY MAX(severity) DESC, count(*) DESC, check_id", t.org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []findings.OpenCount
	for rows.Next() {
		var c findings.OpenCount
		var severity int
		var kind string
		if err := rows.Scan(&c.CheckID, &kind, &severity, &c.Open); err != nil {
			return nil, err
		}
		c.Severity, c.Kind = findings.Severity(severity), findings.Kind(kind)
		out = append(out, c)
	}
	return out, rows.Err()
}

// AcceptFinding records that the risk is accepted, by whom, why and until
// when, as findings.NewAcceptance and Record.Accept allow; after that date
// the next evaluation reopens it.
func (t Tenant) AcceptFinding(ctx context.Context, actor audit.Actor, id int64, reason, until, today string) error {
	a, err := findings.NewAcceptance(actor.Label, reason, until, today)
	if err != nil {
		return err
	}
	return t.change(ctx, actor, func(tx *Tx) error {
		f, err := scanFinding(tx.queryRow(ctx, "SELECT "+findingColumns+" FROM findings WHERE org_id = ? AND id = ?", t.org, id))
		if err != nil {
			return notFound(err)
		}
		after, err := f.Accept(a)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "UPDATE findings SET status = ?, accepted_by = ?, accepted_reason = ?, accepted_until = ? WHERE org_id = ? AND id = ?",
			string(after.Status), after.AcceptedBy, after.AcceptedReason, after.AcceptedUntil, t.org, id); err != nil {
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: string(findings.ActionAccept), Target: findingTarget(id),
			Before: map[string]any{"status": string(f.Status)}, After: map[string]any{"status": string(after.Status), "reason": after.AcceptedReason, "until": after.AcceptedUntil, "check": f.CheckID}})
	})
}

// ReopenFinding withdraws an accepted risk (Record.Withdraw).
func (t Tenant) ReopenFinding(ctx context.Context, actor audit.Actor, id int64) error {
	return t.change(ctx, actor, func(tx *Tx) error {
		f, err := scanFinding(tx.queryRow(ctx, "SELECT "+findingColumns+" FROM findings WHERE org_id = ? AND id = ?", t.org, id))
		if err != nil {
			return notFound(err)
		}
		after, err := f.Withdraw()
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "UPDATE findings SET status = ?, accepted_by = ?, accepted_reason = ?, accepted_until = ? WHERE org_id = ? AND id = ?",
			string(after.Status), after.AcceptedBy, after.AcceptedReason, after.AcceptedUntil, t.org, id); err != nil {
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: string(findings.ActionWithdraw), Target: findingTarget(id),
			Before: map[string]any{"status": string(f.Status), "reason": f.AcceptedReason}, After: map[string]any{"status": string(after.Status)}})
	})
}

// PosturePoint is the score of one day.
type PosturePoint struct {
	Day                         string
	Score                       int
	Critical, High, Medium, Low int
	// Method is how Score was computed: ScoreByArea from schema 15 on,
	// ScoreLegacy (one sum of deductions from 100) before. Confidence is
	// the share of the areas' weight assessed, in percent.
	Method, Confidence int
}

// The methods of a PosturePoint's score.
const (
	ScoreLegacy = 1
	ScoreByArea = 2
)

// RecordPosture stores today's score; a later evaluation the same day
// replaces it. It is bookkeeping derived from the findings, not a change.
func (t Tenant) RecordPosture(ctx context.Context, p PosturePoint) error {
	if p.Method == 0 {
		p.Method = ScoreByArea
	}
	_, err := t.db.exec(ctx, `INSERT INTO posture_history (org_id, day, score, critical, high, medium, low, method, confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (org_id, day) DO UPDATE SET score = excluded.score, critical = excluded.critical, high = excluded.high, medium = excluded.medium, low = excluded.low,
		method = excluded.method, confidence = excluded.confidence`,
		t.org, p.Day, p.Score, p.Critical, p.High, p.Medium, p.Low, p.Method, p.Confidence)
	return err
}

// PostureHistory returns the scores since a day, oldest first.
func (t Tenant) PostureHistory(ctx context.Context, since string) ([]PosturePoint, error) {
	rows, err := t.db.query(ctx, "SELECT day, score, critical, high, medium, low, method, confidence FROM posture_history WHERE org_id = ? AND day >= ? ORDER BY day", t.org, since)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PosturePoint
	for rows.Next() {
		var p PosturePoint
		if err := rows.Scan(&p.Day, &p.Score, &p.Critical, &p.High, &p.Medium, &p.Low, &p.Method, &p.Confidence); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
