package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/store"
)

// TestBatchAsOneEntry: a batch recorded as one entry writes one entry
// whose details hold every record's change; each record's history still
// shows its change; the chain verifies; and altering, removing or adding
// details or their targets breaks the verification, even with the
// database's guards dropped.
func TestBatchAsOneEntry(t *testing.T) {
	tamper := []struct {
		name string
		sql  string
	}{
		{"body edited", `UPDATE audit_details SET body = replace(body, 'user0700', 'mallory') WHERE part = 1`},
		{"chunk removed", `DELETE FROM audit_details WHERE part = 2`},
		{"target removed", `DELETE FROM audit_targets WHERE target LIKE 'person:%' AND seq = (SELECT MAX(seq) FROM audit_targets)`},
		{"target added", `INSERT INTO audit_targets (org_id, target, seq) SELECT org_id, 'person:999999', seq FROM audit_targets LIMIT 1`},
	}
	for _, tc := range tamper {
		t.Run(tc.name, func(t *testing.T) {
			each(t, func(t *testing.T, db *store.DB, _ *clock) {
				ctx := context.Background()
				ten := db.Tenant(mustOrg(t, db, "kaisha"))
				svc := inventory.Service{Name: "Slack", Category: inventory.Cloud, MFA: inventory.MFAAvailable}
				if err := ten.SaveService(ctx, actor, &svc); err != nil {
					t.Fatal(err)
				}
				people := []inventory.Person{{Name: "佐藤 花子", Email: "sato@kaisha.example", Department: "営業部", EmploymentType: inventory.FullTime}}
				if err := ten.AddPeople(ctx, actor, people); err != nil {
					t.Fatal(err)
				}
				d, err := ten.Inventory(ctx)
				if err != nil {
					t.Fatal(err)
				}
				sato := d.People[0]
				before, err := db.VerifyAudit(ctx)
				if err != nil {
					t.Fatal(err)
				}
				list := make([]*inventory.Account, 1200)
				for i := range list {
					list[i] = &inventory.Account{ServiceID: svc.ID, LoginID: fmt.Sprintf("user%04d@kaisha.example", i), Kind: inventory.Personal,
						Privilege: inventory.Edit, MFA: inventory.MFAOn, Status: inventory.Active}
				}
				ev := audit.Event{Action: "import.apply", Target: "import:test", After: map[string]any{"file": "accounts.csv"}}
				if err := ten.BatchAs(ctx, actor, ev, func(w *store.Writer) error {
					sato.Department = "営業二部"
					if err := w.Person(ctx, &sato); err != nil {
						return err
					}
					return w.AddAccounts(ctx, list)
				}); err != nil {
					t.Fatal(err)
				}
				n, err := db.VerifyAudit(ctx)
				if err != nil || n != before+1 {
					t.Fatalf("got %d entries (%v), want %d: one for the batch", n, err, before+1)
				}
				entries, err := ten.Audit(ctx, store.AuditFilter{Limit: 1})
				if err != nil || len(entries) != 1 || entries[0].Action != "import.apply" || !strings.Contains(entries[0].After, `"details_records":1201,`) ||
					!strings.Contains(entries[0].After, `"file":"accounts.csv"`) {
					t.Fatalf("got %+v %v, want the batch's entry with 1201 records in its details", entries, err)
				}
				entry := entries[0]
				hist, err := ten.History(ctx, fmt.Sprintf("person:%d", sato.ID))
				if err != nil || len(hist) != 2 || hist[0].Seq != entry.Seq || hist[0].Action != "person.update" ||
					!strings.Contains(hist[0].Before, "営業部") || !strings.Contains(hist[0].After, "営業二部") || hist[1].Action != "person.create" {
					t.Fatalf("got %+v %v, want the batch's department change, then the creation", hist, err)
				}
				last := list[1199]
				hist, err = ten.History(ctx, fmt.Sprintf("account:%d", last.ID))
				if err != nil || len(hist) != 1 || hist[0].Action != "account.create" || hist[0].Seq != entry.Seq || hist[0].Actor != actor.Label ||
					!strings.Contains(hist[0].After, last.LoginID) {
					t.Fatalf("got %+v %v, want the creation of %s in the batch's entry", hist, err, last.LoginID)
				}
				// The database refuses changes to the details.
				if err := rawExec(db, "DELETE FROM audit_targets"); err == nil {
					t.Fatal("got DELETE of audit_targets accepted, want the trigger to refuse it")
				}
				if err := rawExec(db, "UPDATE audit_details SET body = '[]'"); err == nil {
					t.Fatal("got UPDATE of audit_details accepted, want the trigger to refuse it")
				}
				// Someone with the database file drops the guards and edits.
				for _, tr := range []string{"audit_details_no_update", "audit_details_no_delete", "audit_targets_no_update", "audit_targets_no_delete"} {
					drop := "DROP TRIGGER " + tr
					if db.Engine() == store.Postgres {
						if strings.HasSuffix(tr, "_delete") {
							continue
						}
						drop = "DROP TRIGGER " + strings.Replace(strings.TrimSuffix(tr, "_update"), "_no", "", 1) + "_no_change ON " + strings.TrimSuffix(tr, "_no_update")
					}
					if err := rawExec(db, drop); err != nil {
						t.Fatal(err)
					}
				}
				if err := rawExec(db, tc.sql); err != nil {
					t.Fatal(err)
				}
				_, err = db.VerifyAudit(ctx)
				var bl *audit.BrokenLink
				if !errors.As(err, &bl) || bl.Reason != "details" || bl.Seq != entry.Seq {
					t.Fatalf("got %v, want the details of entry %d found broken", err, entry.Seq)
				}
			})
		})
	}
}

// TestAddManyIDsAreTheRows: every record a bulk add gives an id to is the
// row stored under that id, when the organisations' rows interleave (on
// SQLite the ids are counted, not read back).
func TestAddManyIDsAreTheRows(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, _ *clock) {
		ctx := context.Background()
		var tens []store.Tenant
		var svcs []int64
		for _, slug := range []string{"a-sha", "b-sha"} {
			ten := db.Tenant(mustOrg(t, db, slug))
			svc := inventory.Service{Name: "Slack", Category: inventory.Cloud, MFA: inventory.MFAAvailable}
			if err := ten.SaveService(ctx, actor, &svc); err != nil {
				t.Fatal(err)
			}
			tens, svcs = append(tens, ten), append(svcs, svc.ID)
		}
		var all [][]*inventory.Account
		for _, n := range []int{70, 33, 5} {
			for o, ten := range tens {
				list := make([]*inventory.Account, n)
				for i := range list {
					list[i] = &inventory.Account{ServiceID: svcs[o], LoginID: fmt.Sprintf("%d-%d-%03d@kaisha.example", o, n, i), Kind: inventory.Personal,
						Privilege: inventory.Edit, MFA: inventory.MFAOn, Status: inventory.Active}
				}
				if err := ten.Batch(ctx, actor, func(w *store.Writer) error { return w.AddAccounts(ctx, list) }); err != nil {
					t.Fatal(err)
				}
				all = append(all, list)
			}
		}
		for i, list := range all {
			for _, a := range list {
				got, err := tens[i%2].Account(ctx, a.ID)
				if err != nil || got.LoginID != a.LoginID {
					t.Fatalf("account %d: got %q %v, want %q", a.ID, got.LoginID, err, a.LoginID)
				}
			}
		}
	})
}
