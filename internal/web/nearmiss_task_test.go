package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/routine"
	"github.com/mamori-sec/mamori/internal/store"
)

// TestNearMissNeedsActionMakesTask: the keeper answers a near miss with
// "needs action", a due day and an assignee; a one-off task appears on
// the routines' calendar — one occurrence, due that day, the assignee's —
// linked both ways (the report shows its task; the task names the report
// in words, without its number), recorded in the audit trail. Answering
// again makes no second task, the daily sync adds no occurrence and does
// not retire it, and the one-off chore cannot be added by hand.
func TestNearMissNeedsActionMakesTask(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		ten := w.db.Tenant(w.orgA.ID)
		id := w.inv["near_miss"][0]
		member := w.users[org.Member]
		keeper := w.client("ja")
		keeper.signIn(w.users[org.Keeper].Email)
		base := fmt.Sprintf("/o/%s/near-misses/%d", w.orgA.Slug, id)
		today := calendar.Of(w.clock.Now())
		due := today.AddDays(10)
		oneOffs := func() int {
			rs, err := ten.Routines(ctx)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, r := range rs {
				if r.Chore.ID == "once.near_miss_action" {
					n++
				}
			}
			return n
		}

		// No due day: refused, nothing made.
		if r := keeper.post(base+"/triage", url.Values{"triage": {"action"}, "action": {"宛先の自動補完を無効にする"}, "due": {""}}); r.status != http.StatusBadRequest || !strings.Contains(r.body, "期限日を入力してください") {
			t.Fatalf("no due day: got %d, want 400 asking for it", r.status)
		}
		if n := oneOffs(); n != 0 {
			t.Fatalf("after a refused answer: %d one-off tasks, want 0", n)
		}
		page := keeper.get(base)
		if !strings.Contains(page.body, `name="due"`) || !strings.Contains(page.body, member.Name) {
			t.Fatalf("triage form: want a due day and the members to choose from")
		}

		form := url.Values{"triage": {"action"}, "action": {"宛先の自動補完を無効にする"}, "due": {due.String()}, "assignee": {strconv.FormatInt(member.ID, 10)}}
		if r := keeper.post(base+"/triage", form); r.status != http.StatusSeeOther {
			t.Fatalf("needs action: got %d, want 303\n%s", r.status, r.body)
		}
		n, err := ten.NearMiss(ctx, id)
		if err != nil || n.RoutineID == 0 {
			t.Fatalf("near miss: task %d (%v), want one", n.RoutineID, err)
		}
		rt, err := ten.Routine(ctx, n.RoutineID)
		if err != nil {
			t.Fatal(err)
		}
		if rt.Schedule.Cadence != routine.Once || rt.Schedule.On != due || rt.AssigneeID != member.ID || rt.Origin != routine.FromKeeper {
			t.Errorf("task: got %+v, want a keeper's one-off due %s for %s", rt, due, member.Name)
		}
		occ, err := ten.Occurrences(ctx, store.OccurrenceQuery{RoutineID: rt.ID, AnyAssignee: true})
		if err != nil || len(occ) != 1 || occ[0].On != due {
			t.Fatalf("occurrences: got %+v (%v), want one due %s", occ, err, due)
		}
		mine, err := ten.DueOccurrences(ctx, member.ID, due)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, d := range mine {
			found = found || d.RoutineID == rt.ID
		}
		if !found {
			t.Errorf("the assignee's due list: want the task")
		}

		// Linked both ways.
		taskURL := fmt.Sprintf("/o/%s/routines/%d", w.orgA.Slug, rt.ID)
		if page := keeper.get(base); !strings.Contains(page.body, taskURL) || !strings.Contains(page.body, "ヒヤリハットへの対応") {
			t.Errorf("near-miss page: want the task linked\n%s", page.body)
		}
		rp := keeper.get(taskURL)
		if rp.status != http.StatusOK || !strings.Contains(rp.body, "ヒヤリハットから作成：メール・FAXの誤送信") || !strings.Contains(rp.body, base) ||
			!strings.Contains(rp.body, "1回限り") {
			t.Errorf("task page: got %d, want the report named in words and linked\n%s", rp.status, rp.body)
		}
		// Audited: the task's creation names the report by category and day.
		es, err := ten.History(ctx, "routine:"+strconv.FormatInt(rt.ID, 10))
		if err != nil || len(es) != 1 || es[0].Action != "routine.add" {
			t.Fatalf("task history: got %v (%v), want its routine.add", es, err)
		}
		if a := es[0].After; !strings.Contains(a, `"category":"mis_send"`) || !strings.Contains(a, `"near_miss_day":"`) || strings.Contains(a, strconv.FormatInt(id, 10)) {
			t.Errorf("routine.add entry %s: want the report's category and day, not its number", a)
		}
		owner := w.client("ja")
		owner.signIn(w.users[org.Owner].Email)
		if page := owner.get(fmt.Sprintf("/o/%s/audit", w.orgA.Slug)); !strings.Contains(page.body, "ヒヤリハットの報告日") {
			t.Errorf("audit page: want the report's day labelled")
		}

		// Answering again makes no second task; the sync leaves it be.
		if r := keeper.post(base+"/triage", form); r.status != http.StatusSeeOther {
			t.Fatalf("again: got %d", r.status)
		}
		if _, err := ten.SyncRoutines(ctx, audit.System, due.AddDays(40)); err != nil {
			t.Fatal(err)
		}
		if n := oneOffs(); n != 1 {
			t.Errorf("one-off tasks: got %d, want 1", n)
		}
		occ, _ = ten.Occurrences(ctx, store.OccurrenceQuery{RoutineID: rt.ID, AnyAssignee: true})
		if rt2, _ := ten.Routine(ctx, rt.ID); len(occ) != 1 || !rt2.Applicable {
			t.Errorf("after the sync: %d occurrences, applicable %v; want 1, true", len(occ), rt2.Applicable)
		}
		// The keeper may hand it to someone else; its day stays.
		if r := keeper.post(taskURL, url.Values{"assignee": {"0"}, "escalate_after": {"7"}}); r.status != http.StatusSeeOther {
			t.Fatalf("reassign: got %d\n%s", r.status, r.body)
		}
		if rt2, _ := ten.Routine(ctx, rt.ID); rt2.AssigneeID != 0 || rt2.Schedule.On != due || rt2.Schedule.Cadence != routine.Once {
			t.Errorf("after reassigning: %+v, want the keepers' one-off still due %s", rt2, due)
		}
		// The one-off chore is not added by hand.
		if r := keeper.post("/o/"+w.orgA.Slug+"/routines", url.Values{"chore": {"once.near_miss_action"}, "cadence": {"monthly"}, "day": {"5"}}); r.status != http.StatusBadRequest {
			t.Errorf("adding the one-off chore by hand: got %d, want 400", r.status)
		}
	})
}
