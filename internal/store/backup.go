package store

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/mamori-sec/mamori/internal/problem"
)

// ErrNotSQLite is returned by file-level operations on PostgreSQL, whose
// backups are taken with pg_dump (docs/operations.md).
var ErrNotSQLite = problem.New(problem.Invalid, "backup.postgres")

// BackupTo writes a consistent copy of the SQLite database to path while
// the server keeps serving: VACUUM INTO reads one snapshot of the WAL
// database and writes a compact, self-contained file.
func (db *DB) BackupTo(ctx context.Context, path string) error {
	if db.engine != SQLite {
		return ErrNotSQLite
	}
	if _, err := os.Stat(path); err == nil {
		return problem.New(problem.Conflict, "backup.exists", path)
	}
	if _, err := db.w.ExecContext(ctx, "VACUUM INTO ?", path); err != nil {
		return fmt.Errorf("vacuum into: %w", err)
	}
	return nil
}

// IntegrityCheck runs SQLite's full integrity check; on PostgreSQL it only
// checks the connection.
func (db *DB) IntegrityCheck(ctx context.Context) error {
	if db.engine != SQLite {
		return db.Ping(ctx)
	}
	rows, err := db.r.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return err
	}
	defer rows.Close()
	var msgs []error
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			return err
		}
		if m != "ok" {
			msgs = append(msgs, errors.New(m))
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return errors.Join(msgs...)
}
