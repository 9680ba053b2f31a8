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
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/policy"
	"github.com/mamori-sec/mamori/internal/routine"
	"github.com/mamori-sec/mamori/internal/store"
)

// question returns question q's block of the self-diagnosis form.
func question(body string, q string) string {
	return regexp.MustCompile(`(?s)id="q` + q + `".*?</fieldset>`).FindString(body)
}

// TestSelfdiagProposalsFromProgramme walks the questions the policy,
// incident, routine and lesson modules answer: no proposal (or "not done"
// for the policy) before the facts exist, "partly" while they are
// incomplete, "done" once they are, each with the facts behind it.
func TestSelfdiagProposalsFromProgramme(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx, sys := context.Background(), audit.Actor{Label: "test"}
		ten := w.db.Tenant(w.orgA.ID)
		keeper := w.client("ja")
		keeper.signIn(w.users[org.Keeper].Email)
		form := func() string {
			t.Helper()
			r := keeper.get("/o/" + w.orgA.Slug + "/selfdiag/new")
			if r.status != http.StatusOK {
				t.Fatalf("form: got %d", r.status)
			}
			if strings.Contains(r.body, "%!") {
				t.Fatalf("a message with a wrong number of arguments on the form")
			}
			return r.body
		}

		// Before: nothing published, only the public contacts, no restore
		// test done.
		body := form()
		if q := question(body, "25"); !strings.Contains(q, "提案：実施していない") || !strings.Contains(q, "公開しているポリシーはありません") {
			t.Errorf("question 25 with nothing published: want \"not done\"\n%s", q)
		}
		pr, err := ten.SelfdiagProgramme(ctx, calendar.Of(w.clock.Now()))
		if err != nil || pr.Incident.OwnContacts != 0 || pr.Incident.Desks == 0 || pr.Incident.Playbooks == 0 {
			t.Errorf("incident facts before: got %+v (%v), want no own contacts, the desks and playbooks counted", pr.Incident, err)
		}
		if q := question(body, "11"); strings.Contains(q, "提案：") {
			t.Errorf("question 11 proposed before any restore test:\n%s", q)
		}

		// Published, acknowledged by one member only: partly, with the
		// version and the rate.
		w.publishPolicy(t, "")
		v, acks, err := ten.PolicyAcks(ctx)
		if err != nil || len(acks) < 2 {
			t.Fatalf("acks: %v (%d members), want several members", err, len(acks))
		}
		if err := ten.AcknowledgePolicy(ctx, sys, acks[0].UserID, v.Number); err != nil {
			t.Fatal(err)
		}
		if q := question(form(), "25"); !strings.Contains(q, "提案：一部実施している") || !strings.Contains(q, "第1版") {
			t.Errorf("question 25 with one acknowledgement: want \"partly\" naming version 1\n%s", q)
		}
		for _, a := range acks {
			if err := ten.AcknowledgePolicy(ctx, sys, a.UserID, v.Number); err != nil {
				t.Fatal(err)
			}
		}
		if q := question(form(), "25"); !strings.Contains(q, "提案：実施している") || !strings.Contains(q, "（100%）") {
			t.Errorf("question 25 with every member acknowledging: want \"done\" at 100%%\n%s", q)
		}

		// Incident preparation: own contacts without a drill are partly.
		if err := ten.SaveContacts(ctx, sys, []policy.Contact{{Kind: policy.ITVendor, Name: "保守会社", Phone: "03-1234-5678"}}); err != nil {
			t.Fatal(err)
		}
		// (The test organisation has open findings on question 24, which
		// outrank these facts on the form; the facts are read here.)
		if pr, err = ten.SelfdiagProgramme(ctx, calendar.Of(w.clock.Now())); err != nil || pr.Incident.OwnContacts != 1 {
			t.Errorf("incident facts after saving a contact: got %+v (%v), want one own contact", pr.Incident, err)
		}
		if q := question(form(), "24"); !strings.Contains(q, "提案：一部実施している") || !strings.Contains(q, "未対応の検出事項") {
			t.Errorf("question 24: want \"partly\" from the open finding\n%s", q)
		}

		// Backups: the restore test done with evidence, nothing overdue.
		rs, err := ten.Routines(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var restore int64
		for _, r := range rs {
			if r.Chore.ID == "quarterly.restore_test" && r.Active() {
				restore = r.ID
			}
		}
		if restore == 0 {
			t.Fatal("the test organisation has no restore test routine")
		}
		os, err := ten.Occurrences(ctx, store.OccurrenceQuery{RoutineID: restore, AnyAssignee: true})
		if err != nil || len(os) == 0 {
			t.Fatalf("restore occurrences: %v (%d)", err, len(os))
		}
		// Left undone past its due day, it is overdue, never tested.
		if pr, err := ten.SelfdiagProgramme(ctx, os[0].On+1); err != nil || !pr.Restore.Active || !pr.Restore.Overdue || pr.Restore.LastWithEvidence != 0 {
			t.Errorf("restore facts past the due day: got %+v (%v), want active, overdue, no evidence", pr.Restore, err)
		}
		if err := ten.CompleteOccurrence(ctx, sys, os[0].ID, routine.Completion{Note: "NASから1件復元できました"}, nil); err != nil {
			t.Fatal(err)
		}
		if q := question(form(), "11"); !strings.Contains(q, "提案：実施している") || !strings.Contains(q, "証跡付きで実施済み") {
			t.Errorf("question 11 after a restore test with evidence: want \"done\"\n%s", q)
		}
		// Past the due day the routine is no longer overdue once done.
		if pr, err := ten.SelfdiagProgramme(ctx, os[0].On+1); err != nil || pr.Restore.Overdue || pr.Restore.LastWithEvidence == 0 {
			t.Errorf("restore facts after completing: got %+v (%v), want not overdue, with the evidence", pr.Restore, err)
		}
	})
}

