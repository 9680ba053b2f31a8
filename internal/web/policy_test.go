package web_test

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/policy"
	"github.com/mamori-sec/mamori/internal/posture"
	"github.com/mamori-sec/mamori/internal/store"
)

// publishPolicy generates, edits and publishes a version of org A's policy
// as its owner, returning the owner's client.
func (w *world) publishPolicy(t *testing.T, basicExtra string) *client {
	t.Helper()
	c := w.client("ja")
	c.signIn(w.users[org.Owner].Email)
	r := c.post("/o/alpha/policy/drafts", nil)
	if r.status != http.StatusSeeOther {
		t.Fatalf("draft: got %d, want 303\n%s", r.status, r.body)
	}
	n := regexp.MustCompile(`n=(\d+)`).FindStringSubmatch(r.location)[1]
	edit := c.get("/o/alpha/policy/edit?n=" + n)
	if edit.status != http.StatusOK || !strings.Contains(edit.body, "アルファ株式会社") {
		t.Fatalf("edit page: got %d without the company's name", edit.status)
	}
	v, err := w.db.Tenant(w.orgA.ID).PolicyVersion(t.Context(), mustAtoi(t, n))
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"n": {n}, "basic_ja": {v.BasicJA + basicExtra}, "basic_en": {v.BasicEN}, "rules_ja": {v.RulesJA}, "rules_en": {v.RulesEN}}
	if r := c.post("/o/alpha/policy/edit", form); r.status != http.StatusSeeOther {
		t.Fatalf("save: got %d, want 303\n%s", r.status, r.body)
	}
	if r := c.post("/o/alpha/policy/publish", url.Values{"n": {n}}); r.status != http.StatusSeeOther {
		t.Fatalf("publish: got %d, want 303\n%s", r.status, r.body)
	}
	return c
}

