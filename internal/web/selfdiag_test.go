package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/posture"
	"github.com/mamori-sec/mamori/internal/selfdiag"
	"github.com/mamori-sec/mamori/internal/store"
)

// addSitting keeps a company sitting, every answer "partly" (50 points).
func (w *world) addSitting(t store.Tenant) int64 {
	w.t.Helper()
	var a selfdiag.Answers
	for q := 1; q <= selfdiag.Questions; q++ {
		a.Set(q, selfdiag.Partly)
	}
	id, err := t.SaveSitting(context.Background(), audit.Actor{Label: "test"}, store.SittingInput{Answers: a})
	if err != nil {
		w.t.Fatal(err)
	}
	return id
}

func answerForm(fill string, set map[int]string) url.Values {
	f := url.Values{}
	for q := 1; q <= selfdiag.Questions; q++ {
		v := fill
		if x, ok := set[q]; ok {
			v = x
		}
		if v != "" {
			f.Set("q"+strconv.Itoa(q), v)
		}
	}
	return f
}

func TestSelfdiagAnswerWithProposals(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		keeper := w.client("ja")
		keeper.signIn(w.users[org.Keeper].Email)
		base := "/o/" + w.orgA.Slug

		form := keeper.get(base + "/selfdiag/new")
		if form.status != http.StatusOK {
			t.Fatalf("form: got %d", form.status)
		}
		// The test inventory has an administrator account without a second
		// factor: question 3 is proposed "not done", with the account named.
		q3 := regexp.MustCompile(`(?s)id="q3".*?</fieldset>`).FindString(form.body)
		if !strings.Contains(q3, "提案：実施していない") || !strings.Contains(q3, "user@アルファ.example") || !strings.Contains(q3, `value="not_done" checked`) {
			t.Errorf("question 3 does not propose \"not done\" with its record:\n%s", q3)
		}
		if strings.Contains(form.body, "%!") {
			t.Errorf("a message with a wrong number of arguments on the form")
		}
		if strings.Contains(form.body, "極秘部") {
			t.Error("another organisation's record on the form")
		}
		// Nothing in the inventory speaks to backups: no proposal.
		q11 := regexp.MustCompile(`(?s)id="q11".*?</fieldset>`).FindString(form.body)
		if strings.Contains(q11, "提案：") || strings.Contains(q11, "checked") {
			t.Errorf("question 11 proposed without data:\n%s", q11)
		}

		// Unanswered questions are refused; nothing is saved.
		before, _ := w.db.Tenant(w.orgA.ID).Sittings(context.Background())
		r := keeper.post(base+"/selfdiag", answerForm("done", map[int]string{11: ""}))
		if r.status != http.StatusUnprocessableEntity && r.status != http.StatusBadRequest {
			t.Errorf("incomplete: got %d", r.status)
		}
		if after, _ := w.db.Tenant(w.orgA.ID).Sittings(context.Background()); len(after) != len(before) {
			t.Error("an incomplete sitting was saved")
		}

		// "Done" everywhere, against the findings: 100 points, and question 3 flagged.
		r = keeper.post(base+"/selfdiag", answerForm("done", nil))
		if r.status != http.StatusSeeOther {
			t.Fatalf("save: got %d\n%s", r.status, r.body)
		}
		res := keeper.get(r.location)
		if !strings.Contains(res.body, `id="selfdiag-total">100点`) || !strings.Contains(res.body, "入口の対策はできています") {
			t.Errorf("result page without the total and band:\n%s", res.body)
		}
		if !strings.Contains(res.body, "検出事項と食い違い") {
			t.Error("the contradicted answer is not flagged")
		}
		// The next sitting's form recalls it.
		q3 = regexp.MustCompile(`(?s)id="q3".*?</fieldset>`).FindString(keeper.get(base + "/selfdiag/new").body)
		if !strings.Contains(q3, "前回の診断では") {
			t.Errorf("the next form does not recall the flagged answer:\n%s", q3)
		}
		// A second sitting is compared with the first, question by question.
		r = keeper.post(base+"/selfdiag", answerForm("partly", map[int]string{5: "dont_know"}))
		res = keeper.get(r.location)
		if !strings.Contains(res.body, "47点") || !strings.Contains(res.body, "いつ事故が起きてもおかしくない状態です") {
			t.Errorf("second result without 47 and its band")
		}
		if !strings.Contains(res.body, "前回（") || !strings.Contains(res.body, "後退") || !strings.Contains(res.body, "5. 新しい脅威") {
			t.Errorf("no comparison with the previous sitting:\n%s", regexp.MustCompile(`(?s)前回との比較.*?</section>`).FindString(res.body))
		}
	})
}

