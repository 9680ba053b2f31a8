package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// noopArgs is a job that does nothing, to measure the queue itself.
type noopArgs struct {
	OrgID int64 `json:"org_id"`
	N     int   `json:"n"`
}

func (noopArgs) Kind() string { return "bench_noop" }

// BenchmarkQueueThroughput measures, on each engine, the queue's own cost:
// 5,000 no-op jobs inserted with InsertMany in batches of 500 (as the
// digest scheduler inserts) and worked to completion by one client (10
// workers, polling every 50 ms), beside the bare rate of inserting the same
// number of rows into a plain two-column table in transactions of 500, in
// the same run on the same database.
//
//	go test -run '^$' -bench BenchmarkQueueThroughput -benchtime 1x -count 3 ./internal/jobs/
//	MAMORI_TEST_POSTGRES=postgres://… go test -run '^$' -bench BenchmarkQueueThroughput -benchtime 1x -count 3 ./internal/jobs/
func BenchmarkQueueThroughput(b *testing.B) {
	const jobs = 5000
	for _, engine := range storetest.Engines() {
		b.Run(string(engine), func(b *testing.B) {
			for range b.N {
				ctx := context.Background()
				db := storetest.Open(b, engine, nil)
				if _, err := Migrate(ctx, db); err != nil {
					b.Fatal(err)
				}
				pool, err := db.QueuePool()
				if err != nil {
					b.Fatal(err)
				}
				plain := plainInserts(b, pool, engine, jobs)

				drv, err := driver(db)
				if err != nil {
					b.Fatal(err)
				}
				workers := river.NewWorkers()
				river.AddWorker(workers, river.WorkFunc(func(context.Context, *river.Job[noopArgs]) error { return nil }))
				client, err := river.NewClient(drv, &river.Config{Workers: workers, PollOnly: true, FetchPollInterval: 50 * time.Millisecond,
					FetchCooldown: 10 * time.Millisecond, Queues: map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: 10}}})
				if err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				for i := 0; i < jobs; i += 500 {
					params := make([]river.InsertManyParams, 0, 500)
					for j := i; j < i+500 && j < jobs; j++ {
						params = append(params, river.InsertManyParams{Args: noopArgs{OrgID: 1, N: j}})
					}
					if _, err := client.InsertMany(ctx, params); err != nil {
						b.Fatal(err)
					}
				}
				inserted := time.Since(start)
				start = time.Now()
				if err := client.Start(ctx); err != nil {
					b.Fatal(err)
				}
				for {
					res, err := client.JobList(ctx, river.NewJobListParams().States(rivertype.JobStateAvailable, rivertype.JobStateRunning).First(1))
					if err != nil {
						b.Fatal(err)
					}
					if len(res.Jobs) == 0 {
						break
					}
					time.Sleep(20 * time.Millisecond)
				}
				worked := time.Since(start)
				sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				client.Stop(sctx)
				cancel()
				b.ReportMetric(float64(jobs)/plain.Seconds(), "plain_rows/s")
				b.ReportMetric(float64(jobs)/inserted.Seconds(), "inserted_jobs/s")
				b.ReportMetric(float64(jobs)/worked.Seconds(), "worked_jobs/s")
			}
		})
	}
}

// plainInserts times n single-row inserts into a plain table, in
// transactions of 500.
func plainInserts(b *testing.B, pool *sql.DB, engine store.Engine, n int) time.Duration {
	b.Helper()
	ph := "?"
	if engine == store.Postgres {
		ph = "$1"
	}
	if _, err := pool.Exec("CREATE TABLE bench_plain (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)"); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	for i := 0; i < n; i += 500 {
		tx, err := pool.Begin()
		if err != nil {
			b.Fatal(err)
		}
		for j := i; j < i+500 && j < n; j++ {
			if _, err := tx.Exec("INSERT INTO bench_plain (id, payload) VALUES ("+fmt.Sprint(j)+", "+ph+")", `{"org_id":1}`); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start)
}
