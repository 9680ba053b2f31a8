package store_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
)

func TestFindingLifecycle(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, c *clock) {
		ctx := context.Background()
		ten := db.Tenant(mustOrg(t, db, "life"))
		svc := inventory.Service{Name: "Google Workspace", Category: inventory.Cloud, MFA: inventory.MFAAvailable}
		if err := ten.SaveService(ctx, actor, &svc); err != nil {
			t.Fatal(err)
		}
		acc := inventory.Account{ServiceID: svc.ID, LoginID: "old@x.example", Kind: inventory.Personal, Privilege: inventory.View, MFA: inventory.MFAOn, Status: inventory.Active}
		if err := ten.SaveAccount(ctx, actor, &acc); err != nil {
			t.Fatal(err)
		}
		in := findings.Result{CheckID: "accounts.unlinked", Subject: findings.Ref{Kind: findings.KindAccount, ID: acc.ID}, Severity: findings.Medium, Evidence: `[{"kind":"account","id":` + itoa(acc.ID) + `}]`}
		res, err := ten.SyncFindings(ctx, actor, []findings.Result{in}, "2026-04-01")
		if err != nil || res.Opened != 1 || res.Open != 1 {
			t.Fatalf("first sync: got %+v %v, want one opened", res, err)
		}
		// The same result again changes nothing and writes nothing.
		n0, _ := db.VerifyAudit(ctx)
		if res, err = ten.SyncFindings(ctx, actor, []findings.Result{in}, "2026-04-01"); err != nil || res.Opened+res.Resolved != 0 {
			t.Fatalf("second sync: got %+v %v, want no transition", res, err)
		}
		if n1, _ := db.VerifyAudit(ctx); n1 != n0 {
			t.Fatalf("got %d audit entries after a quiet sync, want %d", n1, n0)
		}
		// The keeper fixes the data; the finding resolves and names the change.
		c.add(time.Hour)
		acc.Status = inventory.Suspended
		if err := ten.SaveAccount(ctx, actor, &acc); err != nil {
			t.Fatal(err)
		}
		fixSeq, _ := db.VerifyAudit(ctx)
		if res, err = ten.SyncFindings(ctx, actor, nil, "2026-04-01"); err != nil || res.Resolved != 1 {
			t.Fatalf("sync after fix: got %+v %v, want one resolved", res, err)
		}
		all, _, _ := ten.Findings(ctx, store.FindingQuery{Status: findings.Resolved})
		if len(all) != 1 || all[0].ResolvedBy != fixSeq || all[0].ResolvedAt.IsZero() {
			t.Fatalf("got %+v, want resolved by audit entry %d", all, fixSeq)
		}
		// It comes back, is accepted until a date, and reopens after it.
		if res, _ = ten.SyncFindings(ctx, actor, []findings.Result{in}, "2026-04-02"); res.Reopened != 1 {
			t.Fatalf("got %+v, want reopened", res)
		}
		id := all[0].ID
		if err := ten.AcceptFinding(ctx, actor, id, "", "2026-05-01", "2026-04-02"); problem.CodeOf(err) != problem.Invalid {
			t.Fatalf("accept without reason: got %v, want refusal", err)
		}
		if err := ten.AcceptFinding(ctx, actor, id, "取引先との共同作業が3月末まで続くため", "2026-05-01", "2026-04-02"); err != nil {
			t.Fatal(err)
		}
		if res, _ = ten.SyncFindings(ctx, actor, []findings.Result{in}, "2026-04-30"); res.Accepted != 1 || res.Expired != 0 {
			t.Fatalf("before expiry: got %+v, want still accepted", res)
		}
		if res, _ = ten.SyncFindings(ctx, actor, []findings.Result{in}, "2026-05-02"); res.Expired != 1 || res.Open != 1 {
			t.Fatalf("after expiry: got %+v, want reopened", res)
		}
		if _, err := db.VerifyAudit(ctx); err != nil {
			t.Fatal(err)
		}
		entries, _ := ten.Audit(ctx, store.AuditFilter{Action: "finding."})
		if len(entries) != 5 {
			t.Fatalf("got %d finding transitions in the trail, want 5 (open, resolve, reopen, accept, expire)", len(entries))
		}
		// Each entry exactly as the trail has always had it.
		target, subject := "finding:"+itoa(id), `"subject":"account:`+itoa(acc.ID)+`"`
		want := []string{
			`finding.expire ` + target + ` {"status":"accepted"} {"check":"accounts.unlinked","status":"open",` + subject + `}`,
			`finding.accept ` + target + ` {"status":"open"} {"check":"accounts.unlinked","reason":"取引先との共同作業が3月末まで続くため","status":"accepted","until":"2026-05-01"}`,
			`finding.reopen ` + target + ` {"status":"resolved"} {"check":"accounts.unlinked","status":"open",` + subject + `}`,
			`finding.resolve ` + target + ` {"status":"open"} {"check":"accounts.unlinked","status":"resolved",` + subject + `}`,
			`finding.open ` + target + `  {"check":"accounts.unlinked","status":"open",` + subject + `}`,
		}
		for i, e := range entries {
			if got := e.Action + " " + e.Target + " " + e.Before + " " + e.After; got != want[i] {
				t.Errorf("entry %d: got %s, want %s", i, got, want[i])
			}
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
