package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/mamori-sec/mamori/internal/problem"
)

//go:embed migrations
var migrations embed.FS

type migration struct {
	version int
	sql     string
}

func (db *DB) migrations() ([]migration, error) { return migrationsOf(db.engine) }

func migrationsOf(engine Engine) ([]migration, error) {
	dir := "migrations/" + string(engine)
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration %s is not named NNNN_name.sql", e.Name())
		}
		b, err := migrations.ReadFile(dir + "/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, sql: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// LatestSchema is the newest schema version this binary knows.
func (db *DB) LatestSchema() int { return LatestSchema(db.engine) }

// LatestSchema is the newest schema version this binary knows for engine.
func LatestSchema(engine Engine) int {
	ms, _ := migrationsOf(engine)
	if len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// SchemaVersion reports the version of the schema in the database, 0 when
// it has never been migrated.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	if _, err := db.w.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"); err != nil {
		return 0, fmt.Errorf("schema_version: %w", err)
	}
	var v int
	err := db.w.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_version").Scan(&v)
	return v, err
}

// CheckSchema refuses a database whose schema is newer than this binary
// knows (it was migrated by a later mamori) or not yet migrated.
func (db *DB) CheckSchema(ctx context.Context) error {
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	switch latest := db.LatestSchema(); {
	case v > latest:
		return problem.New(problem.Conflict, "db.schema_newer", v, latest)
	case v < latest:
		return problem.New(problem.Conflict, "db.schema_older", v, latest)
	}
	return nil
}

// Migrate applies the migrations the database lacks, each in its own
// transaction, and refuses a schema newer than this binary.
func (db *DB) Migrate(ctx context.Context) (applied int, err error) {
	ms, err := db.migrations()
	if err != nil {
		return 0, err
	}
	cur, err := db.SchemaVersion(ctx)
	if err != nil {
		return 0, err
	}
	if latest := db.LatestSchema(); cur > latest {
		return 0, problem.New(problem.Conflict, "db.schema_newer", cur, latest)
	}
	for _, m := range ms {
		if m.version <= cur {
			continue
		}
		tx, err := db.w.BeginTx(ctx, nil)
		if err != nil {
			return applied, err
		}
		if db.engine == Postgres {
			// Several app servers may start at once: one migrates, the others wait.
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(7261001)"); err != nil {
				tx.Rollback()
				return applied, err
			}
			var again int
			if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_version").Scan(&again); err != nil {
				tx.Rollback()
				return applied, err
			}
			if again >= m.version {
				tx.Rollback()
				continue
			}
		}
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			tx.Rollback()
			return applied, fmt.Errorf("migration %d: %w", m.version, err)
		}
		if _, err := tx.ExecContext(ctx, db.rebind("INSERT INTO schema_version (version) VALUES (?)"), m.version); err != nil {
			tx.Rollback()
			return applied, err
		}
		if err := tx.Commit(); err != nil {
			return applied, fmt.Errorf("migration %d: %w", m.version, err)
		}
		applied++
	}
	return applied, nil
}
