package jobs_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/demo"
	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/jobs"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/posture"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// TestConcurrentEvaluationsTransitionOnce: evaluations of one
// organisation started at once (the worker, the evaluate button, the CLI)
// take turns, so each finding opens exactly once. Without the lease they
// both read "no findings yet" and both open them.
func TestConcurrentEvaluationsTransitionOnce(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			db := storetest.Open(t, engine, nil)
			if _, err := demo.Seed(ctx, db, db.Now()); err != nil {
				t.Fatal(err)
			}
			o, err := db.OrgBySlug(ctx, demo.Slug)
			if err != nil {
				t.Fatal(err)
			}
			ten := db.Tenant(o.ID)
			const n = 6
			var wg sync.WaitGroup
			var mu sync.Mutex
			ran, busy := 0, 0
			start := make(chan struct{})
			for range n {
				wg.Go(func() {
					<-start
					for {
						_, err := posture.Evaluate(ctx, ten, audit.System, db.Now())
						mu.Lock()
						switch {
						case errors.Is(err, store.ErrEvaluationBusy):
							busy++
							mu.Unlock()
							time.Sleep(5 * time.Millisecond)
							continue
						case err != nil:
							t.Error(err)
						default:
							ran++
						}
						mu.Unlock()
						return
					}
				})
			}
			close(start)
			wg.Wait()
			if ran != n {
				t.Fatalf("got %d evaluations done, want %d", ran, n)
			}
			entries, err := ten.Audit(ctx, store.AuditFilter{Action: "finding."})
			if err != nil {
				t.Fatal(err)
			}
			opened := map[string]int{}
			for _, e := range entries {
				if e.Action == "finding.open" {
					opened[e.Target]++
				}
			}
			_, open, err := ten.Findings(ctx, store.FindingQuery{Status: findings.Open})
			if err != nil {
				t.Fatal(err)
			}
			if open == 0 || len(opened) != open {
				t.Fatalf("got %d findings opened in the trail, %d open findings; want the same, above zero", len(opened), open)
			}
			for target, k := range opened {
				if k != 1 {
					t.Errorf("%s: opened %d times, want once", target, k)
				}
			}
			t.Logf("%d evaluations, %d waited for the lease, %d findings", ran, busy, open)
		})
	}
}

// TestTwoServersRunEachJobOnce: two app servers on one PostgreSQL, both
// working the queue; every organisation's evaluation job runs once.
func TestTwoServersRunEachJobOnce(t *testing.T) {
	if len(storetest.Engines()) < 2 {
		t.Skip("MAMORI_TEST_POSTGRES is not set")
	}
	ctx := context.Background()
	url := storetest.PostgresURL(t)
	open := func() *store.DB {
		db, err := store.Open(ctx, url, t.TempDir(), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := jobs.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		return db
	}
	dbs := []*store.DB{open(), open()}
	var queues []*jobs.Queue
	for _, db := range dbs {
		q, err := jobs.Open(db, jobs.Config{Work: true, Delay: -1, PollInterval: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		queues = append(queues, q)
	}
	// Changes through both servers, before either works: one job each.
	const orgs = 12
	sys := audit.Actor{Label: "test"}
	for i := range orgs {
		db := dbs[i%2]
		id, err := db.CreateOrg(ctx, sys, org.Org{Slug: fmt.Sprintf("org-%d", i), Name: fmt.Sprintf("組織%d", i)}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Tenant(id).AddPeople(ctx, sys, []inventory.Person{{Name: "山田花子", Kana: "ヤマダハナコ", EmploymentType: inventory.FullTime}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range queues {
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			q.Stop(sctx)
		})
	}
	raw, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var unfinished int
		if err := raw.QueryRow("SELECT count(*) FROM river_job WHERE kind = 'evaluate' AND state <> 'completed'").Scan(&unfinished); err != nil {
			t.Fatal(err)
		}
		var pending int
		if err := raw.QueryRow("SELECT count(*) FROM org_evaluation WHERE changed <> evaluated").Scan(&pending); err != nil {
			t.Fatal(err)
		}
		if unfinished == 0 && pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("got %d evaluation jobs unfinished, %d organisations unevaluated; want none", unfinished, pending)
		}
		time.Sleep(20 * time.Millisecond)
	}
	rows, err := raw.Query("SELECT args->>'org_id', attempt, cardinality(attempted_by) FROM river_job WHERE kind = 'evaluate'")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	perOrg := map[string]int{}
	for rows.Next() {
		var orgID string
		var attempt, by int
		if err := rows.Scan(&orgID, &attempt, &by); err != nil {
			t.Fatal(err)
		}
		if attempt != 1 || by != 1 {
			t.Errorf("org %s: job attempted %d times by %d clients, want once", orgID, attempt, by)
		}
		perOrg[orgID]++
	}
	if len(perOrg) != orgs {
		t.Fatalf("got jobs for %d organisations, want %d", len(perOrg), orgs)
	}
	for orgID, k := range perOrg {
		if k != 1 {
			t.Errorf("org %s: %d evaluation jobs, want 1 (unique per organisation)", orgID, k)
		}
	}
}
