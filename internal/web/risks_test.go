package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/risk"
	"github.com/mamori-sec/mamori/internal/store"
)

// throwawayRisk adds a risk to organisation A that a walk may delete.
func (w *world) throwawayRisk() int64 {
	w.t.Helper()
	r, err := w.db.Tenant(w.orgA.ID).SaveRisk(w.t.Context(), audit.Actor{Label: "test"}, risk.Risk{AssetID: w.inv["asset"][0], Threat: "disaster", ThreatLevel: 1, Vulnerability: 1})
	if err != nil {
		w.t.Fatal(err)
	}
	return r.ID
}

// TestRiskRegisterFlow: a keeper adds a risk above the acceptance line —
// refused without a treatment, saved with one — and the register, the
// matrix, the dashboard's overdue figure and the findings follow.
func TestRiskRegisterFlow(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		c := w.client("ja")
		c.signIn(w.users[org.Keeper].Email)
		asset := strconv.FormatInt(w.inv["asset"][0], 10)
		base := "/o/" + w.orgA.Slug

		// The dashboard before: no overdue treatment.
		if r := c.get(base + "/"); !strings.Contains(r.body, "期限切れのリスク対策") || !strings.Contains(r.body, `href="`+base+`/risks">0<`) {
			t.Fatalf("dashboard lacks the risk figure at 0:\n%s", r.body)
		}

		// The asset holds personal information: 重要度 3; threat 3 and
		// vulnerability 3 give likelihood 3 and value 9, above the line.
		form := url.Values{"asset": {asset}, "threat": {"ransomware"}, "threat_level": {"3"}, "vulnerability": {"3"}}
		r := c.post(base+"/risks", form)
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "対応方法を選んでください") {
			t.Fatalf("risk above the line without treatment: got %d, want 400 naming the treatment\n%s", r.status, r.body)
		}
		yesterday := calendar.Of(w.clock.Now()).AddDays(-1).String()
		form.Set("treatment", "reduce")
		form.Set("plan", "バックアップを社外にも保管する")
		form.Set("owner", strconv.FormatInt(w.personA.ID, 10))
		form.Set("due", yesterday)
		form.Set("status", "open")
		if r := c.post(base+"/risks", form); r.status != http.StatusSeeOther {
			t.Fatalf("save: got %d, want 303\n%s", r.status, r.body)
		}

		r = c.get(base + "/risks")
		for _, want := range []string{"ランサムウェアによる被害", "<strong>9</strong>", "要対応", "期限切れ", "バックアップを社外にも保管する", `<table class="risk-heat">`} {
			if !strings.Contains(r.body, want) {
				t.Errorf("register lacks %q", want)
			}
		}
		// The harness's own risk (value 3) is below the line and listed after.
		if strings.Index(r.body, "ランサムウェアによる被害") > strings.Index(r.body, "共有設定の誤りによる情報漏えい") {
			t.Error("register is not sorted by risk value")
		}

		// The dashboard's figure moved with the change (its cache follows
		// the audit head).
		if r := c.get(base + "/"); !strings.Contains(r.body, `href="`+base+`/risks">1<`) {
			t.Errorf("dashboard does not show one overdue treatment after the change")
		}

		// The audit trail names the risk and its values in words.
		o := w.client("ja")
		o.signIn(w.users[org.Owner].Email)
		if r := o.get(base + "/audit"); !strings.Contains(r.body, "リスクを登録") || !strings.Contains(r.body, "ランサムウェアによる被害") || !strings.Contains(r.body, "低減") || strings.Contains(r.body, "risk:") {
			t.Errorf("audit trail does not name the risk in words")
		}

		// The print page carries the matrix and the register.
		if r := c.get(base + "/risks/print"); r.status != http.StatusOK || !strings.Contains(r.body, "リスク分析表") || !strings.Contains(r.body, "<strong>9</strong>") {
			t.Errorf("print page: %d", r.status)
		}

		// The change enqueued an evaluation; run it and the overdue check fires.
		w.evaluate()
		found, _, err := w.db.Tenant(w.orgA.ID).Findings(t.Context(), store.FindingQuery{CheckID: "assets.risk_treatment_overdue"})
		if err != nil || len(found) != 1 {
			t.Errorf("got %d overdue findings (%v), want 1", len(found), err)
		}
	})
}

