package web_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/jobs"
	"github.com/mamori-sec/mamori/internal/notify"
	"github.com/mamori-sec/mamori/internal/org"
)

// startNotifyQueue works the queue with what sending needs; Chatwork's
// API points at a closed loopback port.
func (w *world) startNotifyQueue(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := "http://" + ln.Addr().String()
	ln.Close()
	q, err := jobs.Open(w.db, jobs.Config{Work: true, Delay: -1, PollInterval: 20 * time.Millisecond,
		Notify: jobs.Notify{Box: w.box, Catalogue: cat, BaseURL: w.ts.URL, Endpoints: notify.Endpoints{Chatwork: closed, LineWorks: closed}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		q.Stop(sctx)
	})
}

func waitPage(t *testing.T, c *client, path, want string) response {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		r := c.get(path)
		if strings.Contains(r.body, want) {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: never showed %q\n%s", path, want, r.body)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestNotifySettingsPage: the owner sets a Slack webhook; it is stored
// sealed, never shown on the page or in the audit trail (「設定済み」
// there), a bad URL is refused in words, and the test button's message
// arrives and its result shows on the page.
func TestNotifySettingsPage(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		var mu sync.Mutex
		var got []string
		hook := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			got = append(got, string(b))
			mu.Unlock()
		}))
		defer hook.Close()
		w.startNotifyQueue(t)
		c := w.client("ja")
		c.signIn(w.users[org.Owner].Email)
		secretURL := hook.URL + "/services/T0/B0/SECRETXYZ"
		if r := c.post("/o/alpha/settings/notify/slack", url.Values{"enabled": {"on"}, "secret": {secretURL}}); r.status != http.StatusSeeOther {
			t.Fatalf("save: got %d\n%s", r.status, r.body)
		}
		ch, err := w.db.Tenant(w.orgA.ID).Channel(t.Context(), notify.Slack)
		if err != nil || !ch.Enabled || ch.Secret == "" || strings.Contains(ch.Secret, "SECRETXYZ") {
			t.Fatalf("stored %+v %v, want enabled with the URL sealed", ch, err)
		}
		if plain, err := w.box.Open(ch.Secret, notify.SealContext(w.orgA.ID, notify.Slack)); err != nil || string(plain) != secretURL {
			t.Fatalf("sealed URL opens to %q %v", plain, err)
		}
		page := c.get("/o/alpha/settings/notify")
		if strings.Contains(page.body, "SECRETXYZ") || !strings.Contains(page.body, "設定済みです") {
			t.Errorf("settings page shows the secret or not that it is set:\n%s", page.body)
		}
		audit := c.get("/o/alpha/audit")
		if strings.Contains(audit.body, "SECRETXYZ") || !strings.Contains(audit.body, "設定済み") {
			t.Errorf("audit page shows the secret or not 設定済み:\n%s", audit.body)
		}
		// Saving again without typing it keeps it.
		c.post("/o/alpha/settings/notify/slack", url.Values{"enabled": {"on"}})
		if again, _ := w.db.Tenant(w.orgA.ID).Channel(t.Context(), notify.Slack); again.Secret != ch.Secret {
			t.Error("saving without a new URL lost the stored one")
		}
		bad := c.post("/o/alpha/settings/notify/teams", url.Values{"enabled": {"on"}, "secret": {"http://evil.example/x"}})
		if bad.status != http.StatusBadRequest || !strings.Contains(bad.body, "https://") {
			t.Errorf("plain-HTTP webhook: got %d, want 400 with the reason", bad.status)
		}
		if r := c.post("/o/alpha/settings/notify/slack/test", nil); r.status != http.StatusSeeOther {
			t.Fatalf("test button: got %d", r.status)
		}
		deadline := time.Now().Add(60 * time.Second)
		for {
			body := c.get("/o/alpha/settings/notify").body
			_, slack, _ := strings.Cut(body, `id="slack"`)
			slack, _, _ = strings.Cut(slack, `id="teams"`)
			if strings.Contains(slack, "送信しました") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the Slack test's result never showed sent:\n%s", slack)
			}
			time.Sleep(50 * time.Millisecond)
		}
		mu.Lock()
		defer mu.Unlock()
		if len(got) != 1 || !strings.Contains(got[0], "テスト送信") {
			t.Errorf("webhook got %q, want one test message in Japanese", got)
		}
	})
}

