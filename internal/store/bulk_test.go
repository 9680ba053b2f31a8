package store_test

import (
	"context"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
	"github.com/mamori-sec/mamori/internal/synth"
)

var benchDay = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// TestBulkLoadEvaluatesAsInMemory loads a small synthetic company and
// checks that evaluating it from the database finds exactly what evaluating
// the generated records directly finds.
func TestBulkLoadEvaluatesAsInMemory(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, _ *clock) {
		ctx := context.Background()
		mustOrg(t, db, "other-first") // ids in the database are not 1..n
		ten := db.Tenant(mustOrg(t, db, "synth"))
		data := synth.Generate(7, synth.Small, benchDay)
		direct := findings.Evaluate(&findings.Snapshot{Today: benchDay, People: data.People, Services: data.Services, Accounts: data.Accounts,
			Devices: data.Devices, Assets: data.Assets, Shares: data.Shares})
		if err := ten.BulkLoad(ctx, actor, data); err != nil {
			t.Fatal(err)
		}
		loaded, err := ten.ForChecks(ctx, benchDay.Format(time.DateOnly))
		if err != nil {
			t.Fatal(err)
		}
		fromDB := findings.Evaluate(&findings.Snapshot{Today: benchDay, People: loaded.People, Services: loaded.Services, Accounts: loaded.Accounts,
			Devices: loaded.Devices, Assets: loaded.Assets, Shares: loaded.Shares})
		count := func(fs []findings.Finding) map[string]int {
			m := map[string]int{}
			for _, f := range fs {
				m[f.CheckID]++
			}
			return m
		}
		a, b := count(direct), count(fromDB)
		if len(direct) == 0 || len(a) != len(b) {
			t.Fatalf("got %d checks firing from the database, %d in memory", len(b), len(a))
		}
		for k, v := range a {
			if b[k] != v {
				t.Errorf("%s: got %d from the database, want %d", k, b[k], v)
			}
		}
		if _, err := db.VerifyAudit(ctx); err != nil {
			t.Fatal(err)
		}
		// New records after a bulk load get fresh ids.
		// (A copy of a loaded person under another address: one address
		// belongs to one person.)
		again := loaded.People[0]
		again.Email = "again." + again.Email
		if err := ten.AddPeople(ctx, actor, []inventory.Person{again}); err != nil {
			t.Fatalf("insert after bulk load: %v", err)
		}
	})
}

// BenchmarkEvaluateLarge measures, on each engine, a bare SQL scan of the
// inventory tables of a 10,000-person tenant (50,000 accounts, 20,000
// devices, 5,000 assets, 1,000,000 shares) against the full evaluation
// (read the inventory, run every check), in the same run: reading every
// record (cold), with the inventory kept since the last evaluation and
// nothing changed, and after an edit of one person or of one share. See
// docs/perf.md.
func BenchmarkEvaluateLarge(b *testing.B) {
	for _, e := range storetest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			ctx := context.Background()
			db := storetest.Open(b, e, nil)
			ten := db.Tenant(mustOrg(b, db, "large"))
			loadLarge(b, ten, e)
			runtime.GC() // the generated records are garbage now
			b.Run("scan", func(b *testing.B) {
				for b.Loop() {
					if _, err := store.ScanAll(ctx, db, ten.OrgID()); err != nil {
						b.Fatal(err)
					}
				}
			})
			// evaluate times evaluations, each after before (untimed), with
			// what ForChecks keeps read beforehand when prime is set.
			evaluate := func(b *testing.B, prime bool, before func()) {
				store.DropChecks(db)
				if prime {
					if _, err := ten.ForChecks(ctx, benchDay.Format(time.DateOnly)); err != nil {
						b.Fatal(err)
					}
				}
				debug.FreeOSMemory() // peak RSS from the live heap on
				resetPeakRSS()
				var n int
				for b.Loop() {
					if before != nil {
						b.StopTimer()
						before()
						b.StartTimer()
					}
					d, err := ten.ForChecks(ctx, benchDay.Format(time.DateOnly))
					if err != nil {
						b.Fatal(err)
					}
					n = len(findings.Evaluate(&findings.Snapshot{Today: benchDay, People: d.People, Services: d.Services, Accounts: d.Accounts,
						Devices: d.Devices, Assets: d.Assets, Shares: d.Shares}))
				}
				b.ReportMetric(float64(n), "findings")
				b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
			}
			// Every record read afresh: the first evaluation after a start.
			b.Run("evaluate-cold", func(b *testing.B) {
				evaluate(b, false, func() { store.DropChecks(db); runtime.GC() })
			})
			// Nothing changed since the last evaluation: a daily run, an
			// evaluation queued twice.
			b.Run("evaluate", func(b *testing.B) { evaluate(b, true, nil) })
			// One person edited between evaluations: the people are read
			// again.
			d, err := ten.Inventory(ctx)
			if err != nil {
				b.Fatal(err)
			}
			edit := func(save func(i int) error) func() {
				i := 0
				return func() {
					i++
					if err := save(i); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.Run("evaluate-after-person-edit", func(b *testing.B) {
				p := d.People[0]
				evaluate(b, true, edit(func(i int) error {
					p.Department = "部署" + strconv.Itoa(i)
					return ten.UpdatePerson(ctx, actor, p)
				}))
			})
			// One share edited between evaluations: the shares are read
			// again, the other kinds are not.
			b.Run("evaluate-after-share-edit", func(b *testing.B) {
				sh, err := ten.Share(ctx, d.Shares[0].ID)
				if err != nil {
					b.Fatal(err)
				}
				evaluate(b, true, edit(func(i int) error {
					sh.Owner = "owner" + strconv.Itoa(i) + "@example.co.jp"
					return ten.SaveShare(ctx, actor, &sh)
				}))
			})
		})
	}
}

// resetPeakRSS clears the kernel's high-water mark of this process (Linux).
func resetPeakRSS() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

func peakRSSMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			return kb / 1024
		}
	}
	return 0
}

func loadLarge(b *testing.B, ten store.Tenant, e store.Engine) {
	start := time.Now()
	if err := ten.BulkLoad(context.Background(), actor, synth.Generate(1, synth.Large, benchDay)); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: bulk load of the large tenant took %s", e, time.Since(start).Round(time.Millisecond))
}
