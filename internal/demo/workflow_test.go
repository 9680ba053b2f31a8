package demo

import (
	"context"
	"testing"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/store/storetest"
	"github.com/mamori-sec/mamori/internal/workflow"
)

// TestSeedChecklists: the demo company has someone leaving next week whose
// leaver checklist is under way (an item done, one added by the keeper),
// and the person who left at the end of last month with a checklist
// overdue and items still open.
func TestSeedChecklists(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, storetest.Engines()[0], nil)
	if _, err := Seed(ctx, db, today); err != nil {
		t.Fatal(err)
	}
	o, err := db.OrgBySlug(ctx, sakura.slug)
	if err != nil {
		t.Fatal(err)
	}
	ten := db.Tenant(o.ID)
	lists, err := ten.OpenChecklists(ctx)
	if err != nil {
		t.Fatal(err)
	}
	day := calendar.Of(today)
	var soon, overdue bool
	for _, c := range lists {
		if c.Kind != workflow.Leaver {
			continue
		}
		p, _ := ten.Person(ctx, c.PersonID)
		done, manual := 0, 0
		for _, it := range c.Items {
			if it.Status == workflow.Done {
				done++
			}
			if it.Kind == workflow.Manual {
				manual++
			}
		}
		switch {
		case p.Email == leavingSoon+"@"+sakura.domain:
			soon = c.Due == day.AddDays(7) && done > 0 && manual == 1 && c.OpenItems() > 0
		case p.Name == "木村 隆":
			overdue = c.Overdue(day) && c.OpenItems() > 0
		}
	}
	if !soon || !overdue {
		t.Errorf("got leaving next week under way %v, departed overdue %v; want both (%d open checklists)", soon, overdue, len(lists))
	}
}
