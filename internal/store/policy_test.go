package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/policy"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
)

func texts(tag string) store.PolicyTexts {
	return store.PolicyTexts{BasicJA: "# 基本方針\n" + tag, BasicEN: "# Basic policy\n" + tag, RulesJA: "# 規程\n" + tag, RulesEN: "# Rules\n" + tag}
}

// TestPolicyAcknowledgementReset: acknowledging version 1 does not count
// for version 2; publishing v2 puts everyone back to "to acknowledge",
// and unpublishing leaves nothing to acknowledge nor to show.
func TestPolicyAcknowledgementReset(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, c *clock) {
		ctx := context.Background()
		orgID := mustOrg(t, db, "policy-ack")
		ten := db.Tenant(orgID)
		owner, staff := mustUser(t, db, "owner@ack.example"), mustUser(t, db, "staff@ack.example")
		for id, r := range map[int64]org.Role{owner: org.Owner, staff: org.Member} {
			if err := db.AddMember(ctx, actor, orgID, id, r); err != nil {
				t.Fatal(err)
			}
		}
		as := audit.Actor{UserID: owner, Label: "owner"}
		n, err := ten.CreatePolicyDraft(ctx, as, texts("v1"))
		if err != nil || n != 1 {
			t.Fatalf("got draft %d %v, want 1", n, err)
		}
		if _, err := ten.CreatePolicyDraft(ctx, as, texts("again")); problem.CodeOf(err) != problem.Conflict {
			t.Fatalf("second draft: got %v, want conflict", err)
		}
		if pub, _, _ := ten.PublishedBasicPolicy(ctx); pub {
			t.Fatal("a draft counts as published")
		}
		if err := ten.AcknowledgePolicy(ctx, audit.Actor{UserID: staff}, staff, 1); problem.CodeOf(err) != problem.Conflict {
			t.Fatalf("acknowledging a draft: got %v, want conflict", err)
		}
		if err := ten.PublishPolicy(ctx, as, 1); err != nil {
			t.Fatal(err)
		}
		if err := ten.UpdatePolicyDraft(ctx, as, 1, texts("changed after publishing")); problem.CodeOf(err) != problem.Conflict {
			t.Fatalf("editing a published version: got %v, want conflict", err)
		}
		pending, err := ten.PoliciesToAcknowledge(ctx, staff)
		if err != nil || len(pending) != 1 || pending[0].Version != 1 {
			t.Fatalf("got %+v %v, want version 1 to acknowledge", pending, err)
		}
		if err := ten.AcknowledgePolicy(ctx, audit.Actor{UserID: staff}, staff, 1); err != nil {
			t.Fatal(err)
		}
		if err := ten.AcknowledgePolicy(ctx, audit.Actor{UserID: staff}, staff, 1); err != nil {
			t.Fatalf("acknowledging twice: %v", err)
		}
		if pending, _ := ten.PoliciesToAcknowledge(ctx, staff); len(pending) != 0 {
			t.Fatalf("got %+v after acknowledging, want nothing", pending)
		}
		c.add(24 * time.Hour)
		if _, err := ten.CreatePolicyDraft(ctx, as, texts("v2")); err != nil {
			t.Fatal(err)
		}
		if err := ten.PublishPolicy(ctx, as, 2); err != nil {
			t.Fatal(err)
		}
		pending, _ = ten.PoliciesToAcknowledge(ctx, staff)
		if len(pending) != 1 || pending[0].Version != 2 {
			t.Fatalf("got %+v after v2, want v2 to acknowledge again", pending)
		}
		if err := ten.AcknowledgePolicy(ctx, audit.Actor{UserID: staff}, staff, 1); problem.CodeOf(err) != problem.Conflict {
			t.Fatalf("acknowledging the retired v1: got %v, want conflict", err)
		}
		v, acks, err := ten.PolicyAcks(ctx)
		if err != nil || v.Number != 2 || len(acks) != 2 {
			t.Fatalf("got v%d %+v %v", v.Number, acks, err)
		}
		for _, a := range acks {
			if !a.AckedAt.IsZero() {
				t.Errorf("%s: acknowledged v2 at %v, want not yet", a.Email, a.AckedAt)
			}
		}
		v1, _ := ten.PolicyVersion(ctx, 1)
		if v1.Status != policy.Retired {
			t.Errorf("v1 is %s, want retired", v1.Status)
		}
		pub, err := db.PublicPolicy(ctx, "policy-ack")
		if err != nil || pub.BasicJA != texts("v2").BasicJA {
			t.Fatalf("public: got %+v %v, want v2", pub, err)
		}
		if err := ten.UnpublishPolicy(ctx, as); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PublicPolicy(ctx, "policy-ack"); err != problem.ErrNotFound {
			t.Fatalf("public after unpublishing: got %v, want not found", err)
		}
		if pending, _ := ten.PoliciesToAcknowledge(ctx, staff); len(pending) != 0 {
			t.Fatalf("got %+v after unpublishing, want nothing", pending)
		}
		if pub, _, _ := ten.PublishedBasicPolicy(ctx); pub {
			t.Fatal("withdrawn counts as published")
		}
		// Another organisation sees none of it.
		other := db.Tenant(mustOrg(t, db, "policy-other"))
		if _, err := other.PolicyVersion(ctx, 1); err != problem.ErrNotFound {
			t.Fatalf("other organisation reads v1: %v", err)
		}
		if err := other.PublishPolicy(ctx, as, 2); err != problem.ErrNotFound {
			t.Fatalf("other organisation publishes v2: %v", err)
		}
	})
}

