package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/synth"
)

// TestDashboardShowsAChangeOnTheNextLoad: the dashboard is kept rendered
// between changes, and a change through the web (a person added), to the
// viewer (a second factor enrolled) or to the organisation (renamed) shows
// on the very next load; each viewer gets their own page, in their role and
// language.
func TestDashboardShowsAChangeOnTheNextLoad(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		owner, keeper, auditor := w.client("ja"), w.client("en"), w.client("ja")
		owner.signIn(w.users[org.Owner].Email)
		keeper.signIn(w.users[org.Keeper].Email)
		auditor.signIn(w.users[org.Auditor].Email)
		people := regexp.MustCompile(`<a class="big" href="/o/alpha/people">(\d+)</a>`)
		count := func(c *client) string {
			t.Helper()
			r := c.get("/o/alpha/")
			m := people.FindStringSubmatch(r.body)
			if r.status != http.StatusOK || m == nil {
				t.Fatalf("dashboard: got %d without the people's count\n%s", r.status, r.body)
			}
			return m[1]
		}
		if a, b := count(owner), count(owner); a != "1" || b != "1" {
			t.Fatalf("people before: got %s then %s, want 1", a, b)
		}
		if r := owner.post("/o/alpha/people", url.Values{"name": {"新人一郎"}, "kana": {"シンジンイチロウ"}, "employment_type": {"full_time"}}); r.status != http.StatusSeeOther {
			t.Fatalf("add a person: got %d, want 303\n%s", r.status, r.body)
		}
		if got := count(owner); got != "2" {
			t.Fatalf("people after adding one: got %s, want 2", got)
		}
		if got := count(keeper); got != "2" {
			t.Fatalf("keeper: got %s people, want 2", got)
		}

		// Each viewer's own page: their name, their language, their role.
		ownerPage, keeperPage, auditorPage := owner.get("/o/alpha/").body, keeper.get("/o/alpha/").body, auditor.get("/o/alpha/").body
		if !strings.Contains(ownerPage, w.users[org.Owner].Name+" さん") || strings.Contains(ownerPage, w.users[org.Keeper].Name) {
			t.Error("owner's dashboard: want the owner's greeting only")
		}
		if !strings.Contains(keeperPage, `lang="en"`) || !strings.Contains(keeperPage, w.users[org.Keeper].Name) || strings.Contains(keeperPage, w.users[org.Owner].Name) {
			t.Error("keeper's dashboard: want the keeper's, in English")
		}
		if strings.Contains(auditorPage, "/o/alpha/settings") || !strings.Contains(ownerPage, "/o/alpha/settings") {
			t.Error("settings link: want it for the owner only")
		}

		// A change to the viewer alone: the checklist's second factor.
		todo := `<a href="/account/totp">自分のアカウントに多要素認証を設定する</a>`
		if !strings.Contains(ownerPage, todo) {
			t.Fatalf("owner without a second factor: want %q on the checklist", todo)
		}
		owner.enrolTOTP()
		// The week lists only steps still to take: the done one leaves it.
		if r := owner.get("/o/alpha/"); r.status != 200 || strings.Contains(r.body, todo) {
			t.Fatal("after enrolling a second factor: want the step gone from the week")
		}

		// A change to the organisation, made outside the web.
		if err := w.db.Tenant(w.orgA.ID).UpdateOrg(context.Background(), audit.Actor{Label: "test"}, "アルファ商事株式会社", false); err != nil {
			t.Fatal(err)
		}
		if r := keeper.get("/o/alpha/"); !strings.Contains(r.body, "アルファ商事株式会社") {
			t.Fatal("after renaming the organisation: want the new name")
		}
	})
}

