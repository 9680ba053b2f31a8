package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/notify"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
)

// TestNotifyChannelSettings: a channel's settings are kept per
// organisation, a sealed secret survives an edit that leaves it blank,
// and the audit trail says only that a secret is set.
func TestNotifyChannelSettings(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, _ *clock) {
		ctx := context.Background()
		a, b := mustOrg(t, db, "org-a"), mustOrg(t, db, "org-b")
		ta := db.Tenant(a)
		ch := notify.Channel{Kind: notify.Email, Enabled: true, Host: "smtp-relay.gmail.com", Port: 587, StartTLS: true,
			Username: "mamori@example.jp", Sender: "mamori@example.jp", Secret: "SEALED-PASSWORD-VALUE"}
		if err := ta.SaveChannel(ctx, actor, ch, false); err != nil {
			t.Fatal(err)
		}
		ch.Secret, ch.Port = "", 465
		if err := ta.SaveChannel(ctx, actor, ch, false); err != nil {
			t.Fatal(err)
		}
		got, err := ta.Channel(ctx, notify.Email)
		if err != nil {
			t.Fatal(err)
		}
		if got.Secret != "SEALED-PASSWORD-VALUE" || got.Port != 465 {
			t.Errorf("got %+v, want the secret kept and port 465", got)
		}
		if other, _ := db.Tenant(b).Channel(ctx, notify.Email); other.Enabled || other.Secret != "" {
			t.Errorf("organisation B sees %+v, want its own blank channel", other)
		}
		entries, err := ta.Audit(ctx, store.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range entries {
			if strings.Contains(e.Before+e.After, "SEALED") {
				t.Errorf("audit entry %d holds the secret: %s → %s", e.Seq, e.Before, e.After)
			}
			if e.Action == "notify.channel" {
				n++
				if !strings.Contains(e.After, `"secret":"set"`) {
					t.Errorf("audit entry %d: got %s, want the secret shown as set", e.Seq, e.After)
				}
			}
		}
		if n != 2 {
			t.Errorf("got %d notify.channel audit entries, want 2", n)
		}
		// Enabled but incomplete is refused, with nothing written.
		err = ta.SaveChannel(ctx, actor, notify.Channel{Kind: notify.Slack, Enabled: true}, false)
		if p, ok := problem.As(err); !ok || p.Field != "secret" {
			t.Errorf("enabled Slack without a webhook: got %v, want a field error on secret", err)
		}
	})
}

// TestNotifyPrefsAndRecipients: preferences default to e-mail 9–18 and are
// audited when changed; recipients carry them.
func TestNotifyPrefsAndRecipients(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, _ *clock) {
		ctx := context.Background()
		o := mustOrg(t, db, "org-a")
		u := mustUser(t, db, "sato@example.jp")
		if err := db.AddMember(ctx, actor, o, u, org.Keeper); err != nil {
			t.Fatal(err)
		}
		p, err := db.NotifyPrefs(ctx, u)
		if err != nil || !p.Wants(notify.Email) || p.Hours != notify.DefaultHours {
			t.Fatalf("got %+v %v, want the defaults", p, err)
		}
		want := notify.Prefs{Kinds: []notify.Kind{notify.Slack}, Hours: notify.Hours{Start: 8 * 60, End: 17 * 60}}
		if err := db.SetNotifyPrefs(ctx, actor, u, want); err != nil {
			t.Fatal(err)
		}
		if err := db.SetNotifyPrefs(ctx, actor, u, notify.Prefs{Hours: notify.Hours{Start: 600, End: 500}}); err == nil {
			t.Error("hours ending before they start: got no error")
		}
		rs, err := db.Tenant(o).Recipients(ctx)
		if err != nil || len(rs) != 1 || rs[0].Prefs.Wants(notify.Email) || !rs[0].Prefs.Wants(notify.Slack) || rs[0].Prefs.Hours.Start != 480 {
			t.Fatalf("got %+v %v, want one recipient with Slack from 8:00", rs, err)
		}
	})
}

// TestDeliveryClaimedOnce: once a delivery is recorded sent, claiming it
// again (a retry after a crash, another server) says there is nothing to
// send; a failed one may be claimed again.
func TestDeliveryClaimedOnce(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, _ *clock) {
		ctx := context.Background()
		o := mustOrg(t, db, "org-a")
		u := mustUser(t, db, "sato@example.jp")
		ten := db.Tenant(o)
		day := calendar.Date(2026, 5, 7)
		key := notify.IdempotencyKey(o, u, day, notify.Email)
		if ok, err := ten.ClaimDelivery(ctx, u, day, notify.Email, key, 3); err != nil || !ok {
			t.Fatalf("first claim: got %v %v, want true", ok, err)
		}
		if err := ten.FinishDelivery(ctx, key, errors.New("dial tcp: connection refused")); err != nil {
			t.Fatal(err)
		}
		if ok, err := ten.ClaimDelivery(ctx, u, day, notify.Email, key, 3); err != nil || !ok {
			t.Fatalf("claim after failure: got %v %v, want true", ok, err)
		}
		if err := ten.FinishDelivery(ctx, key, nil); err != nil {
			t.Fatal(err)
		}
		if ok, err := ten.ClaimDelivery(ctx, u, day, notify.Email, key, 3); err != nil || ok {
			t.Fatalf("claim after sent: got %v %v, want false", ok, err)
		}
		ds, err := ten.Deliveries(ctx, 10)
		if err != nil || len(ds) != 1 || ds[0].Status != store.DeliverySent || ds[0].Attempts != 3 || ds[0].Day != day {
			t.Fatalf("got %+v %v, want one sent delivery after 3 attempts", ds, err)
		}
		started, err := ten.DigestStarted(ctx, day)
		if err != nil || !started[u] {
			t.Errorf("got %v %v, want the user's digest started", started, err)
		}
	})
}
