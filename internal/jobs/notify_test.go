package jobs_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"
	"github.com/riverqueue/river/rivertype"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/jobs"
	"github.com/mamori-sec/mamori/internal/jobs/jobstest"
	"github.com/mamori-sec/mamori/internal/notify"
	"github.com/mamori-sec/mamori/internal/notify/notifytest"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/routine"
	"github.com/mamori-sec/mamori/internal/seal"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
	"github.com/mamori-sec/mamori/internal/workflow"
)

// fakeRoutines stands for R1's store.Tenant.DueOccurrences: one weekly
// chore due on Monday 2026-05-04 (みどりの日), assigned to everyone asked.
type fakeRoutines struct{}

func (fakeRoutines) DueOccurrences(_ context.Context, userID int64, through calendar.Day) ([]routine.Due, error) {
	on := calendar.Date(2026, 5, 4)
	if through < on {
		return nil, nil
	}
	return []routine.Due{{OccurrenceID: 41, RoutineID: 7, Chore: routine.Chore{ID: "weekly.signin_review"}, On: on, AssigneeID: userID}}, nil
}

// jobClock is the injected clock of the scheduler.
type jobClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *jobClock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *jobClock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// fastRetry retries at once, so a test sees every attempt.
type fastRetry struct{}

func (fastRetry) NextRetry(*rivertype.JobRow) time.Time { return time.Now().Add(10 * time.Millisecond) }

// hook is a loopback Slack webhook counting what it receives.
type hook struct {
	mu     sync.Mutex
	bodies []string
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	h.bodies = append(h.bodies, string(b))
	h.mu.Unlock()
	io.WriteString(w, "ok")
}

func (h *hook) count() int { h.mu.Lock(); defer h.mu.Unlock(); return len(h.bodies) }

type notifyWorld struct {
	db    *store.DB
	q     *jobs.Queue
	box   *seal.Box
	clock *jobClock
	orgID int64
	user  int64
	sink  *notifytest.Sink
}

func newNotifyWorld(t *testing.T, engine store.Engine, sinkTLS bool) *notifyWorld {
	t.Helper()
	ctx := context.Background()
	db := jobstest.Open(t, engine, nil)
	box, err := seal.New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	w := &notifyWorld{db: db, box: box, clock: &jobClock{}, sink: notifytest.Start(t)}
	cfg := jobs.Notify{Box: box, Catalogue: cat, BaseURL: "https://mamori.example", Now: w.clock.now,
		Routines: func(store.Tenant) jobs.DueLister { return fakeRoutines{} }}
	if sinkTLS {
		cfg.TLS = w.sink.TLS()
	}
	w.q, err = jobs.Open(db, jobs.Config{Work: true, Delay: -1, PollInterval: 20 * time.Millisecond, Notify: cfg, RetryPolicy: fastRetry{}})
	if err != nil {
		t.Fatal(err)
	}
	sys := audit.Actor{Label: "test"}
	w.user, err = db.CreateUser(ctx, sys, auth.User{Email: "sato@example.jp", Name: "佐藤 花子", PasswordHash: "x", Locale: "ja"})
	if err != nil {
		t.Fatal(err)
	}
	w.orgID, err = db.CreateOrg(ctx, sys, org.Org{Slug: "demo", Name: "株式会社デモ"}, w.user)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *notifyWorld) start(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	if err := w.q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		w.q.Stop(sctx)
	})
}

func (w *notifyWorld) channel(t *testing.T, ch notify.Channel, secret string) {
	t.Helper()
	if secret != "" {
		ch.Secret = w.box.Seal([]byte(secret), notify.SealContext(w.orgID, ch.Kind))
	}
	if err := w.db.Tenant(w.orgID).SaveChannel(context.Background(), audit.Actor{Label: "test"}, ch, false); err != nil {
		t.Fatal(err)
	}
}

func (w *notifyWorld) smarthost(port int) notify.Channel {
	return notify.Channel{Kind: notify.Email, Enabled: true, Host: "127.0.0.1", Port: port, StartTLS: true,
		Username: notifytest.User, Sender: "mamori <mamori@example.jp>"}
}

// waitFor waits, up to a bound that is not a timing assertion, until ok.
func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func jstAt(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, calendar.Japan)
}

