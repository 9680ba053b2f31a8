package jobs_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/notify"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// workingMorning is 9:05 in Japan on the first business day at least
// days after t.
func workingMorning(t *testing.T, from time.Time, days int) time.Time {
	t.Helper()
	d := calendar.Of(from).AddDays(days)
	for range 14 {
		y, m, dd := d.Date()
		at := jstAt(y, m, dd, 9, 5)
		if _, in, err := notify.DueNow(at, notify.DefaultHours); err == nil && in {
			return at
		}
		d = d.AddDays(1)
	}
	t.Fatal("no business day in two weeks")
	return time.Time{}
}

// TestDigestRemindsPolicyAcknowledgement: a member who has not
// acknowledged the published rules gets them in the digest from the 7th
// day on, linking to the rules page, and no more once acknowledged.
func TestDigestRemindsPolicyAcknowledgement(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			sys := audit.Actor{Label: "test"}
			w := newNotifyWorld(t, engine, false)
			slack := &hook{}
			srv := httptest.NewServer(slack)
			defer srv.Close()
			w.channel(t, notify.Channel{Kind: notify.Slack, Enabled: true}, srv.URL+"/services/T/B/X")
			if err := w.db.SetNotifyPrefs(ctx, sys, w.user, notify.Prefs{Kinds: []notify.Kind{notify.Slack}, Hours: notify.DefaultHours}); err != nil {
				t.Fatal(err)
			}
			ten := w.db.Tenant(w.orgID)
			texts := store.PolicyTexts{BasicJA: "# 方針\n本文", BasicEN: "# Policy\ntext", RulesJA: "# 規程\n本文", RulesEN: "# Rules\ntext"}
			if _, err := ten.CreatePolicyDraft(ctx, sys, texts); err != nil {
				t.Fatal(err)
			}
			if err := ten.PublishPolicy(ctx, sys, 1); err != nil {
				t.Fatal(err)
			}
			published := w.db.Now()
			w.start(t)
			// Each digest also lists the routines due (fakeRoutines): what
			// matters is whether the rules are in it.
			digest := func(at time.Time, n int) string {
				t.Helper()
				w.clock.set(at)
				if _, err := w.q.QueueDigests(ctx); err != nil {
					t.Fatal(err)
				}
				waitFor(t, "the digest", func() bool { return slack.count() == n })
				return slack.bodies[n-1]
			}
			if body := digest(workingMorning(t, published, 1), 1); strings.Contains(body, "社内ルール") {
				t.Fatalf("the next day: got %s, want no reminder yet", body)
			}
			body := digest(workingMorning(t, published, 8), 2)
			if !strings.Contains(body, "社内ルール第1版の確認") || !strings.Contains(body, "https://mamori.example/o/demo/rules") {
				t.Fatalf("after a week: got %s, want the rules to acknowledge with their link", body)
			}
			if err := ten.AcknowledgePolicy(ctx, sys, w.user, 1); err != nil {
				t.Fatal(err)
			}
			if body := digest(workingMorning(t, w.clock.now(), 1), 3); strings.Contains(body, "社内ルール") {
				t.Fatalf("after acknowledging: got %s, want no reminder", body)
			}
		})
	}
}