// TestPublicPolicyShowsOnlyThePublishedBasicPolicy tries to get more out
// of the public page than the published basic policy: other paths, the
// draft, the rules (with people, services and contacts in them), another
// organisation, query tricks, and a copy after unpublishing.
func TestPublicPolicyShowsOnlyThePublishedBasicPolicy(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx := t.Context()
		ten := w.db.Tenant(w.orgA.ID)
		sys := audit.Actor{Label: "test"}
		// The rules name a person and the services; the draft after it has a
		// secret sentence.
		if err := ten.SetPolicyRoles(ctx, sys, map[policy.Role]int64{policy.SecurityLead: w.personA.ID}); err != nil {
			t.Fatal(err)
		}
		if err := ten.SaveContacts(ctx, sys, []policy.Contact{{Kind: policy.ITVendor, Name: "内緒システム", Phone: "03-9999-0000"}}); err != nil {
			t.Fatal(err)
		}
		anon := w.client("ja")
		if r := anon.get("/p/alpha/policy"); r.status != http.StatusNotFound {
			t.Fatalf("nothing published: got %d, want 404", r.status)
		}
		owner := w.publishPolicy(t, "\n公開用の一文。")
		v, _ := ten.CurrentPolicy(ctx)
		if !strings.Contains(v.RulesJA, "山田花子") || !strings.Contains(v.RulesJA, "内緒システム") {
			t.Fatalf("the rules should name the person and the vendor, to make the test mean something:\n%s", v.RulesJA)
		}
		// A draft with a secret, not published.
		if r := owner.post("/o/alpha/policy/drafts", url.Values{"from": {"latest"}}); r.status != http.StatusSeeOther {
			t.Fatalf("second draft: got %d", r.status)
		}
		d, _ := ten.PolicyVersion(ctx, 2)
		if err := ten.UpdatePolicyDraft(ctx, sys, 2, store.PolicyTexts{BasicJA: d.BasicJA + "\n未公開の秘密の一文。", BasicEN: d.BasicEN, RulesJA: d.RulesJA, RulesEN: d.RulesEN}); err != nil {
			t.Fatal(err)
		}
		r := anon.get("/p/alpha/policy")
		if r.status != http.StatusOK {
			t.Fatalf("published: got %d, want 200", r.status)
		}
		for _, want := range []string{"公開用の一文。", "情報セキュリティ基本方針", "Information security basic policy"} {
			if !strings.Contains(r.body, want) {
				t.Errorf("public page lacks %q", want)
			}
		}
		if cc := r.header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Errorf("Cache-Control %q, want no-store", cc)
		}
		secrets := []string{"未公開の秘密の一文。", "山田花子", "内緒システム", "03-9999-0000", "アルファストレージ", "アルファPC-01", "owner@alpha.example",
			"第1章", "Chapter 1", "ブラボー", "秘密太郎", "極秘部"}
		tries := []string{"/p/alpha/policy", "/p/alpha/policy?n=2", "/p/alpha/policy?lang=en&n=2", "/p/alpha/policy?status=draft",
			"/p/alpha/policy/", "/p/alpha/policy/rules", "/p/alpha/rules", "/p/alpha", "/p/alpha/policy%2Frules", "/p/ALPHA/policy",
			"/p/alpha%27%20OR%201=1--/policy", "/p/bravo/policy", "/p/%2e%2e/o/alpha/policy", "/p/alpha/../o/alpha/rules"}
		for _, path := range tries {
			r := anon.get(path)
			for _, s := range secrets {
				if strings.Contains(r.body, s) {
					t.Errorf("GET %s (%d) shows %q", path, r.status, s)
				}
			}
			if path != "/p/alpha/policy" && !strings.HasPrefix(path, "/p/alpha/policy?") && r.status == http.StatusOK {
				t.Errorf("GET %s: got 200, want nothing", path)
			}
		}
		// No id of the organisation or its records in the page.
		if regexp.MustCompile(`org:\d|/o/|name="n"`).MatchString(r.body) {
			t.Errorf("public page shows an internal reference:\n%s", r.body)
		}
		// Unpublishing takes it down at once.
		if r := owner.post("/o/alpha/policy/unpublish", nil); r.status != http.StatusSeeOther {
			t.Fatalf("unpublish: got %d", r.status)
		}
		if r := anon.get("/p/alpha/policy"); r.status != http.StatusNotFound || strings.Contains(r.body, "公開用の一文。") {
			t.Fatalf("after unpublishing: got %d, want 404 without the text", r.status)
		}
	})
}

