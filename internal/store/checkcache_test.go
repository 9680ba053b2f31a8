package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
	"github.com/mamori-sec/mamori/internal/synth"
)

// evaluateAll runs every check on what ForChecks reads, and returns the
// findings, each written out in full, sorted.
func evaluateAll(t *testing.T, ten store.Tenant, day time.Time) []string {
	t.Helper()
	d, err := ten.ForChecks(context.Background(), day.Format(time.DateOnly))
	if err != nil {
		t.Fatal(err)
	}
	fs := findings.Evaluate(&findings.Snapshot{Today: day, People: d.People, Services: d.Services, Accounts: d.Accounts,
		Devices: d.Devices, Assets: d.Assets, Shares: d.Shares})
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = fmt.Sprintf("%+v", f)
	}
	slices.Sort(out)
	return out
}

// TestChecksKeptFindTheSame: the inventory ForChecks keeps between
// evaluations gives exactly the findings a fresh read gives, after a change
// to each kind of record made through another store on the same database
// (another app server), and on another day. Each change must alter the
// findings, so that a copy kept too long would be seen.
func TestChecksKeptFindTheSame(t *testing.T) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			db, other := storetest.OpenTwo(t, e, nil)
			org := mustOrg(t, db, "synth")
			ten, elsewhere := db.Tenant(org), other.Tenant(org)
			if err := ten.BulkLoad(ctx, actor, synth.Generate(3, synth.Small, benchDay)); err != nil {
				t.Fatal(err)
			}
			cold := func(day time.Time) []string {
				store.DropChecks(db)
				return evaluateAll(t, ten, day)
			}
			want := cold(benchDay)
			if got := evaluateAll(t, ten, benchDay); !slices.Equal(got, want) {
				t.Fatalf("got %d findings from the kept inventory, want the %d of a fresh read", len(got), len(want))
			}
			d, err := ten.Inventory(ctx)
			if err != nil {
				t.Fatal(err)
			}
			changes := []struct {
				name   string
				change func() error
			}{
				{"person leaves", func() error {
					p := d.People[0]
					p.LeaveDate = "2026-01-31"
					return elsewhere.UpdatePerson(ctx, actor, p)
				}},
				{"account becomes an admin without MFA", func() error {
					a := d.Accounts[1]
					a.Privilege, a.MFA, a.Status = inventory.Admin, inventory.MFAOff, inventory.Active
					return elsewhere.SaveAccount(ctx, actor, &a)
				}},
				{"share opened to anyone", func() error {
					for _, s := range d.Shares {
						if s.Scope == inventory.WholeOrg {
							s.Scope, s.ExpiresOn = inventory.AnyoneWithLink, ""
							return elsewhere.SaveShare(ctx, actor, &s)
						}
					}
					return fmt.Errorf("no share inside the company")
				}},
				{"asset found to hold My Number data", func() error {
					for _, s := range d.Shares {
						a, err := elsewhere.Asset(ctx, s.AssetID)
						if s.Scope == inventory.WholeOrg && s.AssetID != 0 && err == nil && !a.MyNumber {
							a.MyNumber = true
							return elsewhere.SaveAsset(ctx, actor, &a)
						}
					}
					return fmt.Errorf("no asset without My Number data shared inside the company")
				}},
				{"device without disk encryption", func() error {
					for _, x := range d.Devices {
						if x.Kind == inventory.PC && x.DiskEncryption == inventory.Yes && x.DisposedOn == "" {
							x.DiskEncryption = inventory.No
							return elsewhere.SaveDevice(ctx, actor, &x)
						}
					}
					return fmt.Errorf("no encrypted PC in use")
				}},
			}
			for _, c := range changes {
				before := evaluateAll(t, ten, benchDay)
				if err := c.change(); err != nil {
					t.Fatalf("%s: %v", c.name, err)
				}
				got := evaluateAll(t, ten, benchDay)
				want := cold(benchDay)
				if !slices.Equal(got, want) {
					t.Fatalf("%s: got %d findings from the kept inventory, want the %d of a fresh read", c.name, len(got), len(want))
				}
				if slices.Equal(want, before) {
					t.Fatalf("%s: the findings did not change, so the test proves nothing", c.name)
				}
			}
			evaluateAll(t, ten, benchDay)
			later := benchDay.AddDate(1, 0, 0)
			if got, want := evaluateAll(t, ten, later), cold(later); !slices.Equal(got, want) {
				t.Fatalf("a year later: got %d findings from the kept inventory, want the %d of a fresh read", len(got), len(want))
			}
		})
	}
}
