package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/posture"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/workflow"
)

// leaverChecklist returns person's leaver checklist, if any.
func (w *world) leaverChecklist(t *testing.T, person int64) (workflow.Checklist, bool) {
	t.Helper()
	lists, err := w.db.Tenant(w.orgA.ID).PersonChecklists(t.Context(), person)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range lists {
		if c.Kind == workflow.Leaver {
			return c, true
		}
	}
	return workflow.Checklist{}, false
}

// waitChecklist waits, up to a bound that is not a timing assertion, until
// the background job brings person's leaver checklist to a state ok
// accepts.
func (w *world) waitChecklist(t *testing.T, person int64, what string, ok func(workflow.Checklist) bool) workflow.Checklist {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, found := w.leaverChecklist(t, person)
		if found && ok(c) {
			return c
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: got %+v (found %v) after the job, want it", what, c, found)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func itemStatus(c workflow.Checklist, kind workflow.ItemKind) workflow.Status {
	for _, it := range c.Items {
		if it.Kind == kind {
			return it.Status
		}
	}
	return ""
}

// TestLeaverChecklistOnTheJobPath: the keeper types a leave date on the
// person's page; no handler asks for anything, yet the checklist appears
// once the queue has run the change's follow-up. An import of the
// accounts file with the account suspended then closes its item.
func TestLeaverChecklistOnTheJobPath(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		c := w.client("ja")
		c.signIn(w.users[org.Keeper].Email)
		w.startQueue(t)
		pid := w.personA.ID
		leave := calendar.Of(w.clock.Now()).AddDays(7).String()
		r := c.post("/o/alpha/people/"+itoa(pid), url.Values{"name": {"山田花子"}, "kana": {"ヤマダハナコ"}, "employment_type": {"full_time"},
			"department": {"総務部"}, "leave_date": {leave}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("edit: got %d, want 303\n%s", r.status, r.body)
		}
		cl := w.waitChecklist(t, pid, "leaver checklist after the leave date", func(c workflow.Checklist) bool {
			return itemStatus(c, workflow.SuspendAccount) == workflow.Open
		})
		if cl.Due.String() != leave {
			t.Errorf("due: got %s, want the leave date %s", cl.Due, leave)
		}
		page := c.get("/o/alpha/people/" + itoa(pid))
		for _, want := range []string{"退職の手続き", "アルファストレージ のアカウント user@アルファ.example を停止または削除します",
			"機器「アルファPC-01」を回収してデータを消去し", "鍵・入館証・社員証など"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("person page lacks %q", want)
			}
		}

		data := accountsCSV("アルファストレージ,user@アルファ.example,,個人,管理者,無効,停止")
		r = c.upload("/o/alpha/import/preview", "アカウント.csv", data, map[string]string{"kind": "accounts"})
		m := applyID.FindStringSubmatch(r.body)
		if r.status != http.StatusOK || m == nil {
			t.Fatalf("preview: got %d, want an apply form\n%s", r.status, r.body)
		}
		if r = c.post("/o/alpha/import/apply", url.Values{"id": {m[1]}}); r.status != http.StatusSeeOther {
			t.Fatalf("apply: got %d, want 303", r.status)
		}
		acc, err := w.db.Tenant(w.orgA.ID).Account(t.Context(), w.inv["account"][0])
		if err != nil || acc.Status != inventory.Suspended || acc.PersonID != pid {
			t.Fatalf("got %+v %v, want the account suspended and still the person's", acc, err)
		}
		cl = w.waitChecklist(t, pid, "account item after the import", func(c workflow.Checklist) bool {
			return itemStatus(c, workflow.SuspendAccount) == workflow.Done
		})
		for _, it := range cl.Items {
			if it.Kind == workflow.SuspendAccount && it.Reason != workflow.ByData {
				t.Errorf("account item: got reason %q, want closed by the data", it.Reason)
			}
		}
		if page := c.get("/o/alpha/people/" + itoa(pid)); !strings.Contains(page.body, "取り込んだデータで完了を確認しました") {
			t.Error("person page does not say the data closed the item")
		}
	})
}

