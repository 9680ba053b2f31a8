package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/incident"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/routine"
	"github.com/mamori-sec/mamori/internal/store"
)

// alertJobs counts the organisation's queued incident alerts.
func (w *world) alertJobs(orgID int64) int {
	w.t.Helper()
	vs, err := w.queue.OrgJobs(context.Background(), orgID, 0)
	if err != nil {
		w.t.Fatal(err)
	}
	n := 0
	for _, v := range vs {
		if v.Kind == "incident_alert" {
			n++
		}
	}
	return n
}

// TestIncidentReviewActionsBecomeTasks: closing an incident with two
// preventive actions makes two one-off tasks (chore once.incident_action)
// due on the actions' days for their owners, each with one occurrence;
// the incident lists them with where they stand, each task names the
// incident in words and links back, the audit trail records each as a
// routine added naming the incident; a review sent again makes no task.
func TestIncidentReviewActionsBecomeTasks(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		ten := w.db.Tenant(w.orgA.ID)
		id := w.inv["incident"][0]
		member := w.users[org.Member]
		keeper := w.client("ja")
		keeper.signIn(w.users[org.Keeper].Email)
		page := fmt.Sprintf("/o/%s/incidents/%d", w.orgA.Slug, id)
		today := calendar.Of(w.clock.Now())
		due1, due2 := today.AddDays(7), today.AddDays(30)
		review := url.Values{"people": {"添付を確認しなかった"}, "technology": {"マクロが有効だった"}, "operations": {"手順がなかった"},
			"root_cause": {"マクロの既定設定"}, "lesson": {"添付ファイルのマクロは開かない"},
			"action_1": {"マクロを既定で無効にする"}, "owner_1": {strconv.FormatInt(member.ID, 10)}, "due_1": {due1.String()},
			"action_2": {"バックアップの復元訓練"}, "owner_2": {strconv.FormatInt(w.users[org.Keeper].ID, 10)}, "due_2": {due2.String()}}
		if r := keeper.post(page+"/close", review); r.status != http.StatusSeeOther {
			t.Fatalf("close: got %d, want 303\n%s", r.status, r.body)
		}
		tasks, err := ten.IncidentTasks(ctx, id)
		if err != nil || len(tasks) != 2 {
			t.Fatalf("tasks: got %d (%v), want 2", len(tasks), err)
		}
		for i, want := range []struct {
			due      calendar.Day
			assignee int64
		}{{due1, member.ID}, {due2, w.users[org.Keeper].ID}} {
			rt := tasks[i].Routine
			if rt.Chore.ID != store.IncidentActionChore || rt.Schedule.Cadence != routine.Once || rt.Schedule.On != want.due || rt.AssigneeID != want.assignee {
				t.Errorf("task %d: got %s %s due %s for %d, want a one-off due %s for %d", i+1, rt.Chore.ID, rt.Schedule.Cadence, rt.Schedule.On, rt.AssigneeID, want.due, want.assignee)
			}
			occ, err := ten.Occurrences(ctx, store.OccurrenceQuery{RoutineID: rt.ID, AnyAssignee: true})
			if err != nil || len(occ) != 1 || occ[0].On != want.due {
				t.Errorf("task %d occurrences: got %+v (%v), want one due %s", i+1, occ, err, want.due)
			}
		}
		// Linked both ways: the incident lists its tasks, waiting.
		show := keeper.get(page)
		taskURL := fmt.Sprintf("/o/%s/routines/%d", w.orgA.Slug, tasks[0].Routine.ID)
		if !strings.Contains(show.body, taskURL) || !strings.Contains(show.body, "マクロを既定で無効にする") || !strings.Contains(show.body, "未完了") {
			t.Errorf("incident page: want the tasks listed, linked and waiting\n%s", show.body)
		}
		tp := keeper.get(taskURL)
		if tp.status != http.StatusOK || !strings.Contains(tp.body, "アルファのPCでランサムウェア") || !strings.Contains(tp.body, page) ||
			!strings.Contains(tp.body, "再発防止策") {
			t.Errorf("task page: got %d, want the incident named in words and linked\n%s", tp.status, tp.body)
		}
		// Audited in words.
		es, err := ten.History(ctx, "routine:"+strconv.FormatInt(tasks[0].Routine.ID, 10))
		if err != nil || len(es) != 1 || es[0].Action != "routine.add" || !strings.Contains(es[0].After, "アルファのPCでランサムウェア") ||
			!strings.Contains(es[0].After, "マクロを既定で無効にする") {
			t.Fatalf("task history: got %+v (%v), want its routine.add naming the incident and the action", es, err)
		}
		// Done, it shows as done on the incident.
		occ, _ := ten.Occurrences(ctx, store.OccurrenceQuery{RoutineID: tasks[0].Routine.ID, AnyAssignee: true})
		if err := ten.CompleteOccurrence(ctx, audit.Actor{UserID: member.ID, Label: member.Name}, occ[0].ID, routine.Completion{Note: "無効にしました"}, nil); err != nil {
			t.Fatal(err)
		}
		if tasks, _ = ten.IncidentTasks(ctx, id); tasks[0].DoneAt.IsZero() || !tasks[1].DoneAt.IsZero() {
			t.Errorf("after completing the first: done %v, %v; want the first done only", tasks[0].DoneAt, tasks[1].DoneAt)
		}
		if show := keeper.get(page); !strings.Contains(show.body, "に完了") {
			t.Errorf("incident page: want the done task shown as done")
		}
		// Sent again: refused (closed), and no task more.
		if r := keeper.post(page+"/close", review); r.status == http.StatusSeeOther {
			t.Errorf("review sent again: got %d, want refused", r.status)
		}
		if tasks, _ := ten.IncidentTasks(ctx, id); len(tasks) != 2 {
			t.Errorf("after sending again: %d tasks, want 2", len(tasks))
		}
		rs, _ := ten.Routines(ctx)
		n := 0
		for _, r := range rs {
			if r.Chore.ID == store.IncidentActionChore {
				n++
			}
		}
		if n != 2 {
			t.Errorf("routines of the chore: got %d, want 2", n)
		}
		// The chore is never added by hand.
		if r := keeper.post("/o/"+w.orgA.Slug+"/routines", url.Values{"chore": {store.IncidentActionChore}, "cadence": {"monthly"}, "day": {"5"}}); r.status != http.StatusBadRequest {
			t.Errorf("adding the one-off chore by hand: got %d, want 400", r.status)
		}
	})
}