// TestDigestOncePerWorkingDay: with an injected clock, nothing is queued
// on a holiday or before the person's hours; on the next working day at the
// start of their hours one digest is queued and sent by e-mail (through a
// loopback smarthost with STARTTLS and AUTH) and to a Slack webhook, with
// the chore due on the holiday in it; queuing again that day adds nothing.
func TestDigestOncePerWorkingDay(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			w := newNotifyWorld(t, engine, true)
			slack := &hook{}
			srv := httptest.NewServer(slack)
			defer srv.Close()
			w.channel(t, w.smarthost(w.sink.Port), notifytest.Password)
			w.channel(t, notify.Channel{Kind: notify.Slack, Enabled: true}, srv.URL+"/services/T/B/X")
			if err := w.db.SetNotifyPrefs(ctx, audit.Actor{Label: "test"}, w.user, notify.Prefs{Kinds: []notify.Kind{notify.Email, notify.Slack}, Hours: notify.DefaultHours}); err != nil {
				t.Fatal(err)
			}
			for _, at := range []time.Time{jstAt(2026, 5, 4, 10, 0), jstAt(2026, 5, 6, 9, 30), jstAt(2026, 5, 7, 8, 59)} {
				w.clock.set(at)
				if n, err := w.q.QueueDigests(ctx); err != nil || n != 0 {
					t.Fatalf("at %s: queued %d (%v), want none", at, n, err)
				}
			}
			w.clock.set(jstAt(2026, 5, 7, 9, 5))
			if n, err := w.q.QueueDigests(ctx); err != nil || n != 1 {
				t.Fatalf("at 2026-05-07 09:05: queued %d (%v), want 1", n, err)
			}
			if n, err := w.q.QueueDigests(ctx); err != nil || n != 0 {
				t.Fatalf("again: queued %d (%v), want 0", n, err)
			}
			w.start(t)
			waitFor(t, "the digest", func() bool { return len(w.sink.Messages()) == 1 && slack.count() == 1 })
			msg := w.sink.Messages()[0]
			r, err := mail.CreateReader(bytes.NewReader(msg.Data))
			if err != nil {
				t.Fatal(err)
			}
			subj, _ := r.Header.Subject()
			if subj != "【mamori】株式会社デモ：本日の対応 1 件" {
				t.Errorf("subject: got %q", subj)
			}
			if to, _ := r.Header.AddressList("To"); len(to) != 1 || to[0].Address != "sato@example.jp" || to[0].Name != "佐藤 花子" {
				t.Errorf("to: got %v", to)
			}
			if !strings.Contains(string(msg.Data), "/occurrences/41") {
				t.Errorf("the message has no link to the occurrence:\n%s", msg.Data)
			}
			if !strings.Contains(slack.bodies[0], "3日超過") || !strings.Contains(slack.bodies[0], "https://mamori.example/o/demo/occurrences/41") {
				t.Errorf("slack: got %s", slack.bodies[0])
			}
			waitFor(t, "both deliveries recorded", func() bool {
				ds, _ := w.db.Tenant(w.orgID).Deliveries(ctx, 10)
				return len(ds) == 2 && ds[0].Status == store.DeliverySent && ds[1].Status == store.DeliverySent
			})
			if n, err := w.q.QueueDigests(ctx); err != nil || n != 0 {
				t.Fatalf("after sending: queued %d (%v), want 0", n, err)
			}
		})
	}
}

