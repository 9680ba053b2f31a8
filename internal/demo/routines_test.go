package demo

import (
	"context"
	"testing"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/routine"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// TestSeedRoutines: the demo companies have routines with a history —
// completions with notes and files — and Sakura one overdue chore,
// escalated to the owner, so every routines page shows real content.
func TestSeedRoutines(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, "sqlite", nil)
	if _, err := Seed(ctx, db, today); err != nil {
		t.Fatal(err)
	}
	day := calendar.Of(today)
	for slug, wantOverdue := range map[string]int{"sakura-seiki": 1, "aoba-koumuten": 0} {
		o, err := db.OrgBySlug(ctx, slug)
		if err != nil {
			t.Fatal(err)
		}
		ten := db.Tenant(o.ID)
		f, err := ten.RoutineFigures(ctx, day)
		if err != nil || f.Overdue != wantOverdue || f.Escalated != wantOverdue || f.LastDone.IsZero() {
			t.Fatalf("%s: got %+v %v, want %d overdue and escalated, and completions", slug, f, err, wantOverdue)
		}
		done, err := ten.Occurrences(ctx, store.OccurrenceQuery{Through: day, AnyAssignee: true})
		if err != nil {
			t.Fatal(err)
		}
		files, notes := 0, 0
		for _, x := range done {
			if x.Done() && x.Note != "" {
				notes++
			}
			ev, _ := ten.OccurrenceEvidence(ctx, x.ID)
			for _, e := range ev {
				if e.Kind == routine.EvidenceFile {
					files++
				}
			}
		}
		if notes < 10 || files < 3 {
			t.Fatalf("%s: got %d completions with notes and %d files, want a history", slug, notes, files)
		}
	}
}