// TestRiskProposals: the form for an asset reachable through an
// anyone-with-link share proposes leakage at vulnerability 3 and names the
// share.
func TestRiskProposals(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		c := w.client("ja")
		c.signIn(w.users[org.Keeper].Email)
		r := c.get("/o/" + w.orgA.Slug + "/risks/new?asset=" + strconv.FormatInt(w.inv["asset"][0], 10))
		if r.status != http.StatusOK {
			t.Fatalf("form: %d", r.status)
		}
		share, err := w.db.Tenant(w.orgA.ID).Share(t.Context(), w.inv["share"][0])
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"検出結果からの提案", "共有設定の誤りによる情報漏えい", "脆弱性のつけ込みやすさ 3", share.Path, "threat=share_leak&amp;vulnerability=3"} {
			if !strings.Contains(r.body, want) {
				t.Errorf("form lacks %q", want)
			}
		}
		// An auditor reads the register but is offered no form.
		a := w.client("ja")
		a.signIn(w.users[org.Auditor].Email)
		r = a.get("/o/" + w.orgA.Slug + "/risks")
		if r.status != http.StatusOK || strings.Contains(r.body, "/risks/new") || strings.Contains(r.body, `action="/o/alpha/risks/line"`) {
			t.Errorf("auditor's register: %d, offers editing", r.status)
		}
	})
}

// TestRiskLine: the acceptance line is set by the form and out-of-range
// values are refused.
func TestRiskLine(t *testing.T) {
	w := newWorld(t, "sqlite")
	c := w.client("en")
	c.signIn(w.users[org.Keeper].Email)
	if r := c.post("/o/"+w.orgA.Slug+"/risks/line", url.Values{"line": {"9"}}); r.status != http.StatusBadRequest {
		t.Fatalf("line 9: got %d, want 400", r.status)
	}
	if r := c.post("/o/"+w.orgA.Slug+"/risks/line", url.Values{"line": {"5"}}); r.status != http.StatusSeeOther {
		t.Fatalf("line 5: got %d, want 303", r.status)
	}
	if l, _ := w.db.Tenant(w.orgA.ID).RiskLine(t.Context()); l != 5 {
		t.Fatalf("line = %d, want 5", l)
	}
}

// TestRiskImportPage: the import page takes a risk sheet — a bad row is
// refused naming its row and column, a good file is previewed and applied.
func TestRiskImportPage(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		c := w.client("ja")
		c.signIn(w.users[org.Keeper].Email)
		if r := c.get("/o/alpha/import"); !strings.Contains(r.body, `<option value="risks"`) {
			t.Fatal("import page does not offer the risk analysis")
		}
		a, err := w.db.Tenant(w.orgA.ID).Asset(t.Context(), w.inv["asset"][0])
		if err != nil {
			t.Fatal(err)
		}
		head := "情報資産名称,脅威,脅威の起こりやすさ,脆弱性のつけ込みやすさ,対応,対策の内容,担当者,期日\n"
		bad := head + a.Name + ",不注意による情報漏えい,2,7,,,,\n"
		r := c.upload("/o/alpha/import/preview", "リスク.csv", []byte(bad), map[string]string{"kind": "risks"})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "2 行目の「脆弱性のつけ込みやすさ」は 1〜3 の数字で入力してください（7）") {
			t.Fatalf("bad sheet: got %d, want the row and column named\n%s", r.status, r.body)
		}
		good := head + a.Name + ",不注意による情報漏えい,2,2,,,,\n"
		r = c.upload("/o/alpha/import/preview", "リスク.csv", []byte(good), nil)
		m := applyID.FindStringSubmatch(r.body)
		if r.status != http.StatusOK || m == nil {
			t.Fatalf("preview: got %d\n%s", r.status, r.body)
		}
		r = c.post("/o/alpha/import/apply", url.Values{"id": {m[1]}})
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, "/o/alpha/risks") {
			t.Fatalf("apply: got %d → %q, want the register", r.status, r.location)
		}
		list, _ := w.db.Tenant(w.orgA.ID).Risks(t.Context())
		found := false
		for _, rk := range list {
			found = found || rk.Threat == "carelessness"
		}
		if !found {
			t.Fatalf("imported risk not in the register: %+v", list)
		}
	})
}
