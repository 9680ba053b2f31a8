package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
)

func TestInventoryRecords(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, _ *clock) {
		ctx := context.Background()
		a, b := db.Tenant(mustOrg(t, db, "inv-a")), db.Tenant(mustOrg(t, db, "inv-b"))
		if err := a.AddPeople(ctx, actor, []inventory.Person{{Name: "佐藤", Email: "sato@a.example", EmploymentType: inventory.FullTime}}); err != nil {
			t.Fatal(err)
		}
		people, _, _ := a.People(ctx, store.PeopleQuery{})
		gws := inventory.Service{Name: "Google Workspace", Category: inventory.Cloud, MFA: inventory.MFAAvailable, InternetFacing: true, SSO: true}
		if err := a.SaveService(ctx, actor, &gws); err != nil {
			t.Fatal(err)
		}
		acc := inventory.Account{ServiceID: gws.ID, PersonID: people[0].ID, LoginID: "sato@a.example", Kind: inventory.Personal, Privilege: inventory.Admin, MFA: inventory.MFAOff, Status: inventory.Active, LastLogin: "2026-11-01"}
		if err := a.SaveAccount(ctx, actor, &acc); err != nil {
			t.Fatal(err)
		}
		dev := inventory.Device{Name: "PC-001", Kind: inventory.PC, Ownership: inventory.CompanyIssued, Network: inventory.Internal, DiskEncryption: inventory.No}
		if err := a.SaveDevice(ctx, actor, &dev); err != nil {
			t.Fatal(err)
		}
		asset := inventory.Asset{Name: "顧客名簿", Medium: "Google ドライブ", PersonalInfo: true, Confidentiality: 3, Integrity: 2, Availability: 2,
			ServiceIDs: []int64{gws.ID}, DeviceIDs: []int64{dev.ID}, PaperLocations: []string{"総務部キャビネット"}}
		if err := a.SaveAsset(ctx, actor, &asset); err != nil {
			t.Fatal(err)
		}
		sh := inventory.Share{ServiceID: gws.ID, Path: "/顧客名簿.xlsx", Scope: inventory.AnyoneWithLink, Permission: inventory.ShareView, AssetID: asset.ID}
		if err := a.SaveShare(ctx, actor, &sh); err != nil {
			t.Fatal(err)
		}
		got, err := a.Asset(ctx, asset.ID)
		if err != nil || !reflect.DeepEqual(got.PaperLocations, asset.PaperLocations) || !reflect.DeepEqual(got.ServiceIDs, asset.ServiceIDs) || got.Importance() != 3 {
			t.Fatalf("got asset %+v (%v), want places and importance 3 back", got, err)
		}
		gotAcc, _ := a.Account(ctx, acc.ID)
		if gotAcc.LoginID != acc.LoginID || gotAcc.MFA != inventory.MFAOff || gotAcc.PersonID != people[0].ID {
			t.Fatalf("got account %+v, want it as saved", gotAcc)
		}
		gotSvc, _ := a.Service(ctx, gws.ID)
		if !gotSvc.SSO || !gotSvc.InternetFacing {
			t.Fatalf("got service %+v, want flags kept", gotSvc)
		}

		// Organisation B cannot read, change or point at A's records.
		if _, err := b.Account(ctx, acc.ID); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("B reading A's account: got %v, want not found", err)
		}
		stolen := acc
		if err := b.SaveAccount(ctx, actor, &stolen); problem.CodeOf(err) != problem.Invalid {
			t.Fatalf("B saving onto A's service: got %v, want refusal", err)
		}
		bsvc := inventory.Service{Name: "Box", Category: inventory.Cloud, MFA: inventory.MFAAvailable}
		if err := b.SaveService(ctx, actor, &bsvc); err != nil {
			t.Fatal(err)
		}
		acc2 := inventory.Account{ID: acc.ID, ServiceID: bsvc.ID, LoginID: "x", Kind: inventory.Personal, Privilege: inventory.View, MFA: inventory.MFAOn, Status: inventory.Active}
		if err := b.SaveAccount(ctx, actor, &acc2); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("B updating A's account id: got %v, want not found", err)
		}

		// Saving an unchanged record writes nothing to the trail.
		before, _ := db.VerifyAudit(ctx)
		same := got
		if err := a.SaveAsset(ctx, actor, &same); err != nil {
			t.Fatal(err)
		}
		if after, _ := db.VerifyAudit(ctx); after != before {
			t.Fatalf("got %d audit entries after an unchanged save, want %d", after, before)
		}
		// Validation names the field.
		bad := got
		bad.Confidentiality = 4
		if e, ok := problem.As(a.SaveAsset(ctx, actor, &bad)); !ok || e.Field != "confidentiality" {
			t.Fatalf("C=4: got %v, want a confidentiality field error", e)
		}

		d, err := a.Inventory(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(d.People) != 1 || len(d.Services) != 1 || len(d.Accounts) != 1 || len(d.Devices) != 1 || len(d.Assets) != 1 || len(d.Shares) != 1 || len(d.Assets[0].PaperLocations) != 1 {
			t.Fatalf("got inventory %d/%d/%d/%d/%d/%d, want one of each with places", len(d.People), len(d.Services), len(d.Accounts), len(d.Devices), len(d.Assets), len(d.Shares))
		}
		list, total, err := a.Accounts(ctx, store.ListQuery{Search: "sato", Filters: map[string]string{"privilege": "admin"}, Sort: "-login_id"})
		if err != nil || total != 1 || len(list) != 1 {
			t.Fatalf("filtered list: got %d (%v), want 1", total, err)
		}
		if _, _, err := a.Accounts(ctx, store.ListQuery{Filters: map[string]string{"1=1; --": "x"}}); problem.CodeOf(err) != problem.Invalid {
			t.Fatalf("filter on an unknown column: got %v, want refusal", err)
		}
	})
}

