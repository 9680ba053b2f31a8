package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store"
)

// TestImportShowsInRecordHistory: an import is one audit entry, and the
// page of a record it changed still shows that change in its history —
// the field, before and after — and the page of a record it added shows
// the creation.
func TestImportShowsInRecordHistory(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		c := w.client("ja")
		c.signIn(w.users[org.Keeper].Email)
		data := accountsCSV(
			"アルファストレージ,user@アルファ.example,,個人,閲覧,無効,有効",
			"Slack,hanako@alpha.example,,個人,編集,有効,有効",
		)
		r := c.upload("/o/alpha/import/preview", "アカウント.csv", data, map[string]string{"kind": "accounts"})
		m := applyID.FindStringSubmatch(r.body)
		if m == nil {
			t.Fatalf("preview: got %d, want an apply form", r.status)
		}
		if r = c.post("/o/alpha/import/apply", url.Values{"id": {m[1]}}); r.status != http.StatusSeeOther {
			t.Fatalf("apply: got %d, want 303", r.status)
		}
		ctx, ten := context.Background(), w.db.Tenant(w.orgA.ID)
		if entries, _ := ten.Audit(ctx, store.AuditFilter{Action: "account."}); len(entries) != 1 {
			t.Fatalf("got %d account entries, want only the one made before the import: the import is one entry", len(entries))
		}
		changed := c.get("/o/alpha/accounts/" + strconv.FormatInt(w.inv["account"][0], 10))
		if changed.status != http.StatusOK || !strings.Contains(changed.body, "アカウントを変更") || !strings.Contains(changed.body, "閲覧") ||
			!strings.Contains(changed.body, w.users[org.Keeper].Email) {
			t.Fatalf("changed account: got %d, want the import's change (to 閲覧, by the keeper) in its history\n%s", changed.status, changed.body)
		}
		accounts, _, err := ten.Accounts(ctx, store.ListQuery{Search: "hanako"})
		if err != nil || len(accounts) != 1 {
			t.Fatalf("got %v %v, want the imported account", accounts, err)
		}
		added := c.get("/o/alpha/accounts/" + strconv.FormatInt(accounts[0].ID, 10))
		if added.status != http.StatusOK || !regexp.MustCompile(`アカウントを登録[\s\S]*hanako@alpha\.example`).MatchString(added.body) {
			t.Fatalf("added account: got %d, want its creation by the import in its history\n%s", added.status, added.body)
		}
	})
}
