package store_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var (
	rawExec       = store.RawExec
	insertVersion = store.InsertVersion
)

var actor = audit.Actor{UserID: 0, Label: "test"}

// each runs fn once per engine available.
func each(t *testing.T, fn func(t *testing.T, db *store.DB, c *clock)) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			c := &clock{t: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}
			fn(t, storetest.Open(t, e, c.now), c)
		})
	}
}

func mustOrg(t testing.TB, db *store.DB, slug string) int64 {
	t.Helper()
	id, err := db.CreateOrg(context.Background(), actor, org.Org{Slug: slug, Name: slug + " 株式会社"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func mustUser(t *testing.T, db *store.DB, email string) int64 {
	t.Helper()
	id, err := db.CreateUser(context.Background(), actor, auth.User{Email: email, Name: email, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestMigrateFromEmpty runs every embedded migration on an empty database
// of each engine, as a new install does. (The other tests on SQLite get a
// copy of a database migrated once per process, see storetest.)
func TestMigrateFromEmpty(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			var dbURL string
			if e == store.Postgres {
				dbURL = storetest.PostgresURL(t)
			}
			db, err := store.Open(ctx, dbURL, t.TempDir(), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if v, err := db.SchemaVersion(ctx); err != nil || v != 0 {
				t.Fatalf("schema of an empty database: got %d, %v, want 0, nil", v, err)
			}
			n, err := db.Migrate(ctx)
			if err != nil || n == 0 {
				t.Fatalf("migrate: got %d applied, %v, want some, nil", n, err)
			}
			if v, err := db.SchemaVersion(ctx); err != nil || v != db.LatestSchema() {
				t.Fatalf("schema after migrate: got %d, %v, want %d", v, err, db.LatestSchema())
			}
			if err := db.CheckSchema(ctx); err != nil {
				t.Fatalf("got %v, want the migrated schema accepted", err)
			}
			// The migrated database works: an organisation and its first
			// member, audited.
			mustOrg(t, db, "kara")
			mustUser(t, db, "first@kara.example")
		})
	}
}

func TestMigrateTwiceAndRefuseNewer(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, _ *clock) {
		ctx := context.Background()
		n, err := db.Migrate(ctx)
		if err != nil || n != 0 {
			t.Fatalf("second migrate: got %d applied, %v, want 0, nil", n, err)
		}
		if err := db.CheckSchema(ctx); err != nil {
			t.Fatalf("got %v, want current schema accepted", err)
		}
		if err := insertVersion(db, db.LatestSchema()+1); err != nil {
			t.Fatal(err)
		}
		err = db.CheckSchema(ctx)
		if e, ok := problem.As(err); !ok || e.Key != "db.schema_newer" {
			t.Fatalf("got %v, want db.schema_newer", err)
		}
		if _, err := db.Migrate(ctx); err == nil {
			t.Fatal("got migrate of a newer schema accepted, want refusal")
		}
	})
}

func TestUsers(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, _ *clock) {
		ctx := context.Background()
		id := mustUser(t, db, "Sato@Example.JP ")
		u, err := db.UserByEmail(ctx, "sato@example.jp")
		if err != nil || u.ID != id {
			t.Fatalf("got %v %v, want user %d by normalised e-mail", u.ID, err, id)
		}
		_, err = db.CreateUser(ctx, actor, auth.User{Email: "sato@example.jp", Name: "x"})
		if e, ok := problem.As(err); !ok || e.Field != "email" {
			t.Fatalf("duplicate e-mail: got %v, want a field error on email", err)
		}
		if _, err := db.User(ctx, 9999); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("got %v, want not found", err)
		}
	})
}

func TestFirstRunSetupOnlyOnce(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, _ *clock) {
		ctx := context.Background()
		_, _, err := db.SetupFirstRun(ctx, actor, auth.User{Email: "a@example.jp", Name: "A", PasswordHash: "x"}, org.Org{Slug: "acme", Name: "Acme"})
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = db.SetupFirstRun(ctx, actor, auth.User{Email: "b@example.jp", Name: "B", PasswordHash: "x"}, org.Org{Slug: "evil", Name: "Evil"})
		if problem.CodeOf(err) != problem.Conflict {
			t.Fatalf("got %v, want conflict on a second setup", err)
		}
		if _, err := db.OrgBySlug(ctx, "evil"); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("got %v, want nothing written by the refused setup", err)
		}
	})
}

