package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/policy"
	"github.com/mamori-sec/mamori/internal/store"
)

var incidentURL = regexp.MustCompile(`/o/alpha/incidents/(\d+)`)

// TestIncidentFirstHour: a member reports a lost laptop (the keepers are
// alerted through the queue; the member sees their own report and no
// keeper page); the keeper records the incident against the encrypted PC,
// runs a first-hour step, decides — no report, because the disk was
// encrypted — and cannot close without a review, then closes with one.
func TestIncidentFirstHour(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		now := w.clock.Now().In(calendar.Japan)
		at := func(d time.Duration) string { return now.Add(d).Format("2006-01-02T15:04") }

		staff := w.client("ja")
		staff.signIn(w.users[org.Member].Email)
		if r := staff.get("/o/alpha/incidents/report"); r.status != http.StatusOK || !strings.Contains(r.body, "責められることはありません") {
			t.Fatalf("report form: got %d", r.status)
		}
		// Bad input is refused naming the field: found before it happened.
		r := staff.post("/o/alpha/incidents/report", url.Values{"type": {"lost_device"}, "title": {"ノートPC紛失"}, "occurred_at": {at(-time.Hour)}, "found_at": {at(-2 * time.Hour)}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "発見日時が発生日時より前") {
			t.Fatalf("found before occurred: got %d", r.status)
		}
		before, _ := w.queue.OrgJobs(ctx, w.orgA.ID, 0)
		r = staff.post("/o/alpha/incidents/report", url.Values{"type": {"lost_device"}, "title": {"電車内でノートPCを紛失<script>"}, "occurred_at": {at(-3 * time.Hour)}, "found_at": {at(-time.Hour)}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("report: got %d %s", r.status, r.body)
		}
		after, _ := w.queue.OrgJobs(ctx, w.orgA.ID, 0)
		alerts := 0
		for _, j := range after {
			if j.Kind == "incident_alert" {
				alerts++
			}
		}
		if alerts != 1 || len(after) != len(before)+1 {
			t.Errorf("got %d alerts (%d jobs, %d before), want one incident alert queued", alerts, len(after), len(before))
		}
		mine := staff.get("/o/alpha/incidents/report")
		if !strings.Contains(mine.body, "電車内でノートPCを紛失&lt;script&gt;") {
			t.Errorf("the member's own report is not listed (escaped)")
		}
		if strings.Contains(mine.body, "アルファのPCでランサムウェア") {
			t.Errorf("the member sees another's incident")
		}
		if r := staff.get("/o/alpha/incidents"); r.status != http.StatusForbidden {
			t.Errorf("member opens the keeper's list: got %d, want 403", r.status)
		}

		keeper := w.client("ja")
		keeper.signIn(w.users[org.Keeper].Email)
		dev := strconv.FormatInt(w.inv["device"][0], 10)
		r = keeper.post("/o/alpha/incidents", url.Values{"type": {"lost_device"}, "title": {"営業PCを電車内で紛失"}, "affected": {"device:" + dev},
			"occurred_at": {at(-3 * time.Hour)}, "found_at": {at(-time.Hour)}, "found_by": {"営業部"}})
		m := incidentURL.FindStringSubmatch(r.location)
		if r.status != http.StatusSeeOther || m == nil {
			t.Fatalf("open: got %d %q", r.status, r.location)
		}
		page := "/o/alpha/incidents/" + m[1]
		show := keeper.get(page)
		stepID := "lock_device_no_wipe:device:" + dev // no remote wipe recorded on this PC
		if !strings.Contains(show.body, `value="`+stepID+`"`) || !strings.Contains(show.body, "アルファPC-01") || !strings.Contains(show.body, "1 時間 0 分") {
			t.Fatalf("the playbook is not filled from the PC, or no clock:\n%s", show.body)
		}
		if r := keeper.post(page+"/steps", url.Values{"step": {stepID}, "text": {"x"}, "note": {"パスワード変更済み"}}); r.status != http.StatusSeeOther {
			t.Fatalf("step: got %d", r.status)
		}
		if r := keeper.post(page+"/steps/skip", url.Values{"step": {"report_police"}}); r.status != http.StatusBadRequest {
			t.Errorf("skip without a reason: got %d, want 400", r.status)
		}
		r = keeper.post(page+"/decision", url.Values{"people": {"120"}, "encrypted_high_grade": {"1"}, "awareness": {at(-time.Hour)}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("decision: got %d", r.status)
		}
		show = keeper.get(page)
		if !strings.Contains(show.body, "報告は不要です") || !strings.Contains(show.body, "高度な暗号化") || !strings.Contains(show.body, "APPI-2024-04") {
			t.Errorf("decision not shown with its reason and rule version")
		}
		if r := keeper.post(page+"/decision", url.Values{"people": {"-1"}, "awareness": {at(-time.Hour)}}); r.status != http.StatusBadRequest {
			t.Errorf("negative people: got %d, want 400", r.status)
		}
		// No closing without a review.
		if r := keeper.post(page+"/close", url.Values{"people": {"x"}}); r.status != http.StatusBadRequest {
			t.Errorf("close without a review: got %d, want 400", r.status)
		}
		due := calendar.Of(now).AddDays(30).String()
		r = keeper.post(page+"/close", url.Values{"people": {"置き忘れ防止の意識が不足"}, "technology": {"遠隔消去が未設定"}, "operations": {"持ち出し記録がない"},
			"root_cause": {"端末管理の仕組みがない"}, "action_1": {"全PCに遠隔消去を設定"}, "owner_1": {strconv.FormatInt(w.users[org.Keeper].ID, 10)}, "due_1": {due},
			"lesson": {"PCは網棚に置かず、膝の上で持ちましょう。"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("close: got %d", r.status)
		}
		inc, err := w.db.Tenant(w.orgA.ID).Incident(ctx, mustInt(t, m[1]))
		if err != nil || inc.Status != "closed" || inc.ContainedAt.IsZero() {
			t.Errorf("got %+v %v, want closed and contained", inc, err)
		}
		if r := keeper.post(page+"/steps", url.Values{"step": {"ask_where_lost"}}); r.status != http.StatusConflict {
			t.Errorf("a step after closing: got %d, want 409", r.status)
		}
		if n, err := w.db.Tenant(w.orgA.ID).VerifyIncident(ctx, inc.ID, func(f store.IncidentEvidence) ([]byte, error) { return f.Data, nil }); err != nil || n != 4 {
			t.Errorf("verify: %d entries, %v; want 4 intact", n, err)
		}
	})
}

func mustInt(t *testing.T, s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestIncidentShareLinkLogged: a read-only link opens the incident without
// signing in, each opening in the audit trail; it stops at its expiry.
func TestIncidentShareLinkLogged(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		owner := w.client("ja")
		owner.signIn(w.users[org.Owner].Email)
		id := strconv.FormatInt(w.inv["incident"][0], 10)
		r := owner.post("/o/alpha/incidents/"+id+"/share", url.Values{"days": {"2"}})
		link := regexp.MustCompile(`/shared/incidents/[0-9a-f]{40}`).FindString(r.body)
		if r.status != http.StatusOK || link == "" {
			t.Fatalf("share: got %d, no link", r.status)
		}
		before := w.auditCount()
		outsider := w.client("ja")
		if r := outsider.get(link); r.status != http.StatusOK || !strings.Contains(r.body, "アルファのPCでランサムウェア") || strings.Contains(r.body, "極秘部") {
			t.Fatalf("shared view: got %d", r.status)
		}
		if w.auditCount() != before+1 {
			t.Errorf("the opening is not in the audit trail")
		}
		w.clock.Add(49 * time.Hour)
		if r := outsider.get(link); r.status != http.StatusNotFound {
			t.Errorf("after expiry: got %d, want 404", r.status)
		}
	})
}

// TestDrillsNeverCountWithIncidents: a drill is listed with drills only.
func TestDrillsNeverCountWithIncidents(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		keeper := w.client("ja")
		keeper.signIn(w.users[org.Keeper].Email)
		r := keeper.post("/o/alpha/incidents/drills", url.Values{"scenario": {"laptop_train"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("drill: got %d", r.status)
		}
		if body := keeper.get("/o/alpha/incidents").body; strings.Contains(body, "電車内でのノートPC紛失") {
			t.Errorf("the drill is listed with the incidents")
		}
		if body := keeper.get("/o/alpha/incidents?drills=1").body; !strings.Contains(body, "電車内でのノートPC紛失") {
			t.Errorf("the drill is not listed with the drills")
		}
		real, _ := w.db.Tenant(w.orgA.ID).Incidents(context.Background(), store.IncidentQuery{})
		if len(real) != 1 {
			t.Errorf("got %d real incidents, want the 1 of the test world", len(real))
		}
	})
}

var openIncidents = regexp.MustCompile(`対応中の事故</dt><dd class="big">(\d+)</dd>`)

// TestDashboardIncidentFigureFollowsEdits: the dashboard's cached figures
// move as soon as an incident is opened.
func TestDashboardIncidentFigureFollowsEdits(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		keeper := w.client("ja")
		keeper.signIn(w.users[org.Keeper].Email)
		count := func() string {
			m := openIncidents.FindStringSubmatch(keeper.get("/o/alpha/").body)
			if m == nil {
				t.Fatal("no incident figure on the dashboard")
			}
			return m[1]
		}
		if got := count(); got != "1" {
			t.Fatalf("got %s open, want 1", got)
		}
		now := w.clock.Now().In(calendar.Japan).Format("2006-01-02T15:04")
		if r := keeper.post("/o/alpha/incidents", url.Values{"type": {"other"}, "title": {"不審な電話"}, "occurred_at": {now}, "found_at": {now}}); r.status != http.StatusSeeOther {
			t.Fatalf("open: got %d", r.status)
		}
		if got := count(); got != "2" {
			t.Errorf("after opening one: got %s open, want 2", got)
		}
		member := w.client("ja")
		member.signIn(w.users[org.Member].Email)
		if openIncidents.MatchString(member.get("/o/alpha/").body) {
			t.Errorf("a member sees the incident figures")
		}
	})
}