func TestSelfdiagDashboardFigure(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		keeper := w.client("ja")
		keeper.signIn(w.users[org.Keeper].Email)
		base := "/o/" + w.orgA.Slug
		total := regexp.MustCompile(`id="selfdiag-dash-total">([^<]*)<`)
		if m := total.FindStringSubmatch(keeper.get(base + "/").body); m == nil || m[1] != "50点" {
			t.Fatalf("dashboard total with the harness's sitting = %v, want 50点", m)
		}
		keeper.post(base+"/selfdiag", answerForm("done", nil))
		page := keeper.get(base + "/").body
		if m := total.FindStringSubmatch(page); m == nil || m[1] != "100点" {
			t.Errorf("dashboard total after a second sitting = %v, want 100点", m)
		}
		if !strings.Contains(page, "50 → 100") {
			t.Error("no trend of recent totals on the dashboard")
		}
		if !strings.Contains(page, "★★ 足りないもの") {
			t.Error("no SECURITY ACTION readiness on the dashboard")
		}
		sa := keeper.get(base + "/security-action").body
		if strings.Contains(sa, "%!") || !strings.Contains(sa, "自己診断を済ませています") || !strings.Contains(sa, "未対応の検出事項が") || !strings.Contains(sa, "認証や認定ではありません") {
			t.Errorf("readiness page: a broken message, or without the sitting, the findings or the declaration wording")
		}
		if strings.Contains(sa, "認定を受けました") || strings.Contains(sa, "取得しました") {
			t.Error("the readiness page words SECURITY ACTION as a certification")
		}
	})
}

func TestSelfdiagAPI(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		auth := w.apiClient(w.users[org.Keeper], "en").hdr.Get("Authorization")
		api := func(method, path, body string) (int, string) {
			req, _ := http.NewRequest(method, w.ts.URL+path, strings.NewReader(body))
			req.Header.Set("Authorization", auth)
			req.Header.Set("Accept-Language", "en")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return res.StatusCode, string(b)
		}
		path := "/api/v1/orgs/" + w.orgA.Slug + "/selfdiag"
		if code, body := api("GET", path, ""); code != http.StatusOK || !strings.Contains(body, `"total":50`) {
			t.Errorf("latest (the harness's): got %d %s", code, body)
		}
		var lines []string
		for q := 1; q <= 25; q++ {
			word := "実施している"
			if q == 7 {
				word = "わからない"
			}
			lines = append(lines, strconv.Itoa(q)+","+word)
		}
		bad := strings.Join(append(append([]string{}, lines[:10]...), "10,done"), "\n")
		code, body := api("POST", path, bad)
		if code != http.StatusBadRequest && code != http.StatusUnprocessableEntity || !strings.Contains(body, "Line 11") {
			t.Errorf("duplicate: got %d %s, want the line named", code, body)
		}
		code, body = api("POST", path, "1,done\n2,perhaps\n")
		if !strings.Contains(body, "Line 2") || !strings.Contains(body, "perhaps") {
			t.Errorf("unknown word: got %d %s", code, body)
		}
		if s, _ := w.db.Tenant(w.orgA.ID).Sittings(ctx); len(s) != 1 { // the harness's sitting
			t.Fatalf("a refused file saved a sitting: %d", len(s))
		}
		code, body = api("POST", path, "設問,回答\n"+strings.Join(lines, "\n"))
		if code != http.StatusCreated {
			t.Fatalf("submit: got %d %s", code, body)
		}
		var got sittingJSON
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatal(err)
		}
		if got.Total != 95 || got.Band != "mostly" || len(got.DontKnow) != 1 || got.DontKnow[0].Question != 7 || len(got.Parts) != 3 || got.Parts[1].Total != 47 {
			t.Errorf("result = %+v", got)
		}
		code, body = api("GET", path, "")
		if code != http.StatusOK || !strings.Contains(body, `"total":95`) {
			t.Errorf("latest: %d %s", code, body)
		}
	})
}