// TestPolicyAcknowledgementFlow: a member reads and acknowledges the
// published set; a new version puts them back to "to acknowledge"; the
// status page and the dashboard's rate follow.
func TestPolicyAcknowledgementFlow(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		owner := w.publishPolicy(t, "")
		member := w.client("ja")
		member.signIn(w.users[org.Member].Email)
		r := member.get("/o/alpha/rules")
		if r.status != http.StatusOK || !strings.Contains(r.body, "第1版の確認をお願いします") || !strings.Contains(r.body, "第1章") {
			t.Fatalf("rules page: got %d\n%s", r.status, r.body)
		}
		dash := owner.get("/o/alpha/")
		if !strings.Contains(dash.body, "確認率 0%") {
			t.Errorf("dashboard before: want a rate of 0%%")
		}
		if r := member.post("/o/alpha/rules/acknowledge", url.Values{"n": {"1"}}); r.status != http.StatusSeeOther {
			t.Fatalf("acknowledge: got %d\n%s", r.status, r.body)
		}
		if r := member.get("/o/alpha/rules"); !strings.Contains(r.body, "第1版は") || strings.Contains(r.body, `name="n"`) {
			t.Fatalf("after acknowledging: still asked\n%s", r.body)
		}
		// Every page keeps the layout's own words: the footer names the
		// build, not a version of the policy.
		for _, path := range []string{"/o/alpha/rules", "/o/alpha/policy/version?n=1", "/o/alpha/policy/acknowledgements", "/o/alpha/policy", "/o/alpha/signoff", "/o/alpha/signoff/sheet", "/o/alpha/policy/sheet"} {
			if r := owner.get(path); !strings.Contains(r.body, "<small>mamori test</small>") {
				t.Errorf("%s: the footer does not name the build", path)
			}
		}
		if r := w.client("ja").get("/p/alpha/policy"); !strings.Contains(r.body, "<small>mamori test</small>") {
			t.Errorf("public page: the footer does not name the build")
		}
		acks := owner.get("/o/alpha/policy/acknowledgements")
		if !strings.Contains(acks.body, "確認済み") || !strings.Contains(acks.body, "未確認") {
			t.Fatalf("status page lacks both states:\n%s", acks.body)
		}
		dash = owner.get("/o/alpha/")
		if !strings.Contains(dash.body, "確認率 20%") { // 1 of the 5 members
			t.Errorf("dashboard after one acknowledgement: want 20%%")
		}
		// Version 2 resets everyone.
		if r := owner.post("/o/alpha/policy/drafts", url.Values{"from": {"latest"}}); r.status != http.StatusSeeOther {
			t.Fatalf("draft 2: got %d", r.status)
		}
		v2, _ := w.db.Tenant(w.orgA.ID).PolicyVersion(t.Context(), 2)
		form := url.Values{"n": {"2"}, "basic_ja": {v2.BasicJA}, "basic_en": {v2.BasicEN}, "rules_ja": {v2.RulesJA + "\n- 新しい規則を追加しました。"}, "rules_en": {v2.RulesEN}}
		if r := owner.post("/o/alpha/policy/edit", form); r.status != http.StatusSeeOther {
			t.Fatalf("edit 2: got %d", r.status)
		}
		diff := owner.get("/o/alpha/policy/version?n=2")
		if !strings.Contains(diff.body, "第1版からの変更") || !strings.Contains(diff.body, "<ins class=\"diff-line\">+ - 新しい規則を追加しました。</ins>") {
			t.Fatalf("diff page lacks the added line:\n%s", diff.body)
		}
		// A keeper may edit but not publish.
		keeper := w.client("ja")
		keeper.signIn(w.users[org.Keeper].Email)
		if r := keeper.post("/o/alpha/policy/publish", url.Values{"n": {"2"}}); r.status != http.StatusForbidden {
			t.Fatalf("keeper publishes: got %d, want 403", r.status)
		}
		if r := owner.post("/o/alpha/policy/publish", url.Values{"n": {"2"}}); r.status != http.StatusSeeOther {
			t.Fatalf("publish 2: got %d", r.status)
		}
		if r := member.get("/o/alpha/rules"); !strings.Contains(r.body, "第2版の確認をお願いします") {
			t.Fatalf("after v2: member not asked again\n%s", r.body)
		}
		// The page left open on v1 acknowledges nothing.
		if r := member.post("/o/alpha/rules/acknowledge", url.Values{"n": {"1"}}); r.status != http.StatusConflict {
			t.Fatalf("acknowledging v1 after v2: got %d, want 409", r.status)
		}
		if p, _ := w.db.Tenant(w.orgA.ID).PoliciesToAcknowledge(t.Context(), w.users[org.Member].ID); len(p) != 1 || p[0].Version != 2 {
			t.Fatalf("got %+v, want v2 pending", p)
		}
		if dash := owner.get("/o/alpha/"); !strings.Contains(dash.body, "確認率 0%") {
			t.Errorf("dashboard after v2: want the rate back to 0%%")
		}
		// Audit trail names the changes in words.
		audit := owner.get("/o/alpha/audit")
		for _, want := range []string{"ポリシーを承認・公開", "ポリシーを確認"} {
			if !strings.Contains(audit.body, want) {
				t.Errorf("audit trail lacks %q", want)
			}
		}
	})
}

