package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store"
)

// denials returns organisation o's access.denied entries, newest first.
func (w *world) denials(o org.Org) []string {
	w.t.Helper()
	entries, err := w.db.Tenant(o.ID).Audit(context.Background(), store.AuditFilter{Action: "access.denied"})
	if err != nil {
		w.t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Actor+" "+e.Target)
	}
	return out
}

// TestRefusedRequestIsAudited: a member who tries what their role does not
// allow gets 403, and the owner sees the attempt on the audit page and in
// its export, in words. Repeating it within a minute adds nothing more.
func TestRefusedRequestIsAudited(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		tries := []struct {
			role         org.Role
			method, path string
			pattern      string
		}{
			{org.Keeper, "GET", "/o/alpha/audit", "GET /o/{org}/audit"},
			{org.Auditor, "POST", "/o/alpha/people", "POST /o/{org}/people"},
			{org.Member, "GET", "/o/alpha/people", "GET /o/{org}/people"},
			{org.Advisor, "GET", "/o/alpha/settings", "GET /o/{org}/settings"},
		}
		for _, tr := range tries {
			c := w.client("ja")
			c.signIn(w.users[tr.role].Email)
			for i := range 5 {
				if r := c.do(tr.method, tr.path, url.Values{"name": {"試し"}, "employment_type": {"full_time"}}); r.status != http.StatusForbidden {
					t.Fatalf("%s %s as %s (try %d): got %d, want 403", tr.method, tr.path, tr.role, i+1, r.status)
				}
			}
		}
		got := w.denials(w.orgA)
		if len(got) != len(tries) {
			t.Fatalf("got %d refusals recorded %q, want %d: one per member and route within a minute", len(got), got, len(tries))
		}
		for i, tr := range tries {
			want := w.users[tr.role].Email + " route:" + tr.pattern
			if got[len(got)-1-i] != want {
				t.Errorf("refusal %d: got %q, want %q", i, got[len(got)-1-i], want)
			}
		}
		// A minute later the same attempt is recorded again.
		w.clock.Add(time.Minute + time.Second)
		c := w.client("ja")
		c.signIn(w.users[org.Member].Email)
		c.get("/o/alpha/people")
		if n := len(w.denials(w.orgA)); n != len(tries)+1 {
			t.Fatalf("a minute later: got %d refusals, want %d", n, len(tries)+1)
		}

		owner := w.client("ja")
		owner.signIn(w.users[org.Owner].Email)
		page := owner.get("/o/alpha/audit?action=access.")
		for _, want := range []string{"権限のない操作を拒否", w.users[org.Keeper].Email, "画面・操作", "/o/{org}/audit", "HTTP メソッド"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("audit page (ja): want %q on it", want)
			}
		}
		if strings.Contains(page.body, ">access.denied<") {
			t.Error("audit page (ja) shows the action code, want words")
		}
		owner.lang = "en"
		owner.post("/locale", url.Values{"locale": {"en"}, "back": {"/"}})
		if page := owner.get("/o/alpha/audit?action=access."); !strings.Contains(page.body, "Access refused (not allowed for the role)") {
			t.Error("audit page (en): want the refusal in English")
		}
		csv := owner.get("/o/alpha/audit/export?action=access.")
		if !strings.Contains(csv.body, ",Access refused (not allowed for the role),Page or action GET /o/{org}/audit,") || !strings.Contains(csv.body, ",access.denied,route:GET /o/{org}/audit,") {
			t.Errorf("audit export: want the refusal with its label\n%s", csv.body)
		}
	})
}

// TestCrossTenantProbeRecordsNothing: someone who is not a member of an
// organisation gets 404 for its routes, exactly as for one that does not
// exist, and leaves no trace in its trail (which would confirm it exists).
func TestCrossTenantProbeRecordsNothing(t *testing.T) {
	w := newWorld(t, "sqlite")
	c := w.client("ja")
	c.signIn(w.userB.Email)
	before := w.auditCount()
	for _, p := range []string{"/o/alpha/audit", "/o/alpha/people", "/o/alpha/settings", "/o/alpha/members", "/o/nowhere/people"} {
		if r := c.get(p); r.status != http.StatusNotFound {
			t.Errorf("%s as owner of another organisation: got %d, want 404", p, r.status)
		}
	}
	if r := c.post("/o/alpha/people", url.Values{"name": {"侵入"}}); r.status != http.StatusNotFound {
		t.Errorf("POST as owner of another organisation: got %d, want 404", r.status)
	}
	if got := w.auditCount(); got != before {
		t.Fatalf("got %d new audit entries after probing, want none", got-before)
	}
	if d := w.denials(w.orgA); len(d) != 0 {
		t.Fatalf("organisation A recorded %q, want nothing", d)
	}
}
