package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/problem"
)

// Finding statuses. A finding is open while the data triggers it, resolved
// when the data no longer does, and accepted when someone with authority
// takes the risk until a date, after which it reopens.
const (
	FindingOpen     = "open"
	FindingResolved = "resolved"
	FindingAccepted = "accepted"
)

// FindingInput is one result of an evaluation, as the store keeps it.
type FindingInput struct {
	CheckID     string
	SubjectKind string
	SubjectID   int64
	Severity    int
	Evidence    string // JSON list of the records that prove it
	DetailJA    string
	DetailEN    string
}

func (f FindingInput) key() string {
	return fmt.Sprintf("%s|%s|%d", f.CheckID, f.SubjectKind, f.SubjectID)
}

// Finding is a stored finding with its life so far.
type Finding struct {
	ID int64
	FindingInput
	Status         string
	FirstSeenAt    time.Time
	LastSeenAt     time.Time
	ResolvedAt     time.Time
	ResolvedBy     int64 // audit entry of the change that resolved it, 0 unknown
	AcceptedBy     string
	AcceptedReason string
	AcceptedUntil  string // YYYY-MM-DD
}

const findingColumns = "id, check_id, subject_kind, subject_id, severity, status, evidence, detail_ja, detail_en, first_seen_at, last_seen_at, resolved_at, resolved_by, accepted_by, accepted_reason, accepted_until"

func scanFinding(r rowScanner) (Finding, error) {
	var f Finding
	var first, last, resolved int64
	err := r.Scan(&f.ID, &f.CheckID, &f.SubjectKind, &f.SubjectID, &f.Severity, &f.Status, &f.Evidence, &f.DetailJA, &f.DetailEN,
		&first, &last, &resolved, &f.ResolvedBy, &f.AcceptedBy, &f.AcceptedReason, &f.AcceptedUntil)
	f.FirstSeenAt, f.LastSeenAt, f.ResolvedAt = fromMicros(first), fromMicros(last), fromMicros(resolved)
	return f, err
}

// SyncResult counts the transitions one evaluation caused.
type SyncResult struct {
	Opened, Reopened, Resolved, Expired, Open, Accepted int
}

