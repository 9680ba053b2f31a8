package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/jobs"
	"github.com/mamori-sec/mamori/internal/jobs/jobstest"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// TestInventoryChangeSyncsRoutines: an inventory change enqueues the
// organisation's evaluation in its own transaction, and the evaluation
// brings the routines in step — nobody calls the sync by hand — even
// when the change arrives while a sync is running.
func TestInventoryChangeSyncsRoutines(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			db := jobstest.Open(t, engine, nil)
			q, err := jobs.Open(db, jobs.Config{Work: true, Delay: -1, PollInterval: 20 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			sys := audit.Actor{Label: "test"}
			id, err := db.CreateOrg(ctx, sys, org.Org{Slug: "routines", Name: "定期業務株式会社"}, 0)
			if err != nil {
				t.Fatal(err)
			}
			ten := db.Tenant(id)
			if err := q.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				defer cancel()
				q.Stop(sctx)
			})
			has := func(chore string) bool {
				rs, err := ten.Routines(ctx)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range rs {
					if r.Chore.ID == chore && r.Applicable {
						return true
					}
				}
				return false
			}
			// The daily evaluations at start give the empty company its yearly chores;
			// after it, only the change's own follow-up can add more.
			wait := func(chore, msg string) {
				deadline := time.Now().Add(30 * time.Second)
				for !has(chore) {
					if time.Now().After(deadline) {
						t.Fatal(msg)
					}
					time.Sleep(20 * time.Millisecond)
				}
			}
			wait("yearly.policy_review", "got no yearly chores after start, want them")
			dev := inventory.Device{Name: "本社VPN", Kind: inventory.VPN, Ownership: inventory.CompanyIssued, Network: inventory.Internal}
			if err := ten.SaveDevice(ctx, sys, &dev); err != nil {
				t.Fatal(err)
			}
			wait("quarterly.network_firmware", "got no firmware check after adding a VPN appliance, want one")
			due, err := ten.Occurrences(ctx, store.OccurrenceQuery{AnyAssignee: true, Waiting: true})
			if err != nil || len(due) == 0 {
				t.Fatalf("got %d occurrences %v, want the next one of each routine", len(due), err)
			}
		})
	}
}
