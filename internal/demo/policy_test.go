package demo

import (
	"context"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/policy"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// TestSeedPolicy: Sakura's policy set is published in its second version,
// which differs from the first by one rule and which three of its
// members have acknowledged; its roles, contacts and sign-off are filled.
func TestSeedPolicy(t *testing.T) {
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
	v, acks, err := ten.PolicyAcks(ctx)
	if err != nil || v.Number != 2 {
		t.Fatalf("got version %d (%v), want 2 published", v.Number, err)
	}
	acked := 0
	for _, a := range acks {
		if !a.AckedAt.IsZero() {
			acked++
		}
	}
	if acked != 3 || len(acks) <= acked {
		t.Fatalf("got %d of %d acknowledged, want 3 and some not yet", acked, len(acks))
	}
	v1, _ := ten.PolicyVersion(ctx, 1)
	d := policy.Diff(v1.RulesJA, v.RulesJA, 0)
	added := 0
	for _, l := range d {
		if l.Op == policy.Added {
			added++
			if !strings.Contains(l.Text, "生成AI") {
				t.Errorf("added %q, want the generative-AI rule", l.Text)
			}
		}
	}
	if added != 1 || !strings.Contains(v.RulesJA, "株式会社さくら精機") && !strings.Contains(v.BasicJA, "株式会社さくら精機") {
		t.Fatalf("got %d added lines, want 1, and the company's name", added)
	}
	pub, err := db.PublicPolicy(ctx, sakura.slug)
	if err != nil || !strings.Contains(pub.BasicJA, "株式会社さくら精機") || !strings.Contains(pub.BasicEN, "株式会社さくら精機") {
		t.Fatalf("public page: %+v %v", pub, err)
	}
	roles, _ := ten.PolicyRoles(ctx)
	cs, _ := ten.EmergencyContacts(ctx)
	marks, _ := ten.SignoffMarks(ctx)
	done := 0
	for _, m := range marks {
		if m.DoneOn != "" {
			done++
		}
	}
	if len(roles) != len(policy.Roles) || !cs[1].Set() || cs[1].Default || done < 5 {
		t.Fatalf("got %d roles, IT vendor %+v, %d items done", len(roles), cs[1], done)
	}
}