// TestUnreachableRetriedThenFailedVisibly: with the smarthost and the
// webhook unreachable, the digest is retried until River gives up, then
// the jobs list shows it failed with the reason in words; nothing is
// lost: once the settings are fixed, a retry delivers it once, and the
// channel that had worked meanwhile is not sent twice.
func TestUnreachableRetriedThenFailedVisibly(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			w := newNotifyWorld(t, engine, true)
			ln, _ := net.Listen("tcp", "127.0.0.1:0")
			closed := ln.Addr().(*net.TCPAddr).Port
			ln.Close()
			slack := &hook{}
			srv := httptest.NewServer(slack)
			defer srv.Close()
			w.channel(t, w.smarthost(closed), notifytest.Password)
			w.channel(t, notify.Channel{Kind: notify.Slack, Enabled: true}, srv.URL+"/hook")
			if err := w.db.SetNotifyPrefs(ctx, audit.Actor{Label: "test"}, w.user, notify.Prefs{Kinds: []notify.Kind{notify.Email, notify.Slack}, Hours: notify.DefaultHours}); err != nil {
				t.Fatal(err)
			}
			w.clock.set(jstAt(2026, 5, 7, 9, 5))
			if n, err := w.q.QueueDigests(ctx); err != nil || n != 1 {
				t.Fatalf("queued %d (%v), want 1", n, err)
			}
			w.start(t)
			var failed jobs.View
			waitFor(t, "the digest to be discarded", func() bool {
				vs, err := w.q.OrgJobs(ctx, w.orgID, 0)
				if err != nil {
					t.Fatal(err)
				}
				for _, v := range vs {
					if v.Kind == "digest" && v.State == "discarded" {
						failed = v
						return true
					}
				}
				return false
			})
			if failed.Attempt != 8 || failed.Reason != "jobs.reason.refused" || !strings.Contains(failed.Error, "connection refused") || !failed.Retryable() {
				t.Errorf("got %+v, want 8 attempts, refused in words, retryable", failed)
			}
			if slack.count() != 1 {
				t.Errorf("slack got %d messages over 8 attempts, want 1 (its delivery recorded sent)", slack.count())
			}
			ds, _ := w.db.Tenant(w.orgID).Deliveries(ctx, 10)
			for _, d := range ds {
				if d.Kind == notify.Email && (d.Status != store.DeliveryFailed || !strings.Contains(d.Error, "connection refused")) {
					t.Errorf("e-mail delivery: got %+v, want failed with the reason", d)
				}
			}
			// Another organisation cannot retry it; its own owner can.
			if err := w.q.Retry(ctx, audit.Actor{Label: "test"}, w.orgID+1, failed.ID); err == nil {
				t.Error("retry from another organisation: got no error, want not found")
			}
			w.channel(t, w.smarthost(w.sink.Port), "")
			if err := w.q.Retry(ctx, audit.Actor{Label: "test"}, w.orgID, failed.ID); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the retried digest", func() bool { return len(w.sink.Messages()) == 1 })
			waitFor(t, "the job completed", func() bool {
				vs, _ := w.q.OrgJobs(ctx, w.orgID, 5)
				for _, v := range vs {
					if v.ID == failed.ID {
						return v.State == "completed"
					}
				}
				return false
			})
			if slack.count() != 1 {
				t.Errorf("slack got %d messages after the retry, want still 1", slack.count())
			}
			entries, _ := w.db.Tenant(w.orgID).Audit(ctx, store.AuditFilter{})
			found := false
			for _, e := range entries {
				found = found || e.Action == "job.retry"
			}
			if !found {
				t.Error("the retry is not in the audit trail")
			}
		})
	}
}

// TestSendTestMessage: the test button's job sends one message on the
// chosen channel and finishes completed, or discarded with its reason.
func TestSendTestMessage(t *testing.T) {
	ctx := context.Background()
	w := newNotifyWorld(t, store.SQLite, false) // the sink's certificate is not trusted
	w.channel(t, w.smarthost(w.sink.Port), notifytest.Password)
	w.start(t)
	if err := w.q.SendTest(ctx, audit.Actor{Label: "test"}, w.orgID, w.user, notify.Email); err != nil {
		t.Fatal(err)
	}
	var v jobs.View
	waitFor(t, "the test message's result", func() bool {
		vs, _ := w.q.OrgJobs(ctx, w.orgID, 5)
		for _, x := range vs {
			if x.Kind == "notify_test" && (x.State == "discarded" || x.State == "completed") {
				v = x
				return true
			}
		}
		return false
	})
	if v.State != "discarded" || v.Reason != "jobs.reason.tls" || v.Channel != notify.Email {
		t.Errorf("got %+v, want a TLS failure shown", v)
	}
}

