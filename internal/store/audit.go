package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
)

// Record appends ev to the audit trail inside the transaction. There is no
// function in this package that updates or deletes audit rows, and the
// database refuses both (triggers in the first migration).
func (t *Tx) Record(ctx context.Context, ev audit.Event) error {
	t.touch(ev)
	t.noteEvent(ev)
	if ok, err := t.collect(ev); ok || err != nil {
		return err
	}
	if err := t.head(ctx); err != nil {
		return err
	}
	e, err := audit.NewEntry(t.headSeq+1, t.db.Now(), t.actor, ev, t.headHash)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO audit_log (seq, at, org_id, actor_id, actor, ip, action, target, before_json, after_json, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, micros(e.At), e.OrgID, e.ActorID, e.Actor, e.IP, e.Action, e.Target, e.Before, e.After, e.PrevHash, e.Hash)
	if err != nil {
		return fmt.Errorf("audit append: %w", err)
	}
	t.headSeq, t.headHash = e.Seq, e.Hash
	t.events++
	return nil
}

// head reads the chain's last entry once per transaction.
func (t *Tx) head(ctx context.Context) error {
	if !t.headKnown {
		if t.db.engine == Postgres {
			// One chain: appends from several app servers take turns; the
			// lock is held until this transaction ends.
			if _, err := t.exec(ctx, "SELECT pg_advisory_xact_lock(7261002)"); err != nil {
				return fmt.Errorf("audit lock: %w", err)
			}
		}
		t.headSeq, t.headHash = 0, audit.GenesisHash
		err := t.queryRow(ctx, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").Scan(&t.headSeq, &t.headHash)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("audit head: %w", err)
		}
		t.headKnown = true
	}
	return nil
}

const auditColumns = "seq, at, org_id, actor_id, actor, ip, action, target, before_json, after_json, prev_hash, hash"

func scanAudit(rows *sql.Rows) (audit.Entry, error) {
	var e audit.Entry
	var at int64
	err := rows.Scan(&e.Seq, &at, &e.OrgID, &e.ActorID, &e.Actor, &e.IP, &e.Action, &e.Target, &e.Before, &e.After, &e.PrevHash, &e.Hash)
	e.At = fromMicros(at)
	return e, err
}

// VerifyAudit walks the whole chain in order and returns the number of
// entries, or an *audit.BrokenLink naming the first entry that fails: a
// broken link, an entry whose hash differs from a signed checkpoint or from
// one of the anchors given (a rewrite), a checkpoint or anchor naming an
// entry beyond the end (truncation), or one not signed with the store's key.
func (db *DB) VerifyAudit(ctx context.Context, anchors ...audit.Checkpoint) (int64, error) {
	v := audit.NewVerifier()
	cps, err := db.AuditCheckpoints(ctx)
	if err != nil {
		return 0, err
	}
	if db.auditKey.IsZero() && len(cps)+len(anchors) > 0 {
		return 0, ErrNoAuditKey
	}
	v.Expect(db.auditKey, cps, anchors)
	details := &detailCheck{db: db}
	const batch = 5000
	last := int64(0)
	for {
		rows, err := db.query(ctx, "SELECT "+auditColumns+" FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?", last, batch)
		if err != nil {
			return v.Count, err
		}
		n := 0
		for rows.Next() {
			e, err := scanAudit(rows)
			if err != nil {
				rows.Close()
				return v.Count, err
			}
			if err := v.Next(e); err != nil {
				rows.Close()
				return v.Count, err
			}
			if err := details.entry(ctx, e); err != nil {
				rows.Close()
				return v.Count, err
			}
			last = e.Seq
			n++
		}
		if err := rows.Close(); err != nil {
			return v.Count, err
		}
		if n < batch {
			if err := v.Finish(); err != nil {
				return v.Count, err
			}
			return v.Count, details.end(ctx)
		}
	}
}

// AuditFilter selects entries of one organisation's trail.
type AuditFilter struct {
	Action string    // an action ("person.update"), or a group of them ending in "." ("person."); "" for all
	Actor  string    // substring of the actor label
	From   time.Time // inclusive, zero for no bound
	To     time.Time // exclusive, zero for no bound
	Before int64     // entries with seq below this (paging), 0 for newest
	Limit  int       // 0 for no limit (export)
}

// Audit returns the organisation's entries, newest first.
func (t Tenant) Audit(ctx context.Context, f AuditFilter) ([]audit.Entry, error) {
	var where []string
	args := []any{t.org}
	where = append(where, "org_id = ?")
	if strings.HasSuffix(f.Action, ".") {
		where = append(where, "action LIKE ?")
		args = append(args, likePrefix(f.Action))
	} else if f.Action != "" {
		where = append(where, "action = ?")
		args = append(args, f.Action)
	}
	if f.Actor != "" {
		where = append(where, "actor LIKE ?")
		args = append(args, "%"+likeEscape(f.Actor)+"%")
	}
	if !f.From.IsZero() {
		where = append(where, "at >= ?")
		args = append(args, micros(f.From))
	}
	if !f.To.IsZero() {
		where = append(where, "at < ?")
		args = append(args, micros(f.To))
	}
	if f.Before > 0 {
		where = append(where, "seq < ?")
		args = append(args, f.Before)
	}
	q := "SELECT " + auditColumns + " FROM audit_log WHERE " + strings.Join(where, " AND ") + " ORDER BY seq DESC"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	return t.db.auditEntries(ctx, q, args...)
}

// auditEntries runs a query selecting auditColumns and reads its entries.
func (db *DB) auditEntries(ctx context.Context, q string, args ...any) ([]audit.Entry, error) {
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []audit.Entry
	for rows.Next() {
		e, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// likeEscape escapes LIKE wildcards in user input; queries using it add
// ESCAPE-free patterns, so the wildcards are simply removed.
func likeEscape(s string) string {
	return strings.NewReplacer("%", "", "_", "", "\\", "").Replace(s)
}

func likePrefix(s string) string { return likeEscape(s) + "%" }

// History returns the entries about one record of the organisation, newest
// first: the change history shown on a record's page. The changes an
// import made to it are among them, each as an entry of its own.
func (t Tenant) History(ctx context.Context, target string) ([]audit.Entry, error) {
	const limit = 200
	out, err := t.db.auditEntries(ctx, "SELECT "+auditColumns+" FROM audit_log WHERE org_id = ? AND target = ? ORDER BY seq DESC LIMIT ?", t.org, target, limit)
	if err != nil {
		return nil, err
	}
	more, err := t.detailHistory(ctx, target, limit)
	if err != nil || len(more) == 0 {
		return out, err
	}
	out = append(out, more...)
	slices.SortStableFunc(out, func(a, b audit.Entry) int { return cmp.Compare(b.Seq, a.Seq) })
	return out[:min(len(out), limit)], nil
}
