package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// TestAuditPageShowsAnchor checks that the audit page shows the head of
// the chain to keep, and that the download is an anchor that verifies.
func TestAuditPageShowsAnchor(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		c := w.client("ja")
		c.signIn(w.users[org.Auditor].Email)
		r := c.get("/o/alpha/audit/anchor")
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") || !strings.Contains(r.header.Get("Content-Disposition"), `attachment; filename="mamori-audit-anchor-`) {
			t.Fatalf("download: got %d %v", r.status, r.header)
		}
		a, err := audit.ParseAnchor(strings.NewReader(r.body))
		if err != nil {
			t.Fatalf("download %q: %v", r.body, err)
		}
		head := w.auditCount()
		if a.Seq != head || !storetest.AuditKey.Genuine(a) {
			t.Fatalf("got anchor %+v, want the signed head %d", a, head)
		}
		if _, err := w.db.VerifyAudit(context.Background(), a); err != nil {
			t.Fatalf("the downloaded anchor does not verify: %v", err)
		}
		page := c.get("/o/alpha/audit")
		want := fmt.Sprintf("監査記録の最新：第%d件 ハッシュ %s…", head, a.Hash[:12])
		if page.status != http.StatusOK || !strings.Contains(page.body, want) || !strings.Contains(page.body, `href="/o/alpha/audit/anchor"`) {
			t.Fatalf("audit page: got %d, want %q and the download link", page.status, want)
		}
		en := w.client("en")
		en.signIn(w.users[org.Owner].Email)
		if page := en.get("/o/alpha/audit"); !strings.Contains(page.body, "Newest audit entry: no. ") || !strings.Contains(page.body, "Download the anchor") {
			t.Fatal("the English audit page lacks the anchor")
		}
		m := w.client("ja")
		m.signIn(w.users[org.Member].Email)
		if r := m.get("/o/alpha/audit/anchor"); r.status != http.StatusForbidden {
			t.Fatalf("member downloading the anchor: got %d, want 403", r.status)
		}
	})
}
