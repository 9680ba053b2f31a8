package storetest_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/jobs/jobstest"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// TestTemplateMatchesMigrate: a SQLite store copied from the template has
// the schema, and the rows, of one migrated from empty by this binary, with
// and without River's tables; and each copy is a database of its own.
func TestTemplateMatchesMigrate(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		steps []storetest.Step
		open  func(testing.TB) *store.DB
	}{
		{"store", nil, func(t testing.TB) *store.DB { return storetest.Open(t, store.SQLite, nil) }},
		{"store+river", []storetest.Step{jobstest.River()}, func(t testing.TB) *store.DB { return jobstest.Open(t, store.SQLite, nil) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fresh, err := store.Open(ctx, "", t.TempDir(), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer fresh.Close()
			if _, err := fresh.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			for _, s := range tc.steps {
				if err := s.Run(ctx, fresh); err != nil {
					t.Fatal(err)
				}
			}
			want := dump(t, fresh)
			if !strings.Contains(want, "table schema_version") || (tc.steps != nil) != strings.Contains(want, "table river_job") {
				t.Fatalf("the fresh database is not what this test expects:\n%s", want)
			}
			a, b := tc.open(t), tc.open(t)
			if got := dump(t, a); got != want {
				t.Errorf("template copy differs from a fresh migration:\ngot:\n%s\nwant:\n%s", got, want)
			}
			if a.Path() == b.Path() {
				t.Fatalf("two opens share %s", a.Path())
			}
			if v, err := a.SchemaVersion(ctx); err != nil || v != store.LatestSchema(store.SQLite) {
				t.Errorf("schema version of a copy: got %d (%v), want %d", v, err, store.LatestSchema(store.SQLite))
			}
		})
	}
}

// dump lists the SQLite database's schema objects and the number of rows
// of each table.
func dump(t *testing.T, db *store.DB) string {
	t.Helper()
	raw, err := sql.Open("sqlite", "file:"+(&url.URL{Path: db.Path()}).EscapedPath()+"?_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query("SELECT type, name, tbl_name, COALESCE(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name")
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	var tables []string
	for rows.Next() {
		var typ, name, tbl, text string
		if err := rows.Scan(&typ, &name, &tbl, &text); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s %s on %s: %s\n", typ, name, tbl, text)
		if typ == "table" {
			tables = append(tables, name)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	for _, name := range tables {
		var n int
		if err := raw.QueryRow(`SELECT count(*) FROM "` + name + `"`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "rows of %s: %d\n", name, n)
	}
	var uv int
	if err := raw.QueryRow("PRAGMA user_version").Scan(&uv); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&b, "user_version %d\n", uv)
	return b.String()
}

// TestPostgresSession: on PostgreSQL a test's connections use a schema of
// their own and do not wait for the server's disk at commit.
func TestPostgresSession(t *testing.T) {
	if len(storetest.Engines()) < 2 {
		t.Skip("MAMORI_TEST_POSTGRES is not set")
	}
	u := storetest.PostgresURL(t)
	db, err := sql.Open("pgx", u)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var sync, schema string
	if err := db.QueryRow("SELECT current_setting('synchronous_commit'), current_schema()").Scan(&sync, &schema); err != nil {
		t.Fatal(err)
	}
	if sync != "off" {
		t.Errorf("synchronous_commit: got %q, want off", sync)
	}
	if !strings.HasPrefix(schema, "t_") {
		t.Errorf("current schema: got %q, want the test's own t_…", schema)
	}
}
