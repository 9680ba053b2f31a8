package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/partner"
	"github.com/mamori-sec/mamori/internal/store"
)

// throwawayPartner adds a partner to organisation A for a walk that
// removes one.
func (w *world) throwawayPartner() int64 {
	w.t.Helper()
	id, err := w.db.Tenant(w.orgA.ID).AddPartner(w.t.Context(), audit.Actor{Label: "test"}, partner.Partner{Name: "使い捨て商事"})
	if err != nil {
		w.t.Fatal(err)
	}
	return id
}

// TestPartnersRegisterPages: a keeper adds a partner (a 和暦 date read),
// edits and removes it, each change in the audit trail in words; bad input
// is refused naming the field and saves nothing; another organisation's
// owner can neither read nor change it; the mail guard's settings show
// the register's partners and link to it; the 現状把握 hub has its line.
func TestPartnersRegisterPages(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		ten := w.db.Tenant(w.orgA.ID)
		keeper := w.client("ja")
		keeper.signIn(w.users[org.Keeper].Email)
		base := "/o/" + w.orgA.Slug + "/partners"
		count := func() int {
			ps, err := ten.Partners(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return len(ps)
		}
		before := count()

		for _, bad := range []struct {
			form  url.Values
			field string
			says  string
		}{
			{url.Values{"name": {" "}}, "name", "会社名を入力してください。"},
			{url.Values{"name": {"ひかり物産"}, "domains": {"hikari bussan@example"}}, "domains", "メールのドメインの形式が正しくありません（入力値：hikari）。"},
			{url.Values{"name": {"ひかり物産"}, "terms": {"yes"}, "agreed_on": {"令和8年13月1日"}}, "agreed_on", "日付として読めません（入力値：令和8年13月1日）。"},
			{url.Values{"name": {"ひかり物産"}, "ends_on": {"そのうち"}}, "ends_on", "日付として読めません（入力値：そのうち）。"},
		} {
			r := keeper.post(base, bad.form)
			if r.status != http.StatusBadRequest || !strings.Contains(r.body, bad.says) || !regexp.MustCompile(`name="`+bad.field+`"[^>]*aria-invalid="true"`).MatchString(r.body) {
				t.Errorf("add %v: got %d, want 400 saying %q with %s marked\n%s", bad.form, r.status, bad.says, bad.field, r.body)
			}
		}
		if n := count(); n != before {
			t.Fatalf("refused forms saved partners: %d, want %d", n, before)
		}

		r := keeper.post(base, url.Values{"name": {"ひかり物産"}, "domains": {"hikari-bussan.example、Hikari.example"}, "entrusted": {"on"},
			"terms": {"yes"}, "agreed_on": {"令和8年4月1日"}, "ends_on": {"R9.3.31"}, "note": {"顧客名簿の発送を委託"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("add: got %d, want 303\n%s", r.status, r.body)
		}
		list := keeper.get(base)
		if list.status != http.StatusOK || !strings.Contains(list.body, "ひかり物産") || !strings.Contains(list.body, "hikari-bussan.example, hikari.example") || !strings.Contains(list.body, "2026年4月1日") {
			t.Fatalf("list: got %d without the new partner, its domains and the day read from 和暦\n%s", list.status, list.body)
		}
		var id int64
		ps, _ := ten.Partners(ctx)
		for _, p := range ps {
			if p.Name == "ひかり物産" {
				id = p.ID
			}
		}
		path := base + "/" + strconv.FormatInt(id, 10)

		if r := keeper.get(path); r.status != http.StatusOK || !strings.Contains(r.body, `value="2026-04-01"`) {
			t.Errorf("edit form: got %d without the agreed day", r.status)
		}
		if r := keeper.post(path, url.Values{"name": {"ひかり物産"}, "entrusted": {"on"}, "terms": {"no"}, "agreed_on": {"2026-04-01"}}); r.status != http.StatusBadRequest || !strings.Contains(r.body, "秘密保持の合意日は") {
			t.Errorf("edit with a day of terms that are not there: got %d, want 400", r.status)
		}
		if r := keeper.post(path, url.Values{"name": {"ひかり物産"}, "domains": {"hikari-bussan.example"}, "entrusted": {"on"}, "terms": {"no"}}); r.status != http.StatusSeeOther {
			t.Fatalf("edit: got %d, want 303\n%s", r.status, r.body)
		}
		if p, _ := ten.Partner(ctx, id); p.Terms != partner.TermsNo || p.AgreedOn != 0 || len(p.Domains) != 1 {
			t.Errorf("after the edit: %+v", p)
		}

		// Organisation B's owner: its own slug with A's id, and A's slug.
		other := w.client("ja")
		other.signIn(w.userB.Email)
		otherPath := "/o/" + w.orgB.Slug + "/partners/" + strconv.FormatInt(id, 10)
		for _, r := range []response{other.get(otherPath), other.post(otherPath, url.Values{"name": {"乗っ取り"}}), other.post(otherPath+"/remove", nil), other.get(path), other.post(path, url.Values{"name": {"乗っ取り"}})} {
			if r.status != http.StatusNotFound || strings.Contains(r.body, "ひかり物産") {
				t.Errorf("organisation B: got %d, want 404 without A's partner", r.status)
			}
		}
		if r := other.get("/o/" + w.orgB.Slug + "/partners"); strings.Contains(r.body, "ひかり物産") {
			t.Errorf("organisation B's register lists A's partner")
		}
		if p, err := ten.Partner(ctx, id); err != nil || p.Name != "ひかり物産" {
			t.Errorf("A's partner after B's attempts: %+v %v", p, err)
		}

		// The mail guard's settings show it and link to the register; the
		// hub has the register's line.
		if r := keeper.get("/o/" + w.orgA.Slug + "/mailguard/settings"); !strings.Contains(r.body, "ひかり物産") || !strings.Contains(r.body, `href="`+base+`"`) {
			t.Errorf("mail guard settings: want the partner and a link to the register")
		}
		if r := keeper.get("/o/" + w.orgA.Slug + "/posture"); !strings.Contains(r.body, `id="hub-partners"`) || !strings.Contains(r.body, "重要な情報を預けている") {
			t.Errorf("posture hub: want the partners line")
		}

		if r := keeper.post(path+"/remove", nil); r.status != http.StatusSeeOther {
			t.Fatalf("remove: got %d, want 303", r.status)
		}
		if n := count(); n != before {
			t.Errorf("after removing: %d partners, want %d", n, before)
		}

		entries, err := ten.Audit(ctx, store.AuditFilter{Action: "partner."})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			if e.Target == "partner:"+strconv.FormatInt(id, 10) {
				actions = append(actions, e.Action)
			}
		}
		if strings.Join(actions, " ") != "partner.remove partner.update partner.add" {
			t.Errorf("audit = %v, want remove, update, add", actions)
		}
		owner := w.client("ja")
		owner.signIn(w.users[org.Owner].Email)
		if r := owner.get("/o/" + w.orgA.Slug + "/audit"); !strings.Contains(r.body, "取引先・委託先を変更") || !strings.Contains(r.body, "秘密保持の定め") {
			t.Errorf("audit page: want the change named in words")
		}
	})
}

