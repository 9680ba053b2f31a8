package web_test

import (
	"fmt"
	"github.com/mamori-sec/mamori/internal/i18n"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/findings"
	"github.com/mamori-sec/mamori/internal/inventory"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/posture"
	"github.com/mamori-sec/mamori/internal/store"
)

// between is the part of s from the first from to the next to after it.
func between(s, from, to string) string {
	_, rest, ok := strings.Cut(s, from)
	if !ok {
		return ""
	}
	part, _, _ := strings.Cut(rest, to)
	return part
}

// evaluate runs the checks on organisation A now.
func (w *world) evaluate() {
	w.t.Helper()
	if _, err := posture.Evaluate(w.t.Context(), w.db.Tenant(w.orgA.ID), audit.System, w.clock.Now()); err != nil {
		w.t.Fatal(err)
	}
}

// TestFindingsGroupedByCheck: 26 administrators without a second factor
// are one row of the list, with their number, the first 20 inside and the
// rest a page away; the area, severity and status filters narrow the
// groups.
func TestFindingsGroupedByCheck(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx, ten := t.Context(), w.db.Tenant(w.orgA.ID)
		for i := range 25 {
			a := inventory.Account{ServiceID: w.inv["service"][0], PersonID: w.personA.ID, LoginID: fmt.Sprintf("admin%02d@alpha.example", i),
				Kind: inventory.Personal, Privilege: inventory.Admin, MFA: inventory.MFAOff, Status: inventory.Active}
			if err := ten.SaveAccount(ctx, audit.System, &a); err != nil {
				t.Fatal(err)
			}
		}
		w.evaluate()
		const check = "accounts.admin_no_mfa"
		groups, err := ten.FindingCounts(ctx, store.FindingQuery{})
		if err != nil {
			t.Fatal(err)
		}
		var admins store.CheckCount
		for _, g := range groups {
			if g.CheckID == check {
				admins = g
			}
		}
		first, err := ten.FindingsOfCheck(ctx, store.FindingQuery{}, check, 0, 20)
		if err != nil || admins.Count != 26 || len(first) != 20 {
			t.Fatalf("store: got %d findings of %s, %d listed (%v), want 26 and the first 20", admins.Count, check, len(first), err)
		}

		keeper := w.client("ja")
		keeper.signIn(w.users[org.Keeper].Email)
		r := keeper.get("/o/alpha/findings")
		list := between(r.body, `id="list"`, `id="calculation"`)
		if r.status != http.StatusOK || strings.Count(list, `class="finding-group"`) != len(groups) {
			t.Fatalf("list: got %d with %d groups, want one row per check (%d)", r.status, strings.Count(list, `class="finding-group"`), len(groups))
		}
		c, _ := findings.Lookup(check)
		group := between(list, jaTitle(c), "</details>")
		if !strings.Contains(group, `<span class="group-count">26 件</span>`) {
			t.Fatalf("group of %s: want its count, 26", check)
		}
		if got := strings.Count(group, `data-label="対象"`); got != 20 {
			t.Fatalf("group of %s: got %d records inside, want the first 20", check, got)
		}
		if !strings.Contains(group, "残り 6 件を含めてすべて表示") || !strings.Contains(group, "check="+check) {
			t.Fatal("group: want a link to the other 6")
		}
		if strings.Count(list, jaTitle(c)) != 1 {
			t.Fatalf("the check's title appears %d times in the list, want once", strings.Count(list, jaTitle(c)))
		}
		// The check on its own, paged.
		one := keeper.get("/o/alpha/findings?check=" + check)
		if n := strings.Count(one.body, `data-label="対象"`); n != 26 || !strings.Contains(one.body, "1〜26 件目（全 26 件）") {
			t.Fatalf("check alone: got %d records, want all 26 on one page", n)
		}
		rest := keeper.get("/o/alpha/findings?check=" + check + "&offset=20")
		if n := strings.Count(rest.body, `data-label="対象"`); n != 6 || !strings.Contains(rest.body, "21〜26 件目（全 26 件）") || !strings.Contains(rest.body, "前へ") {
			t.Fatalf("check alone from 20: got %d records, want the last 6 and a way back", n)
		}
		// Filters: by area, severity and status.
		shares := between(keeper.get("/o/alpha/findings?area=shares").body, `id="list"`, `id="calculation"`)
		if !strings.Contains(shares, `<span class="hint">共有設定</span></summary>`) || strings.Contains(shares, `<span class="hint">アカウント</span></summary>`) {
			t.Fatal("area filter: want the shares' groups only")
		}
		if !strings.Contains(shares, `<option value="shares" selected>共有設定</option>`) {
			t.Fatal("area filter: want the area chosen, named in words")
		}
		critical := between(keeper.get("/o/alpha/findings?severity=4").body, `id="list"`, `id="calculation"`)
		if !strings.Contains(critical, jaTitle(c)) || strings.Contains(critical, `badge sev-3`) || strings.Contains(critical, `badge sev-2`) {
			t.Fatal("severity filter: want critical groups only")
		}
		resolved := between(keeper.get("/o/alpha/findings?status=resolved").body, `id="list"`, `id="calculation"`)
		if strings.Contains(resolved, `class="finding-group"`) || !strings.Contains(resolved, "該当する検出事項はありません") {
			t.Fatal("status filter: nothing is resolved yet, want no groups")
		}
		// An accepted risk stays in the default list (open and accepted),
		// not among the open ones.
		today := w.clock.Now().Format(time.DateOnly)
		until := w.clock.Now().AddDate(0, 1, 0).Format(time.DateOnly)
		if err := ten.AcceptFinding(ctx, audit.Actor{Label: "owner"}, first[0].ID, "来月入れ替え", until, today); err != nil {
			t.Fatal(err)
		}
		for status, want := range map[string]string{"": "26 件", "open": "25 件", "accepted": "1 件"} {
			list := between(keeper.get("/o/alpha/findings?status="+status).body, `id="list"`, `id="calculation"`)
			if !strings.Contains(between(list, jaTitle(c), "</summary>"), `<span class="group-count">`+want+`</span>`) {
				t.Errorf("status %q: want the administrators' group counting %s", status, want)
			}
		}
		if r := keeper.get("/o/alpha/findings?area=nowhere"); r.status != http.StatusBadRequest {
			t.Fatalf("unknown area: got %d, want 400", r.status)
		}
		// Fixing one administrator moves the score shown.
		before := between(keeper.get("/o/alpha/").body, `#calculation">`, `<span class="of">`)
		accs, _, _ := ten.Accounts(ctx, store.ListQuery{Search: "admin00@", Limit: 1})
		if len(accs) != 1 {
			t.Fatalf("got %d accounts admin00", len(accs))
		}
		accs[0].MFA = inventory.MFAOn
		if err := ten.SaveAccount(ctx, audit.System, &accs[0]); err != nil {
			t.Fatal(err)
		}
		w.evaluate()
		after := between(keeper.get("/o/alpha/").body, `#calculation">`, `<span class="of">`)
		b, _ := strconv.ParseFloat(before, 64)
		a, _ := strconv.ParseFloat(after, 64)
		if !(a > b) {
			t.Fatalf("dashboard score after fixing one of 26: got %q, before %q, want higher", after, before)
		}
	})
}