// TestSecurityActionTwoStarsReadsThePublishedPolicy: the ★★ item on the
// readiness page and the dashboard card turn when the owner publishes the
// basic policy, and back when it is withdrawn.
func TestSecurityActionTwoStarsReadsThePublishedPolicy(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		keeper := w.client("ja")
		keeper.signIn(w.users[org.Keeper].Email)
		base := "/o/" + w.orgA.Slug
		sa := keeper.get(base + "/security-action").body
		if !strings.Contains(sa, "基本方針が、社外に公開されていません") || strings.Contains(sa, "基本方針が経営者により定められ、公開されています") {
			t.Fatalf("before publishing: the ★★ policy item is not missing")
		}
		// The dashboard counts what ★★ lacks (the ★ items with open
		// findings, and the policy): one fewer once it is published.
		twoStars := regexp.MustCompile(`★★ 足りないもの：(\d+)件`)
		before := twoStars.FindStringSubmatch(keeper.get(base + "/").body)
		if before == nil {
			t.Fatal("no ★★ count on the dashboard before publishing")
		}
		owner := w.publishPolicy(t, "")
		sa = keeper.get(base + "/security-action").body
		if !strings.Contains(sa, "基本方針が経営者により定められ、公開されています") || strings.Contains(sa, "基本方針が、社外に公開されていません") {
			t.Errorf("after publishing: the ★★ policy item did not turn")
		}
		after := twoStars.FindStringSubmatch(keeper.get(base + "/").body)
		if after == nil || mustAtoi(t, after[1]) != mustAtoi(t, before[1])-1 {
			t.Errorf("dashboard ★★ missing after publishing: got %v, want %d", after, mustAtoi(t, before[1])-1)
		}
		if r := owner.post(base+"/policy/unpublish", nil); r.status != http.StatusSeeOther {
			t.Fatalf("unpublish: got %d, want 303", r.status)
		}
		if sa = keeper.get(base + "/security-action").body; !strings.Contains(sa, "基本方針が、社外に公開されていません") {
			t.Error("after withdrawing: the ★★ policy item still shows published")
		}
	})
}

// TestCloudCheckAcceptsEraDates: the check's day is read like the other
// date fields — 和暦, full-width digits — and stored as the same day; an
// impossible day is refused and nothing is kept.
func TestCloudCheckAcceptsEraDates(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		keeper := w.client("ja")
		keeper.signIn(w.users[org.Keeper].Email)
		svc := w.inv["service"][0]
		path := "/o/" + w.orgA.Slug + "/services/" + strconv.FormatInt(svc, 10) + "/cloud-check"
		ten := w.db.Tenant(w.orgA.ID)
		today := calendar.Of(w.clock.Now())
		f := url.Values{}
		for n := 1; n <= 15; n++ {
			f.Set("mark_"+strconv.Itoa(n), "checked")
		}
		before, err := ten.CloudChecks(ctx, svc)
		if err != nil {
			t.Fatal(err)
		}
		f.Set("checked_on", "令和8年2月30日")
		if r := keeper.post(path, f); r.status == http.StatusSeeOther || !strings.Contains(r.body, "令和8年12月1日 の形で") {
			t.Errorf("an impossible era day: got %d, want the form again with the hint", r.status)
		}
		if after, _ := ten.CloudChecks(ctx, svc); len(after) != len(before) {
			t.Fatal("a check with an impossible day was kept")
		}
		y, m, d := today.Date()
		era := "令和" + strconv.Itoa(y-2018) + "年" + strconv.Itoa(int(m)) + "月" + strconv.Itoa(d) + "日"
		f.Set("checked_on", era)
		if r := keeper.post(path, f); r.status != http.StatusSeeOther {
			t.Fatalf("save with %s: got %d\n%s", era, r.status, r.body)
		}
		if s, _ := ten.Service(ctx, svc); s.CloudCheckDone != today.String() {
			t.Errorf("cloud check done = %q after %s, want %s", s.CloudCheckDone, era, today)
		}
	})
}
