package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// BenchmarkSyncRoutines500 is the routines job over 500 organisations,
// each with people, two services with accounts and shares, a PC, a NAS
// and a VPN appliance: "first" generates every organisation's routines and
// their occurrences (one op is all 500; run it with -benchtime=1x, as a
// second op finds nothing to do), "daily" is the daily run that finds
// them up to date.
func BenchmarkSyncRoutines500(b *testing.B) {
	for _, engine := range storetest.Engines() {
		b.Run(string(engine), func(b *testing.B) {
			ctx := context.Background()
			db := storetest.Open(b, engine, nil)
			var tenants []store.Tenant
			for i := range 500 {
				t := db.Tenant(mustOrg(b, db, fmt.Sprintf("org-%03d", i)))
				if err := t.AddPeople(ctx, actor, []inventory.Person{{Name: "山田花子", Kana: "ヤマダハナコ", EmploymentType: inventory.FullTime}}); err != nil {
					b.Fatal(err)
				}
				for _, name := range []string{"Google Workspace", "Box"} {
					s := inventory.Service{Name: name, Category: inventory.Cloud, MFA: inventory.MFAAvailable}
					if err := t.SaveService(ctx, actor, &s); err != nil {
						b.Fatal(err)
					}
					a := inventory.Account{ServiceID: s.ID, LoginID: "a@x.example", Kind: inventory.Personal, Privilege: inventory.Admin, MFA: inventory.MFAOn, Status: inventory.Active}
					if err := t.SaveAccount(ctx, actor, &a); err != nil {
						b.Fatal(err)
					}
					sh := inventory.Share{ServiceID: s.ID, Path: "/共有", Scope: inventory.AnyoneWithLink, Permission: inventory.ShareView}
					if err := t.SaveShare(ctx, actor, &sh); err != nil {
						b.Fatal(err)
					}
				}
				for _, k := range []inventory.DeviceKind{inventory.PC, inventory.NAS, inventory.VPN} {
					d := inventory.Device{Name: string(k), Kind: k, Ownership: inventory.CompanyIssued, Network: inventory.Internal}
					if err := t.SaveDevice(ctx, actor, &d); err != nil {
						b.Fatal(err)
					}
				}
				tenants = append(tenants, t)
			}
			today := calendar.Date(2026, 12, 7)
			run := func(b *testing.B) {
				for b.Loop() {
					for _, t := range tenants {
						if _, err := t.SyncRoutines(ctx, actor, today); err != nil {
							b.Fatal(err)
						}
					}
				}
			}
			b.Run("first", run)
			b.Run("daily", run)
		})
	}
}
