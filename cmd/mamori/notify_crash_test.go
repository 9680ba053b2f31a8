package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/jobs"
	"github.com/mamori-sec/mamori/internal/notify"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/seal"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// slowHook is a Slack webhook on loopback that takes its time, so the
// server can be killed while digests are being sent; it counts the
// messages of each recipient for the digest day.
type slowHook struct {
	mu   sync.Mutex
	got  map[string]int
	seen int
}

var introRE = regexp.MustCompile(`(user-\d+), here is what needs your attention on 2026/05/07`)

func (h *slowHook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	time.Sleep(150 * time.Millisecond)
	var p struct {
		Blocks []struct {
			Text struct {
				Text string `json:"text"`
			} `json:"text"`
		} `json:"blocks"`
	}
	_ = json.Unmarshal(b, &p)
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, bl := range p.Blocks {
		if m := introRE.FindStringSubmatch(bl.Text.Text); m != nil {
			h.got[m[1]]++
			h.seen++
		}
	}
	io.WriteString(w, "ok")
}

func (h *slowHook) count() (int, map[string]int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	m := make(map[string]int, len(h.got))
	for k, v := range h.got {
		m[k] = v
	}
	return h.seen, m
}

// TestDigestsSurviveKill9: thirty digests are queued; the server is
// killed with SIGKILL while it sends them; after a restart every digest is
// done, except those running at the kill, which River gives back to the
// queue after jobs.RescueAfter (their delivery record says "sending", so
// they are sent then). No digest recorded as sent before the kill is sent
// again; only one in flight at the kill can arrive twice (a chat webhook
// takes no idempotency key).
func TestDigestsSurviveKill9(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			data := t.TempDir()
			dbURL := ""
			if engine == store.Postgres {
				dbURL = storetest.PostgresURL(t)
			}
			hook := &slowHook{got: map[string]int{}}
			srv := httptest.NewServer(hook)
			defer srv.Close()

			db, err := store.Open(ctx, dbURL, data, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := jobs.Migrate(ctx, db); err != nil {
				t.Fatal(err)
			}
			key, err := seal.LoadOrCreateKey(filepath.Join(data, "secret.key"))
			if err != nil {
				t.Fatal(err)
			}
			box, _ := seal.New(key)
			db.SetAuditKey(audit.DeriveKey(key))
			sys := audit.Actor{Label: "test"}
			orgID, err := db.CreateOrg(ctx, sys, org.Org{Slug: "crash", Name: "Crash Co"}, 0)
			if err != nil {
				t.Fatal(err)
			}
			ten := db.Tenant(orgID)
			const people = 30
			for i := range people {
				id, err := db.CreateUser(ctx, sys, auth.User{Email: fmt.Sprintf("user-%d@example.jp", i), Name: fmt.Sprintf("user-%d", i), PasswordHash: "x", Locale: "en"})
				if err != nil {
					t.Fatal(err)
				}
				if err := db.AddMember(ctx, sys, orgID, id, org.Keeper); err != nil {
					t.Fatal(err)
				}
				if err := db.SetNotifyPrefs(ctx, sys, id, notify.Prefs{Kinds: []notify.Kind{notify.Slack}, Hours: notify.DefaultHours}); err != nil {
					t.Fatal(err)
				}
			}
			ch := notify.Channel{Kind: notify.Slack, Enabled: true, Secret: box.Seal([]byte(srv.URL+"/hook"), notify.SealContext(orgID, notify.Slack))}
			if err := ten.SaveChannel(ctx, sys, ch, false); err != nil {
				t.Fatal(err)
			}
			check := findings.Checks()[0]
			if _, err := ten.SyncFindings(ctx, sys, []findings.Result{{CheckID: check.ID, Subject: findings.Ref{Kind: findings.Kind("person"), ID: 1}, Severity: check.Severity}}, "2026-05-07"); err != nil {
				t.Fatal(err)
			}
			// Queue the digests of Thursday 2026-05-07 as the scheduler would
			// have at 9:05 that day.
			cat, _ := i18n.Load()
			q, err := jobs.Open(db, jobs.Config{Notify: jobs.Notify{Box: box, Catalogue: cat, Now: func() time.Time {
				return time.Date(2026, 5, 7, 9, 5, 0, 0, calendar.Japan)
			}}})
			if err != nil {
				t.Fatal(err)
			}
			if n, err := q.QueueDigests(ctx); err != nil || n != people {
				t.Fatalf("queued %d (%v), want %d", n, err, people)
			}

			env := []string{"MAMORI_DATA=" + data, "MAMORI_DB=" + dbURL, "LANG=en_US.UTF-8"}
			a := startChild(t, env, "serve -addr 127.0.0.1:0")
			deadline := time.Now().Add(60 * time.Second)
			for {
				if n, _ := hook.count(); n >= 4 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("no digests sent before the kill\n%s", a.output())
				}
				time.Sleep(10 * time.Millisecond)
			}
			if err := a.cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			a.cmd.Wait()
			sentBefore := map[string]bool{}
			ds, err := ten.Deliveries(ctx, 1000)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range ds {
				if d.Status == store.DeliverySent {
					sentBefore[d.UserName] = true
				}
			}
			if len(sentBefore) == people {
				t.Fatalf("all %d digests were sent before the kill; the test killed too late", people)
			}

			// A job running at the kill stays "running" until River's rescuer
			// gives it back (jobs.RescueAfter): one whose last attempt began
			// before the restart (a fetch the database committed as the process
			// died counts too). Every other digest must be done.
			restarted := time.Now()
			b := startChild(t, env, "serve -addr 127.0.0.1:0")
			var orphans map[int64]bool
			deadline = time.Now().Add(120 * time.Second)
			for {
				vs, err := q.OrgJobs(ctx, orgID, 1000)
				if err != nil {
					t.Fatal(err)
				}
				completed, waiting := 0, 0
				orphans = map[int64]bool{}
				for _, v := range vs {
					switch {
					case v.Kind != "digest":
					case v.State == "completed":
						completed++
					case v.State == "running" && v.AttemptedAt.Before(restarted):
						orphans[v.ID] = true
						waiting++
					}
				}
				if completed+waiting == people {
					break
				}
				if time.Now().After(deadline) {
					var others []string
					for _, v := range vs {
						if v.Kind == "digest" && v.State != "completed" && !orphans[v.ID] {
							others = append(others, fmt.Sprintf("%d %s attempt %d %s", v.ID, v.State, v.Attempt, v.Error))
						}
					}
					t.Fatalf("after the restart: %d digests done, %d awaiting rescue; want %d; others: %v\n%s", completed, waiting, people, others, b.output())
				}
				time.Sleep(50 * time.Millisecond)
			}
			ds, err = ten.Deliveries(ctx, 1000)
			if err != nil {
				t.Fatal(err)
			}
			// Every digest done has its delivery recorded sent; one cut off by
			// the kill has a record still "sending" (or none, if it was killed
			// before claiming it), which the rescued job completes.
			sent := 0
			for _, d := range ds {
				if d.Status == store.DeliverySent {
					sent++
				}
			}
			if sent < people-len(orphans) {
				t.Errorf("got %d deliveries recorded sent, want at least %d (%d people, %d cut off by the kill)", sent, people-len(orphans), people, len(orphans))
			}
			_, got := hook.count()
			twice := 0
			for name, n := range got {
				if n > 1 {
					twice++
					if sentBefore[name] {
						t.Errorf("%s: got %d digests, want 1: their delivery was recorded sent before the kill", name, n)
					}
				}
			}
			// The jobs running at the kill have not run again yet (they wait
			// for the rescue), and every other one checked its delivery record
			// first: nobody has a second message.
			if twice != 0 {
				t.Errorf("%d people got their digest twice, want none", twice)
			}
			t.Logf("%d of %d sent before the kill; %d running at the kill, awaiting rescue", len(sentBefore), people, len(orphans))
		})
	}
}
