package store_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/posture"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// TestNames: one lookup names the records of every kind an organisation
// has — more than one chunk of ids of a kind, a finding with its subject,
// a member — and leaves out another organisation's ids.
func TestNames(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, _ *clock) {
		ctx := context.Background()
		a, b := db.Tenant(mustOrg(t, db, "names-a")), db.Tenant(mustOrg(t, db, "names-b"))
		user := mustUser(t, db, "keeper@names.example")
		if err := db.AddMember(ctx, actor, a.OrgID(), user, "keeper"); err != nil {
			t.Fatal(err)
		}
		var people []inventory.Person
		for i := range 700 {
			people = append(people, inventory.Person{Name: fmt.Sprintf("従業員%03d", i), EmploymentType: inventory.FullTime})
		}
		if err := a.AddPeople(ctx, actor, people); err != nil {
			t.Fatal(err)
		}
		if err := b.AddPeople(ctx, actor, []inventory.Person{{Name: "他社の人", EmploymentType: inventory.FullTime}}); err != nil {
			t.Fatal(err)
		}
		records := func(ten store.Tenant, tag string) (svc inventory.Service, acc inventory.Account, dev inventory.Device, sh inventory.Share) {
			svc = inventory.Service{Name: tag + "ドライブ", Category: inventory.Cloud, MFA: inventory.MFAAvailable}
			check(t, ten.SaveService(ctx, actor, &svc))
			acc = inventory.Account{ServiceID: svc.ID, LoginID: "admin@" + tag + ".example", Kind: inventory.Personal, Privilege: inventory.Admin, MFA: inventory.MFAOff, Status: inventory.Active}
			check(t, ten.SaveAccount(ctx, actor, &acc))
			dev = inventory.Device{Name: tag + "-PC", Kind: inventory.PC, Ownership: inventory.CompanyIssued, Network: inventory.Internal}
			check(t, ten.SaveDevice(ctx, actor, &dev))
			sh = inventory.Share{ServiceID: svc.ID, Path: "/" + tag + "/共有", Scope: inventory.AnyoneWithLink, Permission: inventory.ShareView}
			check(t, ten.SaveShare(ctx, actor, &sh))
			return
		}
		svc, acc, dev, sh := records(a, "alpha")
		bsvc, bacc, _, bsh := records(b, "bravo")
		if _, err := a.SyncFindings(ctx, audit.System, []findings.Result{{CheckID: "accounts.admin_no_mfa", Subject: findings.Ref{Kind: findings.KindAccount, ID: acc.ID}, Severity: findings.Critical, Evidence: "[]"}}, "2026-11-23"); err != nil {
			t.Fatal(err)
		}
		found, _, err := a.Findings(ctx, store.FindingQuery{})
		if err != nil || len(found) != 1 {
			t.Fatalf("got %d findings (%v), want 1", len(found), err)
		}
		stored, _, err := a.People(ctx, store.PeopleQuery{Limit: 1000})
		if err != nil || len(stored) != 700 {
			t.Fatalf("got %d people (%v)", len(stored), err)
		}
		bPeople, _, _ := b.People(ctx, store.PeopleQuery{})
		want := inventory.Want{}
		for _, p := range stored {
			want.Add("person", p.ID)
		}
		for _, r := range []inventory.Ref{ref("service", svc.ID), ref("account", acc.ID), ref("device", dev.ID), ref("share", sh.ID), ref("finding", found[0].ID),
			ref("user", user), ref("org", a.OrgID()), ref("person", bPeople[0].ID), ref("service", bsvc.ID), ref("account", bacc.ID), ref("share", bsh.ID), ref("org", b.OrgID())} {
			want[r] = struct{}{}
		}
		names, err := a.Names(ctx, want)
		if err != nil {
			t.Fatal(err)
		}
		tr := func(key string, args ...any) string {
			return fmt.Sprintf(map[string]string{"name.with_service": "%[1]s (%[2]s)", "name.with_type": "%[1]s [%[2]s]", "inv.device.kind.pc": "PC", "name.finding": "%[1]s: %[2]s", "check.accounts.admin_no_mfa.title": "No MFA"}[key], args...)
		}
		for r, label := range map[inventory.Ref]string{
			{Kind: "person", ID: stored[650].ID}: stored[650].Name,
			{Kind: "service", ID: svc.ID}:        "alphaドライブ",
			{Kind: "account", ID: acc.ID}:        "admin@alpha.example (alphaドライブ)",
			{Kind: "device", ID: dev.ID}:         "alpha-PC [PC]",
			{Kind: "share", ID: sh.ID}:           "/alpha/共有 (alphaドライブ)",
			{Kind: "finding", ID: found[0].ID}:   "No MFA: admin@alpha.example (alphaドライブ)",
			{Kind: "user", ID: user}:             "keeper@names.example",
			{Kind: "org", ID: a.OrgID()}:         "names-a 株式会社",
		} {
			n, ok := names[r]
			if got := n.Label(tr); !ok || got != label {
				t.Errorf("%v: got %q (found %v), want %q", r, got, ok, label)
			}
		}
		if got := len(names); got != 700+7 {
			t.Errorf("got %d names, want the 700 people and 7 other records of this organisation only", got)
		}
		for _, r := range []inventory.Ref{ref("person", bPeople[0].ID), ref("service", bsvc.ID), ref("account", bacc.ID), ref("share", bsh.ID), ref("org", b.OrgID())} {
			if n, ok := names[r]; ok {
				t.Errorf("%v of another organisation named %q", r, n.Name)
			}
		}
	})
}

func ref(kind string, id int64) inventory.Ref { return inventory.Ref{Kind: kind, ID: id} }

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkNamesLarge measures naming one page of the 10,000-person
// tenant: the records of its first hundred findings with their evidence,
// and of its latest hundred audit entries. See docs/perf.md.
func BenchmarkNamesLarge(b *testing.B) {
	for _, e := range storetest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			ctx := context.Background()
			db := storetest.Open(b, e, nil)
			ten := db.Tenant(mustOrg(b, db, "large"))
			loadLarge(b, ten, e)
			if _, err := posture.Evaluate(ctx, ten, audit.System, benchDay.Add(time.Hour)); err != nil {
				b.Fatal(err)
			}
			runtime.GC()
			page, _, err := ten.Findings(ctx, store.FindingQuery{Limit: 100})
			if err != nil || len(page) == 0 {
				b.Fatalf("got %d findings (%v)", len(page), err)
			}
			b.Run("findings-page", func(b *testing.B) {
				var n int
				for b.Loop() {
					want := inventory.Want{}
					for _, f := range page {
						want.Add(string(f.Subject.Kind), f.Subject.ID)
						for _, r := range f.Proof() {
							want.Add(string(r.Kind), r.ID)
						}
					}
					names, err := ten.Names(ctx, want)
					if err != nil {
						b.Fatal(err)
					}
					n = len(names)
				}
				b.ReportMetric(float64(n), "names")
			})
			entries, err := ten.Audit(ctx, store.AuditFilter{Limit: 100})
			if err != nil {
				b.Fatal(err)
			}
			b.Run("audit-page", func(b *testing.B) {
				var n int
				for b.Loop() {
					want := inventory.Want{}
					for _, en := range entries {
						want.AddTarget(en.Target)
					}
					names, err := ten.Names(ctx, want)
					if err != nil {
						b.Fatal(err)
					}
					n = len(names)
				}
				b.ReportMetric(float64(n), "names")
			})
		})
	}
}
