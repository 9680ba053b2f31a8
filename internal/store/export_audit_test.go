package store

import (
	"context"

	"github.com/mamori-sec/mamori/internal/audit"
)

// auditEntriesFn reads the whole chain in order, as an attacker with the
// database would before rewriting it.
func auditEntriesFn(db *DB) ([]audit.Entry, error) {
	rows, err := db.query(context.Background(), "SELECT "+auditColumns+" FROM audit_log ORDER BY seq")
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

// rawExecArgsFn is RawExec with arguments.
func rawExecArgsFn(db *DB, q string, args ...any) error {
	_, err := db.w.ExecContext(context.Background(), db.rebind(q), args...)
	return err
}

// Exported for the external test package.
var (
	AuditEntries = auditEntriesFn
	RawExecArgs  = rawExecArgsFn
)
