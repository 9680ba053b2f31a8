package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/importer"
	"github.com/mamori-sec/mamori/internal/intake"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/web"
)

// preview uploads a small account file and returns the apply id.
func (c *client) preview(slug, login string) string {
	c.w.t.Helper()
	r := c.upload("/o/"+slug+"/import/preview", "アカウント.csv", accountsCSV("Slack,"+login+",,個人,編集,有効,有効"), map[string]string{"kind": "accounts"})
	m := applyID.FindStringSubmatch(r.body)
	if r.status != http.StatusOK || m == nil {
		c.w.t.Fatalf("preview: got %d, want an apply form\n%s", r.status, r.body)
	}
	return m[1]
}

// hasAccount reports an account of an organisation with login.
func (w *world) hasAccount(orgID int64, login string) bool {
	w.t.Helper()
	rows, err := intake.Rows(context.Background(), w.db.Tenant(orgID), importer.Accounts, "en")
	if err != nil {
		w.t.Fatal(err)
	}
	return strings.Contains(fmt.Sprint(rows), login)
}

// secondServer is another app server on the same database, as behind a
// load balancer: nothing shared with the first but the database.
func (w *world) secondServer() *world {
	w.t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		w.t.Fatal(err)
	}
	srv, err := web.NewServer(web.Deps{DB: w.db, Catalogue: cat, Box: w.box, Now: w.clock.Now, Version: "test",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		w.t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	w.t.Cleanup(ts.Close)
	w2 := *w
	w2.srv, w2.ts = srv, ts
	return &w2
}

// With every import slot taken, a preview, an apply and an API import are
// refused at once with a message to try again, and nothing changes.
func TestImportBusy(t *testing.T) {
	w := newWorld(t, "sqlite")
	c := w.client("ja")
	c.signIn(w.users[org.Keeper].Email)
	id := c.preview("alpha", "busy@alpha.example")
	before := w.auditCount()
	release := w.srv.HoldImportSlots()
	const busy = "他の取り込みを処理中です。しばらくしてから再度お試しください。"
	if r := c.upload("/o/alpha/import/preview", "a.csv", accountsCSV("Slack,x@alpha.example,,個人,編集,有効,有効"), map[string]string{"kind": "accounts"}); r.status != http.StatusTooManyRequests || !strings.Contains(r.body, busy) {
		t.Fatalf("preview: got %d, want 429 with %q\n%s", r.status, busy, r.body)
	}
	if r := c.post("/o/alpha/import/apply", url.Values{"id": {id}}); r.status != http.StatusTooManyRequests || !strings.Contains(r.body, busy) {
		t.Fatalf("apply: got %d, want 429 with %q", r.status, busy)
	}
	script := w.apiClient(w.users[org.Keeper], "en")
	if r := script.send("POST", "/api/v1/orgs/alpha/import?kind=accounts&apply=1", "text/csv", strings.NewReader(string(accountsCSV("Slack,y@alpha.example,,個人,編集,有効,有効")))); r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "Another import is being processed") {
		t.Fatalf("API: got %d, want 429\n%s", r.status, r.body)
	}
	if got := w.auditCount(); got != before+1 { // the API token's creation
		t.Fatalf("audit entries: got %d, want %d", got, before+1)
	}
	release()
	if r := c.post("/o/alpha/import/apply", url.Values{"id": {id}}); r.status != http.StatusSeeOther {
		t.Fatalf("apply after release: got %d, want 303", r.status)
	}
}

