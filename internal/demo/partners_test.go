package demo

import (
	"context"
	"testing"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/selfdiag"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// TestSeedPartners: the demo company's register holds its three partners,
// and the self-diagnosis proposes "partly" for question 22, naming the one
// entrusted with important information without confidentiality terms.
func TestSeedPartners(t *testing.T) {
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
	ps, err := ten.Partners(ctx)
	if err != nil || len(ps) != 3 {
		t.Fatalf("partners: %d (%v), want 3", len(ps), err)
	}
	pr, err := ten.SelfdiagProgramme(ctx, calendar.Of(today))
	if err != nil {
		t.Fatal(err)
	}
	p := selfdiag.Prefill(selfdiag.Live{Today: calendar.Of(today), Programme: pr})[21]
	if p.Answer != selfdiag.Partly || p.Reason != "selfdiag.reason.partners_missing" {
		t.Fatalf("question 22: got %v (%s), want partly for a partner without terms", p.Answer, p.Reason)
	}
	if names := p.Args[0].(selfdiag.Names); len(names) != 1 || names[0] != "ひかり物産" || p.Args[1] != 2 || p.Args[2] != 3 {
		t.Errorf("question 22 reason arguments %v, want ひかり物産, 2 of 3", p.Args)
	}
}