func TestTenantIsolation(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, _ *clock) {
		ctx := context.Background()
		a, b := mustOrg(t, db, "org-a"), mustOrg(t, db, "org-b")
		ua, ub := mustUser(t, db, "a@a.jp"), mustUser(t, db, "b@b.jp")
		if err := db.AddMember(ctx, actor, a, ua, org.Owner); err != nil {
			t.Fatal(err)
		}
		if err := db.AddMember(ctx, actor, b, ub, org.Owner); err != nil {
			t.Fatal(err)
		}
		ta, tb := db.Tenant(a), db.Tenant(b)
		if err := tb.AddPeople(ctx, actor, []inventory.Person{{Name: "鈴木一郎", Kana: "スズキイチロウ", EmploymentType: inventory.FullTime}}); err != nil {
			t.Fatal(err)
		}
		bPeople, _, err := tb.People(ctx, store.PeopleQuery{})
		if err != nil || len(bPeople) != 1 {
			t.Fatalf("got %d people, %v, want 1", len(bPeople), err)
		}
		bp := bPeople[0]
		if _, err := ta.Person(ctx, bp.ID); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("org A reading org B's person: got %v, want not found", err)
		}
		bp.Name = "乗っ取り"
		if err := ta.UpdatePerson(ctx, actor, bp); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("org A updating org B's person: got %v, want not found", err)
		}
		if got, _, _ := ta.People(ctx, store.PeopleQuery{}); len(got) != 0 {
			t.Fatalf("got %d people in org A, want 0", len(got))
		}
		if _, err := ta.Member(ctx, ub); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("org A reading org B's member: got %v, want not found", err)
		}
		if err := ta.SetRole(ctx, actor, ub, org.Member); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("org A changing org B's member: got %v, want not found", err)
		}
		entries, err := ta.Audit(ctx, store.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.OrgID != a {
				t.Fatalf("org A's audit shows entry %d of org %d", e.Seq, e.OrgID)
			}
		}
	})
}

func TestAuditChainAndTamper(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, c *clock) {
		ctx := context.Background()
		o := mustOrg(t, db, "chain")
		ten := db.Tenant(o)
		for i := range 5 {
			c.add(time.Minute)
			if err := ten.AddPeople(ctx, actor, []inventory.Person{{Name: fmt.Sprintf("社員%d", i), EmploymentType: inventory.PartTime}}); err != nil {
				t.Fatal(err)
			}
		}
		n, err := db.VerifyAudit(ctx)
		if err != nil || n != 6 {
			t.Fatalf("got %d entries, %v, want 6 intact", n, err)
		}
		// The database itself refuses changes to the trail.
		if err := rawExec(db, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 3"); err == nil {
			t.Fatal("got UPDATE of audit_log accepted, want the trigger to refuse it")
		}
		if err := rawExec(db, "DELETE FROM audit_log WHERE seq = 3"); err == nil {
			t.Fatal("got DELETE of audit_log accepted, want the trigger to refuse it")
		}
		// Someone with the database file drops the guard and edits a row.
		drop := "DROP TRIGGER audit_log_no_update"
		if db.Engine() == store.Postgres {
			drop = "DROP TRIGGER audit_log_no_change ON audit_log"
		}
		if err := rawExec(db, drop); err != nil {
			t.Fatal(err)
		}
		if err := rawExec(db, `UPDATE audit_log SET after_json = '{"name":"改竄"}' WHERE seq = 4`); err != nil {
			t.Fatal(err)
		}
		_, err = db.VerifyAudit(ctx)
		var bl *audit.BrokenLink
		if !errors.As(err, &bl) || bl.Seq != 4 {
			t.Fatalf("got %v, want the chain broken at entry 4", err)
		}
	})
}

func TestConcurrentChangesKeepOneChain(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, _ *clock) {
		ctx := context.Background()
		o := mustOrg(t, db, "busy")
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for i := range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- db.Tenant(o).AddPeople(ctx, actor, []inventory.Person{{Name: fmt.Sprintf("並行%d", i), EmploymentType: inventory.FullTime}})
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		n, err := db.VerifyAudit(ctx)
		if err != nil || n != 41 {
			t.Fatalf("got %d entries, %v, want 41 intact", n, err)
		}
	})
}

