package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/problem"
)

// ErrNoAuditKey is returned when checkpoints or anchors must be signed or
// checked but the store was given no key (the secret key file is missing).
var ErrNoAuditKey = problem.New(problem.Invalid, "audit.key_missing")

// SetAuditKey gives the store the key that signs and checks audit
// checkpoints; call it once, after Open and before serving. Without it no
// checkpoints are recorded, and verifying a chain that has some fails.
func (db *DB) SetAuditKey(k audit.Key) { db.auditKey = k }

// AuditKey is the key given to SetAuditKey: a backup is checked with the
// key of the store it was taken from.
func (db *DB) AuditKey() audit.Key { return db.auditKey }

// checkpointIfDue records a checkpoint of the head this transaction wrote
// when one is due (audit.CheckpointDue): every audit.CheckpointEvery
// entries and at least daily, in the same transaction as the entries.
func (t *Tx) checkpointIfDue(ctx context.Context) error {
	if t.db.auditKey.IsZero() || !t.headKnown || t.headSeq == 0 {
		return nil
	}
	var lastSeq, lastAt int64
	err := t.queryRow(ctx, "SELECT seq, at FROM audit_checkpoint ORDER BY id DESC LIMIT 1").Scan(&lastSeq, &lastAt)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("audit checkpoint: %w", err)
	}
	now := t.db.Now()
	if !audit.CheckpointDue(t.headSeq, now, lastSeq, fromMicros(lastAt)) {
		return nil
	}
	return t.insertCheckpoint(ctx, t.db.auditKey.Sign(t.headSeq, t.headHash, now), "periodic")
}

func (t *Tx) insertCheckpoint(ctx context.Context, c audit.Checkpoint, reason string) error {
	_, err := t.exec(ctx, "INSERT INTO audit_checkpoint (seq, entry_hash, at, reason, mac) VALUES (?, ?, ?, ?, ?)",
		c.Seq, c.Hash, micros(c.At), reason, c.MAC)
	if err != nil {
		return fmt.Errorf("audit checkpoint: %w", err)
	}
	return nil
}

// Checkpoint records a signed checkpoint of the chain's head now (before a
// backup, at start and at shutdown) and returns it; it is also the anchor
// to keep. An empty chain has nothing to anchor: it returns Seq 0.
func (db *DB) Checkpoint(ctx context.Context, reason string) (audit.Checkpoint, error) {
	if db.auditKey.IsZero() {
		return audit.Checkpoint{}, ErrNoAuditKey
	}
	sqlTx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return audit.Checkpoint{}, fmt.Errorf("begin: %w", err)
	}
	defer sqlTx.Rollback()
	t := &Tx{tx: sqlTx, db: db}
	if err := t.head(ctx); err != nil {
		return audit.Checkpoint{}, err
	}
	if t.headSeq == 0 {
		return audit.Checkpoint{}, nil
	}
	// A head checkpointed already (a restart, a second backup with no
	// change between) needs no second row.
	var last audit.Checkpoint
	var lastAt int64
	err = t.queryRow(ctx, "SELECT seq, entry_hash, at, mac FROM audit_checkpoint ORDER BY id DESC LIMIT 1").Scan(&last.Seq, &last.Hash, &lastAt, &last.MAC)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return audit.Checkpoint{}, fmt.Errorf("audit checkpoint: %w", err)
	}
	if last.Seq == t.headSeq && last.Hash == t.headHash {
		last.At = fromMicros(lastAt)
		return last, nil
	}
	c := db.auditKey.Sign(t.headSeq, t.headHash, db.Now())
	if err := t.insertCheckpoint(ctx, c, reason); err != nil {
		return audit.Checkpoint{}, err
	}
	if err := sqlTx.Commit(); err != nil {
		return audit.Checkpoint{}, fmt.Errorf("commit: %w", err)
	}
	return c, nil
}

// AuditAnchor returns the chain's head signed now, for the owner to keep
// outside mamori, without recording anything. Seq is 0 for an empty chain.
func (db *DB) AuditAnchor(ctx context.Context) (audit.Checkpoint, error) {
	if db.auditKey.IsZero() {
		return audit.Checkpoint{}, ErrNoAuditKey
	}
	seq, hash, err := db.auditHead(ctx)
	if err != nil || seq == 0 {
		return audit.Checkpoint{}, err
	}
	return db.auditKey.Sign(seq, hash, db.Now()), nil
}

func (db *DB) auditHead(ctx context.Context) (int64, string, error) {
	var seq int64
	var hash string
	err := db.queryRow(ctx, "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").Scan(&seq, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, audit.GenesisHash, nil
	}
	if err != nil {
		return 0, "", fmt.Errorf("audit head: %w", err)
	}
	return seq, hash, nil
}

// AuditCheckpoints returns every checkpoint recorded, oldest first.
func (db *DB) AuditCheckpoints(ctx context.Context) ([]audit.Checkpoint, error) {
	rows, err := db.query(ctx, "SELECT seq, entry_hash, at, mac FROM audit_checkpoint ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("audit checkpoints: %w", err)
	}
	defer rows.Close()
	var out []audit.Checkpoint
	for rows.Next() {
		var c audit.Checkpoint
		var at int64
		if err := rows.Scan(&c.Seq, &c.Hash, &at, &c.MAC); err != nil {
			return nil, err
		}
		c.At = fromMicros(at)
		out = append(out, c)
	}
	return out, rows.Err()
}
