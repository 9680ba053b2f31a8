package main

import (
	"context"
	"database/sql"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/demo"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// TestMain lets a test start this test binary as the real mamori process
// (MAMORI_TEST_CHILD set, arguments after it), so it can be killed with
// SIGKILL like a crashed server.
func TestMain(m *testing.M) {
	if os.Getenv("MAMORI_TEST_CHILD") == "1" {
		os.Args = append(os.Args[:1], strings.Split(os.Getenv("MAMORI_TEST_ARGS"), " ")...)
		main()
		return
	}
	os.Exit(m.Run())
}

// child is a mamori process started from the test binary.
type child struct {
	cmd *exec.Cmd
	mu  sync.Mutex
	out strings.Builder
}

func (c *child) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.out.Write(p)
}

func (c *child) output() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.out.String()
}

// startChild runs mamori with args and env, and waits for /healthz.
func startChild(t *testing.T, env []string, args string) *child {
	t.Helper()
	c := &child{cmd: exec.Command(os.Args[0], "-test.run=^$")}
	c.cmd.Env = append(os.Environ(), append(env, "MAMORI_TEST_CHILD=1", "MAMORI_TEST_ARGS="+args)...)
	c.cmd.Stdout, c.cmd.Stderr = c, c
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.cmd.Process.Kill(); c.cmd.Wait() })
	re := regexp.MustCompile(`http://127\.0\.0\.1:\d+`)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if base := re.FindString(c.output()); base != "" && strings.Contains(c.output(), "level=INFO msg=listening") {
			if res, err := http.Get(base + "/healthz"); err == nil {
				res.Body.Close()
				if res.StatusCode == http.StatusOK {
					return c
				}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("mamori %s did not answer /healthz\n%s", args, c.output())
	return nil
}

// TestQueueSurvivesKill9: the demo's seed enqueues the demo company's
// evaluation in its own transaction; the process is killed with SIGKILL
// before any worker runs it (-work=false); a restarted server runs those
// very jobs (the daily job's start-up run is absorbed by them, being
// unique per organisation).
// With the old in-memory runner the evaluation died with the process.
func TestQueueSurvivesKill9(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			data := t.TempDir()
			dbURL := ""
			if engine == store.Postgres {
				dbURL = storetest.PostgresURL(t)
			}
			env := []string{"MAMORI_DATA=" + data, "MAMORI_DB=" + dbURL, "LANG=en_US.UTF-8"}
			a := startChild(t, env, "demo -addr 127.0.0.1:0 -work=false")

			db, err := store.Open(ctx, dbURL, data, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			o, err := db.OrgBySlug(ctx, demo.Slug)
			if err != nil {
				t.Fatal(err)
			}
			ten := db.Tenant(o.ID)
			_, n, err := ten.Findings(ctx, store.FindingQuery{})
			if err != nil {
				t.Fatal(err)
			}
			ev, err := ten.Evaluation(ctx)
			if err != nil || n != 0 || !ev.Pending {
				t.Fatalf("before the kill: got %d findings, evaluation %+v (%v); want none yet and the evaluation pending", n, ev, err)
			}
			waiting := jobStates(t, engine, dbURL, data, "state IN ('available', 'scheduled')")
			if len(waiting) == 0 {
				t.Fatal("before the kill: no evaluation job waiting in river_job")
			}

			if err := a.cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			a.cmd.Wait()

			b := startChild(t, env, "serve -addr 127.0.0.1:0")
			deadline := time.Now().Add(60 * time.Second)
			for {
				_, n, err = ten.Findings(ctx, store.FindingQuery{})
				if err != nil {
					t.Fatal(err)
				}
				if ev, err = ten.Evaluation(ctx); err != nil {
					t.Fatal(err)
				}
				after := jobStates(t, engine, dbURL, data, "state = 'completed'")
				done := true
				for id := range waiting {
					done = done && after[id] == "completed"
				}
				if n > 0 && !ev.Busy() && done {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("after the restart: got %d findings, evaluation %+v, jobs %v (before the kill %v); want the demo company evaluated by the jobs enqueued before the kill\n%s",
						n, ev, jobStates(t, engine, dbURL, data, "true"), waiting, b.output())
				}
				time.Sleep(50 * time.Millisecond)
			}
			// A clean stop: River's workers end and the process exits 0.
			if err := b.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			if err := b.cmd.Wait(); err != nil {
				t.Fatalf("serve after SIGTERM: %v\n%s", err, b.output())
			}
		})
	}
}

// jobStates returns the evaluation jobs matching where, by id.
func jobStates(t *testing.T, engine store.Engine, dbURL, data, where string) map[int64]string {
	t.Helper()
	driver, dsn := "sqlite", "file:"+data+"/mamori.db?_pragma=busy_timeout(10000)"
	if engine == store.Postgres {
		driver, dsn = "pgx", dbURL
	}
	raw, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	rows, err := raw.Query("SELECT id, state FROM river_job WHERE kind = 'evaluate' AND " + where)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var state string
		if err := rows.Scan(&id, &state); err != nil {
			t.Fatal(err)
		}
		out[id] = state
	}
	return out
}