// Pending imports are kept per organisation and user: one organisation's
// many previews do not expire another's; a user's own oldest go first,
// beyond five; and they expire after an hour.
func TestPendingImportsPerTenant(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		a := w.client("ja")
		a.signIn(w.users[org.Keeper].Email)
		b := w.client("ja")
		b.signIn(w.userB.Email)
		idB := b.preview("bravo", "kept@bravo.example")
		var idsA []string
		for i := range 25 {
			idsA = append(idsA, a.preview("alpha", fmt.Sprintf("a%d@alpha.example", i)))
		}
		if r := b.post("/o/bravo/import/apply", url.Values{"id": {idB}}); r.status != http.StatusSeeOther {
			t.Fatalf("B's apply after A's 25 previews: got %d, want 303\n%s", r.status, r.body)
		}
		if !w.hasAccount(w.orgB.ID, "kept@bravo.example") {
			t.Fatal("B's import did not apply")
		}
		if r := a.post("/o/alpha/import/apply", url.Values{"id": {idsA[0]}}); r.status != http.StatusNotFound {
			t.Fatalf("A's oldest of 25: got %d, want 404 (only the newest %d kept)", r.status, store.PendingImportsPerUser)
		}
		if r := a.post("/o/alpha/import/apply", url.Values{"id": {idsA[24-store.PendingImportsPerUser+1]}}); r.status != http.StatusSeeOther {
			t.Fatalf("A's fifth newest: got %d, want 303", r.status)
		}
		w.clock.Add(store.PendingImportTTL + time.Minute)
		if r := a.post("/o/alpha/import/apply", url.Values{"id": {idsA[24]}}); r.status != http.StatusNotFound {
			t.Fatalf("after an hour: got %d, want 404", r.status)
		}
		if err := w.db.PruneSessions(context.Background()); err != nil {
			t.Fatal(err)
		}
	})
}

// Another user of the same organisation, and a user of another one, cannot
// apply a pending import even with its id: 404, and nothing changes.
func TestPendingImportOnlyItsOwner(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		keeper := w.client("ja")
		keeper.signIn(w.users[org.Keeper].Email)
		id := keeper.preview("alpha", "mine@alpha.example")
		admin := w.client("ja")
		admin.signIn(w.users[org.Owner].Email)
		other := w.client("ja")
		other.signIn(w.userB.Email)
		before := w.auditCount()
		if r := admin.post("/o/alpha/import/apply", url.Values{"id": {id}}); r.status != http.StatusNotFound {
			t.Fatalf("another user of the organisation: got %d, want 404", r.status)
		}
		for _, path := range []string{"/o/bravo/import/apply", "/o/alpha/import/apply"} {
			if r := other.post(path, url.Values{"id": {id}}); r.status != http.StatusNotFound {
				t.Fatalf("user of another organisation at %s: got %d, want 404", path, r.status)
			}
		}
		if w.auditCount() != before || w.hasAccount(w.orgA.ID, "mine@alpha.example") || w.hasAccount(w.orgB.ID, "mine@alpha.example") {
			t.Fatal("a refused apply changed something")
		}
		if r := keeper.post("/o/alpha/import/apply", url.Values{"id": {id}}); r.status != http.StatusSeeOther {
			t.Fatalf("the owner of the upload: got %d, want 303", r.status)
		}
	})
}

// Previewed on one app server, applied on another on the same database (or
// after a restart): the file is in the database, sealed.
func TestPendingImportOnSecondServer(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		c1 := w.client("ja")
		c1.signIn(w.users[org.Keeper].Email)
		id := c1.preview("alpha", "moved@alpha.example")
		sum := sha256.Sum256([]byte(id))
		p, err := w.db.PendingImport(context.Background(), hex.EncodeToString(sum[:]), w.orgA.ID, w.users[org.Keeper].ID)
		if err != nil || !p.Sealed || strings.Contains(string(p.Data), "moved@alpha.example") {
			t.Fatalf("stored: sealed=%v err=%v, want the file sealed at rest", p.Sealed, err)
		}
		w2 := w.secondServer()
		c2 := w2.client("ja")
		c2.cookies = c1.cookies
		if r := c2.post("/o/alpha/import/apply", url.Values{"id": {id}}); r.status != http.StatusSeeOther {
			t.Fatalf("apply on the second server: got %d, want 303\n%s", r.status, r.body)
		}
		if !w.hasAccount(w.orgA.ID, "moved@alpha.example") {
			t.Fatal("the import did not apply")
		}
	})
}