func TestPeopleAllOrNothing(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, _ *clock) {
		ctx := context.Background()
		ten := db.Tenant(mustOrg(t, db, "atomic"))
		err := ten.AddPeople(ctx, actor, []inventory.Person{
			{Name: "正しい人", EmploymentType: inventory.FullTime},
			{Name: "日付が逆", EmploymentType: inventory.FullTime, JoinDate: "2026-04-01", LeaveDate: "2025-03-31"},
		})
		if e, ok := problem.As(err); !ok || e.Field != "leave_date" {
			t.Fatalf("got %v, want a leave_date field error", err)
		}
		if got, total, _ := ten.People(ctx, store.PeopleQuery{}); total != 0 || len(got) != 0 {
			t.Fatalf("got %d people after a refused batch, want 0", total)
		}
	})
}

func TestSessions(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, c *clock) {
		ctx := context.Background()
		uid := mustUser(t, db, "s@example.jp")
		_, hash := auth.NewToken()
		now := c.now()
		s := auth.Session{ID: hash, UserID: uid, Stage: auth.StageFull, AMR: "pwd otp", CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(auth.SessionAbsolute)}
		if err := db.StartSession(ctx, actor, s, ""); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.Session(ctx, hash); err != nil {
			t.Fatalf("got %v, want live session", err)
		}
		c.add(auth.SessionIdle + time.Minute)
		if _, _, err := db.Session(ctx, hash); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("idle session: got %v, want not found", err)
		}
		_, h2 := auth.NewToken()
		now = c.now()
		s2 := auth.Session{ID: h2, UserID: uid, Stage: auth.StageFull, AMR: "pwd", CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(auth.SessionAbsolute)}
		if err := db.StartSession(ctx, actor, s2, ""); err != nil {
			t.Fatal(err)
		}
		if err := db.SetDisabled(ctx, actor, uid, true); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.Session(ctx, h2); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("disabled user's session: got %v, want not found", err)
		}
	})
}

func TestOneTimeTokenAndTOTPReplay(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, c *clock) {
		ctx := context.Background()
		uid := mustUser(t, db, "t@example.jp")
		_, hash := auth.NewToken()
		if err := db.CreateOneTimeToken(ctx, actor, store.TokenSignIn, hash, uid, time.Hour); err != nil {
			t.Fatal(err)
		}
		if got, err := db.ConsumeOneTimeToken(ctx, store.TokenSignIn, hash); err != nil || got != uid {
			t.Fatalf("got %d %v, want user %d", got, err, uid)
		}
		if _, err := db.ConsumeOneTimeToken(ctx, store.TokenSignIn, hash); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("second use: got %v, want not found", err)
		}
		ok, err := db.UseTOTPStep(ctx, uid, 100)
		if err != nil || !ok {
			t.Fatalf("got %v %v, want step accepted", ok, err)
		}
		if ok, _ := db.UseTOTPStep(ctx, uid, 100); ok {
			t.Fatal("got the same step accepted twice, want replay refused")
		}
	})
}

func TestLastOwnerStays(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, _ *clock) {
		ctx := context.Background()
		o := mustOrg(t, db, "owners")
		u := mustUser(t, db, "o@example.jp")
		if err := db.AddMember(ctx, actor, o, u, org.Owner); err != nil {
			t.Fatal(err)
		}
		if err := db.Tenant(o).SetRole(ctx, actor, u, org.Member); problem.CodeOf(err) != problem.Conflict {
			t.Fatalf("got %v, want conflict demoting the last owner", err)
		}
		if err := db.Tenant(o).Remove(ctx, actor, u); problem.CodeOf(err) != problem.Conflict {
			t.Fatalf("got %v, want conflict removing the last owner", err)
		}
	})
}

// TestNoCodeChangesAuditRows reads every non-test Go file and SQL migration
// of the module and fails if any statement updates, deletes or truncates
// audit rows, or the details of batch entries: appending is the only path
// the application has.
func TestNoCodeChangesAuditRows(t *testing.T) {
	root := filepath.Join("..", "..")
	bad := regexp.MustCompile(`(?i)(update\s+audit_(log|checkpoint|details|targets)|delete\s+from\s+audit_(log|checkpoint|details|targets)|truncate\s+(table\s+)?audit_(log|checkpoint|details|targets)|drop\s+table\s+audit_(log|checkpoint|details|targets))`)
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || strings.HasSuffix(path, "_test.go") || !(strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".sql")) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checked++
		// The migrations name the statements only to forbid them.
		text := regexp.MustCompile(`(?is)CREATE TRIGGER.*?(END;|\);)`).ReplaceAllString(string(b), "")
		if m := bad.FindString(text); m != "" {
			t.Errorf("%s: %q changes audit rows", path, m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 10 {
		t.Fatalf("checked %d files, want the whole module", checked)
	}
}
