package demo

import (
	"context"
	"testing"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/posture"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// TestSeedRisks: さくら精機 has a risk register of eight risks on its real
// assets with one treatment overdue, which the evaluation reports.
func TestSeedRisks(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, "sqlite", nil)
	if _, err := Seed(ctx, db, today); err != nil {
		t.Fatal(err)
	}
	o, err := db.OrgBySlug(ctx, sakura.slug)
	if err != nil {
		t.Fatal(err)
	}
	ten := db.Tenant(o.ID)
	list, err := ten.Risks(ctx)
	if err != nil || len(list) != 8 {
		t.Fatalf("got %d risks (%v), want 8", len(list), err)
	}
	overdue := 0
	for _, r := range list {
		if r.Overdue(calendar.Of(today)) {
			overdue++
		}
	}
	if overdue != 1 {
		t.Fatalf("got %d overdue treatments, want 1", overdue)
	}
	if _, err := posture.Evaluate(ctx, ten, audit.System, today); err != nil {
		t.Fatal(err)
	}
	found, _, err := ten.Findings(ctx, store.FindingQuery{CheckID: "assets.risk_treatment_overdue"})
	if err != nil || len(found) != 1 {
		t.Fatalf("got %d overdue findings (%v), want 1", len(found), err)
	}
}
