package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/notify"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
	"github.com/mamori-sec/mamori/internal/web"
)

// TestSignInLinkLimitsShared: two app servers on one database share the
// sign-in link's limits — three asks per address and ten per client in
// fifteen minutes, wherever they land — and the counters hold keyed
// hashes, never the address or the client.
func TestSignInLinkLimitsShared(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			var deps web.Deps
			w := newWorldWith(t, engine, func(d *web.Deps) { deps = *d })
			ctx := context.Background()
			ch := notify.Channel{Kind: notify.Email, Enabled: true, Host: "smtp.alpha.example", Port: 587, StartTLS: true, Sender: "mamori@alpha.example"}
			if err := w.db.Tenant(w.orgA.ID).SaveChannel(ctx, audit.Actor{Label: "test"}, ch, false); err != nil {
				t.Fatal(err)
			}
			second, err := web.NewServer(deps)
			if err != nil {
				t.Fatal(err)
			}
			servers := []http.Handler{w.srv.Handler(), second.Handler()}
			const client = "198.51.100.7"
			ask := func(i int, email string) {
				t.Helper()
				req := httptest.NewRequest(http.MethodPost, "/signin/link", strings.NewReader(url.Values{"email": {email}}.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.RemoteAddr = client + ":40000"
				rec := httptest.NewRecorder()
				servers[i%2].ServeHTTP(rec, req)
				if rec.Code != http.StatusSeeOther {
					t.Fatalf("ask %d for %s: got %d, want 303", i, email, rec.Code)
				}
			}
			sent := func(email string) int {
				t.Helper()
				es, err := w.db.Tenant(w.orgA.ID).Audit(ctx, store.AuditFilter{Action: "signin.link_sent"})
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for _, e := range es {
					if e.Actor == email {
						n++
					}
				}
				return n
			}
			keeper, member := w.users[org.Keeper].Email, w.users[org.Member].Email

			for i := range 4 {
				ask(i, keeper)
			}
			if n := sent(keeper); n != 3 {
				t.Fatalf("four asks over two servers: %d links, want 3", n)
			}
			for _, row := range w.rows(t, "rate_counts") {
				for col, v := range row {
					for _, f := range []string{keeper, client, "198.51.100"} {
						if strings.Contains(v, f) {
							t.Errorf("rate_counts.%s holds %q", col, f)
						}
					}
				}
			}

			// A new window: the address may ask again; then a client that
			// asked for ten addresses over both servers is held back.
			w.clock.Add(16 * time.Minute)
			ask(1, keeper)
			if n := sent(keeper); n != 4 {
				t.Fatalf("after the window: %d links, want 4", n)
			}
			for i := range 9 {
				ask(i, fmt.Sprintf("nobody%d@alpha.example", i))
			}
			ask(0, member)
			if n := sent(member); n != 0 {
				t.Fatalf("the client's eleventh ask: %d links, want 0", n)
			}
			w.clock.Add(16 * time.Minute)
			ask(1, member)
			if n := sent(member); n != 1 {
				t.Fatalf("after the window: %d links for the member, want 1", n)
			}
			// The hourly clean-up forgets windows over a day old.
			w.clock.Add(25 * time.Hour)
			if err := w.db.PruneSessions(ctx); err != nil {
				t.Fatal(err)
			}
			if rows := w.rows(t, "rate_counts"); len(rows) != 0 {
				t.Errorf("after a day: %d counters left, want 0", len(rows))
			}
		})
	}
}