// TestPersonPageShowsReach: a departed person's page lists first, in red,
// the accounts that can still sign in, with the finding about them, then
// every account, device and share of theirs.
func TestPersonPageShowsReach(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx, ten := t.Context(), w.db.Tenant(w.orgA.ID)
		old := inventory.Account{ServiceID: w.inv["service"][0], PersonID: w.personA.ID, LoginID: "old@alpha.example",
			Kind: inventory.Personal, Privilege: inventory.View, MFA: inventory.MFAOn, Status: inventory.Suspended}
		if err := ten.SaveAccount(ctx, audit.System, &old); err != nil {
			t.Fatal(err)
		}
		keeper := w.client("ja")
		keeper.signIn(w.users[org.Keeper].Email)
		path := "/o/alpha/people/" + strconv.FormatInt(w.personA.ID, 10)
		r := keeper.get(path)
		if r.status != http.StatusOK || strings.Contains(r.body, "退職済みですが") {
			t.Fatalf("current person: got %d, want no leaver's warning", r.status)
		}
		if !strings.Contains(r.body, "user@アルファ.example") || !strings.Contains(r.body, "アルファPC-01") {
			t.Fatal("person page: want their account and device")
		}
		p := w.personA
		p.LeaveDate = calendar.Of(w.clock.Now()).AddDays(-10).String()
		p.JoinDate = "2020-04-01"
		if err := ten.UpdatePerson(ctx, audit.System, p); err != nil {
			t.Fatal(err)
		}
		w.evaluate()
		r = keeper.get(path)
		warning := between(r.body, `id="still-active"`, "</section>")
		if !strings.Contains(warning, "退職済みですが、次のアカウント 1 件が有効なままです") || !strings.Contains(warning, "user@アルファ.example") || strings.Contains(warning, "old@alpha.example") {
			t.Fatalf("leaver: want the one active account named in the warning, got %q", warning)
		}
		if strings.Index(r.body, `id="still-active"`) > strings.Index(r.body, `class="facts"`) {
			t.Fatal("leaver: want the warning first, above the person's details")
		}
		departed, _ := findings.Lookup("people.departed_active")
		open := between(r.body, `id="findings"`, "</section>")
		if !strings.Contains(open, jaTitle(departed)) {
			t.Fatal("leaver: want the open finding about them")
		}
		// The leaver's account page shows the finding it proves.
		acct := keeper.get("/o/alpha/accounts/" + strconv.FormatInt(w.inv["account"][0], 10))
		if !strings.Contains(between(acct.body, `id="findings"`, "</section>"), jaTitle(departed)) {
			t.Fatal("leaver's account page: want the finding about its departed owner")
		}
		table := between(r.body, `id="reach"`, "</table>")
		active, suspended := strings.Index(table, "user@アルファ.example"), strings.Index(table, "old@alpha.example")
		if active < 0 || suspended < 0 || active > suspended || !strings.Contains(table, `class="danger-row"`) {
			t.Fatal("leaver's accounts: want the active one first and marked, the suspended one after")
		}
	})
}

