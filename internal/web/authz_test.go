package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store"
)

// fill replaces the wildcards of a route pattern: {org} with slug, {id}
// with id, {kind} with a kind of inventory list, {channel} with e-mail,
// {token} and {file} with junk.
func fill(pattern, slug string, id int64) (method, path string) {
	method, path, _ = strings.Cut(pattern, " ")
	r := strings.NewReplacer("{org}", slug, "{id}", fmt.Sprint(id), "{kind}", "accounts", "{channel}", "email", "{token}", "nope", "{file}", "nope.css", "{seq}", "2", "{draft}", "regulator", "{type}", "malware", "{$}", "")
	return method, r.Replace(path)
}

// idFor picks, for a route, an identifier of the right kind in org o.
func (w *world) idFor(pattern string, inA bool) int64 {
	for kind, segment := range map[string]string{"service": "/services/", "account": "/accounts/", "device": "/devices/", "asset": "/assets/", "share": "/shares/", "finding": "/findings/",
		"routine": "/routines/", "occurrence": "/occurrences/", "evidence": "/evidence/", "checklist": "/checklists/", "checklist_item": "/checklist-items/", "near_miss": "/near-misses/", "risk": "/risks/", "incident": "/incidents/",
		"scan_run": "/scans/", "scan_place": "/scan-places/", "partner": "/partners/"} {
		if strings.Contains(pattern, segment+"{id}") {
			if inA {
				return w.inv[kind][0]
			}
			return w.inv[kind][1]
		}
	}
	switch {
	case strings.Contains(pattern, "/lessons/{id}") || strings.Contains(pattern, "/learn/{id}"):
		if inA { // the lessons of their own harness_test.go gives each organisation
			return 9001
		}
		return 9002
	case strings.Contains(pattern, "/selfdiag/{id}"):
		if inA {
			return w.sittings[0]
		}
		return w.sittings[1]
	case strings.Contains(pattern, "/jobs/{id}"):
		if inA {
			return w.jobs[0]
		}
		return w.jobs[1]
	case strings.Contains(pattern, "/invitations/{id}"):
		if inA {
			return w.invitations[0]
		}
		return w.invitations[1]
	case strings.Contains(pattern, "/members/"):
		if inA {
			return w.users[org.Member].ID
		}
		return w.userB.ID
	default:
		if inA {
			return w.personA.ID
		}
		return w.personB.ID
	}
}

// TestCrossTenantEveryRoute walks every organisation route as the owner of
// organisation A using organisation B's identifiers — B's slug, and A's
// slug with B's record ids — and expects 404 and none of B's data.
func TestCrossTenantEveryRoute(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		c := w.client("ja")
		c.signIn(w.users[org.Owner].Email)
		before := w.auditCount()
		routes := 0
		for _, rt := range w.srv.Routes() {
			if !rt.OrgScoped {
				continue
			}
			routes++
			cases := [][2]any{{w.orgB.Slug, w.idFor(rt.Pattern, false)}}
			if strings.Contains(rt.Pattern, "{id}") {
				cases = append(cases, [2]any{w.orgA.Slug, w.idFor(rt.Pattern, false)})
			}
			for _, cs := range cases {
				method, path := fill(rt.Pattern, cs[0].(string), cs[1].(int64))
				r := c.do(method, path, url.Values{"name": {"乗っ取り"}, "role": {"owner"}, "employment_type": {"full_time"}})
				if r.status != http.StatusNotFound {
					t.Errorf("%s %s: got %d, want 404", method, path, r.status)
				}
				for _, secret := range []string{"秘密太郎", "極秘部", "ブラボー", w.userB.Email} {
					if strings.Contains(r.body, secret) {
						t.Errorf("%s %s: response shows %q of organisation B", method, path, secret)
					}
				}
			}
		}
		if routes < 15 {
			t.Fatalf("walked %d organisation routes, want all of them", routes)
		}
		if after := w.auditCount(); after != before {
			t.Fatalf("got %d audit entries after the walk, want %d: something changed", after, before)
		}
		p, err := w.db.Tenant(w.orgB.ID).Person(t.Context(), w.personB.ID)
		if err != nil || p.Name != "秘密太郎" {
			t.Fatalf("got %q %v, want organisation B's person untouched", p.Name, err)
		}
	})
}

// TestRoleMatrix checks every organisation route for every role: a role
// without the route's permission gets 403 and changes nothing — the one
// entry added to the audit trail is the refusal itself; a role with it is
// let through.
func TestRoleMatrix(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		for _, role := range org.Roles {
			t.Run(string(role), func(t *testing.T) {
				c := w.client("en")
				c.signIn(w.users[role].Email)
				for _, rt := range w.srv.Routes() {
					if !rt.OrgScoped {
						continue
					}
					id := w.idFor(rt.Pattern, true)
					if strings.Contains(rt.Pattern, "/members/{id}") {
						id = w.throwawayMember(role)
					}
					if strings.Contains(rt.Pattern, "/invitations/{id}") {
						id = w.throwawayInvitation(w.orgA)
					}
					if strings.Contains(rt.Pattern, "/risks/{id}/delete") {
						id = w.throwawayRisk()
					}
					if strings.Contains(rt.Pattern, "/partners/{id}/remove") {
						id = w.throwawayPartner()
					}
					method, path := fill(rt.Pattern, w.orgA.Slug, id)
					// A form that would change something if allowed, but that
					// keeps the world usable: no removals of the owner.
					form := url.Values{"name": {"アルファ株式会社"}, "role": {"member"}, "employment_type": {"full_time"}, "email": {"new-" + string(role) + "@alpha.example"}, "password": {"another long passphrase"}}
					before := w.auditCount()
					r := c.do(method, path, form)
					allowed := role.Can(rt.Perm)
					switch {
					case !allowed && r.status != http.StatusForbidden:
						t.Errorf("%s %s as %s: got %d, want 403", method, path, role, r.status)
					case !allowed:
						w.onlyDenialRecorded(t, before, rt.Pattern, w.users[role])
					case allowed && (r.status == http.StatusForbidden || r.status == http.StatusNotFound || r.status >= 500):
						t.Errorf("%s %s as %s: got %d, want it allowed", method, path, role, r.status)
					}
				}
			})
		}
	})
}

