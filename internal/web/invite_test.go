package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
)

func inviteForm(email, password string) url.Values {
	return url.Values{"email": {email}, "name": {"招待 太郎"}, "role": {"keeper"}, "password": {password}}
}

var invitationIDs = regexp.MustCompile(`/invitations/\d+/`)

// scrub removes from a page what differs between two equivalent answers:
// the address itself and the invitation's number.
func scrub(body, email string) string {
	return invitationIDs.ReplaceAllString(strings.ReplaceAll(body, email, "ADDRESS"), "/invitations/N/")
}

// TestInviteReplyHidesWhetherAddressExists: inviting an address that has
// an account and one that has none gives the inviter the same answers —
// the redirect, the page it leads to, and the refusals of a bad form — so
// nobody can test which addresses exist.
func TestInviteReplyHidesWhetherAddressExists(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		owner := w.client("en")
		owner.signIn(w.users[org.Owner].Email)
		existing, unknown := w.userB.Email, "nobody-yet@example.jp"
		for _, tc := range []struct {
			name     string
			password string
		}{{"no initial password", ""}, {"a common password", "password123"}, {"a good password", "a fine initial passphrase"}} {
			t.Run(tc.name, func(t *testing.T) {
				var replies [2]response
				var pages [2]string
				for i, email := range []string{existing, unknown} {
					replies[i] = owner.post("/o/alpha/members", inviteForm(email, tc.password))
					pages[i] = scrub(replies[i].body, email)
					if replies[i].status == http.StatusSeeOther {
						pages[i] = scrub(owner.get(replies[i].location).body, email)
						// Withdraw it, so the second address starts from the same page.
						id := invitationIDs.FindString(owner.get("/o/alpha/members").body)
						if r := owner.post("/o/alpha"+id+"cancel", nil); r.status != http.StatusSeeOther {
							t.Fatalf("cancel %s: got %d, want 303", id, r.status)
						}
					}
				}
				if replies[0].status != replies[1].status || replies[0].location != replies[1].location {
					t.Fatalf("existing address: %d → %q; unknown: %d → %q; want the same", replies[0].status, replies[0].location, replies[1].status, replies[1].location)
				}
				if pages[0] != pages[1] {
					t.Fatalf("the pages differ between an existing and an unknown address:\n%s\n----\n%s", pages[0], pages[1])
				}
			})
		}
		if _, err := w.db.Membership(t.Context(), w.orgA.ID, w.userB.ID); problem.CodeOf(err) != problem.NotFound {
			t.Fatalf("got %v, want the existing user not made a member by an invitation", err)
		}
	})
}

