package e2e

import (
	"archive/zip"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/mamori-sec/mamori/internal/pii"
)

// TestScanUploadWherePersonalDataLives is the keeper's path through issue
// 13 in Japanese: upload a zip of the 総務 folder, watch the background
// scan finish, see where personal data lives — the folder, what it holds
// and for about how many people, a masked example, the file that could not
// be read and why — record the place in the ledger, and read it all at
// phone size (390 px) without sideways scrolling.
func TestScanUploadWherePersonalDataLives(t *testing.T) {
	chromium := chromiumPath(t)
	root := moduleRoot(t)
	bin := buildBinary(t, root)
	shots := artefactDir(t, root)
	l := languages[0]
	l.slug, l.orgName, l.email = "scan-test", "株式会社スキャン試験", "keeper@scan.example"
	ctx, cancel := context.WithTimeout(context.Background(), 2*scenarioTimeout)
	t.Cleanup(cancel)
	s := &scenario{l: l, srv: startServer(t, bin, l.lang, l.running)}
	s.b = newBrowser(t, ctx, chromium, l.acceptLanguage, shots, "scan")
	s.setup(t)

	dir := t.TempDir()
	archive := filepath.Join(dir, "総務フォルダ.zip")
	f, err := os.Create(archive)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	var roster strings.Builder
	roster.WriteString("氏名,個人番号,携帯電話\n")
	for i := range 30 {
		fmt.Fprintf(&roster, "社員%02d,%s,090-5555-%04d\n", i, pii.CompleteMyNumber(fmt.Sprintf("4567890%04d", i)), i)
	}
	for name, content := range map[string]string{
		"総務/従業員名簿.csv": roster.String(),
		"総務/議事録.txt":   "注文番号 202610160001 の納期を変更しました。\n",
		"総務/旧名簿.xls":   "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
	} {
		w, _ := zw.Create(name)
		w.Write([]byte(content))
	}
	zw.Close()
	f.Close()

	org := "/o/" + l.slug
	p := s.b.load(t, "open where personal data lives", http.StatusOK, chromedp.Navigate(s.srv.base+org+"/scans"))
	expect(t, p, want{Path: org + "/scans", Lang: "ja", H1: "個人情報の置き場所"})
	s.b.screenshot(t, "03-scans")
	s.b.run(t, "choose the zip", chromedp.SetUploadFiles("#file", []string{archive}, chromedp.ByQuery))
	s.b.fill(t, "#seen_as", `\\NAS\共有`)
	p = s.b.submit(t, `form[action="`+org+`/scans/upload"] button[type=submit]`, http.StatusOK)
	if !strings.Contains(p.Flash, "検査を予約しました") {
		t.Fatalf("upload: got flash %q alert %q, want the scan queued", p.Flash, p.Alert)
	}
	run := p.Path
	deadline := time.Now().Add(90 * time.Second)
	for !strings.Contains(p.Text, "個人情報がある場所") {
		if time.Now().After(deadline) {
			t.Fatalf("the scan did not finish: %q", p.Text)
		}
		time.Sleep(500 * time.Millisecond)
		p = s.b.load(t, "reload the run", http.StatusOK, chromedp.Navigate(s.srv.base+run))
	}
	for _, w := range []string{`\\NAS\共有\総務`, "マイナンバー", "約30人分", "**", "読めなかったファイル", "旧形式の Office ファイル"} {
		if !strings.Contains(p.Text, w) {
			t.Errorf("run page: got %q, want %q in it", p.Text, w)
		}
	}
	if strings.Contains(p.Text, pii.CompleteMyNumber("45678900000")) {
		t.Fatal("the run page shows a My Number in full")
	}
	s.b.screenshot(t, "04-places")

	s.b.fill(t, `input[name="name"]`, "従業員名簿")
	p = s.b.submit(t, `form[action$="/confirm"] button[type=submit]`, http.StatusOK)
	if !strings.Contains(p.Flash, "情報資産台帳に登録しました") || !strings.Contains(p.Text, "台帳に登録済み") {
		t.Fatalf("confirm: got flash %q text %q", p.Flash, p.Text)
	}
	s.b.screenshot(t, "05-confirmed")

	const width, height = 390, 844
	s.b.run(t, "emulate a phone",
		chromedp.EmulateViewport(width, height, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	t.Cleanup(func() {
		chromedp.Run(s.b.ctx, emulation.ClearDeviceMetricsOverride(), emulation.SetTouchEmulationEnabled(false))
	})
	for i, path := range []string{run, org + "/scans"} {
		s.b.load(t, "phone size", http.StatusOK, chromedp.Navigate(s.srv.base+path))
		var scrollWidth int
		s.b.run(t, "measure the page", chromedp.Evaluate(`document.documentElement.scrollWidth`, &scrollWidth))
		if scrollWidth > width {
			t.Errorf("%s at phone size: got %d px wide, want at most %d", path, scrollWidth, width)
		}
		s.b.screenshot(t, []string{"06-places-phone", "07-scans-phone"}[i])
	}
	if probs := s.b.takeProblems(); len(probs) > 0 {
		t.Errorf("got CSP violations or script errors: %v", probs)
	}
}
