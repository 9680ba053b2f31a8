package e2e

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestKeeperCompletesRoutineWithFile is the keeper's week in Japanese: a
// person entered in the inventory brings the company's routines (through
// the evaluation job); the keeper opens a routine, completes its
// occurrence with a note and an uploaded PDF, sees the file's SHA-256 on
// the page, and reads the week and the month calendar at a phone's width
// without sideways scrolling.
func TestKeeperCompletesRoutineWithFile(t *testing.T) {
	chromium := chromiumPath(t)
	root := moduleRoot(t)
	bin := buildBinary(t, root)
	shots := artefactDir(t, root)
	l := languages[0]
	l.slug, l.orgName, l.email = "routines-test", "株式会社定期業務試験", "keeper@routines.example"
	ctx, cancel := context.WithTimeout(context.Background(), 2*scenarioTimeout)
	t.Cleanup(cancel)
	s := &scenario{l: l, srv: startServer(t, bin, l.lang, l.running)}
	s.b = newBrowser(t, ctx, chromium, l.acceptLanguage, shots, "routines")
	s.setup(t)
	org := "/o/" + l.slug

	s.b.load(t, "open the new person form", http.StatusOK, chromedp.Navigate(s.srv.base+org+"/people/new"))
	s.b.fill(t, "#name", "鈴木 花子")
	s.b.fill(t, "#kana", "スズキ ハナコ")
	if p := s.b.submit(t, `main form button[type=submit]`, http.StatusOK); p.Alert != "" {
		t.Fatalf("adding a person: got alert %q", p.Alert)
	}

	// The change's evaluation job syncs the routines; reload until there.
	var p page
	deadline := time.Now().Add(90 * time.Second)
	for {
		p = s.b.load(t, "open all routines", http.StatusOK, chromedp.Navigate(s.srv.base+org+"/routines/all"))
		if s.b.count(t, `main table a[href*="/routines/"]`) > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	if !strings.Contains(p.Text, "情報セキュリティ規程の見直し") {
		t.Fatalf("routines: got %q, want the yearly policy review", p.Text)
	}
	s.b.screenshot(t, "01-routines-all")
	s.b.submit(t, `main table a[href*="/routines/"]`, http.StatusOK)
	p = s.b.submit(t, `main a[href*="/occurrences/"]`, http.StatusOK)
	if !strings.Contains(p.Text, "完了として記録する") {
		t.Fatalf("occurrence page: got %q, want the completing form", p.Text)
	}
	dir := t.TempDir()
	exe := filepath.Join(dir, "tool.exe")
	os.WriteFile(exe, []byte("MZ\x90\x00"), 0o600)
	s.b.run(t, "choose a program", chromedp.SetUploadFiles("#file", []string{exe}, chromedp.ByQuery))
	s.b.fill(t, "#note", "見直しました")
	p = s.b.submit(t, `main form[enctype="multipart/form-data"] button[type=submit]`, http.StatusBadRequest)
	if !strings.Contains(p.Alert, "受け付けていません") {
		t.Fatalf("an .exe: got alert %q, want it refused in words", p.Alert)
	}
	s.b.screenshot(t, "02-refused-file")
	pdf := filepath.Join(dir, "規程見直し記録.pdf")
	os.WriteFile(pdf, []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"), 0o600)
	s.b.run(t, "choose the PDF", chromedp.SetUploadFiles("#file", []string{pdf}, chromedp.ByQuery))
	s.b.run(t, "write the note", chromedp.SetValue("#note", "取締役会で規程を見直し、改定なしを確認しました。", chromedp.ByQuery))
	p = s.b.submit(t, `main form[enctype="multipart/form-data"] button[type=submit]`, http.StatusOK)
	if p.Alert != "" || !strings.Contains(p.Flash, "完了を記録しました") || !strings.Contains(p.Text, "SHA-256") || !strings.Contains(p.Text, "規程見直し記録.pdf") {
		t.Fatalf("after completing: got flash %q alert %q text %q, want the file listed with its SHA-256", p.Flash, p.Alert, p.Text)
	}
	s.b.screenshot(t, "03-completed-with-file")
	s.b.load(t, "the month calendar", http.StatusOK, chromedp.Navigate(s.srv.base+org+"/routines/calendar"))
	s.b.screenshot(t, "04-calendar-laptop")

	const width, height = 390, 844
	s.b.run(t, "emulate a phone",
		chromedp.EmulateViewport(width, height, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	t.Cleanup(func() {
		chromedp.Run(s.b.ctx, emulation.ClearDeviceMetricsOverride(), emulation.SetTouchEmulationEnabled(false))
	})
	for i, path := range []string{"/routines", "/routines/calendar", "/routines/calendar?year=" + time.Now().AddDate(1, 0, 0).Format("2006")} {
		s.b.load(t, "at phone size", http.StatusOK, chromedp.Navigate(s.srv.base+org+path))
		var scrollWidth int
		s.b.run(t, "measure the page", chromedp.Evaluate(`document.documentElement.scrollWidth`, &scrollWidth))
		if scrollWidth > width {
			t.Errorf("%s at phone size: got %d px wide, want at most %d", path, scrollWidth, width)
		}
		s.b.screenshot(t, []string{"05-week-phone", "06-calendar-phone", "07-year-phone"}[i])
	}
	if probs := s.b.takeProblems(); len(probs) > 0 {
		t.Errorf("got CSP violations or script errors: %v", probs)
	}
}
