package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/jobs"
	"github.com/mamori-sec/mamori/internal/notify"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store"
)

const apiNotifyTest = "/api/v1/orgs/alpha/notify/test"

// TestAPINotifyTest: an owner's API token queues a test message on a
// configured channel (202, the job in the organisation's queue, an audit
// entry); an unknown or unconfigured channel is a 400 and a role without
// the settings permission a 403.
func TestAPINotifyTest(t *testing.T) {
	w := newWorld(t, "sqlite")
	ctx := context.Background()
	ch := notify.Channel{Kind: notify.Email, Enabled: true, Host: "smtp.alpha.example", Port: 587, StartTLS: true, Sender: "mamori@alpha.example"}
	if err := w.db.Tenant(w.orgA.ID).SaveChannel(ctx, audit.Actor{Label: "test"}, ch, false); err != nil {
		t.Fatal(err)
	}
	c := w.client("en")
	c.signIn(w.users[org.Owner].Email)
	script, _ := c.newToken(url.Values{"name": {"advisor script"}})

	r := script.send("POST", apiNotifyTest, "application/json", strings.NewReader(`{"channel": "email"}`))
	if r.status != http.StatusAccepted || !strings.Contains(r.body, `"queued":true`) || !strings.Contains(r.body, `"channel":"email"`) {
		t.Fatalf("test message by token: got %d %s, want 202 queued", r.status, r.body)
	}
	vs, err := w.queue.OrgJobs(ctx, w.orgA.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, v := range vs {
		found = found || (v.Kind == (jobs.TestMessageArgs{}).Kind() && v.Channel == notify.Email && v.UserID == w.users[org.Owner].ID)
	}
	if !found {
		t.Fatalf("jobs of alpha: got %+v, want a test message to the owner", vs)
	}
	es, err := w.db.Tenant(w.orgA.ID).Audit(ctx, store.AuditFilter{Action: "notify.test"})
	if err != nil {
		t.Fatal(err)
	}
	found = false
	for _, e := range es {
		found = found || (e.ActorID == w.users[org.Owner].ID && e.Target == "notify_channel:email")
	}
	if !found {
		t.Fatalf("audit: got %+v, want the owner's notify.test entry", es)
	}

	for _, body := range []url.Values{{"channel": {"pigeon"}}, {"channel": {"google_chat"}}, {}} {
		if r := script.post(apiNotifyTest, body); r.status != http.StatusBadRequest || !strings.Contains(r.body, `"error"`) {
			t.Fatalf("test message on %v: got %d %s, want 400", body, r.status, r.body)
		}
	}
	if r := script.post("/api/v1/orgs/bravo/notify/test", url.Values{"channel": {"email"}}); r.status != http.StatusNotFound {
		t.Fatalf("another organisation: got %d, want 404", r.status)
	}

	for _, role := range []org.Role{org.Advisor, org.Keeper} {
		k := w.client("en")
		k.signIn(w.users[role].Email)
		ks, _ := k.newToken(url.Values{"name": {"script"}})
		if r := ks.post(apiNotifyTest, url.Values{"channel": {"email"}}); r.status != http.StatusForbidden {
			t.Fatalf("%s token: got %d %s, want 403", role, r.status, r.body)
		}
	}
}
