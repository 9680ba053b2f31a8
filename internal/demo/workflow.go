package demo

import (
	"context"
	"time"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/workflow"
)

// leavingSoon is the person of the main company whose contract ends next
// week (seedCompany gives them the leave date): their leaver checklist is
// under way, some items done.
const leavingSoon = "t.matsumoto"

// seedChecklists gives the company's people their joiner / mover / leaver
// checklists as the evaluation would, now rather than when the queue
// first runs: someone leaving next week with part of the list done, and
// the person who left at the end of last month (木村) with items still open
// past the leave date, which the leaver finding reports.
func seedChecklists(ctx context.Context, t store.Tenant, c company, now time.Time) error {
	today := calendar.Of(now)
	data, err := t.ForChecks(ctx, today.String())
	if err != nil {
		return err
	}
	if _, err := t.SyncChecklists(ctx, actor, data, today); err != nil {
		return err
	}
	if c.slug != sakura.slug {
		return nil
	}
	items, err := t.OpenLeaverItems(ctx)
	if err != nil {
		return err
	}
	for _, it := range items {
		if it.Due != today.AddDays(7) {
			continue
		}
		if it.Kind == workflow.TransferData {
			if _, err := t.MarkItem(ctx, actor, it.ID, workflow.Mark{Status: workflow.Done}); err != nil {
				return err
			}
		}
	}
	if id := leaverOf(items, today.AddDays(7)); id != 0 {
		if _, err := t.AddItem(ctx, actor, id, "営業車の鍵と ETC カードを回収する"); err != nil {
			return err
		}
	}
	return nil
}

// leaverOf is the checklist of the items due on day.
func leaverOf(items []workflow.Item, day calendar.Day) int64 {
	for _, it := range items {
		if it.Due == day {
			return it.ChecklistID
		}
	}
	return 0
}