// TestIncidentDraftsExportFlowchart: a draft starts from the incident's
// data, is saved as versions in the timeline; the export verifies; the
// flowchart names the company's keepers.
func TestIncidentDraftsExportFlowchart(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		keeper := w.client("ja")
		keeper.signIn(w.users[org.Keeper].Email)
		page := "/o/alpha/incidents/" + strconv.FormatInt(w.inv["incident"][0], 10)
		r := keeper.get(page + "/drafts/regulator")
		if r.status != http.StatusOK || !strings.Contains(r.body, "アルファのPCでランサムウェア") || !strings.Contains(r.body, "再発防止のための措置") {
			t.Fatalf("draft: got %d", r.status)
		}
		for v := 1; v <= 2; v++ {
			if r := keeper.post(page+"/drafts/regulator", url.Values{"text": {"報告事項 第" + strconv.Itoa(v) + "版"}}); r.status != http.StatusSeeOther {
				t.Fatalf("save draft: got %d", r.status)
			}
		}
		if r := keeper.get(page + "/drafts/regulator"); !strings.Contains(r.body, "v2") || !strings.Contains(r.body, "報告事項 第2版") {
			t.Errorf("the second version is not shown")
		}
		if r := keeper.get(page + "/drafts/nope"); r.status != http.StatusNotFound {
			t.Errorf("unknown draft: got %d", r.status)
		}
		ex := keeper.get(page + "/export")
		if ex.status != http.StatusOK || !strings.Contains(ex.header.Get("Content-Disposition"), "incident-alpha-") || !strings.Contains(ex.body, `"audited"`) {
			t.Fatalf("export: got %d", ex.status)
		}
		if r := keeper.get("/o/alpha/incidents/flowchart"); r.status != http.StatusOK || !strings.Contains(r.body, "keeper@alpha.example") {
			t.Errorf("flowchart: got %d, want the keeper named", r.status)
		}
	})
}