// sittingJSON mirrors the keys docs/selfdiag.md documents.
type sittingJSON struct {
	Total    int    `json:"total"`
	Band     string `json:"band"`
	DontKnow []struct {
		Question int `json:"question"`
	} `json:"dont_know"`
	Parts []struct {
		Total int `json:"total"`
	} `json:"parts"`
}

func TestCloudCheckFillsTheServiceDate(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		keeper := w.client("ja")
		keeper.signIn(w.users[org.Keeper].Email)
		svc := w.inv["service"][0]
		path := "/o/" + w.orgA.Slug + "/services/" + strconv.FormatInt(svc, 10) + "/cloud-check"
		ten := w.db.Tenant(w.orgA.ID)
		open := func() bool {
			fs, _, err := ten.Findings(ctx, store.FindingQuery{CheckID: "services.cloud_check_personal", Status: findings.Open, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			return len(fs) > 0
		}
		if !open() {
			t.Fatal("the test service holds personal data without a check: want a finding")
		}
		today := calendar.Of(w.clock.Now()).String()
		f := url.Values{"checked_on": {today}}
		for n := 1; n <= 15; n++ {
			f.Set("mark_"+strconv.Itoa(n), "checked")
		}
		f.Set("mark_6", "issue")
		if r := keeper.post(path, f); r.status == http.StatusSeeOther {
			t.Fatal("an issue without a note was accepted")
		}
		f.Set("note_6", "稼働率の記載がない")
		if r := keeper.post(path, f); r.status != http.StatusSeeOther {
			t.Fatalf("save: got %d", r.status)
		}
		if s, _ := ten.Service(ctx, svc); s.CloudCheckDone != "" {
			t.Fatal("an incomplete check set the date")
		}
		f.Set("mark_6", "checked")
		if r := keeper.post(path, f); r.status != http.StatusSeeOther {
			t.Fatalf("save: got %d", r.status)
		}
		if s, _ := ten.Service(ctx, svc); s.CloudCheckDone != today {
			t.Fatalf("cloud check done = %q, want %s", s.CloudCheckDone, today)
		}
		// The change asked for the organisation's evaluation like any
		// service edit; running it resolves the finding.
		if _, err := posture.Evaluate(ctx, ten, audit.Actor{Label: "test"}, w.clock.Now()); err != nil {
			t.Fatal(err)
		}
		if open() {
			t.Error("the finding stays open after the check")
		}
		if !strings.Contains(keeper.get("/o/"+w.orgA.Slug+"/services/"+strconv.FormatInt(svc, 10)).body, `href="`+path+`"`) {
			t.Error("the service page does not link to its cloud check")
		}
		page := keeper.get(path)
		if !strings.Contains(page.body, "稼働率の記載がない") || !strings.Contains(page.body, "未完了") {
			t.Error("the history does not keep the earlier check")
		}
		// Another organisation cannot check ours.
		other := w.client("ja")
		other.signIn(w.userB.Email)
		if r := other.post("/o/"+w.orgB.Slug+"/services/"+strconv.FormatInt(svc, 10)+"/cloud-check", f); r.status != http.StatusNotFound {
			t.Errorf("cross-tenant check: got %d, want 404", r.status)
		}
	})
}