// TestNearMissEscalationOpensIncident: the keeper escalates an anonymous
// near miss; one incident opens, its type from the category, its title and
// what happened from the report, found on the report's day, opened by the
// keeper and naming no reporter, with one alert queued; the two link to
// each other; escalating again opens nothing more and queues nothing.
func TestNearMissEscalationOpensIncident(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		ten := w.db.Tenant(w.orgA.ID)
		id := w.inv["near_miss"][0]
		keeper := w.client("ja")
		keeper.signIn(w.users[org.Keeper].Email)
		nmURL := fmt.Sprintf("/o/%s/near-misses/%d", w.orgA.Slug, id)
		before, _ := ten.Incidents(ctx, store.IncidentQuery{})
		alerts := w.alertJobs(w.orgA.ID)

		if r := keeper.post(nmURL+"/triage", url.Values{"triage": {"escalated"}, "reply": {"インシデントとして対応します"}}); r.status != http.StatusSeeOther {
			t.Fatalf("escalate: got %d, want 303\n%s", r.status, r.body)
		}
		n, err := ten.NearMiss(ctx, id)
		if err != nil || n.IncidentID == 0 {
			t.Fatalf("near miss: incident %d (%v), want one", n.IncidentID, err)
		}
		inc, err := ten.Incident(ctx, n.IncidentID)
		if err != nil {
			t.Fatal(err)
		}
		if inc.Type != incident.MisSent || inc.Title != "アルファ宛先を取り違えそうになった" || !strings.Contains(inc.Description, "宛先を取り違えそうになった") {
			t.Errorf("incident: got %s %q %q, want a mis-send titled from the report", inc.Type, inc.Title, inc.Description)
		}
		if !inc.FoundAt.Equal(n.Day.Time()) || !inc.OccurredAt.Equal(n.Day.Time()) {
			t.Errorf("found at %v, occurred at %v; want the report's day %v", inc.FoundAt, inc.OccurredAt, n.Day.Time())
		}
		if inc.FoundBy != "" || inc.ReportedBy != w.users[org.Keeper].ID || inc.Drill {
			t.Errorf("found by %q, reported by %d; want nobody named and the keeper who escalated (%d)", inc.FoundBy, inc.ReportedBy, w.users[org.Keeper].ID)
		}
		if got := w.alertJobs(w.orgA.ID); got != alerts+1 {
			t.Errorf("alerts: got %d, want %d", got, alerts+1)
		}
		// Linked both ways.
		incURL := fmt.Sprintf("/o/%s/incidents/%d", w.orgA.Slug, inc.ID)
		if p := keeper.get(nmURL); !strings.Contains(p.body, incURL) {
			t.Errorf("near-miss page: want the incident linked")
		}
		if p := keeper.get(incURL); p.status != http.StatusOK || !strings.Contains(p.body, nmURL) || !strings.Contains(p.body, "ヒヤリハット報告（メール・FAXの誤送信") {
			t.Errorf("incident page: got %d, want the near miss named and linked\n%s", p.status, p.body)
		}
		// Escalating again opens no second incident and alerts nobody again.
		if r := keeper.post(nmURL+"/triage", url.Values{"triage": {"escalated"}}); r.status != http.StatusSeeOther {
			t.Fatalf("again: got %d", r.status)
		}
		after, _ := ten.Incidents(ctx, store.IncidentQuery{})
		if len(after) != len(before)+1 {
			t.Errorf("incidents: got %d, want %d", len(after), len(before)+1)
		}
		if n2, _ := ten.NearMiss(ctx, id); n2.IncidentID != inc.ID {
			t.Errorf("near miss now names incident %d, want %d", n2.IncidentID, inc.ID)
		}
		if got := w.alertJobs(w.orgA.ID); got != alerts+1 {
			t.Errorf("alerts after escalating again: got %d, want %d", got, alerts+1)
		}
		es, err := ten.History(ctx, "incident:"+strconv.FormatInt(inc.ID, 10))
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]int{}
		for _, e := range es {
			got[e.Action]++
		}
		if got["incident.reported"] != 1 || got["incident.alert"] != 1 {
			t.Errorf("incident history: got %v, want one report and one alert", got)
		}
	})
}

