package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store"
)

var tokenPattern = regexp.MustCompile(`<code class="secret">(mamori_[A-Za-z0-9_-]+)</code>`)

// newToken creates a token on the account page of the signed-in client
// and returns a script client using it.
func (c *client) newToken(form url.Values) (*client, string) {
	c.w.t.Helper()
	r := c.post("/account/tokens", form)
	m := tokenPattern.FindStringSubmatch(r.body)
	if r.status != http.StatusOK || m == nil {
		c.w.t.Fatalf("create token: got %d, want the token shown once\n%s", r.status, r.body)
	}
	script := c.w.client("en")
	script.hdr.Set("Authorization", "Bearer "+m[1])
	return script, m[1]
}

// newMember adds a user with the test password to organisation A.
func (w *world) newMember(role org.Role) auth.User {
	w.t.Helper()
	w.seq++
	hash, _ := fixtureHash()
	sys := audit.Actor{Label: "test"}
	id, err := w.db.CreateUser(w.t.Context(), sys, auth.User{Email: fmt.Sprintf("script%d@alpha.example", w.seq), Name: "スクリプト担当", PasswordHash: hash})
	if err != nil {
		w.t.Fatal(err)
	}
	if err := w.db.AddMember(w.t.Context(), sys, w.orgA.ID, id, role); err != nil {
		w.t.Fatal(err)
	}
	u, _ := w.db.User(w.t.Context(), id)
	return u
}

func (w *world) tokenCount(userID int64) int {
	w.t.Helper()
	ts, err := w.db.APITokens(w.t.Context(), userID)
	if err != nil {
		w.t.Fatal(err)
	}
	return len(ts)
}

const apiFindings = "/api/v1/orgs/alpha/findings"

func TestAPITokens(t *testing.T) {
	w := newWorld(t, "sqlite")
	c := w.client("en")
	c.signIn(w.users[org.Keeper].Email)
	script, token := c.newToken(url.Values{"name": {"nightly import"}})
	if again := c.get("/account"); strings.Contains(again.body, token) {
		t.Fatal("the token is shown again after creation")
	}
	if r := script.get("/api/v1/orgs/alpha/accounts"); r.status != http.StatusOK {
		t.Fatalf("token on its organisation: got %d, want 200", r.status)
	}
	if r := script.get("/api/v1/orgs/bravo/accounts"); r.status != http.StatusNotFound {
		t.Fatalf("token on another organisation: got %d, want 404", r.status)
	}
	// A token is for the JSON API only: the pages refuse it, even those its
	// user may see.
	for _, path := range []string{"/o/alpha/people", "/o/alpha/members", "/"} {
		if r := script.get(path); r.status != http.StatusUnauthorized || !strings.Contains(r.body, "JSON API") {
			t.Fatalf("token on the page %s: got %d, want 401 saying tokens are for the API", path, r.status)
		}
	}
	id := regexp.MustCompile(`/account/tokens/(\d+)/revoke`).FindStringSubmatch(c.get("/account").body)
	if id == nil {
		t.Fatal("no revoke button")
	}
	if r := c.post("/account/tokens/"+id[1]+"/revoke", nil); r.status != http.StatusSeeOther {
		t.Fatalf("revoke: got %d, want 303", r.status)
	}
	if r := script.get(apiFindings); r.status != http.StatusUnauthorized {
		t.Fatalf("revoked token: got %d, want 401", r.status)
	}
	// Another user cannot revoke someone else's token.
	other := w.client("en")
	other.signIn(w.users[org.Owner].Email)
	if r := other.post("/account/tokens/"+id[1]+"/revoke", nil); r.status != http.StatusNotFound {
		t.Fatalf("revoking another user's token: got %d, want 404", r.status)
	}
}

