package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/notify"
	"github.com/mamori-sec/mamori/internal/policy"
	"github.com/mamori-sec/mamori/internal/store"
)

// policySource reminds a member who has not acknowledged the published
// policy set policy.ReminderDays after its publication, every day of
// their digest until they do.
type policySource struct {
	cat  *i18n.Catalogue
	base string
	now  func() time.Time
}

func (s policySource) Items(ctx context.Context, t store.Tenant, r store.Recipient, day calendar.Day, l i18n.Locale) ([]notify.Item, error) {
	pending, err := t.PoliciesToAcknowledge(ctx, r.ID)
	if err != nil || len(pending) == 0 {
		return nil, err
	}
	now := s.now()
	var out []notify.Item
	for _, p := range pending {
		if policy.StateOf(p.PublishedAt, time.Time{}, now) == policy.ToAck {
			continue
		}
		o, err := t.Org(ctx)
		if err != nil {
			return nil, err
		}
		published := calendar.Of(p.PublishedAt)
		out = append(out, notify.Item{Kind: notify.PolicyItem, Title: s.cat.T(l, "notify.item.policy_ack", p.Version, published.Slashed()),
			URL: fmt.Sprintf("%s/o/%s/rules", s.base, o.Slug)})
	}
	return out, nil
}