// TestCompanyPlaybook: a company's own playbook replaces the built-in one
// for its incidents; a malformed one is refused naming the field.
func TestCompanyPlaybook(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		keeper := w.client("ja")
		keeper.signIn(w.users[org.Keeper].Email)
		if r := keeper.get("/o/alpha/incident-playbooks/malware"); r.status != http.StatusOK || !strings.Contains(r.body, "mamori 標準の手順書") {
			t.Fatalf("playbook page: got %d", r.status)
		}
		if r := keeper.post("/o/alpha/incident-playbooks/malware", url.Values{"playbook": {`{"first_hour": [{"id": "x", "for": "robot"}]}`}}); r.status != http.StatusBadRequest {
			t.Errorf("bad playbook: got %d, want 400", r.status)
		}
		own := `{"first_hour": [{"id": "do_not_pay", "for": "once"}], "first_day": [{"id": "check_backups", "for": "once"}]}`
		if r := keeper.post("/o/alpha/incident-playbooks/malware", url.Values{"playbook": {own}}); r.status != http.StatusSeeOther {
			t.Fatalf("save: got %d", r.status)
		}
		show := keeper.get("/o/alpha/incidents/" + strconv.FormatInt(w.inv["incident"][0], 10))
		if !strings.Contains(show.body, `value="do_not_pay"`) || strings.Contains(show.body, `value="isolate_device:`) || !strings.Contains(show.body, "（0 / 2 完了）") {
			t.Errorf("the incident does not follow the company's playbook")
		}
	})
}