// SyncFindings reconciles the stored findings with an evaluation's results:
// new results open, vanished ones resolve (naming the latest change to the
// records involved), resolved ones that return reopen, and accepted risks
// past their date reopen. Each transition is an audit entry. Transitions
// are written in transactions of syncBatch, so that a first evaluation of a
// very large tenant does not hold the single writer for minutes; an
// interrupted sync is completed by the next evaluation.
func (t Tenant) SyncFindings(ctx context.Context, actor audit.Actor, results []FindingInput, today string) (SyncResult, error) {
	var res SyncResult
	existing := map[string]Finding{}
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
		existing[f.key()] = f
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, err
	}
	var ops []func(ctx context.Context, tx *Tx, now int64) error
	var refresh []func(ctx context.Context, tx *sql.Tx, now int64) error
	seen := make(map[string]bool, len(results))
	for _, in := range results {
		k := in.key()
		if seen[k] {
			continue
		}
		seen[k] = true
		f, ok := existing[k]
		switch {
		case !ok:
			res.Opened++
			ops = append(ops, func(ctx context.Context, tx *Tx, now int64) error {
				id, err := tx.insert(ctx, "INSERT INTO findings (org_id, check_id, subject_kind, subject_id, severity, status, evidence, detail_ja, detail_en, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
					t.org, in.CheckID, in.SubjectKind, in.SubjectID, in.Severity, FindingOpen, in.Evidence, in.DetailJA, in.DetailEN, now, now)
				if err != nil {
					return fmt.Errorf("insert finding: %w", err)
				}
				return t.recordFinding(ctx, tx, id, "finding.open", in, "", FindingOpen)
			})
		case f.Status == FindingResolved, f.Status == FindingAccepted && f.AcceptedUntil != "" && f.AcceptedUntil < today:
			action := "finding.reopen"
			if f.Status == FindingAccepted {
				action = "finding.expire"
				res.Expired++
			} else {
				res.Reopened++
			}
			ops = append(ops, func(ctx context.Context, tx *Tx, now int64) error {
				if _, err := tx.exec(ctx, "UPDATE findings SET status = ?, severity = ?, evidence = ?, detail_ja = ?, detail_en = ?, last_seen_at = ?, resolved_at = 0, resolved_by = 0, accepted_by = '', accepted_reason = '', accepted_until = '' WHERE id = ?",
					FindingOpen, in.Severity, in.Evidence, in.DetailJA, in.DetailEN, now, f.ID); err != nil {
					return err
				}
				return t.recordFinding(ctx, tx, f.ID, action, in, f.Status, FindingOpen)
			})
		case f.Evidence != in.Evidence || f.DetailJA != in.DetailJA || f.Severity != in.Severity:
			// Not a transition: the proof changed, the finding did not. It
			// is derived bookkeeping, like the posture history, so it is
			// kept current without an audit entry.
			refresh = append(refresh, func(ctx context.Context, tx *sql.Tx, now int64) error {
				_, err := tx.ExecContext(ctx, t.db.rebind("UPDATE findings SET severity = ?, evidence = ?, detail_ja = ?, detail_en = ?, last_seen_at = ? WHERE org_id = ? AND id = ?"),
					in.Severity, in.Evidence, in.DetailJA, in.DetailEN, now, t.org, f.ID)
				return err
			})
		}
	}
	for k, f := range existing {
		if seen[k] || f.Status == FindingResolved {
			continue
		}
		res.Resolved++
		ops = append(ops, func(ctx context.Context, tx *Tx, now int64) error {
			by, err := t.lastChangeOf(ctx, tx, f)
			if err != nil {
				return err
			}
			if _, err := tx.exec(ctx, "UPDATE findings SET status = ?, resolved_at = ?, resolved_by = ? WHERE id = ?", FindingResolved, now, by, f.ID); err != nil {
				return err
			}
			return t.recordFinding(ctx, tx, f.ID, "finding.resolve", f.FindingInput, f.Status, FindingResolved)
		})
	}
	for start := 0; start < len(ops); start += syncBatch {
		batch := ops[start:min(start+syncBatch, len(ops))]
		err := t.change(ctx, actor, func(tx *Tx) error {
			now := micros(tx.db.Now())
			for _, op := range batch {
				if err := op(ctx, tx, now); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return res, err
		}
	}
	if len(refresh) > 0 {
		tx, err := t.db.w.BeginTx(ctx, nil)
		if err != nil {
			return res, err
		}
		now := micros(t.db.Now())
		for _, r := range refresh {
			if err := r(ctx, tx, now); err != nil {
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

func (t Tenant) recordFinding(ctx context.Context, tx *Tx, id int64, action string, in FindingInput, before, after string) error {
	ev := audit.Event{Action: action, Target: fmt.Sprintf("finding:%d", id),
		After: map[string]any{"status": after, "check": in.CheckID, "subject": fmt.Sprintf("%s:%d", in.SubjectKind, in.SubjectID)}}
	if before != "" {
		ev.Before = map[string]any{"status": before}
	}
	return t.record(ctx, tx, ev)
}

// lastChangeOf finds the newest audit entry about the finding's subject or
// evidence records: the change that made it go away.
func (t Tenant) lastChangeOf(ctx context.Context, tx *Tx, f Finding) (int64, error) {
	return t.lastTouched(ctx, tx, append([]string{fmt.Sprintf("%s:%d", f.SubjectKind, f.SubjectID)}, evidenceTargets(f.Evidence)...))
}

// evidenceTargets reads audit targets ("account:12") out of the evidence
// JSON, a list of {"kind":…,"id":…} objects.
func evidenceTargets(evidence string) []string {
	var refs []struct {
		Kind string `json:"kind"`
		ID   int64  `json:"id"`
	}
	if json.Unmarshal([]byte(evidence), &refs) != nil {
		return nil
	}
	out := make([]string, 0, min(len(refs), 50))
	for _, r := range refs[:min(len(refs), 50)] {
		out = append(out, fmt.Sprintf("%s:%d", r.Kind, r.ID))
	}
	return out
}

func (f Finding) key() string { return f.FindingInput.key() }

// FindingQuery selects findings for a list.
type FindingQuery struct {
	Status    string // "" for open and accepted
	CheckID   string
	Severity  int
	Subject   string // "account:12"
	Offset    int
	Limit     int
	CountUpTo int // above zero, bounds the count as ListQuery.CountUpTo does
}

// Findings lists findings, most severe first.
func (t Tenant) Findings(ctx context.Context, q FindingQuery) ([]Finding, int, error) {
	where := "org_id = ?"
	args := []any{t.org}
	if q.Status == "" {
		where += " AND status <> 'resolved'"
	} else {
		where += " AND status = ?"
		args = append(args, q.Status)
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
	if q.Limit <= 0 {
		q.Limit = 100
	}
	return page(ctx, t.db, "findings", findingColumns, where, args, "severity DESC, check_id, subject_id", q.Offset, q.Limit, q.CountUpTo, scanFinding)
}

// Finding returns one finding of this organisation.
func (t Tenant) Finding(ctx context.Context, id int64) (Finding, error) {
	f, err := scanFinding(t.db.queryRow(ctx, "SELECT "+findingColumns+" FROM findings WHERE org_id = ? AND id = ?", t.org, id))
	return f, notFound(err)
}

// FindingCount is the number of open findings of one check and severity.
type FindingCount struct {
	CheckID  string
	Severity int
	Open     int
}

// OpenByCheck counts open findings per check.
func (t Tenant) OpenByCheck(ctx context.Context) ([]FindingCount, error) {
	rows, err := t.db.query(ctx, "SELECT check_id, MAX(severity), count(*) FROM findings WHERE org_id = ? AND status = 'open' GROUP BY check_id ORDER BY MAX(severity) DESC, count(*) DESC, check_id", t.org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []FindingCount
	for rows.Next() {
		var c FindingCount
		if err := rows.Scan(&c.CheckID, &c.Severity, &c.Open); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// AcceptFinding records that the risk is accepted, by whom, why and until
// when; after that date the next evaluation reopens it.
func (t Tenant) AcceptFinding(ctx context.Context, actor audit.Actor, id int64, reason, until, today string) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return problem.Field("reason", "finding.reason_required")
	}
	if _, err := time.Parse(time.DateOnly, until); err != nil || until <= today {
		return problem.Field("until", "finding.until_invalid")
	}
	return t.change(ctx, actor, func(tx *Tx) error {
		f, err := scanFinding(tx.queryRow(ctx, "SELECT "+findingColumns+" FROM findings WHERE org_id = ? AND id = ?", t.org, id))
		if err != nil {
			return notFound(err)
		}
		if f.Status != FindingOpen {
			return problem.New(problem.Conflict, "finding.not_open")
		}
		if _, err := tx.exec(ctx, "UPDATE findings SET status = ?, accepted_by = ?, accepted_reason = ?, accepted_until = ? WHERE id = ?",
			FindingAccepted, actor.Label, reason, until, id); err != nil {
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: "finding.accept", Target: fmt.Sprintf("finding:%d", id),
			Before: map[string]any{"status": f.Status}, After: map[string]any{"status": FindingAccepted, "reason": reason, "until": until, "check": f.CheckID}})
	})
}

// ReopenFinding withdraws an accepted risk.
func (t Tenant) ReopenFinding(ctx context.Context, actor audit.Actor, id int64) error {
	return t.change(ctx, actor, func(tx *Tx) error {
		f, err := scanFinding(tx.queryRow(ctx, "SELECT "+findingColumns+" FROM findings WHERE org_id = ? AND id = ?", t.org, id))
		if err != nil {
			return notFound(err)
		}
		if f.Status != FindingAccepted {
			return problem.New(problem.Conflict, "finding.not_accepted")
		}
		if _, err := tx.exec(ctx, "UPDATE findings SET status = ?, accepted_by = '', accepted_reason = '', accepted_until = '' WHERE id = ?", FindingOpen, id); err != nil {
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: "finding.withdraw", Target: fmt.Sprintf("finding:%d", id),
			Before: map[string]any{"status": f.Status, "reason": f.AcceptedReason}, After: map[string]any{"status": FindingOpen}})
	})
}

// PosturePoint is the score of one day.
type PosturePoint struct {
	Day                         string
	Score                       int
	Critical, High, Medium, Low int
}

// RecordPosture stores today's score; a later evaluation the same day
// replaces it. It is bookkeeping derived from the findings, not a change.
func (t Tenant) RecordPosture(ctx context.Context, p PosturePoint) error {
	_, err := t.db.exec(ctx, `INSERT INTO posture_history (org_id, day, score, critical, high, medium, low) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (org_id, day) DO UPDATE SET score = excluded.score, critical = excluded.critical, high = excluded.high, medium = excluded.medium, low = excluded.low`,
		t.org, p.Day, p.Score, p.Critical, p.High, p.Medium, p.Low)
	return err
}

// PostureHistory returns the scores since a day, oldest first.
func (t Tenant) PostureHistory(ctx context.Context, since string) ([]PosturePoint, error) {
	rows, err := t.db.query(ctx, "SELECT day, score, critical, high, medium, low FROM posture_history WHERE org_id = ? AND day >= ? ORDER BY day", t.org, since)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PosturePoint
	for rows.Next() {
		var p PosturePoint
		if err := rows.Scan(&p.Day, &p.Score, &p.Critical, &p.High, &p.Medium, &p.Low); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
