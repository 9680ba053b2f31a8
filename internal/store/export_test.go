package store

import "context"

// rawExec runs SQL directly on the database, bypassing the store: tests use
// it to play an attacker with access to the database file.
func rawExecFn(db *DB, q string) error {
	_, err := db.w.ExecContext(context.Background(), q)
	return err
}

func insertVersionFn(db *DB, v int) error {
	_, err := db.w.ExecContext(context.Background(), db.rebind("INSERT INTO schema_version (version) VALUES (?)"), v)
	return err
}

// Exported for the external test package.
var (
	RawExec       = rawExecFn
	InsertVersion = insertVersionFn
)