// TestSignedOutEveryRoute: every route that needs a user sends a GET to the
// sign-in page and refuses other methods with 401; the JSON API refuses
// every method with 401.
func TestSignedOutEveryRoute(t *testing.T) {
	w := newWorld(t, "sqlite")
	c := w.client("en")
	for _, rt := range w.srv.Routes() {
		if rt.Public {
			continue
		}
		method, path := fill(rt.Pattern, w.orgA.Slug, w.personA.ID)
		r := c.do(method, path, url.Values{})
		switch {
		case strings.HasPrefix(path, "/api/"):
			if r.status != http.StatusUnauthorized || !strings.Contains(r.body, `"code":"unauthorized"`) {
				t.Errorf("%s %s signed out: got %d %s, want 401 in JSON", method, path, r.status, r.body)
			}
		case method == "GET" && (r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/signin?next=")):
			t.Errorf("GET %s signed out: got %d → %q, want 303 to /signin", path, r.status, r.location)
		case method != "GET" && r.status != http.StatusUnauthorized:
			t.Errorf("%s %s signed out: got %d, want 401", method, path, r.status)
		}
	}
}

// TestAdvisorCannotGrantOwner: an advisor manages members but may not make
// owners nor demote one.
func TestAdvisorCannotGrantOwner(t *testing.T) {
	w := newWorld(t, "sqlite")
	c := w.client("en")
	c.signIn(w.users[org.Advisor].Email)
	r := c.post(fmt.Sprintf("/o/%s/members/%d/role", w.orgA.Slug, w.users[org.Member].ID), url.Values{"role": {"owner"}})
	if r.status != http.StatusForbidden {
		t.Fatalf("advisor granting owner: got %d, want 403", r.status)
	}
	r = c.post(fmt.Sprintf("/o/%s/members/%d/role", w.orgA.Slug, w.users[org.Owner].ID), url.Values{"role": {"member"}})
	if r.status != http.StatusForbidden {
		t.Fatalf("advisor demoting the owner: got %d, want 403", r.status)
	}
	role, _ := w.db.Membership(t.Context(), w.orgA.ID, w.users[org.Owner].ID)
	if role != org.Owner {
		t.Fatalf("got role %s, want the owner still owner", role)
	}
}

// throwawayMember adds a staff member to organisation A for a test that
// may change or remove them.
func (w *world) throwawayMember(tag org.Role) int64 {
	w.t.Helper()
	w.seq++
	sys := audit.Actor{Label: "test"}
	id, err := w.db.CreateUser(w.t.Context(), sys, auth.User{Email: fmt.Sprintf("temp%d-%s@alpha.example", w.seq, tag), Name: "一時", PasswordHash: "x"})
	if err != nil {
		w.t.Fatal(err)
	}
	if err := w.db.AddMember(w.t.Context(), sys, w.orgA.ID, id, org.Member); err != nil {
		w.t.Fatal(err)
	}
	return id
}

// throwawayInvitation invites an address to organisation o for a test
// that may cancel it.
func (w *world) throwawayInvitation(o org.Org) int64 {
	w.t.Helper()
	w.seq++
	id, err := w.db.Tenant(o.ID).Invite(w.t.Context(), audit.Actor{Label: "test"}, fmt.Sprintf("invitee%d@example.jp", w.seq), "招待", "x", org.Member)
	if err != nil {
		w.t.Fatal(err)
	}
	return id
}

// onlyDenialRecorded checks that since the trail had before entries,
// exactly one was added — organisation A's record of u's refusal on the
// route pattern — so nothing else changed (every change is an entry).
func (w *world) onlyDenialRecorded(t *testing.T, before int64, pattern string, u auth.User) {
	t.Helper()
	if got := w.auditCount(); got != before+1 {
		t.Errorf("%s as %s: refused, and the audit trail grew by %d entries, want 1 (the refusal)", pattern, u.Email, got-before)
		return
	}
	last, err := w.db.Tenant(w.orgA.ID).Audit(context.Background(), store.AuditFilter{Limit: 1})
	if err != nil || len(last) != 1 {
		t.Fatalf("reading the trail: %v", err)
	}
	if e := last[0]; e.Seq != before+1 || e.Action != "access.denied" || e.Target != "route:"+pattern || e.ActorID != u.ID {
		t.Errorf("%s as %s: last entry %d %s %s by %d, want entry %d access.denied route:%s by %d", pattern, u.Email, e.Seq, e.Action, e.Target, e.ActorID, before+1, pattern, u.ID)
	}
}
