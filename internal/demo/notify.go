package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/holiday"
	"github.com/mamori-sec/mamori/internal/notify"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/seal"
	"github.com/mamori-sec/mamori/internal/store"
)

// DevSink is where the demo company's e-mail would go: a local SMTP sink
// (for example `python3 -m aiosmtpd -n -l 127.0.0.1:2525`, or MailHog on
// port 1025). The channel is off until someone turns it on.
const DevSink = "127.0.0.1:2525"

// TestEnqueuer queues a test message (jobs.Queue.SendTest).
type TestEnqueuer func(ctx context.Context, orgID, userID int64, k notify.Kind) error

// SeedReminders gives the main demo company its notification settings —
// e-mail through the local dev sink (off), a Teams workflow webhook on a
// loopback port where nothing listens (on) — its keeper's preferences, two
// past digests, and one test message that fails, so the jobs page shows a
// failure with its reason.
func SeedReminders(ctx context.Context, db *store.DB, box *seal.Box, test TestEnqueuer, now time.Time) error {
	o, err := db.OrgBySlug(ctx, sakura.slug)
	if err != nil {
		return err
	}
	t := db.Tenant(o.ID)
	email := notify.Channel{Kind: notify.Email, Host: "127.0.0.1", Port: 2525, Sender: "mamori@" + sakura.domain}
	if err := t.SaveChannel(ctx, actor, email, false); err != nil {
		return fmt.Errorf("demo e-mail channel: %w", err)
	}
	teams := notify.Channel{Kind: notify.Teams, Enabled: true,
		Secret: box.Seal([]byte("http://127.0.0.1:9/workflows/demo/triggers/manual/paths/invoke"), notify.SealContext(o.ID, notify.Teams))}
	if err := t.SaveChannel(ctx, actor, teams, false); err != nil {
		return fmt.Errorf("demo teams channel: %w", err)
	}
	members, err := t.Members(ctx)
	if err != nil {
		return err
	}
	var owner, keeper int64
	for _, m := range members {
		switch {
		case m.Role == org.Owner && owner == 0:
			owner = m.ID
		case m.Role == org.Keeper && keeper == 0:
			keeper = m.ID
		}
	}
	if keeper != 0 {
		prefs := notify.Prefs{Kinds: []notify.Kind{notify.Email, notify.Teams}, Hours: notify.Hours{Start: 8*60 + 30, End: 18 * 60}}
		if err := db.SetNotifyPrefs(ctx, actor, keeper, prefs); err != nil {
			return err
		}
		// Two past working days' digests, as if the e-mail channel had
		// been on then.
		day := calendar.Of(now)
		for range 2 {
			if day, err = previousWorkingDay(day); err != nil {
				return err
			}
			key := notify.IdempotencyKey(o.ID, keeper, day, notify.Email)
			if _, err := t.ClaimDelivery(ctx, keeper, day, notify.Email, key, 4); err != nil {
				return err
			}
			if err := t.FinishDelivery(ctx, key, nil); err != nil {
				return err
			}
		}
	}
	if owner != 0 && test != nil {
		return test(ctx, o.ID, owner, notify.Teams)
	}
	return nil
}

func previousWorkingDay(d calendar.Day) (calendar.Day, error) {
	for range 15 {
		d = d.AddDays(-1)
		ok, err := holiday.BusinessDay(d)
		if err != nil || ok {
			return d, err
		}
	}
	return d, fmt.Errorf("demo: no working day before %s", d)
}
