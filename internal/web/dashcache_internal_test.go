package web

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// TestDashCacheConcurrentReaders has many requests ask for figures that are
// not cached at once: each gets them, read once and then kept, and a change
// makes the next request read them again.
func TestDashCacheConcurrentReaders(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, store.SQLite, nil)
	actor := audit.Actor{Label: "test"}
	id, err := db.CreateOrg(ctx, actor, org.Org{Slug: "dash", Name: "ダッシュ株式会社"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	ten := db.Tenant(id)
	if err := ten.AddPeople(ctx, actor, []inventory.Person{{Name: "佐藤", EmploymentType: inventory.FullTime}}); err != nil {
		t.Fatal(err)
	}
	var c dashCache
	now := time.Now()
	var wg sync.WaitGroup
	got := make([]dashData, 16)
	for i := range got {
		wg.Go(func() {
			d, err := c.get(ctx, db, ten, now)
			if err != nil {
				t.Error(err)
			}
			got[i] = d
		})
	}
	wg.Wait()
	for i, d := range got {
		if d.summary.People != 1 || d.version != got[0].version {
			t.Fatalf("reader %d: got %d people at version %d, want 1 at %d", i, d.summary.People, d.version, got[0].version)
		}
	}
	if len(c.filling) != 0 || c.entries[id].d.version != got[0].version {
		t.Fatalf("after the readers: %d readings in flight, cached version %d, want none and %d", len(c.filling), c.entries[id].d.version, got[0].version)
	}
	if err := ten.AddPeople(ctx, actor, []inventory.Person{{Name: "鈴木", EmploymentType: inventory.FullTime}}); err != nil {
		t.Fatal(err)
	}
	if d, err := c.get(ctx, db, ten, now); err != nil || d.summary.People != 2 {
		t.Fatalf("after a change: got %d people (%v), want 2", d.summary.People, err)
	}
}
