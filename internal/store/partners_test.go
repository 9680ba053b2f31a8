package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/partner"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/store"
)

// TestPartnersRegister: the register adds, edits and removes partners,
// each change audited with the partner's state; bad input is refused
// naming the field and nothing is saved; another organisation can neither
// read nor change them; the mail guard's settings and the self-diagnosis
// read the same records.
func TestPartnersRegister(t *testing.T) {
	each(t, func(t *testing.T, db *store.DB, c *clock) {
		ctx := context.Background()
		ten := db.Tenant(mustOrg(t, db, "ptn"))
		other := db.Tenant(mustOrg(t, db, "ptn-other"))
		today := calendar.Of(c.now())

		for _, bad := range []struct {
			p     partner.Partner
			field string
		}{
			{partner.Partner{Name: "  "}, "name"},
			{partner.Partner{Name: "山田商事", Domains: []string{"yamada shoji"}}, "domains"},
			{partner.Partner{Name: "山田商事", Domains: []string{"yamada@shoji.example"}}, "domains"},
			{partner.Partner{Name: "山田商事", Terms: "maybe"}, "terms"},
			{partner.Partner{Name: "山田商事", Terms: partner.TermsNo, AgreedOn: today}, "agreed_on"},
			{partner.Partner{Name: "山田商事", Terms: partner.TermsYes, AgreedOn: today, EndsOn: today.AddDays(-1)}, "ends_on"},
		} {
			_, err := ten.AddPartner(ctx, actor, bad.p)
			if e, ok := problem.As(err); !ok || e.Code != problem.Invalid || e.Field != bad.field {
				t.Errorf("add %+v: got %v, want invalid naming %s", bad.p, err, bad.field)
			}
		}
		if ps, _ := ten.Partners(ctx); len(ps) != 0 {
			t.Fatalf("refused partners saved: %+v", ps)
		}

		id, err := ten.AddPartner(ctx, actor, partner.Partner{Name: " ひかり物産 ", Domains: []string{"Hikari-Bussan.example"}, Entrusted: true, Terms: partner.TermsNo,
			EndsOn: today.AddDays(100), Note: "顧客名簿の発送"})
		if err != nil {
			t.Fatal(err)
		}
		got, err := ten.Partner(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "ひかり物産" || len(got.Domains) != 1 || got.Domains[0] != "hikari-bussan.example" || !got.Entrusted || got.Terms != partner.TermsNo || got.EndsOn != today.AddDays(100) || got.AgreedOn != 0 {
			t.Errorf("read back %+v", got)
		}
		set, err := ten.MailguardSettings(ctx)
		if err != nil || len(set.Partners) != 1 || set.Partners[0].Name != "ひかり物産" {
			t.Errorf("mail guard partners = %+v (%v), want the register's", set.Partners, err)
		}

		got.Terms, got.AgreedOn = partner.TermsYes, today.AddDays(-3)
		if err := ten.UpdatePartner(ctx, actor, got); err != nil {
			t.Fatal(err)
		}
		pr, err := ten.SelfdiagProgramme(ctx, today)
		if err != nil {
			t.Fatal(err)
		}
		if len(pr.Partners) != 1 || !pr.Partners[0].Terms || !pr.Partners[0].Entrusted || pr.Partners[0].Name != "ひかり物産" {
			t.Errorf("self-diagnosis partners = %+v", pr.Partners)
		}

		// Another organisation: not found, nothing changed.
		if _, err := other.Partner(ctx, id); problem.CodeOf(err) != problem.NotFound {
			t.Errorf("other org read the partner: %v", err)
		}
		if ps, _ := other.Partners(ctx); len(ps) != 0 {
			t.Errorf("other org lists %+v", ps)
		}
		hijack := got
		hijack.Name = "乗っ取り"
		if err := other.UpdatePartner(ctx, actor, hijack); problem.CodeOf(err) != problem.NotFound {
			t.Errorf("other org changed the partner: %v", err)
		}
		if err := other.RemovePartner(ctx, actor, id); problem.CodeOf(err) != problem.NotFound {
			t.Errorf("other org removed the partner: %v", err)
		}
		if p, _ := ten.Partner(ctx, id); p.Name != "ひかり物産" {
			t.Errorf("after the other org's attempts: %+v", p)
		}

		if err := ten.RemovePartner(ctx, actor, id); err != nil {
			t.Fatal(err)
		}
		if _, err := ten.Partner(ctx, id); problem.CodeOf(err) != problem.NotFound {
			t.Errorf("removed partner still read: %v", err)
		}

		entries, err := ten.Audit(ctx, store.AuditFilter{Action: "partner."})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 3 {
			t.Fatalf("audit entries = %d, want add, update, remove", len(entries))
		}
		want := []struct{ action, has string }{
			{"partner.remove", `"name":"ひかり物産"`},
			{"partner.update", `"terms":"yes"`},
			{"partner.add", `"terms":"no"`},
		}
		for i, w := range want {
			e := entries[i]
			if e.Action != w.action || !strings.Contains(e.Before+e.After, w.has) || e.Target != "partner:"+itoa(id) {
				t.Errorf("entry %d = %s %s %s / %s, want %s with %s", i, e.Action, e.Target, e.Before, e.After, w.action, w.has)
			}
		}
		if strings.Contains(entries[1].Before, `"terms":"yes"`) || !strings.Contains(entries[1].Before, `"terms":"no"`) {
			t.Errorf("update's before = %s, want the state before", entries[1].Before)
		}
		if others, _ := other.Audit(ctx, store.AuditFilter{Action: "partner."}); len(others) != 0 {
			t.Errorf("other org's trail holds %d partner entries, want none (its attempts changed nothing)", len(others))
		}
	})
}
