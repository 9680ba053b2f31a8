package e2e

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/mamori-sec/mamori/internal/importer"
	"github.com/mamori-sec/mamori/internal/inventory"
)

const (
	departedTitle = "退職した人のアカウントが有効なままです"
	evaluating    = "評価を実行中です" // the notice while the background evaluation runs
)

// TestImportExcelFindingResolves is the keeper's path through the map and
// the alarm, in Japanese: import the staff list and the Google Workspace
// accounts from Excel, look at each preview, apply it, see the finding of
// the departed person whose account still works, suspend the account and
// watch the finding resolve.
func TestImportExcelFindingResolves(t *testing.T) {
	chromium := chromiumPath(t)
	root := moduleRoot(t)
	bin := buildBinary(t, root)
	shots := artefactDir(t, root)
	l := languages[0]
	l.slug, l.orgName, l.email = "import-test", "株式会社インポート試験", "keeper@import.example"
	ctx, cancel := context.WithTimeout(context.Background(), 2*scenarioTimeout)
	t.Cleanup(cancel)
	s := &scenario{l: l, srv: startServer(t, bin, l.lang, l.running)}
	s.b = newBrowser(t, ctx, chromium, l.acceptLanguage, shots, "import")
	s.setup(t)

	dir := t.TempDir()
	left := time.Now().AddDate(0, -1, 0).Format(time.DateOnly)
	people := writeXLSX(t, dir, "従業員.xlsx", importer.People, []any{
		inventory.Person{Name: "田中 一郎", Kana: "タナカ イチロウ", Email: "ichiro@import.example", Department: "営業部", EmploymentType: inventory.FullTime, JoinDate: "2018-04-01", LeaveDate: left},
		inventory.Person{Name: "鈴木 花子", Kana: "スズキ ハナコ", Email: "hanako@import.example", Department: "総務部", EmploymentType: inventory.FullTime, JoinDate: "2020-04-01"},
	})
	accounts := writeXLSX(t, dir, "アカウント.xlsx", importer.Accounts, []any{
		importer.AccountRow{Account: inventory.Account{LoginID: "ichiro@import.example", Kind: inventory.Personal, Privilege: inventory.Edit, MFA: inventory.MFAOn, Status: inventory.Active}, ServiceName: "Google Workspace", PersonEmail: "ichiro@import.example"},
		importer.AccountRow{Account: inventory.Account{LoginID: "hanako@import.example", Kind: inventory.Personal, Privilege: inventory.Edit, MFA: inventory.MFAOn, Status: inventory.Active}, ServiceName: "Google Workspace", PersonEmail: "hanako@import.example"},
	})
	org := "/o/" + l.slug

	for i, f := range []string{people, accounts} {
		s.b.load(t, "open the import page", http.StatusOK, chromedp.Navigate(s.srv.base+org+"/import"))
		s.b.run(t, "choose the file", chromedp.SetUploadFiles("#file", []string{f}, chromedp.ByQuery))
		p := s.b.submit(t, `form[action="`+org+`/import/preview"] button[type=submit]`, http.StatusOK)
		if !strings.Contains(p.Text, "2") || p.Alert != "" {
			t.Fatalf("preview of %s: got %q (alert %q), want two rows to add", filepath.Base(f), p.Text, p.Alert)
		}
		s.b.screenshot(t, []string{"03-preview-people", "05-preview-accounts"}[i])
		p = s.b.submit(t, `form[action="`+org+`/import/apply"] button[type=submit]`, http.StatusOK)
		if p.Alert != "" || p.Flash == "" {
			t.Fatalf("apply %s: got flash %q alert %q, want a confirmation", filepath.Base(f), p.Flash, p.Alert)
		}
		s.b.screenshot(t, []string{"04-applied-people", "06-applied-accounts"}[i])
	}

	// The import returns before its evaluation (a job) has run; the keeper
	// reloads the findings page until it has.
	p := s.waitFindings(t, org+"/findings", func(text string) bool { return strings.Contains(text, departedTitle) })
	if !strings.Contains(p.Text, departedTitle) {
		t.Fatalf("findings: got %q, want %q listed", p.Text, departedTitle)
	}
	s.b.screenshot(t, "07-finding-open")

	// The keeper suspends the account from its page.
	s.b.load(t, "find the account", http.StatusOK, chromedp.Navigate(s.srv.base+org+"/accounts?q=ichiro"))
	s.b.submit(t, `main table a[href*="/accounts/"]`, http.StatusOK)
	s.b.submit(t, `main a[href$="/edit"]`, http.StatusOK)
	s.b.run(t, "set the status to suspended", chromedp.SetValue(`select[name="status"]`, string(inventory.Suspended), chromedp.ByQuery))
	s.b.screenshot(t, "08-suspend-account")
	p = s.b.submit(t, `main form button[type=submit]`, http.StatusOK)
	if p.Alert != "" {
		t.Fatalf("saving the account: got alert %q", p.Alert)
	}
	// The edit enqueued the evaluation; the page shows it running, then the
	// finding gone.
	p = s.waitFindings(t, org+"/findings", func(text string) bool { return !strings.Contains(text, departedTitle) })
	if strings.Contains(p.Text, departedTitle) {
		t.Fatalf("findings after suspending: still lists %q", departedTitle)
	}
	p = s.b.load(t, "resolved findings", http.StatusOK, chromedp.Navigate(s.srv.base+org+"/findings?status=resolved"))
	if !strings.Contains(p.Text, departedTitle) {
		t.Fatalf("resolved findings: got %q, want %q", p.Text, departedTitle)
	}
	s.b.screenshot(t, "09-finding-resolved")
	if probs := s.b.takeProblems(); len(probs) > 0 {
		t.Errorf("got CSP violations or script errors: %v", probs)
	}
}

// writeXLSX writes records as the Japanese template an office would fill.
func writeXLSX(t *testing.T, dir, name string, kind importer.Kind, records []any) string {
	t.Helper()
	var rows [][]string
	for _, r := range records {
		row, err := importer.FormatRecord(kind, r, "ja")
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, row)
	}
	var buf bytes.Buffer
	if err := importer.WriteXLSX(&buf, importer.SheetName(kind, "ja"), importer.Columns(kind), rows, "ja"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// waitFindings reloads path until done says the page shows what the
// background evaluation should have produced and no evaluation is running,
// or a generous bound passes (a bound on waiting, not a timing assertion).
func (s *scenario) waitFindings(t *testing.T, path string, done func(text string) bool) page {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		p := s.b.load(t, "open the findings", http.StatusOK, chromedp.Navigate(s.srv.base+path))
		if (done(p.Text) && !strings.Contains(p.Text, evaluating)) || time.Now().After(deadline) {
			return p
		}
		time.Sleep(500 * time.Millisecond)
	}
}
