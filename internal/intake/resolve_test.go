package intake_test

import (
	"testing"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/importer"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/posture"
	"github.com/mamori-sec/mamori/internal/store"
)

// TestImportResolvesFinding: a finding that an import makes go away is
// resolved by the import's entry, although the import records the change
// to the account only in that entry's details.
func TestImportResolvesFinding(t *testing.T) {
	eachEngine(t, func(t *testing.T, f *fixture) {
		people := []inventory.Person{{Name: "山田 太郎", Email: "yamada@example.co.jp", EmploymentType: inventory.FullTime, LeaveDate: "2026-01-31"}}
		if err := f.ten.AddPeople(f.ctx, audit.System, people); err != nil {
			t.Fatal(err)
		}
		row := importer.AccountRow{ServiceName: "Slack", PersonEmail: "yamada@example.co.jp"}
		row.LoginID, row.Kind, row.Privilege, row.MFA, row.Status = "yamada@example.co.jp", inventory.Personal, inventory.Edit, inventory.MFAOn, inventory.Active
		f.apply("accounts.csv", csvOf(t, importer.Accounts, "ja", row), "", "", "")
		if _, err := posture.Evaluate(f.ctx, f.ten, audit.System, today); err != nil {
			t.Fatal(err)
		}
		open, _, err := f.ten.Findings(f.ctx, store.FindingQuery{CheckID: "people.departed_active", Status: findings.Open})
		if err != nil || len(open) != 1 {
			t.Fatalf("got %d departed-with-active-account findings (%v), want 1", len(open), err)
		}
		row.Status = inventory.Suspended
		f.apply("accounts.csv", csvOf(t, importer.Accounts, "ja", row), "", "", "")
		if _, err := posture.Evaluate(f.ctx, f.ten, audit.System, today); err != nil {
			t.Fatal(err)
		}
		entries, err := f.ten.Audit(f.ctx, store.AuditFilter{Action: "import.apply", Limit: 1})
		if err != nil || len(entries) != 1 {
			t.Fatalf("got %d import entries (%v)", len(entries), err)
		}
		got, err := f.ten.Finding(f.ctx, open[0].ID)
		if err != nil || got.Status != findings.Resolved || got.ResolvedBy != entries[0].Seq {
			t.Fatalf("got %s resolved by %d (%v), want resolved by the import's entry %d", got.Status, got.ResolvedBy, err, entries[0].Seq)
		}
	})
}
