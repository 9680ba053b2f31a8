// Package storetest opens real, migrated databases for tests: SQLite in a
// temporary directory always, and PostgreSQL (a fresh schema per test) when
// MAMORI_TEST_POSTGRES holds a connection URL, as CI sets it.
//
// On SQLite, migrating from empty costs seconds per test under the race
// detector (modernc SQLite is C translated to Go), so a test process
// migrates once per set of steps, into a template kept in memory, and
// copies it into each test's temporary directory: each test still gets a
// fresh, private, fully migrated database. The migrations themselves stay
// tested by the tests that migrate from empty (internal/store's), and
// TestTemplateMatchesMigrate checks a copy has the schema a fresh
// migration gives.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
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

// A Step is a migration some tests need after the store's own: River's
// tables (jobs.Migrate), which this package cannot call itself because
// the jobs package's own tests import it. Name tells templates apart, so
// it must be the same wherever the same Run is passed.
type Step struct {
	Name string
	Run  func(context.Context, *store.DB) error
}

// Open returns a migrated, empty store of the given engine, closed (and, on
// PostgreSQL, dropped) when the test ends. now may be nil for the real clock.
func Open(t testing.TB, engine store.Engine, now func() time.Time) *store.DB {
	t.Helper()
	return OpenWith(t, engine, now)
}

// OpenWith is Open with further migration steps run after the store's.
func OpenWith(t testing.TB, engine store.Engine, now func() time.Time, steps ...Step) *store.DB {
	t.Helper()
	db := open(t, engine, now, steps, 1)[0]
	db.SetAuditKey(AuditKey)
	return db
}

// OpenTwo returns two stores on one migrated, empty database of the given
// engine, as two app servers would have: what one caches, the other may
// change.
func OpenTwo(t testing.TB, engine store.Engine, now func() time.Time) (*store.DB, *store.DB) {
	t.Helper()
	dbs := open(t, engine, now, nil, 2)
	return dbs[0], dbs[1]
}

// open opens n stores on one fresh database, migrated and with steps run:
// on SQLite a copy of the template in the test's temporary directory, on
// PostgreSQL a schema of its own, migrated from empty.
func open(t testing.TB, engine store.Engine, now func() time.Time, steps []Step, n int) []*store.DB {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	var dbURL string
	switch engine {
	case store.Postgres:
		dbURL = postgresSchema(t)
	case store.SQLite:
		b, err := sqliteTemplate(steps)
		if err != nil {
			t.Fatalf("sqlite template: %v", err)
		}
		if err := os.WriteFile(filepath.Join(dir, "mamori.db"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dbs := make([]*store.DB, n)
	for i := range dbs {
		db, err := store.Open(ctx, dbURL, dir, now)
		if err != nil {
			t.Fatalf("open %s: %v", engine, err)
		}
		t.Cleanup(func() { db.Close() })
		dbs[i] = db
	}
	// On SQLite the copy is already at the latest version and this applies
	// nothing; on PostgreSQL it migrates the new schema.
	if _, err := dbs[0].Migrate(ctx); err != nil {
		t.Fatalf("migrate %s: %v", engine, err)
	}
	if engine == store.Postgres {
		for _, s := range steps {
			if err := s.Run(ctx, dbs[0]); err != nil {
				t.Fatalf("%s on %s: %v", s.Name, engine, err)
			}
		}
	}
	return dbs
}

// templates holds, per set of steps, the bytes of a SQLite database
// migrated from empty by this binary's migrations (whatever it embeds)
// and those steps.
var templates struct {
	mu sync.Mutex
	m  map[string]*template
}

type template struct {
	once sync.Once
	b    []byte
	err  error
}

func sqliteTemplate(steps []Step) ([]byte, error) {
	names := make([]string, len(steps))
	for i, s := range steps {
		names[i] = s.Name
	}
	key := strings.Join(names, "+")
	templates.mu.Lock()
	if templates.m == nil {
		templates.m = map[string]*template{}
	}
	tp := templates.m[key]
	if tp == nil {
		tp = &template{}
		templates.m[key] = tp
	}
	templates.mu.Unlock()
	tp.once.Do(func() { tp.b, tp.err = buildTemplate(steps) })
	return tp.b, tp.err
}

// buildTemplate migrates a new SQLite database from empty, runs steps and
// returns the database as one file's bytes (VACUUM INTO writes it whole,
// the write-ahead log folded in).
func buildTemplate(steps []Step) ([]byte, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "mamori-storetest-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	db, err := store.Open(ctx, "", dir, nil)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	for _, s := range steps {
		if err := s.Run(ctx, db); err != nil {
			db.Close()
			return nil, fmt.Errorf("%s: %w", s.Name, err)
		}
	}
	if err := db.Close(); err != nil {
		return nil, err
	}
	raw, err := sql.Open("sqlite", "file:"+(&url.URL{Path: db.Path()}).EscapedPath())
	if err != nil {
		return nil, err
	}
	defer raw.Close()
	out := filepath.Join(dir, "template.db")
	if _, err := raw.ExecContext(ctx, "VACUUM INTO ?", out); err != nil {
		return nil, fmt.Errorf("vacuum into: %w", err)
	}
	return os.ReadFile(out)
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
// whose search_path points at it (pgx sends the URL's other parameters,
// synchronous_commit here, as the session's settings).
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
	// A test's commits need not wait for the server's disk: a commit
	// still happens, in order, before the client hears of it, and only
	// a crash of the PostgreSQL server itself (not of a mamori process a
	// test kills) could lose the last ones. Under the load of a CI run
	// this spares a wait of 1–3 ms per commit.
	q.Set("synchronous_commit", "off")
	u.RawQuery = q.Encode()
	return u.String()
}
