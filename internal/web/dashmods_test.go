package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/mailguard"
	"github.com/mamori-sec/mamori/internal/nearmiss"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store"
)

// TestDashboardModuleFiguresFollowChanges: the later modules' figures are
// read once per organisation and kept for every reader until the audit
// head, the mail version or the day moves. Each reader's dashboard shows
// a near miss filed and a message accepted by the mail relay (no audit
// entry) on the next load, and the policy reminder is each reader's own,
// though the figures behind it are shared.
func TestDashboardModuleFiguresFollowChanges(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		owner := w.publishPolicy(t, "")
		keeper := w.client("en")
		keeper.signIn(w.users[org.Keeper].Email)
		dash := "/o/alpha/"
		show := func(c *client, what string) string {
			t.Helper()
			r := c.get(dash)
			if r.status != http.StatusOK {
				t.Fatalf("%s: dashboard got %d", what, r.status)
			}
			return r.body
		}
		misSend := func(body string) string {
			t.Helper()
			i := strings.Index(body, "Mail or fax almost sent to the wrong person <span class=\"count\">")
			if i < 0 {
				t.Fatalf("no near-miss count for mis-sends on the dashboard:\n%s", body)
			}
			rest := body[i+len("Mail or fax almost sent to the wrong person <span class=\"count\">"):]
			return rest[:strings.Index(rest, "<")]
		}
		// Both readers warm: the figures and each one's page are kept.
		show(owner, "owner, first")
		before := misSend(show(keeper, "keeper, first"))

		// A near miss (audited) shows for every reader.
		_, err := w.db.Tenant(w.orgA.ID).FileNearMiss(ctx, audit.Actor{Label: "test"},
			nearmiss.Report{Category: nearmiss.MisSend, Happened: "宛先を取り違えそうになりました", Almost: "取引先に別の顧客の見積書が届くところでした"},
			w.users[org.Member].ID, "", calendar.Of(w.clock.Now()))
		if err != nil {
			t.Fatal(err)
		}
		if got, want := misSend(show(keeper, "keeper, after a near miss")), fmt.Sprint(atoi(t, before)+1); got != want {
			t.Fatalf("mis-sends after one report: got %s, want %s", got, want)
		}

		// A message the relay accepts moves no audit head, only the mail
		// version: the dashboard follows it all the same.
		held := "Messages held</th><td>1</td><td>1</td>"
		if strings.Contains(show(keeper, "keeper, before mail"), held) {
			t.Fatal("a held message shown before any mail")
		}
		m := mailguard.Message{ID: mailguard.NewID(), OrgID: w.orgA.ID, UserID: w.users[org.Keeper].ID, From: w.users[org.Keeper].Email, Subject: "見積書",
			Recipients: []string{"x@other.example"}, State: mailguard.StateHeld, Reasons: []mailguard.Reason{{Code: "external"}}, CreatedAt: w.clock.Now()}
		if err := w.db.AcceptMail(ctx, m, []mailguard.Rcpt{{Addr: "x@other.example", External: true}}); err != nil {
			t.Fatal(err)
		}
		if body := show(keeper, "keeper, after mail"); !strings.Contains(body, held) {
			t.Fatalf("after one held message the dashboard shows:\n%s", body)
		}
		// Cancelling it is audited, and moves no mail version.
		if err := w.db.Tenant(w.orgA.ID).DecideMail(ctx, audit.Actor{Label: "test"}, m.ID, w.users[org.Keeper].ID, false); err != nil {
			t.Fatal(err)
		}
		if body := show(keeper, "keeper, after cancelling"); !strings.Contains(body, "Messages cancelled (mistakes prevented)</th><td>1</td><td>1</td>") {
			t.Fatalf("after cancelling the held message the dashboard shows:\n%s", body)
		}

		// The policy reminder: the owner has yet to acknowledge, the
		// keeper has acknowledged; each sees their own.
		if r := keeper.post("/o/alpha/rules/acknowledge", map[string][]string{"n": {"1"}}); r.status != http.StatusSeeOther {
			t.Fatalf("acknowledge: got %d", r.status)
		}
		if body := show(keeper, "keeper, acknowledged"); strings.Contains(body, "Please acknowledge version 1") {
			t.Error("the keeper, who acknowledged, is asked to acknowledge")
		}
		if body := show(owner, "owner, not acknowledged"); !strings.Contains(body, "第1版の確認をお願いします") {
			t.Errorf("the owner, who has not acknowledged, is not asked:\n%s", body)
		}
	})
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestLessonAdminListsEveryDepartment: a lesson's page offers every
// department to assign it to, also in a company with more people than its
// list of people shows (it used to gather the departments from that list).
func TestLessonAdminListsEveryDepartment(t *testing.T) {
	w := newWorld(t, store.SQLite)
	ctx := context.Background()
	people := make([]inventory.Person, 0, 2001)
	for i := range 2000 {
		people = append(people, inventory.Person{Name: fmt.Sprintf("社員%04d", i), Kana: fmt.Sprintf("アア%04d", i), Department: "営業部", EmploymentType: inventory.FullTime})
	}
	people = append(people, inventory.Person{Name: "渡辺 監", Kana: "ンン", Department: "監査室", EmploymentType: inventory.FullTime})
	if err := w.db.Tenant(w.orgA.ID).AddPeople(ctx, audit.Actor{Label: "test"}, people); err != nil {
		t.Fatal(err)
	}
	k := w.client("ja")
	k.signIn(w.users[org.Keeper].Email)
	k.mustShow("/o/alpha/lessons/mis-send", `<option value="監査室">監査室</option>`, `<option value="営業部">営業部</option>`)
}
