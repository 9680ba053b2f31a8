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

// ScanAll reads every inventory column of an organisation without building
// records: the floor the findings evaluation is measured against.
func ScanAll(ctx context.Context, db *DB, org int64) (int, error) {
	n := 0
	for _, q := range []string{
		"SELECT " + personColumns + " FROM people WHERE org_id = ?",
		"SELECT " + services.selectCols() + " FROM services WHERE org_id = ?",
		"SELECT " + accounts.selectCols() + " FROM accounts WHERE org_id = ?",
		"SELECT " + devices.selectCols() + " FROM devices WHERE org_id = ?",
		"SELECT " + assets.selectCols() + " FROM assets WHERE org_id = ?",
		"SELECT asset_id, kind, ref_id, label FROM asset_places WHERE org_id = ?",
		"SELECT " + shares.selectCols() + " FROM shares WHERE org_id = ?",
	} {
		rows, err := db.query(ctx, q, org)
		if err != nil {
			return n, err
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return n, err
			}
			n++
		}
		rows.Close()
	}
	return n, nil
}

// DropChecks forgets the inventories ForChecks keeps, so that the next
// evaluation reads everything.
func DropChecks(db *DB) { db.checks.drop() }
