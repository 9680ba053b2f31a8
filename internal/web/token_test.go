package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/org"
)

func TestAPITokens(t *testing.T) {
	w := newWorld(t, "sqlite")
	c := w.client("en")
	c.signIn(w.users[org.Keeper].Email)
	r := c.post("/account/tokens", url.Values{"name": {"nightly import"}})
	m := regexp.MustCompile(`<code class="secret">(mamori_[A-Za-z0-9_-]+)</code>`).FindStringSubmatch(r.body)
	if r.status != http.StatusOK || m == nil {
		t.Fatalf("create: got %d, want the token shown once", r.status)
	}
	token := m[1]
	if again := c.get("/account"); strings.Contains(again.body, token) {
		t.Fatal("the token is shown again after creation")
	}
	script := w.client("")
	script.hdr.Set("Authorization", "Bearer "+token)
	if r := script.get("/o/alpha/people"); r.status != http.StatusOK {
		t.Fatalf("token on its organisation: got %d, want 200", r.status)
	}
	if r := script.get("/o/bravo/people"); r.status != http.StatusNotFound {
		t.Fatalf("token on another organisation: got %d, want 404", r.status)
	}
	if r := script.get("/o/alpha/members"); r.status != http.StatusForbidden {
		t.Fatalf("keeper's token on a page the keeper may not see: got %d, want 403", r.status)
	}
	id := regexp.MustCompile(`/account/tokens/(\d+)/revoke`).FindStringSubmatch(c.get("/account").body)
	if id == nil {
		t.Fatal("no revoke button")
	}
	if r := c.post("/account/tokens/"+id[1]+"/revoke", nil); r.status != http.StatusSeeOther {
		t.Fatalf("revoke: got %d, want 303", r.status)
	}
	if r := script.get("/o/alpha/people"); r.status != http.StatusUnauthorized {
		t.Fatalf("revoked token: got %d, want 401", r.status)
	}
	// Another user cannot revoke someone else's token.
	other := w.client("en")
	other.signIn(w.users[org.Owner].Email)
	if r := other.post("/account/tokens/"+id[1]+"/revoke", nil); r.status != http.StatusNotFound {
		t.Fatalf("revoking another user's token: got %d, want 404", r.status)
	}
}
