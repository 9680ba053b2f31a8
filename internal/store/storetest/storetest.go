// Package storetest opens real, migrated databases for tests: SQLite in a
// temporary directory always, and PostgreSQL (a fresh schema per test) when
// MAMORI_TEST_POSTGRES holds a connection URL, as CI sets it.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/store"
)

// Engines lists the engines the behaviour suites run on here.
func Engines() []store.Engine {
	if os.Getenv("MAMORI_TEST_POSTGRES") != "" {
		return []store.Engine{store.SQLite, store.Postgres}
	}
	return []store.Engine{store.SQLite}
}

// Open returns a migrated, empty store of the given engine, closed (and, on
// PostgreSQL, dropped) when the test ends. now may be nil for the real clock.
func Open(t testing.TB, engine store.Engine, now func() time.Time) *store.DB {
	t.Helper()
	ctx := context.Background()
	var dbURL string
	if engine == store.Postgres {
		dbURL = postgresSchema(t)
	}
	db, err := store.Open(ctx, dbURL, t.TempDir(), now)
	if err != nil {
		t.Fatalf("open %s: %v", engine, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", engine, err)
	}
	db.SetAuditKey(AuditKey)
	return db
}

// PostgresURL creates a schema of its own for the test (dropped when it
// ends) and returns a URL whose search_path points at it, for tests that
// open the database more than once (several app servers, a restarted
// process).
func PostgresURL(t testing.TB) string { return postgresSchema(t) }

// Secret stands for an install's secret key in tests; AuditKey is the
// audit checkpoint key derived from it, which every store Open returns has.
var (
	Secret   = []byte("0123456789abcdef0123456789abcdef")
	AuditKey = audit.DeriveKey(Secret)
)

// postgresSchema creates a schema of its own for the test and returns a URL
// whose search_path points at it.
func postgresSchema(t testing.TB) string {
	base := os.Getenv("MAMORI_TEST_POSTGRES")
	if base == "" {
		t.Fatal("MAMORI_TEST_POSTGRES is not set")
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err == nil {
			a.Exec("DROP SCHEMA " + schema + " CASCADE")
			a.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// OpenTwo returns two stores on one migrated, empty database of the given
// engine, as two app servers would have: what one caches, the other may
// change.
func OpenTwo(t testing.TB, engine store.Engine, now func() time.Time) (*store.DB, *store.DB) {
	t.Helper()
	ctx := context.Background()
	var dbURL string
	if engine == store.Postgres {
		dbURL = postgresSchema(t)
	}
	dir := t.TempDir()
	var dbs [2]*store.DB
	for i := range dbs {
		db, err := store.Open(ctx, dbURL, dir, now)
		if err != nil {
			t.Fatalf("open %s: %v", engine, err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	if _, err := dbs[0].Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", engine, err)
	}
	return dbs[0], dbs[1]
}
