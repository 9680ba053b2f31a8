package posture_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/demo"
	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/posture"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// TestEvaluateDemoAndResolve evaluates the demo company, then suspends a
// departed person's accounts and expects that finding to resolve, naming
// the change that resolved it.
func TestEvaluateDemoAndResolve(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
			db := storetest.Open(t, engine, func() time.Time { return now })
			if _, err := demo.Seed(ctx, db, now); err != nil {
				t.Fatal(err)
			}
			o, err := db.OrgBySlug(ctx, demo.Slug)
			if err != nil {
				t.Fatal(err)
			}
			ten := db.Tenant(o.ID)
			res, err := posture.Evaluate(ctx, ten, audit.System, now)
			if err != nil {
				t.Fatal(err)
			}
			if res.Sync.Opened < 40 || res.Score.Value >= 60 || res.Score.Count(int(findings.Critical)) == 0 {
				t.Fatalf("got %+v score %d, want many findings, criticals and a low score on the demo", res.Sync, res.Score.Value)
			}
			// A low score that still moves: not pinned at 0.
			if !res.Score.Assessed || res.Score.Exact <= 0 || res.Score.Exact >= 100 || res.Score.AreasAssessed != 6 {
				t.Fatalf("got score %.2f over %d areas, want strictly between 0 and 100 over all six", res.Score.Exact, res.Score.AreasAssessed)
			}
			first := res.Score
			again, err := posture.Evaluate(ctx, ten, audit.System, now)
			if err != nil || again.Sync.Opened+again.Sync.Resolved != 0 {
				t.Fatalf("second evaluation: got %+v %v, want no transitions", again.Sync, err)
			}
			open, _, err := ten.Findings(ctx, store.FindingQuery{CheckID: "people.departed_active", Status: findings.Open})
			if err != nil || len(open) == 0 {
				t.Fatalf("got %d departed-with-active-account findings (%v), want some", len(open), err)
			}
			target := open[0]
			accs, _, err := ten.Accounts(ctx, store.ListQuery{Filters: map[string]string{"person_id": itoa(target.Subject.ID)}, Limit: 100})
			if err != nil || len(accs) == 0 {
				t.Fatalf("got %d accounts (%v)", len(accs), err)
			}
			for i := range accs {
				accs[i].Status = inventory.Suspended
				if err := ten.SaveAccount(ctx, audit.Actor{Label: "keeper"}, &accs[i]); err != nil {
					t.Fatal(err)
				}
			}
			last, _ := db.Version(ctx)
			res, err = posture.Evaluate(ctx, ten, audit.System, now)
			if err != nil || res.Sync.Resolved == 0 {
				t.Fatalf("after suspending: got %+v %v, want resolutions", res.Sync, err)
			}
			if !(res.Score.Exact > first.Exact) || res.Score.Shown() == first.Shown() {
				t.Fatalf("after suspending a leaver's accounts: score %s, before %s, want it higher", res.Score.Shown(), first.Shown())
			}
			f, err := ten.Finding(ctx, target.ID)
			if err != nil || f.Status != findings.Resolved || f.ResolvedBy == 0 || f.ResolvedBy > last {
				t.Fatalf("got %+v (%v), want resolved by a change up to entry %d", f, err, last)
			}
			rep, err := posture.BuildReport(ctx, ten, demo.Slug, "")
			if err != nil || len(rep.Findings) == 0 || rep.Score == nil || *rep.Score != res.Score.Value || rep.Confidence != 100 {
				t.Fatalf("report: got %d findings score %v (%v), want the evaluation's", len(rep.Findings), rep.Score, err)
			}
			hist, _ := ten.PostureHistory(ctx, "2026-01-01")
			if len(hist) != 1 || hist[0].Score != res.Score.Value || hist[0].Method != store.ScoreByArea || hist[0].Confidence != 100 {
				t.Fatalf("got history %+v, want today's score", hist)
			}
			if _, err := db.VerifyAudit(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestEvaluateEmptyAndPeopleOnly: a company with nothing in its inventory
// has no score (and no day of history), and one with only its staff does
// not pass with 100.
func TestEvaluateEmptyAndPeopleOnly(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
			db := storetest.Open(t, engine, func() time.Time { return now })
			id, err := db.CreateOrg(ctx, audit.System, org.Org{Slug: "empty", Name: "空の会社"}, 0)
			if err != nil {
				t.Fatal(err)
			}
			ten := db.Tenant(id)
			res, err := posture.Evaluate(ctx, ten, audit.System, now)
			if err != nil {
				t.Fatal(err)
			}
			if res.Score.Assessed || res.Score.Value == 100 {
				t.Fatalf("empty inventory: got %+v, want no score", res.Score)
			}
			if hist, _ := ten.PostureHistory(ctx, "2026-01-01"); len(hist) != 0 {
				t.Fatalf("empty inventory: got history %+v, want none", hist)
			}
			if rep, err := posture.BuildReport(ctx, ten, "empty", ""); err != nil || rep.Score != nil {
				t.Fatalf("empty inventory report: got score %v (%v), want null", rep.Score, err)
			}
			staff := []inventory.Person{
				{Name: "山田 花子", Email: "hanako@example.jp", EmploymentType: inventory.FullTime, JoinDate: "2020-04-01"},
				{Name: "鈴木 一郎", Email: "ichiro@example.jp", EmploymentType: inventory.FullTime, JoinDate: "2021-04-01"},
			}
			if err := ten.AddPeople(ctx, audit.System, staff); err != nil {
				t.Fatal(err)
			}
			res, err = posture.Evaluate(ctx, ten, audit.System, now)
			if err != nil {
				t.Fatal(err)
			}
			if res.Score.Assessed || res.Score.Value == 100 || res.Score.AreasAssessed != 1 || res.Score.Confidence != 10 {
				t.Fatalf("people only: got %s (assessed %v) over %d areas (confidence %d), want no score, one area, confidence 10",
					res.Score.Shown(), res.Score.Assessed, res.Score.AreasAssessed, res.Score.Confidence)
			}
		})
	}
}