// TestTokensRevokedWithTheAccount: a new password (on the account page or
// from the command line), disabling the user, or removing them from an
// organisation ends their tokens, audited; re-enabling brings none back.
func TestTokensRevokedWithTheAccount(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		for _, tc := range []struct {
			name   string
			org    int64 // where the revocation is recorded
			reason string
			act    func(u auth.User, c *client)
		}{
			{"password changed on the account page", 0, "password", func(u auth.User, c *client) {
				r := c.post("/account/password", url.Values{"current": {testPassword}, "password": {"a brand new passphrase"}, "password_confirm": {"a brand new passphrase"}})
				if r.status != http.StatusSeeOther {
					t.Fatalf("change password: got %d, want 303", r.status)
				}
			}},
			{"password reset from the command line", 0, "password", func(u auth.User, _ *client) {
				hash, _ := auth.HashPassword("a brand new passphrase")
				if err := w.db.SetPassword(ctx, audit.CLI(), u.ID, hash); err != nil {
					t.Fatal(err)
				}
			}},
			{"disabled, then re-enabled", 0, "disabled", func(u auth.User, _ *client) {
				if err := w.db.SetDisabled(ctx, audit.CLI(), u.ID, true); err != nil {
					t.Fatal(err)
				}
				if err := w.db.SetDisabled(ctx, audit.CLI(), u.ID, false); err != nil {
					t.Fatal(err)
				}
			}},
			{"removed from the organisation", w.orgA.ID, "member_removed", func(u auth.User, _ *client) {
				owner := w.client("en")
				owner.signIn(w.users[org.Owner].Email)
				if r := owner.post(fmt.Sprintf("/o/alpha/members/%d/remove", u.ID), nil); r.status != http.StatusSeeOther {
					t.Fatalf("remove: got %d, want 303", r.status)
				}
				// Even added back, the old token stays dead.
				if err := w.db.AddMember(ctx, audit.Actor{Label: "test"}, w.orgA.ID, u.ID, org.Keeper); err != nil {
					t.Fatal(err)
				}
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				u := w.newMember(org.Keeper)
				c := w.client("en")
				c.signIn(u.Email)
				script, _ := c.newToken(url.Values{"name": {"script"}})
				if r := script.get(apiFindings); r.status != http.StatusOK {
					t.Fatalf("before: got %d, want 200", r.status)
				}
				tc.act(u, c)
				if r := script.get(apiFindings); r.status != http.StatusUnauthorized {
					t.Fatalf("after: got %d, want 401", r.status)
				}
				ts, _ := w.db.APITokens(ctx, u.ID)
				if len(ts) != 1 || ts[0].RevokedAt.IsZero() {
					t.Fatalf("got tokens %+v, want the one token revoked", ts)
				}
				entries, err := w.db.Tenant(tc.org).Audit(ctx, store.AuditFilter{Action: "token."})
				if err != nil {
					t.Fatal(err)
				}
				found := false
				for _, e := range entries {
					found = found || (e.Action == "token.api_revoke_all" && e.Target == fmt.Sprintf("user:%d", u.ID) && strings.Contains(e.After, `"reason":"`+tc.reason+`"`))
				}
				if !found {
					t.Fatalf("got %d revocation entries, none for user %d because of %s", len(entries), u.ID, tc.reason)
				}
			})
		}
	})
}

// TestTokenExpiry: a token lives as long as chosen, no longer than the
// owner's maximum; an expired token gets 401 saying so; the last use is
// shown; lowering the maximum cuts off older tokens in that organisation.
func TestTokenExpiry(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		u := w.newMember(org.Keeper)
		c := w.client("en")
		c.signIn(u.Email)
		// The default maximum is 90 days: a year is refused, nothing created.
		if r := c.post("/account/tokens", url.Values{"name": {"too long"}, "days": {"365"}}); r.status != http.StatusBadRequest && r.status != http.StatusUnprocessableEntity {
			t.Fatalf("365 days under a 90-day maximum: got %d, want refused", r.status)
		} else if !strings.Contains(r.body, "at most 90 days") || tokenPattern.MatchString(r.body) {
			t.Fatalf("365 days: want the maximum named and no token\n%s", r.body)
		}
		if n := w.tokenCount(u.ID); n != 0 {
			t.Fatalf("got %d tokens after a refused lifetime, want 0", n)
		}
		script, _ := c.newToken(url.Values{"name": {"monthly"}, "days": {"30"}})
		if r := script.get(apiFindings); r.status != http.StatusOK {
			t.Fatalf("fresh token: got %d, want 200", r.status)
		}
		page := c.get("/account").body
		if !strings.Contains(page, "last used") || strings.Contains(page, "never used") {
			t.Fatal("account page: want the token's last use shown")
		}
		ts, _ := w.db.APITokens(t.Context(), u.ID)
		if got := ts[0].ExpiresAt.Sub(ts[0].CreatedAt); got != 30*24*time.Hour {
			t.Fatalf("got a lifetime of %v, want 30 days", got)
		}
		w.clock.Add(30*24*time.Hour + time.Second)
		c.signIn(u.Email) // the browser session has ended by now
		r := script.get(apiFindings)
		if r.status != http.StatusUnauthorized || !strings.Contains(r.body, "expired") {
			t.Fatalf("expired token: got %d %s, want 401 saying it expired", r.status, r.body)
		}
		if !strings.Contains(c.get("/account").body, "Expired") {
			t.Fatal("account page: want the token marked expired")
		}

		// The owner lowers the maximum to 7 days: a 30-day token cannot be
		// made, and a 30-day token already 8 days old is refused in alpha.
		owner := w.client("en")
		owner.signIn(w.users[org.Owner].Email)
		script, _ = c.newToken(url.Values{"name": {"before the change"}, "days": {"30"}})
		if r := owner.post("/o/alpha/settings", url.Values{"name": {w.orgA.Name}, "max_token_days": {"7"}}); r.status != http.StatusSeeOther {
			t.Fatalf("settings: got %d, want 303", r.status)
		}
		if r := c.post("/account/tokens", url.Values{"name": {"beyond"}, "days": {"30"}}); tokenPattern.MatchString(r.body) || !strings.Contains(r.body, "at most 7 days") {
			t.Fatalf("30 days under a 7-day maximum: got %d, want refused naming 7 days", r.status)
		}
		w.clock.Add(8 * 24 * time.Hour)
		if r := script.get(apiFindings); r.status != http.StatusUnauthorized || !strings.Contains(r.body, "older than 7 days") {
			t.Fatalf("token older than the organisation's maximum: got %d %s, want 401", r.status, r.body)
		}
		if r := owner.post("/o/alpha/settings", url.Values{"name": {w.orgA.Name}, "max_token_days": {"5000"}}); r.status == http.StatusSeeOther {
			t.Fatal("a maximum outside the offered lifetimes was accepted")
		}
	})
}