// TestStaffReportAlertInTransaction: a staff report refused queues no
// alert and opens nothing; one accepted opens one incident and queues
// exactly one alert, both recorded in the audit trail.
func TestStaffReportAlertInTransaction(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		ten := w.db.Tenant(w.orgA.ID)
		staff := w.client("ja")
		staff.signIn(w.users[org.Member].Email)
		now := w.clock.Now().In(calendar.Japan)
		at := func(h int) string { return now.Add(-time.Duration(h) * time.Hour).Format("2006-01-02T15:04") }
		before, _ := ten.Incidents(ctx, store.IncidentQuery{})
		alerts := w.alertJobs(w.orgA.ID)
		// Refused: found before it happened.
		if r := staff.post("/o/alpha/incidents/report", url.Values{"type": {"malware"}, "title": {"不審なメールを開いた"}, "occurred_at": {at(1)}, "found_at": {at(2)}}); r.status != http.StatusBadRequest {
			t.Fatalf("refused report: got %d, want 400", r.status)
		}
		if got := w.alertJobs(w.orgA.ID); got != alerts {
			t.Errorf("after a refused report: %d alerts, want %d", got, alerts)
		}
		if r := staff.post("/o/alpha/incidents/report", url.Values{"type": {"malware"}, "title": {"不審なメールを開いた"}, "occurred_at": {at(2)}, "found_at": {at(1)}}); r.status != http.StatusSeeOther {
			t.Fatalf("report: got %d, want 303", r.status)
		}
		after, _ := ten.Incidents(ctx, store.IncidentQuery{})
		if len(after) != len(before)+1 {
			t.Fatalf("incidents: got %d, want %d", len(after), len(before)+1)
		}
		if got := w.alertJobs(w.orgA.ID); got != alerts+1 {
			t.Errorf("after a report: %d alerts, want %d", got, alerts+1)
		}
		var newID int64
		for _, i := range after {
			if i.Title == "不審なメールを開いた" {
				newID = i.ID
			}
		}
		es, _ := ten.History(ctx, "incident:"+strconv.FormatInt(newID, 10)) // newest first
		if len(es) != 2 || es[1].Action != "incident.reported" || es[0].Action != "incident.alert" {
			t.Errorf("history: got %+v, want the report then its alert", es)
		}
	})
}