// TestSelfdiagPartnersProposal: the self-diagnosis form proposes "partly"
// for question 22 naming the partner entrusted with important information
// whose contract has no confidentiality terms, and nothing while no
// partner is marked entrusted; question 19 follows the published rules.
func TestSelfdiagPartnersProposal(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx, sys := context.Background(), audit.Actor{Label: "test"}
		ten := w.db.Tenant(w.orgA.ID)
		keeper := w.client("ja")
		keeper.signIn(w.users[org.Keeper].Email)
		form := func() string {
			t.Helper()
			r := keeper.get("/o/" + w.orgA.Slug + "/selfdiag/new")
			if r.status != http.StatusOK || strings.Contains(r.body, "%!") {
				t.Fatalf("form: got %d (or a message with wrong arguments)", r.status)
			}
			return r.body
		}
		// The harness's partner is entrusted, with terms not checked:
		// mark it not entrusted first, so the register says nothing.
		ps, _ := ten.Partners(ctx)
		for _, p := range ps {
			p.Entrusted = false
			if err := ten.UpdatePartner(ctx, sys, p); err != nil {
				t.Fatal(err)
			}
		}
		body := form()
		if q := question(body, "22"); strings.Contains(q, "提案：") {
			t.Errorf("question 22 with no partner entrusted: want no proposal\n%s", q)
		}
		if q := question(body, "19"); strings.Contains(q, "提案：") {
			t.Errorf("question 19 with nothing published: want no proposal\n%s", q)
		}

		for _, p := range []partner.Partner{{Name: "山田商事", Entrusted: true, Terms: partner.TermsYes}, {Name: "ひかり物産", Entrusted: true, Terms: partner.TermsNo}} {
			if _, err := ten.AddPartner(ctx, sys, p); err != nil {
				t.Fatal(err)
			}
		}
		q := question(form(), "22")
		if !strings.Contains(q, "提案：一部実施している") || !strings.Contains(q, "「ひかり物産」との契約に秘密保持の定めがありません") || strings.Contains(q, "「山田商事」") {
			t.Errorf("question 22: want \"partly\" naming ひかり物産 only\n%s", q)
		}

		w.publishPolicy(t, "")
		if q := question(form(), "19"); !strings.Contains(q, "提案：一部実施している") || !strings.Contains(q, "第1版に秘密保持の規程があります") {
			t.Errorf("question 19 after publishing, few acknowledgements: want \"partly\" naming version 1\n%s", q)
		}
	})
}
