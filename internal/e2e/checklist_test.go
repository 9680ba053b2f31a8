package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/importer"
	"github.com/mamori-sec/mamori/internal/inventory"
)

const (
	leaverTitle     = "退職の手続き"
	suspendItem     = "Google Workspace のアカウント ichiro@leaver.example を停止または削除します"
	closedByTheData = "取り込んだデータで完了を確認しました"
)

// TestLeaverChecklistClosesFromImport is the keeper's leaver path, in
// Japanese, on a laptop and on a 390 px phone: import the staff and their
// accounts, type a leave date on the person's page, see the leaver
// checklist the background job generated, import the accounts again with
// the account suspended, and see its item closed by the data.
func TestLeaverChecklistClosesFromImport(t *testing.T) {
	chromium := chromiumPath(t)
	root := moduleRoot(t)
	bin := buildBinary(t, root)
	shots := artefactDir(t, root)
	l := languages[0]
	l.slug, l.orgName, l.email = "leaver-test", "株式会社退職試験", "keeper@leaver.example"
	ctx, cancel := context.WithTimeout(context.Background(), 2*scenarioTimeout)
	t.Cleanup(cancel)
	s := &scenario{l: l, srv: startServer(t, bin, l.lang, l.running)}
	s.b = newBrowser(t, ctx, chromium, l.acceptLanguage, shots, "leaver")
	s.setup(t)

	dir := t.TempDir()
	people := writeXLSX(t, dir, "従業員.xlsx", importer.People, []any{
		inventory.Person{Name: "田中 一郎", Kana: "タナカ イチロウ", Email: "ichiro@leaver.example", Department: "営業部", EmploymentType: inventory.FullTime, JoinDate: "2018-04-01"},
		inventory.Person{Name: "鈴木 花子", Kana: "スズキ ハナコ", Email: "hanako@leaver.example", Department: "総務部", EmploymentType: inventory.FullTime, JoinDate: "2020-04-01"},
	})
	accountsWith := func(name string, status inventory.AccountStatus) string {
		return writeXLSX(t, dir, name, importer.Accounts, []any{
			importer.AccountRow{Account: inventory.Account{LoginID: "ichiro@leaver.example", Kind: inventory.Personal, Privilege: inventory.Edit, MFA: inventory.MFAOn, Status: status}, ServiceName: "Google Workspace", PersonEmail: "ichiro@leaver.example"},
			importer.AccountRow{Account: inventory.Account{LoginID: "hanako@leaver.example", Kind: inventory.Personal, Privilege: inventory.Edit, MFA: inventory.MFAOn, Status: inventory.Active}, ServiceName: "Google Workspace", PersonEmail: "hanako@leaver.example"},
		})
	}
	org := "/o/" + l.slug
	importFile := func(f, shot string) {
		t.Helper()
		s.b.load(t, "open the import page", http.StatusOK, chromedp.Navigate(s.srv.base+org+"/import"))
		s.b.run(t, "choose the file", chromedp.SetUploadFiles("#file", []string{f}, chromedp.ByQuery))
		if p := s.b.submit(t, `form[action="`+org+`/import/preview"] button[type=submit]`, http.StatusOK); p.Alert != "" {
			t.Fatalf("preview: got alert %q", p.Alert)
		}
		p := s.b.submit(t, `form[action="`+org+`/import/apply"] button[type=submit]`, http.StatusOK)
		if p.Alert != "" || p.Flash == "" {
			t.Fatalf("apply: got flash %q alert %q, want a confirmation", p.Flash, p.Alert)
		}
		s.b.screenshot(t, shot)
	}
	importFile(people, "03-applied-people")
	importFile(accountsWith("アカウント.xlsx", inventory.Active), "04-applied-accounts")

	// The keeper types the leave date on the person's page.
	s.b.load(t, "find the person", http.StatusOK, chromedp.Navigate(s.srv.base+org+"/people?q=ichiro"))
	p := s.b.submit(t, `main table a[href*="/people/"]`, http.StatusOK)
	person := p.Path
	s.b.submit(t, `main a[href$="/edit"]`, http.StatusOK)
	leave := calendar.Of(time.Now()).AddDays(7).String()
	s.b.run(t, "set the leave date", chromedp.SetValue(`#leave_date`, leave, chromedp.ByQuery))
	s.b.screenshot(t, "05-leave-date")
	if p = s.b.submit(t, `main form button[type=submit]`, http.StatusOK); p.Alert != "" {
		t.Fatalf("saving the person: got alert %q", p.Alert)
	}

	// The save enqueued the evaluation, which generates the checklist; the
	// keeper reloads the page until it shows.
	p = s.waitPage(t, person, func(text string) bool {
		return strings.Contains(text, leaverTitle) && strings.Contains(text, suspendItem)
	})
	if !strings.Contains(p.Text, leaverTitle) || !strings.Contains(p.Text, suspendItem) {
		t.Fatalf("person page: got %q, want the leaver checklist with %q", p.Text, suspendItem)
	}
	if n := s.b.count(t, "li.item-open"); n < 3 {
		t.Errorf("open items: got %d, want the account, its files and mail, and what was lent", n)
	}
	s.b.screenshot(t, "06-checklist-open")

	// The console's export now shows the account suspended.
	importFile(accountsWith("アカウント_停止後.xlsx", inventory.Suspended), "07-applied-suspended")
	p = s.waitPage(t, person, func(string) bool { return s.b.count(t, "li.item-done") > 0 })
	var done string
	s.b.run(t, "read the done item", chromedp.Evaluate(`[...document.querySelectorAll("li.item-done")].map(e => e.innerText).join("\n")`, &done))
	if !strings.Contains(done, suspendItem) || !strings.Contains(done, closedByTheData) {
		t.Fatalf("done items: got %q, want %q closed by the data", done, suspendItem)
	}
	s.b.screenshot(t, "08-checklist-item-closed")

	// What the data cannot show is one click: the keys and cards are back.
	p = s.b.submit(t, `li.item-open:last-child form[action*="/checklist-items/"] button[type=submit]`, http.StatusOK)
	if p.Alert != "" || !strings.Contains(p.Flash, "チェックリストを更新しました") {
		t.Fatalf("mark done: got flash %q alert %q, want the confirmation", p.Flash, p.Alert)
	}
	if n := s.b.count(t, "li.item-done"); n != 2 {
		t.Errorf("done items after the click: got %d, want 2", n)
	}

	p = s.b.load(t, "open the checklists", http.StatusOK, chromedp.Navigate(s.srv.base+org+"/checklists"))
	if !strings.Contains(p.Text, "田中 一郎") || !strings.Contains(p.Text, leaverTitle) {
		t.Errorf("checklists: got %q, want 田中 一郎's leaver checklist", p.Text)
	}
	s.b.screenshot(t, "09-checklists")

	// The same page on a phone: no sideways scrolling.
	const width, height = 390, 844
	s.b.run(t, "emulate a phone",
		chromedp.EmulateViewport(width, height, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	t.Cleanup(func() {
		chromedp.Run(s.b.ctx, emulation.ClearDeviceMetricsOverride(), emulation.SetTouchEmulationEnabled(false))
	})
	for _, shot := range []struct{ path, name string }{{person, "10-checklist-phone"}, {org + "/checklists", "11-checklists-phone"}} {
		s.b.load(t, "open at phone size", http.StatusOK, chromedp.Navigate(s.srv.base+shot.path))
		var scrollWidth int
		s.b.run(t, "measure the page", chromedp.Evaluate(`document.documentElement.scrollWidth`, &scrollWidth))
		if scrollWidth > width {
			t.Errorf("%s at phone size: got %d px wide, want at most %d (no sideways scrolling)", shot.path, scrollWidth, width)
		}
		s.b.screenshot(t, shot.name)
	}
	if probs := s.b.takeProblems(); len(probs) > 0 {
		t.Errorf("got CSP violations or script errors: %v", probs)
	}
}

// waitPage reloads path until done says it shows what the background job
// should have produced, or a generous bound passes (a bound on waiting,
// not a timing assertion).
func (s *scenario) waitPage(t *testing.T, path string, done func(text string) bool) page {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		p := s.b.load(t, "open "+path, http.StatusOK, chromedp.Navigate(s.srv.base+path))
		if done(p.Text) || time.Now().After(deadline) {
			return p
		}
		time.Sleep(500 * time.Millisecond)
	}
}