// TestLessonsFollowEvents: a near miss triaged as a lesson assigns the
// lessons of its category to the department the keeper picked, and to
// nobody when none is picked; an incident at triage assigns the lessons of
// its type to the department of the person whose device it names.
func TestLessonsFollowEvents(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		ten := w.db.Tenant(w.orgA.ID)
		target := "org:" + strconv.FormatInt(w.orgA.ID, 10)
		events := func() []audit.Entry {
			es, err := ten.History(ctx, target)
			if err != nil {
				t.Fatal(err)
			}
			var out []audit.Entry
			for _, e := range es {
				if e.Action == "lesson.assign_event" {
					out = append(out, e)
				}
			}
			return out
		}
		keeper := w.client("ja")
		keeper.signIn(w.users[org.Keeper].Email)
		nmURL := fmt.Sprintf("/o/%s/near-misses/%d", w.orgA.Slug, w.inv["near_miss"][0])
		if p := keeper.get(nmURL); !strings.Contains(p.body, `name="department"`) || !strings.Contains(p.body, "総務部") {
			t.Fatalf("triage form: want the departments to pick from")
		}
		// No department picked: nobody assigned.
		if r := keeper.post(nmURL+"/triage", url.Values{"triage": {"lesson"}, "lesson": {"宛先は送信前に声に出して確認する"}}); r.status != http.StatusSeeOther {
			t.Fatalf("lesson triage: got %d\n%s", r.status, r.body)
		}
		if es := events(); len(es) != 0 {
			t.Fatalf("with no department: %d assignments recorded, want none", len(es))
		}
		if r := keeper.post(nmURL+"/triage", url.Values{"triage": {"lesson"}, "lesson": {"宛先は送信前に声に出して確認する"}, "department": {"総務部"}}); r.status != http.StatusSeeOther {
			t.Fatalf("lesson triage: got %d\n%s", r.status, r.body)
		}
		es := events()
		if len(es) != 1 || !strings.Contains(es[0].After, `"category":"mis_send"`) || !strings.Contains(es[0].After, "総務部") {
			t.Fatalf("near miss: got %+v, want one assignment of mis_send lessons to 総務部", es)
		}
		// The incident names 山田花子's PC (総務部): triage assigns there.
		incURL := fmt.Sprintf("/o/%s/incidents/%d", w.orgA.Slug, w.inv["incident"][0])
		if r := keeper.post(incURL+"/triage", url.Values{"classification": {"incident"}, "note": {"感染を確認"}}); r.status != http.StatusSeeOther {
			t.Fatalf("incident triage: got %d\n%s", r.status, r.body)
		}
		es = events()
		if len(es) != 2 || !strings.Contains(es[0].After, `"category":"malware"`) || !strings.Contains(es[0].After, "総務部") { // newest first
			t.Fatalf("incident: got %+v, want malware lessons assigned to 総務部", es)
		}
		// Another organisation's departments are never offered.
		if p := keeper.get(nmURL); strings.Contains(p.body, "極秘部") {
			t.Errorf("triage form offers another organisation's department")
		}
	})
}