// TestChecklistMarks: one click marks an item done; not needed asks for
// a reason; the keeper adds their own item; someone who may only read
// sees the checklist without the buttons; past the leave date the list
// shows the checklist overdue and the findings name the person.
func TestChecklistMarks(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		ten := w.db.Tenant(w.orgA.ID)
		p, err := ten.Person(ctx, w.personA.ID)
		if err != nil {
			t.Fatal(err)
		}
		p.LeaveDate = calendar.Of(w.clock.Now()).AddDays(3).String()
		if err := ten.UpdatePerson(ctx, audit.System, p); err != nil {
			t.Fatal(err)
		}
		if _, err := posture.Evaluate(ctx, ten, audit.System, w.clock.Now()); err != nil {
			t.Fatal(err)
		}
		cl, ok := w.leaverChecklist(t, p.ID)
		if !ok {
			t.Fatal("no leaver checklist after the evaluation")
		}
		var physical, device int64
		for _, it := range cl.Items {
			switch it.Kind {
			case workflow.CollectItems:
				physical = it.ID
			case workflow.ReturnDevice:
				device = it.ID
			}
		}
		c := w.client("ja")
		c.signIn(w.users[org.Keeper].Email)
		r := c.post("/o/alpha/checklist-items/"+itoa(physical), url.Values{"status": {"done"}})
		if r.status != http.StatusSeeOther || !strings.HasPrefix(r.location, fmt.Sprintf("/o/alpha/people/%d", p.ID)) {
			t.Fatalf("done: got %d → %q, want 303 to the person's page", r.status, r.location)
		}
		entries, _ := ten.Audit(ctx, store.AuditFilter{Action: string(workflow.ActionDone)})
		if len(entries) != 1 || entries[0].Actor != w.users[org.Keeper].Email {
			t.Fatalf("got %+v, want one item_done entry by the keeper", entries)
		}
		r = c.post("/o/alpha/checklist-items/"+itoa(device), url.Values{"status": {"not_needed"}})
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, "不要にする理由を入力してください。") || !strings.Contains(r.body, `aria-invalid="true"`) {
			t.Fatalf("not needed without a reason: got %d, want 400 with the reason asked for", r.status)
		}
		r = c.post("/o/alpha/checklist-items/"+itoa(device), url.Values{"status": {"not_needed"}, "note": {"本人の私物に切り替え済み"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("not needed: got %d, want 303", r.status)
		}
		r = c.post("/o/alpha/checklists/"+itoa(cl.ID)+"/items", url.Values{"label": {"事務所の鍵を回収する"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("manual item: got %d, want 303", r.status)
		}
		page := c.get(fmt.Sprintf("/o/alpha/people/%d", p.ID))
		for _, want := range []string{"事務所の鍵を回収する", "本人の私物に切り替え済み", "keeper@alpha.example さんが記録しました", "完了にする"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("person page lacks %q", want)
			}
		}

		// The auditor reads the checklist but has no buttons.
		a := w.client("ja")
		a.signIn(w.users[org.Auditor].Email)
		if page := a.get(fmt.Sprintf("/o/alpha/people/%d", p.ID)); !strings.Contains(page.body, "退職の手続き") || strings.Contains(page.body, "完了にする") {
			t.Error("auditor: want the checklist without buttons")
		}
		if r := a.post("/o/alpha/checklist-items/"+itoa(physical), url.Values{"status": {"open"}}); r.status != http.StatusForbidden {
			t.Errorf("auditor reopening: got %d, want 403", r.status)
		}

		// Past the leave date: overdue on the list, and a finding.
		list := c.get("/o/alpha/checklists")
		if list.status != http.StatusOK || !strings.Contains(list.body, "山田花子") || strings.Contains(list.body, `class="overdue"`) ||
			!strings.Contains(list.body, fmt.Sprintf("未完了 %d 件／全 %d 件", cl.OpenItems()-1, len(cl.Items)+1)) {
			t.Fatalf("list before the date: got %d, want the checklist, not overdue", list.status)
		}
		if strings.Index(list.body, "退職の手続き") > strings.Index(list.body, "入社の準備") {
			t.Error("list: want leavers before joiners")
		}
		w.clock.Add(5 * 24 * time.Hour)
		if _, err := posture.Evaluate(ctx, ten, audit.System, w.clock.Now()); err != nil {
			t.Fatal(err)
		}
		c = w.client("ja") // the session has idled out meanwhile
		c.signIn(w.users[org.Keeper].Email)
		list = c.get("/o/alpha/checklists")
		if !strings.Contains(list.body, `class="overdue"`) || !strings.Contains(list.body, "期限切れ") {
			t.Errorf("list after the date: want the checklist overdue\n%s", list.body)
		}
		if page := c.get(fmt.Sprintf("/o/alpha/people/%d", p.ID)); !strings.Contains(page.body, "期日を過ぎても終わっていない項目があります") {
			t.Error("person page after the date: want the overdue notice")
		}
		if got := w.findingStatus(t, "people.leaver_items_open", "person:"+itoa(p.ID)); got != findings.Open {
			t.Errorf("finding: got %q, want open", got)
		}
		items, err := ten.OpenLeaverItems(ctx)
		if err != nil || len(items) == 0 {
			t.Errorf("OpenLeaverItems: got %d, %v; want the open items", len(items), err)
		}
	})
}
