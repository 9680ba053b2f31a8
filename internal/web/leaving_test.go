package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store"
)

// TestLeavingSoonNotice: a person whose leave date is within 14 days is
// on the dashboard and their page says so — a notice, not a finding —
// from 14 days before the date until the day before; on the date they
// have left, and the notice gives way to the departed finding.
func TestLeavingSoonNotice(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		ten := w.db.Tenant(w.orgA.ID)
		day := func(offset int) string {
			return w.clock.Now().In(calendar.Japan).AddDate(0, 0, offset).Format(time.DateOnly)
		}
		people := []inventory.Person{
			{Name: "近日 退職", Kana: "キンジツ", EmploymentType: inventory.FullTime, Email: "soon@alpha.example", LeaveDate: day(10)},
			{Name: "来月 退職", Kana: "ライゲツ", EmploymentType: inventory.FullTime, Email: "later@alpha.example", LeaveDate: day(15)},
		}
		if err := ten.AddPeople(ctx, audit.System, people); err != nil {
			t.Fatal(err)
		}
		list, _, err := ten.People(ctx, store.PeopleQuery{Search: "退職", Limit: 10})
		if err != nil || len(list) != 2 {
			t.Fatalf("got %v %v", list, err)
		}
		ids := map[string]int64{}
		for _, p := range list {
			ids[p.Name] = p.ID
		}
		c := w.client("ja")
		c.signIn(w.users[org.Keeper].Email)
		dash := c.get("/o/alpha/")
		if dash.status != http.StatusOK || !strings.Contains(dash.body, "退職予定の人（14 日以内）") ||
			!strings.Contains(dash.body, fmt.Sprintf(`<a href="/o/alpha/people/%d">近日 退職</a> — %s に退職予定（あと 10 日）`, ids["近日 退職"], japaneseDay(t, day(10)))) {
			t.Fatalf("dashboard: got %d, want 近日 退職 leaving in 10 days\n%s", dash.status, dash.body)
		}
		if strings.Contains(dash.body, "来月 退職") {
			t.Error("someone leaving in 15 days is on the dashboard")
		}
		page := c.get(fmt.Sprintf("/o/alpha/people/%d", ids["近日 退職"]))
		if !strings.Contains(page.body, `id="leaving-soon"`) || !strings.Contains(page.body, "（あと 10 日）") {
			t.Errorf("person page lacks the notice")
		}
		if page := c.get(fmt.Sprintf("/o/alpha/people/%d", ids["来月 退職"])); strings.Contains(page.body, `id="leaving-soon"`) {
			t.Error("the page of someone leaving in 15 days has the notice")
		}
		en := w.client("en")
		en.signIn(w.users[org.Owner].Email)
		if r := en.get("/o/alpha/"); !strings.Contains(r.body, "Leaving soon (within 14 days)") || !strings.Contains(r.body, "(in 10 days)") {
			t.Error("English dashboard lacks the notice")
		}
		// Ten days on, it is the leave date: no notice; the departed check
		// takes over.
		w.clock.Add(10 * 24 * time.Hour)
		c = w.client("ja")
		c.signIn(w.users[org.Keeper].Email)
		if dash = c.get("/o/alpha/"); dash.status != http.StatusOK || !strings.Contains(dash.body, "来月 退職") {
			t.Fatalf("dashboard on the leave date: got %d, want 来月 退職 still listed", dash.status)
		}
		if strings.Contains(dash.body, "近日 退職") && strings.Contains(dash.body, "に退職予定") {
			t.Error("the notice is still there on the leave date")
		}
		if page := c.get(fmt.Sprintf("/o/alpha/people/%d", ids["近日 退職"])); strings.Contains(page.body, `id="leaving-soon"`) {
			t.Error("the person page still says leaving soon on the leave date")
		}
		// Two days later, 来月 退職 leaves in three days.
		w.clock.Add(2 * 24 * time.Hour)
		c = w.client("ja")
		c.signIn(w.users[org.Keeper].Email)
		if dash := c.get("/o/alpha/"); !strings.Contains(dash.body, "来月 退職</a> — ") || !strings.Contains(dash.body, "（あと 3 日）") {
			t.Error("来月 退職 is not on the dashboard three days before leaving")
		}
	})
}

// japaneseDay writes a YYYY-MM-DD day the way Japanese pages do.
func japaneseDay(t *testing.T, iso string) string {
	t.Helper()
	d, err := calendar.ParseISO(iso)
	if err != nil {
		t.Fatal(err)
	}
	return d.Japanese()
}