// TestJobsPageShowsFailureAndRetries: a message to an unreachable service
// fails; the jobs page shows it failed with the reason in words and the raw
// error in a <details>, and its retry button queues it again (audited).
func TestJobsPageShowsFailureAndRetries(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		w.startNotifyQueue(t)
		c := w.client("ja")
		c.signIn(w.users[org.Owner].Email)
		if r := c.post("/o/alpha/settings/notify/chatwork", url.Values{"enabled": {"on"}, "room": {"123"}, "secret": {"cw-token"}}); r.status != http.StatusSeeOther {
			t.Fatalf("save: got %d\n%s", r.status, r.body)
		}
		c.post("/o/alpha/settings/notify/chatwork/test", nil)
		page := waitPage(t, c, "/o/alpha/jobs", "接続を拒否されました")
		if !strings.Contains(page.body, "<details>") || !strings.Contains(page.body, "connection refused") || !strings.Contains(page.body, "失敗") {
			t.Errorf("jobs page lacks the failure's details:\n%s", page.body)
		}
		vs, err := w.queue.OrgJobs(t.Context(), w.orgA.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		var failed int64
		for _, v := range vs {
			if v.Kind == "notify_test" && v.State == "discarded" {
				failed = v.ID
			}
		}
		if failed == 0 {
			t.Fatalf("no failed test job in %+v", vs)
		}
		before := w.auditCount()
		if r := c.post("/o/alpha/jobs/"+itoa(failed)+"/retry", nil); r.status != http.StatusSeeOther {
			t.Fatalf("retry: got %d\n%s", r.status, r.body)
		}
		if w.auditCount() != before+1 {
			t.Errorf("retry: got %d audit entries, want 1 more", w.auditCount()-before)
		}
		// The organisation B owner does not see A's jobs.
		cb := w.client("ja")
		cb.signIn(w.userB.Email)
		if r := cb.get("/o/bravo/jobs"); strings.Contains(r.body, "接続を拒否されました") {
			t.Error("organisation B's jobs page shows A's failed job")
		}
	})
}

// TestMyNotifications: each user sets their channels and hours on their
// account; hours that end before they start are refused.
func TestMyNotifications(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		c := w.client("en")
		u := w.users[org.Member]
		c.signIn(u.Email)
		if r := c.get("/account/notify"); r.status != http.StatusOK || !strings.Contains(r.body, "My notifications") {
			t.Fatalf("got %d", r.status)
		}
		if r := c.post("/account/notify", url.Values{"channel": {"email", "chatwork"}, "start": {"08:30"}, "end": {"17:00"}}); r.status != http.StatusSeeOther {
			t.Fatalf("save: got %d\n%s", r.status, r.body)
		}
		p, err := w.db.NotifyPrefs(t.Context(), u.ID)
		if err != nil || !p.Wants(notify.Email) || !p.Wants(notify.Chatwork) || p.Wants(notify.Slack) || p.Hours != (notify.Hours{Start: 510, End: 1020}) {
			t.Fatalf("got %+v %v", p, err)
		}
		if r := c.post("/account/notify", url.Values{"channel": {"email"}, "start": {"18:00"}, "end": {"09:00"}}); r.status != http.StatusBadRequest || !strings.Contains(r.body, "start is before their end") {
			t.Errorf("hours backwards: got %d, want 400 with the reason", r.status)
		}
		if p2, _ := w.db.NotifyPrefs(t.Context(), u.ID); p2.Hours != p.Hours {
			t.Errorf("refused hours were stored: %+v", p2)
		}
	})
}