// TestNaturalKeysFolded: a record whose natural key differs from another's
// only in case, width or spacing is refused as a duplicate, as an import
// would match it to the other, and so is a second person with one address;
// the record itself may be saved again.
func TestNaturalKeysFolded(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, _ *clock) {
		ctx := context.Background()
		a := db.Tenant(mustOrg(t, db, "fold"))
		svc := inventory.Service{Name: "Slack", Category: inventory.Cloud, MFA: inventory.MFAAvailable}
		if err := a.SaveService(ctx, actor, &svc); err != nil {
			t.Fatal(err)
		}
		if err := a.SaveService(ctx, actor, &svc); err != nil {
			t.Fatalf("saving the same service again: %v", err)
		}
		acc := inventory.Account{ServiceID: svc.ID, LoginID: "Sato@A.example", Kind: inventory.Personal, Privilege: inventory.Edit, MFA: inventory.MFAOn, Status: inventory.Active}
		if err := a.SaveAccount(ctx, actor, &acc); err != nil {
			t.Fatal(err)
		}
		other := inventory.Service{Name: "Zoom", Category: inventory.Cloud, MFA: inventory.MFAAvailable}
		if err := a.SaveService(ctx, actor, &other); err != nil {
			t.Fatal(err)
		}
		if err := a.AddPeople(ctx, actor, []inventory.Person{{Name: "佐藤", Email: "sato@a.example", EmploymentType: inventory.FullTime}}); err != nil {
			t.Fatal(err)
		}
		for name, save := range map[string]func() error{
			"service ｓｌａｃｋ": func() error {
				return a.SaveService(ctx, actor, &inventory.Service{Name: "ｓｌａｃｋ ", Category: inventory.Cloud, MFA: inventory.MFANone})
			},
			"service renamed onto another": func() error { o := other; o.Name = "SLACK"; return a.SaveService(ctx, actor, &o) },
			"account in another case": func() error {
				return a.SaveAccount(ctx, actor, &inventory.Account{ServiceID: svc.ID, LoginID: "sato@a.example", Kind: inventory.Personal, Privilege: inventory.Edit, MFA: inventory.MFAOn, Status: inventory.Active})
			},
			"person with a taken address": func() error {
				return a.AddPeople(ctx, actor, []inventory.Person{{Name: "佐藤 二郎", Email: "SATO@a.example", EmploymentType: inventory.FullTime}})
			},
		} {
			e, ok := problem.As(save())
			if !ok || e.Key != "inventory.duplicate" {
				t.Errorf("%s: got %v, want inventory.duplicate", name, e)
			}
		}
		// The same login in another service is another account.
		if err := a.SaveAccount(ctx, actor, &inventory.Account{ServiceID: other.ID, LoginID: "sato@a.example", Kind: inventory.Personal, Privilege: inventory.Edit, MFA: inventory.MFAOn, Status: inventory.Active}); err != nil {
			t.Errorf("same login in another service: %v", err)
		}
	})
}
