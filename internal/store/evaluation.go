package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/problem"
)

// FollowUp is run inside every transaction that changed an organisation's
// inventory, just before it commits, with the transaction itself: the job
// queue inserts the organisation's evaluation there, so the change and its
// follow-up commit together or not at all. The store does not know the
// queue; cmd/mamori wires it (jobs.Open) before anything writes.
type FollowUp func(ctx context.Context, tx *sql.Tx, orgID int64) error

// SetFollowUp installs fn. Call it once, before the store is shared.
func (db *DB) SetFollowUp(fn FollowUp) { db.followUp = fn }

// ErrEvaluationBusy means another evaluation of the organisation holds its
// lease; the caller retries later.
var ErrEvaluationBusy = problem.New(problem.Conflict, "findings.evaluation_busy")

// inventoryActions are the audit actions that change what the checks and
// the checklists read (a removed membership closes a leaver's "remove from
// mamori" item; a risk feeds the risk checks; a published or acknowledged
// policy changes who has it to acknowledge; a self-diagnosis answers the
// check for an overdue one).
var inventoryActions = []string{"person", "service", "account", "device", "asset", "share", "inventory", "import", "member", "risk", "policy", "selfdiag"}

// noteEvent remembers which organisations' inventory this transaction
// changed, from the events it records: every inventory write records one,
// so nothing else has to remember to ask for the follow-up.
func (t *Tx) noteEvent(ev audit.Event) {
	if ev.OrgID == 0 || slices.Contains(t.touched, ev.OrgID) {
		return
	}
	kind, _, _ := strings.Cut(ev.Action, ".")
	if slices.Contains(inventoryActions, kind) {
		t.touched = append(t.touched, ev.OrgID)
	}
}

// followUp counts the change for each touched organisation and asks for
// its evaluation, in the transaction about to commit.
func (t *Tx) followUp(ctx context.Context) error {
	for _, org := range t.touched {
		if _, err := t.exec(ctx, `INSERT INTO org_evaluation (org_id, changed) VALUES (?, 1)
			ON CONFLICT (org_id) DO UPDATE SET changed = org_evaluation.changed + 1`, org); err != nil {
			return fmt.Errorf("count change: %w", err)
		}
		if t.db.followUp != nil {
			if err := t.db.followUp(ctx, t.tx, org); err != nil {
				return fmt.Errorf("enqueue evaluation: %w", err)
			}
		}
	}
	return nil
}

// EvaluationLease is an evaluation's hold on its organisation.
type EvaluationLease struct {
	owner string
	seen  int64 // the change count when the evaluation started
}

// ClaimEvaluation takes the organisation's evaluation lease for d, or
// returns ErrEvaluationBusy while another evaluation holds it. A lease
// whose holder died lapses at its end.
func (t Tenant) ClaimEvaluation(ctx context.Context, owner string, d time.Duration) (EvaluationLease, error) {
	now := micros(t.db.Now())
	until := t.db.Now().Add(d)
	l := EvaluationLease{owner: owner}
	err := t.db.w.QueryRowContext(ctx, t.db.rebind(`INSERT INTO org_evaluation (org_id, lease_owner, lease_until) VALUES (?, ?, ?)
		ON CONFLICT (org_id) DO UPDATE SET lease_owner = excluded.lease_owner, lease_until = excluded.lease_until
		WHERE org_evaluation.lease_until < ?
		RETURNING changed`), t.org, owner, micros(until), now).Scan(&l.seen)
	if errors.Is(err, sql.ErrNoRows) {
		return l, ErrEvaluationBusy
	}
	if err != nil {
		return l, fmt.Errorf("claim evaluation: %w", err)
	}
	return l, nil
}

// FinishEvaluation releases the lease. When no change arrived during the
// evaluation it records the change count as evaluated and runs done (the
// queue marks its job completed) in the same transaction; otherwise it
// reports again, and the caller evaluates once more: a change committed
// while an evaluation runs is never left unevaluated.
func (t Tenant) FinishEvaluation(ctx context.Context, l EvaluationLease, done func(ctx context.Context, tx *sql.Tx) error) (again bool, err error) {
	tx, err := t.db.w.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	var changed int64
	if err := tx.QueryRowContext(ctx, t.db.rebind(`UPDATE org_evaluation SET lease_owner = '', lease_until = 0
		WHERE org_id = ? AND lease_owner = ? RETURNING changed`), t.org, l.owner).Scan(&changed); err != nil {
		return false, fmt.Errorf("release evaluation: %w", err)
	}
	if changed != l.seen {
		return true, tx.Commit()
	}
	if _, err := tx.ExecContext(ctx, t.db.rebind("UPDATE org_evaluation SET evaluated = ? WHERE org_id = ?"), l.seen, t.org); err != nil {
		return false, err
	}
	if done != nil {
		if err := done(ctx, tx); err != nil {
			return false, err
		}
	}
	return false, tx.Commit()
}

// ReleaseEvaluation gives the lease back after a failed evaluation.
func (t Tenant) ReleaseEvaluation(ctx context.Context, l EvaluationLease) error {
	_, err := t.db.exec(ctx, "UPDATE org_evaluation SET lease_owner = '', lease_until = 0 WHERE org_id = ? AND lease_owner = ?", t.org, l.owner)
	return err
}

// EvaluationState says whether the organisation's findings are being
// brought up to date.
type EvaluationState struct {
	Pending bool // inventory changed since the last finished evaluation
	Running bool // an evaluation holds the lease
}

// Busy reports whether the findings shown may be about to change.
func (s EvaluationState) Busy() bool { return s.Pending || s.Running }

// Evaluation returns the organisation's evaluation state.
func (t Tenant) Evaluation(ctx context.Context) (EvaluationState, error) {
	var changed, evaluated, until int64
	err := t.db.queryRow(ctx, "SELECT changed, evaluated, lease_until FROM org_evaluation WHERE org_id = ?", t.org).Scan(&changed, &evaluated, &until)
	if errors.Is(err, sql.ErrNoRows) {
		return EvaluationState{}, nil
	}
	if err != nil {
		return EvaluationState{}, err
	}
	return EvaluationState{Pending: changed != evaluated, Running: until > micros(t.db.Now())}, nil
}

// QueuePool is the connection pool the job queue works through: on
// PostgreSQL the store's own; on SQLite a second single-connection pool on
// the same file, so the queue's polling never takes the store's writer and
// a queue transaction waits for the store's (busy_timeout) instead of
// failing. Inserts from a change use the change's transaction either way.
func (db *DB) QueuePool() (*sql.DB, error) {
	if db.engine == Postgres {
		return db.w, nil
	}
	db.queueOnce.Do(func() {
		p, err := sql.Open("sqlite", db.dsn+"&_txlock=immediate")
		if err == nil {
			p.SetMaxOpenConns(1)
			p.SetConnMaxLifetime(0)
		}
		db.queue, db.queueErr = p, err
	})
	return db.queue, db.queueErr
}