func TestPolicyRolesAndContacts(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, c *clock) {
		ctx := context.Background()
		ten := db.Tenant(mustOrg(t, db, "policy-roles"))
		other := db.Tenant(mustOrg(t, db, "policy-roles-b"))
		if err := ten.AddPeople(ctx, actor, []inventory.Person{{Name: "佐藤一郎", EmploymentType: inventory.FullTime}, {Name: "退職済子", EmploymentType: inventory.FullTime, LeaveDate: "2020-03-31"}}); err != nil {
			t.Fatal(err)
		}
		if err := other.AddPeople(ctx, actor, []inventory.Person{{Name: "他社太郎", EmploymentType: inventory.FullTime}}); err != nil {
			t.Fatal(err)
		}
		ps, _, _ := ten.People(ctx, store.PeopleQuery{})
		os, _, _ := other.People(ctx, store.PeopleQuery{})
		byName := map[string]int64{}
		for _, p := range ps {
			byName[p.Name] = p.ID
		}
		if err := ten.SetPolicyRoles(ctx, actor, map[policy.Role]int64{policy.SecurityLead: os[0].ID}); problem.CodeOf(err) != problem.Invalid {
			t.Fatalf("another organisation's person: got %v, want refused", err)
		}
		if err := ten.SetPolicyRoles(ctx, actor, map[policy.Role]int64{policy.SecurityLead: byName["退職済子"]}); problem.CodeOf(err) != problem.Invalid {
			t.Fatalf("a person who left: got %v, want refused", err)
		}
		if err := ten.SetPolicyRoles(ctx, actor, map[policy.Role]int64{"ceo": byName["佐藤一郎"]}); problem.CodeOf(err) != problem.Invalid {
			t.Fatalf("an unknown role: got %v, want refused", err)
		}
		if err := ten.SetPolicyRoles(ctx, actor, map[policy.Role]int64{policy.SecurityLead: byName["佐藤一郎"], policy.TrainingLead: byName["佐藤一郎"]}); err != nil {
			t.Fatal(err)
		}
		roles, _ := ten.PolicyRoles(ctx)
		if roles[policy.SecurityLead].Name != "佐藤一郎" || roles[policy.TrainingLead].Name != "佐藤一郎" {
			t.Fatalf("got %+v", roles)
		}
		// One bad contact refuses the whole form.
		err := ten.SaveContacts(ctx, actor, []policy.Contact{{Kind: policy.ITVendor, Name: "青葉システム", Phone: "03-1234-5678"}, {Kind: policy.Insurer, Email: "nope"}})
		if e, ok := problem.As(err); !ok || e.Field != "contact_insurer_email" {
			t.Fatalf("got %v, want the insurer's address refused", err)
		}
		if got, _ := ten.StoredContacts(ctx); len(got) != 0 {
			t.Fatalf("got %+v half saved", got)
		}
		if err := ten.SaveContacts(ctx, actor, []policy.Contact{{Kind: policy.ITVendor, Name: "青葉システム", Phone: "03-1234-5678"}}); err != nil {
			t.Fatal(err)
		}
		all, err := ten.EmergencyContacts(ctx)
		if err != nil || len(all) != len(policy.ContactKinds) || all[1].Name != "青葉システム" || all[3].Phone != "#9110" {
			t.Fatalf("got %+v %v", all, err)
		}
		f, err := ten.PolicyFacts(ctx)
		if err != nil || f.Roles[policy.SecurityLead] != "佐藤一郎" {
			t.Fatalf("facts: %+v %v", f, err)
		}
		if got, _ := other.EmergencyContacts(ctx); got[1].Name != "" {
			t.Fatalf("other organisation sees %+v", got[1])
		}
	})
}