// TestSignoffForms: the owner marks a checklist item with a file; roles
// and contacts refuse what they must, naming the field, and save nothing
// half; the A4 sheet shows all of it.
func TestSignoffForms(t *testing.T) {
	w := newWorld(t, "sqlite")
	owner := w.client("ja")
	owner.signIn(w.users[org.Owner].Email)
	r := owner.post("/o/alpha/signoff/item", url.Values{"item": {"action_1"}, "done_on": {"令和8年4月1日"}, "note": {"基本方針を定めました"}, "link": {"https://intra.example/policy"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("mark: got %d\n%s", r.status, r.body)
	}
	if r := owner.post("/o/alpha/signoff/item", url.Values{"item": {"action_2"}, "link": {"javascript:alert(1)"}}); r.status != http.StatusBadRequest || !strings.Contains(r.body, "https://") {
		t.Fatalf("a javascript: link: got %d, want 400", r.status)
	}
	keeper := w.client("ja")
	keeper.signIn(w.users[org.Keeper].Email)
	if r := keeper.post("/o/alpha/signoff/item", url.Values{"item": {"action_3"}, "done_on": {"2026-04-01"}}); r.status != http.StatusForbidden {
		t.Fatalf("keeper marks the owner's checklist: got %d, want 403", r.status)
	}
	r = keeper.post("/o/alpha/signoff/roles", url.Values{"role_security_lead": {strconv.FormatInt(w.personB.ID, 10)}})
	if r.status != http.StatusBadRequest {
		t.Fatalf("another organisation's person as lead: got %d, want 400", r.status)
	}
	r = keeper.post("/o/alpha/signoff/roles", url.Values{"role_security_lead": {strconv.FormatInt(w.personA.ID, 10)}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("roles: got %d\n%s", r.status, r.body)
	}
	r = keeper.post("/o/alpha/signoff/contacts", url.Values{"contact_it_vendor_name": {"青葉システム"}, "contact_it_vendor_phone": {"03-1234-5678"},
		"contact_insurer_name": {"保険"}, "contact_insurer_email": {"not-an-address"}})
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, "メールアドレスの形式が正しくありません") {
		t.Fatalf("bad contact: got %d\n%s", r.status, r.body)
	}
	if got, _ := w.db.Tenant(w.orgA.ID).StoredContacts(t.Context()); len(got) != 0 {
		t.Fatalf("half saved: %+v", got)
	}
	r = keeper.post("/o/alpha/signoff/contacts", url.Values{"contact_it_vendor_name": {"青葉システム"}, "contact_it_vendor_phone": {"03-1234-5678"}})
	if r.status != http.StatusSeeOther {
		t.Fatalf("contacts: got %d\n%s", r.status, r.body)
	}
	sheet := owner.get("/o/alpha/signoff/sheet")
	for _, want := range []string{"2026年4月1日", "基本方針を定めました", "山田花子", "青葉システム", "#9110", "個人情報保護委員会"} {
		if !strings.Contains(sheet.body, want) {
			t.Errorf("A4 sheet lacks %q", want)
		}
	}
	// E reads the contacts from the store.
	cs, err := w.db.Tenant(w.orgA.ID).EmergencyContacts(t.Context())
	if err != nil || cs[1].Name != "青葉システム" {
		t.Fatalf("EmergencyContacts: %+v %v", cs, err)
	}
	// A sheet of three rules per audience names the lead.
	for _, a := range []string{"staff", "managers", "keeper"} {
		r := owner.get("/o/alpha/policy/sheet?for=" + a)
		if r.status != http.StatusOK || !strings.Contains(r.body, "アルファ株式会社") {
			t.Errorf("sheet %s: got %d", a, r.status)
		}
	}
	if r := owner.get("/o/alpha/policy/sheet?for=everyone"); r.status != http.StatusNotFound {
		t.Errorf("unknown audience: got %d, want 404", r.status)
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPolicyNotAcknowledgedFinding: 30 days after publication, a member
// who is in the people ledger and has not acknowledged is a finding about
// that person; it resolves once they acknowledge.
func TestPolicyNotAcknowledgedFinding(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx := t.Context()
		ten := w.db.Tenant(w.orgA.ID)
		sys := audit.Actor{Label: "test"}
		if err := ten.AddPeople(ctx, sys, []inventory.Person{{Name: "社員一郎", Email: "Member@Alpha.example", EmploymentType: inventory.FullTime}}); err != nil {
			t.Fatal(err)
		}
		w.publishPolicy(t, "")
		open := func() int {
			t.Helper()
			if _, err := posture.Evaluate(ctx, ten, sys, w.clock.Now()); err != nil {
				t.Fatal(err)
			}
			fs, _, err := ten.Findings(ctx, store.FindingQuery{CheckID: "people.policy_not_acknowledged", Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			return len(fs)
		}
		w.clock.Add(29 * 24 * time.Hour)
		if n := open(); n != 0 {
			t.Fatalf("after 29 days: got %d findings, want 0", n)
		}
		w.clock.Add(24 * time.Hour)
		if n := open(); n != 1 {
			t.Fatalf("after 30 days: got %d findings, want 1 (the member in the ledger)", n)
		}
		member := w.client("ja")
		member.signIn(w.users[org.Member].Email)
		if r := member.post("/o/alpha/rules/acknowledge", url.Values{"n": {"1"}}); r.status != http.StatusSeeOther {
			t.Fatalf("acknowledge: got %d", r.status)
		}
		if n := open(); n != 0 {
			t.Fatalf("after acknowledging: got %d findings, want 0", n)
		}
	})
}

// TestSignoffEvidenceFile: a file attached to a checklist item is checked
// by its content, kept sealed, and downloaded as an attachment by those who
// may view the programme; a contact refused keeps what was typed.
func TestSignoffEvidenceFile(t *testing.T) {
	w := newWorld(t, "sqlite")
	owner := w.client("ja")
	owner.signIn(w.users[org.Owner].Email)
	post := func(name string, data []byte) response {
		t.Helper()
		return owner.upload("/o/alpha/signoff/item", name, data, map[string]string{"item": "action_2", "done_on": "2026-04-01"})
	}
	if r := post("予算.pdf", []byte("MZ\x90\x00 not a pdf")); r.status != http.StatusBadRequest {
		t.Fatalf("a program named .pdf: got %d, want 400", r.status)
	}
	pdf := []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n")
	if r := post("予算.pdf", pdf); r.status != http.StatusSeeOther {
		t.Fatalf("a PDF: got %d, want 303\n%s", r.status, r.body)
	}
	f, err := w.db.Tenant(w.orgA.ID).SignoffFileData(t.Context(), "action_2")
	if err != nil || !f.Sealed || bytes.Contains(f.Data, []byte("%PDF")) {
		t.Fatalf("stored: sealed=%v %v, want the file sealed at rest", f.Sealed, err)
	}
	auditor := w.client("ja")
	auditor.signIn(w.users[org.Auditor].Email)
	r := auditor.get("/o/alpha/signoff/evidence?item=action_2")
	if r.status != http.StatusOK || r.body != string(pdf) || !strings.HasPrefix(r.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("download: got %d %q", r.status, r.header.Get("Content-Disposition"))
	}
	if r := auditor.get("/o/alpha/signoff/evidence?item=action_3"); r.status != http.StatusNotFound {
		t.Fatalf("an item without a file: got %d, want 404", r.status)
	}
	r = owner.post("/o/alpha/signoff/contacts", url.Values{"contact_insurer_name": {"みなと損保"}, "contact_insurer_phone": {"電話して"}})
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, `value="みなと損保"`) || !strings.Contains(r.body, `value="電話して"`) {
		t.Fatalf("refused contact: got %d, want the form with what was typed", r.status)
	}
}