// TestInvitationNeedsAcceptance: an existing user invited to another
// organisation joins only when they accept it; until then the inviter
// sees the address and role only, not their second-factor state; nobody
// else can answer it; declining adds nothing.
func TestInvitationNeedsAcceptance(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		invitee := w.client("en")
		invitee.signIn(w.userB.Email)
		invitee.enrolTOTP()
		owner := w.client("en")
		owner.signIn(w.users[org.Owner].Email)
		totpOn := `<span class="badge ok">On</span>`
		if strings.Contains(owner.get("/o/alpha/members").body, totpOn) {
			t.Fatal("setup: no member of alpha should have a second factor yet")
		}

		if r := owner.post("/o/alpha/members", inviteForm(w.userB.Email, "a fine initial passphrase")); r.status != http.StatusSeeOther {
			t.Fatalf("invite: got %d, want 303", r.status)
		}
		members := owner.get("/o/alpha/members").body
		if strings.Contains(members, totpOn) || strings.Contains(members, fmt.Sprintf("/members/%d/", w.userB.ID)) {
			t.Fatal("the members page shows the invited person's account before they joined")
		}
		if !strings.Contains(members, w.userB.Email) {
			t.Fatal("the members page does not list the pending invitation")
		}
		if r := invitee.get("/o/alpha/"); r.status != http.StatusNotFound {
			t.Fatalf("invitee before accepting: got %d, want 404", r.status)
		}
		invs, err := w.db.UserInvitations(t.Context(), w.userB.ID)
		if err != nil || len(invs) != 1 {
			t.Fatalf("got %d invitations (%v), want 1", len(invs), err)
		}
		id := invs[0].ID
		if r := invitee.get("/"); r.status != http.StatusSeeOther || r.location != "/portfolio" {
			t.Fatalf("home with an invitation: got %d → %q, want the portfolio", r.status, r.location)
		}
		if page := invitee.get("/portfolio").body; !strings.Contains(page, fmt.Sprintf("/invitations/%d/accept", id)) || !strings.Contains(page, w.orgA.Name) {
			t.Fatal("the portfolio does not offer the invitation")
		}

		// Someone else — even a member of the inviting organisation — cannot
		// answer it.
		other := w.client("en")
		other.signIn(w.users[org.Keeper].Email)
		for _, action := range []string{"accept", "decline"} {
			if r := other.post(fmt.Sprintf("/invitations/%d/%s", id, action), nil); r.status != http.StatusNotFound {
				t.Fatalf("%s someone else's invitation: got %d, want 404", action, r.status)
			}
		}

		if r := invitee.post(fmt.Sprintf("/invitations/%d/decline", id), nil); r.status != http.StatusSeeOther {
			t.Fatalf("decline: got %d, want 303", r.status)
		}
		if _, err := w.db.Membership(t.Context(), w.orgA.ID, w.userB.ID); problem.CodeOf(err) != problem.NotFound {
			t.Fatalf("got %v after declining, want no membership", err)
		}
		if r := invitee.post(fmt.Sprintf("/invitations/%d/accept", id), nil); r.status != http.StatusNotFound {
			t.Fatalf("accepting a declined invitation: got %d, want 404", r.status)
		}

		// Invited again, they accept and join with the role offered.
		owner.post("/o/alpha/members", inviteForm(w.userB.Email, "a fine initial passphrase"))
		invs, _ = w.db.UserInvitations(t.Context(), w.userB.ID)
		if len(invs) != 1 {
			t.Fatalf("got %d invitations, want the new one", len(invs))
		}
		if r := invitee.post(fmt.Sprintf("/invitations/%d/accept", invs[0].ID), nil); r.status != http.StatusSeeOther {
			t.Fatalf("accept: got %d, want 303", r.status)
		}
		if role, err := w.db.Membership(t.Context(), w.orgA.ID, w.userB.ID); err != nil || role != org.Keeper {
			t.Fatalf("got %q %v, want a keeper of alpha", role, err)
		}
		if r := invitee.get("/o/alpha/people"); r.status != http.StatusOK {
			t.Fatalf("after accepting: got %d, want 200", r.status)
		}
		if !strings.Contains(owner.get("/o/alpha/members").body, totpOn) {
			t.Fatal("after joining, the member's second factor is not shown")
		}

		entries, err := w.db.Tenant(w.orgA.ID).Audit(t.Context(), store.AuditFilter{Action: "invite."})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for _, e := range entries {
			seen[e.Action]++
		}
		// The world starts with one invitation of its own.
		if seen["invite.create"] != 3 || seen["invite.decline"] != 1 || seen["invite.accept"] != 1 {
			t.Fatalf("got audit actions %v, want 3 invitations, 1 decline, 1 accept", seen)
		}
		if audit := owner.get("/o/alpha/audit").body; !strings.Contains(audit, "Invitation accepted") || !strings.Contains(audit, "Member invited") {
			t.Fatal("the audit page does not name the invitation actions in words")
		}
	})
}

// TestInvitationCancelled: a cancelled invitation can no longer be
// accepted, and disappears for its addressee.
func TestInvitationCancelled(t *testing.T) {
	w := newWorld(t, "sqlite")
	owner := w.client("en")
	owner.signIn(w.users[org.Owner].Email)
	owner.post("/o/alpha/members", inviteForm(w.userB.Email, "a fine initial passphrase"))
	invs, _ := w.db.UserInvitations(t.Context(), w.userB.ID)
	if len(invs) != 1 {
		t.Fatalf("got %d invitations, want 1", len(invs))
	}
	if r := owner.post(fmt.Sprintf("/o/alpha/invitations/%d/cancel", invs[0].ID), nil); r.status != http.StatusSeeOther {
		t.Fatalf("cancel: got %d, want 303", r.status)
	}
	invitee := w.client("en")
	invitee.signIn(w.userB.Email)
	if r := invitee.post(fmt.Sprintf("/invitations/%d/accept", invs[0].ID), nil); r.status != http.StatusNotFound {
		t.Fatalf("accepting a cancelled invitation: got %d, want 404", r.status)
	}
	if strings.Contains(invitee.get("/portfolio").body, "/invitations/") {
		t.Fatal("a cancelled invitation is still offered")
	}
}