// TestIncidentPrintReport: the A4 report of a whole incident holds the
// facts, the affected records by name, the timeline with happened and
// recorded times, the steps done and skipped, the APPI ruling with its
// rule version, the review and its actions with their tasks' state; it
// is a viewer's page like the incident's, and prints on A4.
func TestIncidentPrintReport(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		id := w.inv["incident"][0]
		keeper := w.client("ja")
		keeper.signIn(w.users[org.Keeper].Email)
		page := fmt.Sprintf("/o/%s/incidents/%d", w.orgA.Slug, id)
		now := w.clock.Now().In(calendar.Japan)
		today := calendar.Of(w.clock.Now())
		if r := keeper.post(page+"/steps/skip", url.Values{"step": {"x"}, "text": {"バックアップから復元する"}, "note": {"バックアップがなかった"}}); r.status != http.StatusSeeOther {
			t.Fatalf("skip: got %d", r.status)
		}
		if r := keeper.post(page+"/decision", url.Values{"people": {"0"}, "awareness": {now.Add(-time.Hour).Format("2006-01-02T15:04")}}); r.status != http.StatusSeeOther {
			t.Fatalf("decision: got %d\n%s", r.status, r.body)
		}
		review := url.Values{"people": {"添付を確認しなかった"}, "technology": {"マクロが有効だった"}, "operations": {"手順がなかった"},
			"root_cause": {"マクロの既定設定"}, "lesson": {"添付ファイルのマクロは開かない"},
			"action_1": {"マクロを既定で無効にする"}, "owner_1": {strconv.FormatInt(w.users[org.Member].ID, 10)}, "due_1": {today.AddDays(7).String()}}
		if r := keeper.post(page+"/close", review); r.status != http.StatusSeeOther {
			t.Fatalf("close: got %d\n%s", r.status, r.body)
		}
		auditor := w.client("ja")
		auditor.signIn(w.users[org.Auditor].Email)
		r := auditor.get(page + "/print")
		if r.status != http.StatusOK {
			t.Fatalf("print: got %d", r.status)
		}
		for _, want := range []string{"インシデント報告書", "アルファのPCでランサムウェア", "アルファPC-01", "発生・実施", "記録", "アルファの画面.png",
			"バックアップがなかった", "APPI-2024-04", "マクロの既定設定", "マクロを既定で無効にする", w.users[org.Member].Name, "未完了"} {
			if !strings.Contains(r.body, want) {
				t.Errorf("A4 report: %q missing", want)
			}
		}
		if strings.Contains(r.body, "<script>") || strings.Contains(r.body, "style=") {
			t.Errorf("A4 report: inline script or style")
		}
		if show := keeper.get(page); !strings.Contains(show.body, page+"/print") {
			t.Errorf("incident page: want a link to the A4 report")
		}
		member := w.client("ja")
		member.signIn(w.users[org.Member].Email)
		if r := member.get(page + "/print"); r.status != http.StatusForbidden {
			t.Errorf("member opens the A4 report: got %d, want 403", r.status)
		}
	})
}

// TestIncidentLiveClock: an open incident's page carries the elapsed time
// rendered by the server and, for browsers with JavaScript, the static
// clock script with the seconds and formats it needs — never an inline
// script; the script is served; a closed incident has no live clock.
func TestIncidentLiveClock(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		id := w.inv["incident"][0]
		keeper := w.client("ja")
		keeper.signIn(w.users[org.Keeper].Email)
		page := fmt.Sprintf("/o/%s/incidents/%d", w.orgA.Slug, id)
		show := keeper.get(page)
		// Found an hour before the harness's now: 1 時間 0 分, 3600 s.
		for _, want := range []string{`id="clock" data-elapsed="3600"`, `data-hm="900000001 時間 900000002 分"`, "1 時間 0 分", `src="/static/incident-clock.`} {
			if !strings.Contains(show.body, want) {
				t.Errorf("open incident page: %q missing", want)
			}
		}
		if strings.Count(show.body, "<script") != strings.Count(show.body, "<script src=") {
			t.Errorf("open incident page: an inline script")
		}
		i := strings.Index(show.body, `src="/static/incident-clock.`)
		src := show.body[i+5:]
		src = src[:strings.IndexByte(src, '"')]
		if r := keeper.get(src); r.status != http.StatusOK || !strings.Contains(r.body, "data-elapsed") && !strings.Contains(r.body, "dataset.elapsed") {
			t.Errorf("clock script %s: got %d", src, r.status)
		}
		review := url.Values{"people": {"a"}, "technology": {"b"}, "operations": {"c"}, "root_cause": {"d"}, "lesson": {"e"},
			"action_1": {"f"}, "owner_1": {strconv.FormatInt(w.users[org.Keeper].ID, 10)}, "due_1": {calendar.Of(w.clock.Now()).AddDays(3).String()}}
		if r := keeper.post(page+"/close", review); r.status != http.StatusSeeOther {
			t.Fatalf("close: got %d", r.status)
		}
		if show := keeper.get(page); strings.Contains(show.body, "incident-clock.") || strings.Contains(show.body, "data-elapsed") {
			t.Errorf("closed incident page: want no live clock")
		}
	})
}
