package demo

import (
	"context"
	"testing"

	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// TestSeedSelfdiag: each demo company has a self-diagnosis from a year
// ago and a better one from two weeks ago, and cloud checks on two
// services, one of them complete (its service's check date set).
func TestSeedSelfdiag(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, "sqlite", nil)
	if _, err := Seed(ctx, db, today); err != nil {
		t.Fatal(err)
	}
	for _, slug := range []string{"sakura-seiki", "aoba-koumuten"} {
		o, err := db.OrgBySlug(ctx, slug)
		if err != nil {
			t.Fatal(err)
		}
		ten := db.Tenant(o.ID)
		list, err := ten.Sittings(ctx)
		if err != nil || len(list) != 2 {
			t.Fatalf("%s: %d sittings (%v), want 2", slug, len(list), err)
		}
		if recent, old := list[0].Result().Total, list[1].Result().Total; recent <= old || list[0].TakenOn.AddDays(-300) < list[1].TakenOn {
			t.Errorf("%s: totals %d then %d, want an improvement", slug, old, recent)
		}
		services, _, _ := ten.Services(ctx, store.ListQuery{Limit: 200})
		complete, checked := 0, 0
		for _, s := range services {
			if s.Category != inventory.Cloud {
				continue
			}
			cs, _ := ten.CloudChecks(ctx, s.ID)
			if len(cs) > 0 {
				checked++
				if cs[0].Complete && s.CloudCheckDone == cs[0].CheckedOn.String() {
					complete++
				}
			}
		}
		if checked != 2 || complete != 1 {
			t.Errorf("%s: %d services checked, %d complete; want 2 and 1", slug, checked, complete)
		}
	}
}