// TestTwoServersSendOneDigest: two app servers on one PostgreSQL, both
// working the queue, both scheduling (the periodic digest run at start
// and a manual run on each): the person gets one message.
func TestTwoServersSendOneDigest(t *testing.T) {
	if len(storetest.Engines()) < 2 {
		t.Skip("MAMORI_TEST_POSTGRES is not set")
	}
	ctx := context.Background()
	url := storetest.PostgresURL(t)
	sink := notifytest.Start(t)
	box, _ := seal.New(bytes.Repeat([]byte{7}, 32))
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	clock := &jobClock{t: jstAt(2026, 5, 7, 9, 5)}
	var queues []*jobs.Queue
	var first *store.DB
	for range 2 {
		db, err := store.Open(ctx, url, t.TempDir(), nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := jobs.Migrate(ctx, db); err != nil {
			t.Fatal(err)
		}
		q, err := jobs.Open(db, jobs.Config{Work: true, Delay: -1, PollInterval: 20 * time.Millisecond,
			Notify: jobs.Notify{Box: box, Catalogue: cat, BaseURL: "https://mamori.example", Now: clock.now, TLS: sink.TLS(),
				Routines: func(store.Tenant) jobs.DueLister { return fakeRoutines{} }}})
		if err != nil {
			t.Fatal(err)
		}
		queues = append(queues, q)
		if first == nil {
			first = db
		}
	}
	sys := audit.Actor{Label: "test"}
	user, err := first.CreateUser(ctx, sys, auth.User{Email: "sato@example.jp", Name: "Sato", PasswordHash: "x", Locale: "en"})
	if err != nil {
		t.Fatal(err)
	}
	orgID, err := first.CreateOrg(ctx, sys, org.Org{Slug: "demo", Name: "Demo"}, user)
	if err != nil {
		t.Fatal(err)
	}
	ch := notify.Channel{Kind: notify.Email, Enabled: true, Host: "127.0.0.1", Port: sink.Port, StartTLS: true, Username: notifytest.User,
		Sender: "mamori@example.jp", Secret: box.Seal([]byte(notifytest.Password), notify.SealContext(orgID, notify.Email))}
	if err := first.Tenant(orgID).SaveChannel(ctx, sys, ch, false); err != nil {
		t.Fatal(err)
	}
	for _, q := range queues {
		if err := q.Start(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			q.Stop(sctx)
		})
	}
	var wg sync.WaitGroup
	for _, q := range queues {
		wg.Go(func() {
			if _, err := q.QueueDigests(ctx); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	waitFor(t, "the digest job to finish", func() bool {
		vs, _ := queues[0].OrgJobs(ctx, orgID, 10)
		for _, v := range vs {
			if v.Kind == "digest" && v.State == "completed" {
				return true
			}
		}
		return false
	})
	// A later run of the schedule on either server adds nothing.
	for _, q := range queues {
		if n, err := q.QueueDigests(ctx); err != nil || n != 0 {
			t.Errorf("queued %d (%v) after the digest went out, want 0", n, err)
		}
	}
	if n := len(sink.Messages()); n != 1 {
		t.Errorf("got %d messages, want 1", n)
	}
	vs, _ := queues[1].OrgJobs(ctx, orgID, 10)
	digests := 0
	for _, v := range vs {
		if v.Kind == "digest" {
			digests++
			if v.Attempt != 1 {
				t.Errorf("digest job attempted %d times, want 1", v.Attempt)
			}
		}
	}
	if digests != 1 {
		t.Errorf("got %d digest jobs, want 1", digests)
	}
}

// TestDigestEscalatesOverdueLeaver: a leaver checklist still open past
// the leave date reaches the owner in the daily digest, titled in the
// owner's language with the leaver's name, the open items and the due
// day, linking to the leaver's page.
func TestDigestEscalatesOverdueLeaver(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			sys := audit.Actor{Label: "test"}
			w := newNotifyWorld(t, engine, false)
			slack := &hook{}
			srv := httptest.NewServer(slack)
			defer srv.Close()
			w.channel(t, notify.Channel{Kind: notify.Slack, Enabled: true}, srv.URL+"/services/T/B/X")
			if err := w.db.SetNotifyPrefs(ctx, sys, w.user, notify.Prefs{Kinds: []notify.Kind{notify.Slack}, Hours: notify.DefaultHours}); err != nil {
				t.Fatal(err)
			}
			ten := w.db.Tenant(w.orgID)
			leaver := inventory.Person{Name: "高橋 一郎", Kana: "タカハシ イチロウ", Email: "takahashi@example.jp", EmploymentType: inventory.FullTime,
				JoinDate: "2019-04-01", LeaveDate: "2026-04-30"}
			if err := ten.AddPeople(ctx, sys, []inventory.Person{leaver}); err != nil {
				t.Fatal(err)
			}
			people, _, err := ten.People(ctx, store.PeopleQuery{})
			if err != nil || len(people) != 1 {
				t.Fatalf("people: %v %v", people, err)
			}
			synced := calendar.Date(2026, 4, 20)
			data, err := ten.ForChecks(ctx, synced.String())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ten.SyncChecklists(ctx, sys, data, synced); err != nil {
				t.Fatal(err)
			}
			lists, err := ten.OverdueChecklists(ctx, calendar.Date(2026, 5, 7))
			if err != nil || len(lists) != 1 || lists[0].Kind != workflow.Leaver || lists[0].OpenItems() == 0 {
				t.Fatalf("overdue checklists: got %+v %v, want the leaver's", lists, err)
			}
			w.clock.set(jstAt(2026, 5, 7, 9, 5))
			if n, err := w.q.QueueDigests(ctx); err != nil || n != 1 {
				t.Fatalf("queued %d (%v), want 1", n, err)
			}
			w.start(t)
			waitFor(t, "the digest", func() bool { return slack.count() == 1 })
			want := fmt.Sprintf("高橋 一郎 さんの退職手続き（%d 件未完了、期限 2026/04/30）", lists[0].OpenItems())
			link := fmt.Sprintf("https://mamori.example/o/demo/people/%d", people[0].ID)
			if body := slack.bodies[0]; !strings.Contains(body, want) || !strings.Contains(body, link) {
				t.Fatalf("slack: got %s, want %q linking to %s", body, want, link)
			}
		})
	}
}
