package jobs_test

import (
	"context"
	"strconv"
	"testing"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/jobs"
	"github.com/mamori-sec/mamori/internal/jobs/jobstest"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store"
)

// BenchmarkChange measures one inventory edit (a service's department,
// one audited transaction) on SQLite without the queue and with the
// evaluation's River insert in the same transaction: the difference is
// what the durable follow-up costs each change. A burst of edits hits the
// unique job, so from the second edit on the insert finds a duplicate.
//
//	go test -run '^$' -bench BenchmarkChange -benchtime 2000x ./internal/jobs/
func BenchmarkChange(b *testing.B) {
	for _, queued := range []bool{false, true} {
		name := "without_queue"
		if queued {
			name = "with_river_insert"
		}
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			db := jobstest.Open(b, store.SQLite, nil)
			if queued {
				if _, err := jobs.Open(db, jobs.Config{}); err != nil {
					b.Fatal(err)
				}
			}
			sys := audit.Actor{Label: "bench"}
			id, err := db.CreateOrg(ctx, sys, org.Org{Slug: "bench", Name: "ベンチ"}, 0)
			if err != nil {
				b.Fatal(err)
			}
			t := db.Tenant(id)
			svc := inventory.Service{Name: "kintone", Category: inventory.Cloud, MFA: inventory.MFAAvailable}
			if err := t.SaveService(ctx, sys, &svc); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := range b.N {
				svc.OwnerDepartment = "部署" + strconv.Itoa(i)
				if err := t.SaveService(ctx, sys, &svc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
