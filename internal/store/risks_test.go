package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/risk"
	"github.com/mamori-sec/mamori/internal/store"
)

func riskFixture(t *testing.T, db *store.DB, slug string) (store.Tenant, inventory.Asset, inventory.Asset, inventory.Person) {
	t.Helper()
	ctx := context.Background()
	ten := db.Tenant(mustOrg(t, db, slug))
	if err := ten.AddPeople(ctx, actor, []inventory.Person{{Name: "山田 太郎", Email: "yamada@" + slug + ".example", EmploymentType: inventory.FullTime}}); err != nil {
		t.Fatal(err)
	}
	people, _, _ := ten.People(ctx, store.PeopleQuery{})
	pi := inventory.Asset{Name: "顧客名簿", Medium: "社内サーバ", PersonalInfo: true, Confidentiality: 1, Integrity: 1, Availability: 1}
	low := inventory.Asset{Name: "製品カタログ", Medium: "ウェブサイト", Confidentiality: 1, Integrity: 1, Availability: 1}
	for _, a := range []*inventory.Asset{&pi, &low} {
		if err := ten.SaveAsset(ctx, actor, a); err != nil {
			t.Fatal(err)
		}
	}
	return ten, pi, low, people[0]
}

func TestRiskRegisterStore(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, c *clock) {
		ctx := context.Background()
		ten, pi, low, owner := riskFixture(t, db, "risk")
		// Value 1 × 1 on a low asset: below the line, nothing required.
		r, err := ten.SaveRisk(ctx, actor, risk.Risk{AssetID: low.ID, Threat: "ddos", ThreatLevel: 1, Vulnerability: 1})
		if err != nil {
			t.Fatal(err)
		}
		// The personal-information override makes 重要度 3: likelihood 2
		// gives 6, above the default line, so a bare risk is refused.
		bare := risk.Risk{AssetID: pi.ID, Threat: "mail_misdirect", ThreatLevel: 3, Vulnerability: 2}
		_, err = ten.SaveRisk(ctx, actor, bare)
		var p *problem.Error
		if !errors.As(err, &p) || p.Field != "treatment" {
			t.Fatalf("bare risk above the line: got %v, want a refusal on treatment", err)
		}
		full := bare
		full.Treatment, full.Plan, full.OwnerID, full.Due = risk.Reduce, "送信前の宛先確認を二人で", owner.ID, calendar.Date(2026, 9, 30)
		full, err = ten.SaveRisk(ctx, actor, full)
		if err != nil {
			t.Fatal(err)
		}
		// Raising the line to 6 accepts it; the line is audited.
		if err := ten.SetRiskLine(ctx, actor, 6); err != nil {
			t.Fatal(err)
		}
		if line, _ := ten.RiskLine(ctx); line != 6 {
			t.Fatalf("line = %d, want 6", line)
		}
		if err := ten.SetRiskLine(ctx, actor, 9); err == nil {
			t.Fatal("line 9 accepted")
		}
		list, err := ten.Risks(ctx)
		if err != nil || len(list) != 2 {
			t.Fatalf("register: %v, %d risks, want 2", err, len(list))
		}
		full.Status = risk.Done
		if _, err := ten.SaveRisk(ctx, actor, full); err != nil {
			t.Fatal(err)
		}
		got, err := ten.Risk(ctx, full.ID)
		if err != nil || got.Status != risk.Done || got.Plan != full.Plan || got.Due != full.Due || got.OwnerID != owner.ID {
			t.Fatalf("read back %+v, %v", got, err)
		}
		// Another organisation sees none of it and cannot change it.
		other, _, _, _ := riskFixture(t, db, "other")
		if l, _ := other.Risks(ctx); len(l) != 0 {
			t.Fatalf("other organisation sees %d risks", len(l))
		}
		if _, err := other.Risk(ctx, r.ID); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("other organisation reads a risk: %v", err)
		}
		if err := other.DeleteRisk(ctx, actor, r.ID); !errors.Is(err, problem.ErrNotFound) {
			t.Fatalf("other organisation deletes a risk: %v", err)
		}
		r.Note = "x"
		if _, err := other.SaveRisk(ctx, actor, r); err == nil {
			t.Fatal("other organisation changes a risk on an asset it does not have")
		}
		// Many at once: one bad risk saves none.
		batch := []risk.Risk{
			{AssetID: low.ID, Threat: "failure", ThreatLevel: 2, Vulnerability: 2},
			{AssetID: low.ID, Threat: "failure", ThreatLevel: 4, Vulnerability: 2},
		}
		err = ten.SaveRisks(ctx, actor, batch)
		var rowErr *store.RiskRowError
		if !errors.As(err, &rowErr) || rowErr.Index != 1 {
			t.Fatalf("batch: got %v, want a refusal of the second", err)
		}
		if l, _ := ten.Risks(ctx); len(l) != 2 {
			t.Fatalf("after the refused batch %d risks, want 2", len(l))
		}
		if err := ten.DeleteRisk(ctx, actor, r.ID); err != nil {
			t.Fatal(err)
		}
		if l, _ := ten.Risks(ctx); len(l) != 1 {
			t.Fatalf("after delete %d risks, want 1", len(l))
		}
	})
}