// TestTokenLastUsedWrittenOncePerMinute: using a token many times in a
// minute writes its last-used time once.
func TestTokenLastUsedWrittenOncePerMinute(t *testing.T) {
	w := newWorld(t, "sqlite")
	c := w.client("en")
	c.signIn(w.users[org.Keeper].Email)
	script, _ := c.newToken(url.Values{"name": {"busy"}})
	script.get(apiFindings)
	first, _ := w.db.APITokens(t.Context(), w.users[org.Keeper].ID)
	w.clock.Add(30 * time.Second)
	script.get(apiFindings)
	second, _ := w.db.APITokens(t.Context(), w.users[org.Keeper].ID)
	if !second[0].LastUsedAt.Equal(first[0].LastUsedAt) {
		t.Fatalf("got last use %v then %v within a minute, want one write", first[0].LastUsedAt, second[0].LastUsedAt)
	}
	w.clock.Add(31 * time.Second)
	script.get(apiFindings)
	third, _ := w.db.APITokens(t.Context(), w.users[org.Keeper].ID)
	if !third[0].LastUsedAt.After(first[0].LastUsedAt) {
		t.Fatalf("got last use %v after a minute, want it moved on", third[0].LastUsedAt)
	}
}

// TestTokenCannotChangeTheAccount walks every route outside organisations
// and the API (the account, its tokens, password, second factor, sign-out,
// invitations) with a valid token: each refuses it and nothing changes.
func TestTokenCannotChangeTheAccount(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		u := w.users[org.Owner]
		c := w.client("en")
		c.signIn(u.Email)
		script, token := c.newToken(url.Values{"name": {"script"}})
		withCookie := w.client("en")
		withCookie.signIn(u.Email)
		withCookie.hdr.Set("Authorization", "Bearer "+token)
		before, tokens := w.auditCount(), w.tokenCount(u.ID)
		walked := 0
		for _, rt := range w.srv.Routes() {
			if rt.Public || rt.OrgScoped || strings.Contains(rt.Pattern, " /api/") {
				continue // the API takes tokens (POST /api/v1/appi/decide reads no account)
			}
			walked++
			method, path := fill(rt.Pattern, w.orgA.Slug, w.invitations[0])
			form := url.Values{"name": {"second"}, "current": {testPassword}, "password": {"stolen by a script"}, "password_confirm": {"stolen by a script"}, "locale": {"en"}}
			for _, cl := range []*client{script, withCookie} {
				r := cl.do(method, path, form)
				if r.status != http.StatusUnauthorized && r.status != http.StatusForbidden {
					t.Errorf("%s %s with a token: got %d, want 401 or 403", method, path, r.status)
				}
				if tokenPattern.MatchString(r.body) {
					t.Errorf("%s %s with a token: a token was shown", method, path)
				}
			}
		}
		if walked < 15 {
			t.Fatalf("walked %d account routes, want all of them", walked)
		}
		if after := w.auditCount(); after != before {
			t.Fatalf("got %d audit entries after the walk, want %d: something changed", after, before)
		}
		if n := w.tokenCount(u.ID); n != tokens {
			t.Fatalf("got %d tokens, want %d: a token created a token", n, tokens)
		}
		if r := script.get(apiFindings); r.status != http.StatusOK {
			t.Fatalf("the token itself still works on the API: got %d, want 200", r.status)
		}
	})
}