// TestWhereIsWhatPaged: the matrix of a larger organisation comes a page
// of assets at a time, every asset on exactly one page, in name order; the
// print view holds them all; a search keeps to its matches across pages.
func TestWhereIsWhatPaged(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		owner := w.users[org.Owner]
		orgID, err := w.db.CreateOrg(ctx, audit.Actor{Label: "test"}, org.Org{Slug: "charlie", Name: "チャーリー工業"}, owner.ID)
		if err != nil {
			t.Fatal(err)
		}
		size := synth.Size{People: 10, Accounts: 10, Devices: 10, Assets: 120, Shares: 10}
		if err := w.db.Tenant(orgID).BulkLoad(ctx, audit.Actor{Label: "test"}, synth.Generate(5, size, time.Now())); err != nil {
			t.Fatal(err)
		}
		c := w.client("ja")
		c.signIn(owner.Email)
		row := regexp.MustCompile(`<th scope="row" class="asset"><a href="/o/charlie/assets/(\d+)">`)
		rows := func(body string) []string {
			var out []string
			for _, m := range row.FindAllStringSubmatch(body, -1) {
				out = append(out, m[1])
			}
			return out
		}
		var seen []string
		next := "/o/charlie/inventory/where"
		for n := 1; next != ""; n++ {
			body := c.mustShow(next, "情報資産 120 件")
			got := rows(body)
			want := 50
			if n == 3 {
				want = 20
			}
			if len(got) != want {
				t.Fatalf("page %d: got %d assets, want %d", n, len(got), want)
			}
			seen = append(seen, got...)
			m := regexp.MustCompile(`<a href="(/o/charlie/inventory/where\?offset=\d+)">次へ`).FindStringSubmatch(body)
			next = ""
			if m != nil {
				next = m[1]
			}
			if n > 3 {
				t.Fatal("more than three pages of 120 assets")
			}
		}
		all := c.mustShow("/o/charlie/inventory/where?all=1", "情報資産 120 件", "ページごとの表示に戻る")
		if got := rows(all); !slices.Equal(got, seen) {
			t.Fatalf("print view: got %d assets, want the %d of the pages in the same order", len(got), len(seen))
		}
		if strings.Contains(all, "次へ") {
			t.Fatal("print view: want no pager")
		}
		slices.Sort(seen)
		if len(slices.Compact(seen)) != 120 {
			t.Fatal("pages: want every asset exactly once")
		}
		// A search keeps its words in the pager's links.
		first := c.mustShow("/o/charlie/inventory/where?q=" + url.QueryEscape("顧客"))
		if m := regexp.MustCompile(`href="(/o/charlie/inventory/where\?[^"]*offset=50[^"]*)"`).FindStringSubmatch(first); m != nil && !strings.Contains(m[1], "q=") {
			t.Fatalf("search's next page %s: want the search kept", m[1])
		}
	})
}

// TestPortfolioRows: the portfolio reads every company's summary in one
// query, the same figures as each company's own summary, lists those that
// need attention first and escapes what the rows show.
func TestPortfolioRows(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx, sys := context.Background(), audit.Actor{Label: "test"}
		advisor := w.users[org.Advisor]
		if err := w.db.AddMember(ctx, sys, w.orgB.ID, advisor.ID, org.Keeper); err != nil {
			t.Fatal(err)
		}
		odd, err := w.db.CreateOrg(ctx, sys, org.Org{Slug: "odd", Name: `<b>"危険"&'</b>`}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.db.AddMember(ctx, sys, odd, advisor.ID, org.Advisor); err != nil {
			t.Fatal(err)
		}
		all, err := w.db.UserOrgSummaries(ctx, advisor.ID)
		if err != nil || len(all) != 3 {
			t.Fatalf("got %d organisations (%v), want 3", len(all), err)
		}
		for _, o := range all {
			want, err := w.db.Tenant(o.ID).Summary(ctx)
			if err != nil || o.Summary != want {
				t.Errorf("%s: got %+v, want its own summary %+v (%v)", o.Slug, o.Summary, want, err)
			}
		}
		c := w.client("en")
		c.signIn(advisor.Email)
		page := c.mustShow("/portfolio", `<a href="/o/odd/">&lt;b&gt;&#34;危険&#34;&amp;&#39;&lt;/b&gt;</a>`, `<td class="num" data-label="Staff">1</td>`,
			`<td data-label="Your role">Keeper</td>`)
		if strings.Contains(page, `<b>"危険"`) {
			t.Fatal("portfolio: the organisation's name is not escaped")
		}
		rows := regexp.MustCompile(`<a href="/o/([a-z]+)/">`).FindAllStringSubmatch(page, -1)
		var order []string
		for _, r := range rows {
			order = append(order, r[1])
		}
		// Every company here has privileged members without a second
		// factor, so all need attention, and come by name.
		if strings.Join(order, ",") != "odd,alpha,bravo" {
			t.Fatalf("rows: got %v, want odd, alpha, bravo", order)
		}
		if !strings.Contains(page, `<span class="badge warn">`) {
			t.Fatal("portfolio: want the attention badge")
		}
		// Kept between changes, and a change shows on the next load.
		if err := w.db.Tenant(odd).AddPeople(ctx, sys, []inventory.Person{{Name: "一人目", EmploymentType: inventory.FullTime}, {Name: "二人目", EmploymentType: inventory.FullTime}}); err != nil {
			t.Fatal(err)
		}
		c.mustShow("/portfolio", `<a href="/o/odd/">&lt;b&gt;&#34;危険&#34;&amp;&#39;&lt;/b&gt;</a></td>
    <td data-label="Your role">IT advisor</td>
    <td data-label="Status"><span class="badge warn">Needs attention</span><br><span class="reason">`)
		c.mustShow("/portfolio", `<td class="num" data-label="Staff">2</td>`)
	})
}