// TestRecordPagesShowTheirFindings: an account's page lists its open
// findings, linked to them, and the finding links back.
func TestRecordPagesShowTheirFindings(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ten := w.db.Tenant(w.orgA.ID)
		id := w.inv["account"][0]
		open, _, err := ten.Findings(t.Context(), store.FindingQuery{Status: findings.Open, Subject: "account:" + strconv.FormatInt(id, 10)})
		if err != nil || len(open) == 0 {
			t.Fatalf("got %d findings about the account (%v), want some", len(open), err)
		}
		keeper := w.client("ja")
		keeper.signIn(w.users[org.Keeper].Email)
		r := keeper.get("/o/alpha/accounts/" + strconv.FormatInt(id, 10))
		section := between(r.body, `id="findings"`, "</section>")
		for _, f := range open {
			c, _ := findings.Lookup(f.CheckID)
			if !strings.Contains(section, jaTitle(c)) || !strings.Contains(section, "/o/alpha/findings/"+strconv.FormatInt(f.ID, 10)) {
				t.Fatalf("account page: want finding %d (%s) listed and linked", f.ID, f.CheckID)
			}
		}
		back := keeper.get("/o/alpha/findings/" + strconv.FormatInt(open[0].ID, 10))
		if !strings.Contains(back.body, "/o/alpha/accounts/"+strconv.FormatInt(id, 10)) {
			t.Fatal("finding page: want a link to the account")
		}
		// A record without findings says so.
		asset := keeper.get("/o/alpha/assets/" + strconv.FormatInt(w.inv["asset"][0], 10))
		if !strings.Contains(asset.body, `id="findings"`) {
			t.Fatal("asset page: want its findings section")
		}
	})
}

// TestPortfolioSaysWhy: the advisor's list names the top reason to look at
// a company, and a company with an empty inventory is not assessed rather
// than 100.
func TestPortfolioSaysWhy(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx := t.Context()
		owner := w.users[org.Owner]
		empty, err := w.db.CreateOrg(ctx, audit.System, org.Org{Slug: "empty", Name: "空っぽ商事"}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.db.AddMember(ctx, audit.System, empty, owner.ID, org.Owner); err != nil {
			t.Fatal(err)
		}
		ten := w.db.Tenant(w.orgA.ID)
		open, _ := ten.OpenByCheck(ctx)
		sum, _ := ten.Summary(ctx)
		top := findings.ScoreOf(open, sum.Records()).Top(1)
		if len(top) != 1 || top[0].Severity != findings.Critical {
			t.Fatalf("got top %+v, want a critical finding in A", top)
		}
		c, _ := findings.Lookup(top[0].CheckID)
		want := fmt.Sprintf("%s（%d 件）", jaTitle(c), top[0].Open)

		cl := w.client("ja")
		cl.signIn(owner.Email)
		r := cl.get("/portfolio")
		alpha := between(r.body, "アルファ株式会社", "</tr>")
		if !strings.Contains(alpha, "要確認") || !strings.Contains(alpha, `<span class="reason">`+want+`</span>`) {
			t.Fatalf("portfolio: want A marked with its top reason %q, got %q", want, alpha)
		}
		none := between(r.body, "空っぽ商事", "</tr>")
		if !strings.Contains(none, `class="reason"`) || !strings.Contains(none, `data-label="セキュリティスコア">未評価</td>`) {
			t.Fatalf("portfolio: want the empty company not assessed, got %q", none)
		}
		dash := cl.get("/o/empty/")
		if !strings.Contains(dash.body, "未評価") || strings.Contains(dash.body, `<span class="of"> / 100</span>`) || !strings.Contains(dash.body, "台帳を取り込む") {
			t.Fatal("empty company's dashboard: want not assessed and a way to import, no score")
		}
	})
}

var titleCatalogue = sync.OnceValue(func() *i18n.Catalogue {
	cat, err := i18n.Load()
	if err != nil {
		panic(err)
	}
	return cat
})

// jaTitle is a check's title as the Japanese pages show it.
func jaTitle(c findings.Check) string { return titleCatalogue().T(i18n.Japanese, c.TitleKey()) }