// TestPlaybookCallsTheCompanysContacts: the "call" steps of a playbook name
// the emergency contacts of the executive sign-off, the company's own
// before the public defaults, each with how to reach them.
func TestPlaybookCallsTheCompanysContacts(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		now := w.clock.Now().In(calendar.Japan)
		at := func(d time.Duration) string { return now.Add(d).Format("2006-01-02T15:04") }
		err := w.db.Tenant(w.orgA.ID).SaveContacts(ctx, audit.Actor{Label: "test"}, []policy.Contact{
			{Kind: policy.ITVendor, Name: "みどりシステム保守", Phone: "03-1234-5678"},
			{Kind: policy.Insurer, Name: "さくら損保 サイバー窓口", Email: "cyber@insurer.example"},
		})
		if err != nil {
			t.Fatal(err)
		}
		keeper := w.client("ja")
		keeper.signIn(w.users[org.Keeper].Email)
		r := keeper.post("/o/alpha/incidents", url.Values{"type": {"malware"}, "title": {"ファイルサーバーでランサムウェア"},
			"occurred_at": {at(-2 * time.Hour)}, "found_at": {at(-time.Hour)}, "found_by": {"総務部"}})
		m := incidentURL.FindStringSubmatch(r.location)
		if r.status != http.StatusSeeOther || m == nil {
			t.Fatalf("open: got %d %q", r.status, r.location)
		}
		show := keeper.get("/o/alpha/incidents/" + m[1])
		for _, want := range []string{"みどりシステム保守", "03-1234-5678", "ITベンダー・保守会社", "cyber@insurer.example", "#9110"} {
			if !strings.Contains(show.body, want) {
				t.Errorf("the playbook's call steps lack %q", want)
			}
		}
		if !strings.Contains(keeper.get("/o/alpha/incidents/flowchart").body, "みどりシステム保守") {
			t.Errorf("the A4 flowchart lacks the company's IT vendor")
		}
		// Organisation B's page never shows A's contacts.
		owner := w.client("ja")
		owner.signIn(w.userB.Email)
		if b := owner.get("/o/bravo/incidents/flowchart"); b.status != http.StatusOK || strings.Contains(b.body, "みどりシステム保守") {
			t.Errorf("another organisation's flowchart shows A's contacts")
		}
	})
}
