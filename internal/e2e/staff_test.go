package e2e

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// staffDemo is what the demo prints that the staff flow needs.
type staffDemo struct {
	base       string
	ownerLink  string // the one-time sign-in link
	memberMail string
	memberPass string
	keeperPass string
	block      string // the sign-in block as printed
	data       string // the data directory
}

var (
	demoMember = regexp.MustCompile(`従業員：(\S+)[\s\x{3000}]*パスワード：(\S+)`)
	demoLink   = regexp.MustCompile(`http://127\.0\.0\.1:\d+/signin/link/\S+`)
)

// startStaffDemo runs "mamori demo" in Japanese and reads its sign-in
// block: the address, the member's password and the one-time link. extra
// arguments go to the demo command.
func startStaffDemo(t *testing.T, bin string, extra ...string) staffDemo {
	t.Helper()
	data := filepath.Join(t.TempDir(), "data")
	cmd := exec.Command(bin, append([]string{"demo", "--data", data, "--addr", "127.0.0.1:0"}, extra...)...)
	cmd.Env = serverEnv(languages[0].lang)
	var stdout, stderr lockedBuffer
	cmd.Stderr = &stderr
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines, readDone := make(chan string, 64), make(chan struct{})
	go func() {
		defer close(readDone)
		defer close(lines)
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			fmt.Fprintln(&stdout, sc.Text())
			select {
			case lines <- sc.Text():
			default:
			}
		}
	}()
	t.Cleanup(func() {
		stopServer(t, cmd, readDone)
		if t.Failed() {
			t.Logf("demo stdout:\n%s\ndemo stderr:\n%s", stdout.String(), stderr.String())
		}
	})
	d := staffDemo{data: data}
	rules := 0
	timeout := time.After(3 * startTimeout)
	for rules < 2 {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("demo exited early: %q", stdout.String())
			}
			switch {
			case strings.HasPrefix(line, languages[0].running):
				d.base = urlPattern.FindString(line)
			case strings.HasPrefix(line, "====="):
				rules++
			case rules == 1:
				d.block += line + "\n"
				if m := demoPassword.FindStringSubmatch(line); m != nil {
					d.keeperPass = m[1]
				}
				if m := demoMember.FindStringSubmatch(line); m != nil {
					d.memberMail, d.memberPass = m[1], m[2]
				}
				if l := demoLink.FindString(line); l != "" {
					d.ownerLink = l
				}
			}
		case <-timeout:
			t.Fatalf("no sign-in block: %q", stdout.String())
		}
	}
	if d.base == "" || d.ownerLink == "" || d.memberPass == "" || d.keeperPass == "" {
		t.Fatalf("demo output %q: want the address, the one-time link and the member's password", stdout.String())
	}
	waitHealthy(t, d.base)
	return d
}

// TestStaffNearMissOnPhone is the staff side on a 390 px phone, in
// Japanese, on the demo company: the owner signs in by the one-time link
// and finds the anonymous near-miss link; a member of staff signs in and
// sees their own page only; someone files a near miss through the
// anonymous link and keeps the receipt code; the keeper answers; the code
// shows the answer. Screenshots of each step are kept.
func TestStaffNearMissOnPhone(t *testing.T) {
	chromium := chromiumPath(t)
	root := moduleRoot(t)
	bin := buildBinary(t, root)
	shots := artefactDir(t, root)
	d := startStaffDemo(t, bin)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	t.Cleanup(cancel)
	b := newBrowser(t, ctx, chromium, languages[0].acceptLanguage, shots, "staff")
	b.run(t, "emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	fits := func(what string) {
		t.Helper()
		var scroll int64
		b.run(t, "measure "+what, chromedp.Evaluate(`document.documentElement.scrollWidth`, &scroll))
		if scroll > 390 {
			t.Errorf("%s: page is %d px wide on a 390 px phone, want no sideways scrolling", what, scroll)
		}
	}

	// The owner signs in by the one-time link (a button, not the GET).
	p := b.load(t, "open the one-time link", http.StatusOK, chromedp.Navigate(d.ownerLink))
	b.screenshot(t, "01-link")
	p = b.submit(t, `main form button[type=submit]`, http.StatusOK)
	if !strings.HasPrefix(p.Path, demoOrg) && p.Path != "/portfolio" {
		t.Fatalf("after the link: on %s, want the company", p.Path)
	}
	p = b.load(t, "open the near misses", http.StatusOK, chromedp.Navigate(d.base+demoOrg+"/near-misses"))
	expect(t, p, want{H1: "ヒヤリハット"})
	b.screenshot(t, "02-keeper-near-misses")
	var public string
	b.run(t, "read the anonymous link", chromedp.AttributeValue(`#public-link a[href^="/h/"]`, "href", &public, nil, chromedp.ByQuery))
	b.submit(t, `form[action="/signout"] button`, http.StatusOK)

	// A member of staff signs in and lands on their own page.
	b.load(t, "open the sign-in page", http.StatusOK, chromedp.Navigate(d.base+"/signin"))
	b.screenshot(t, "03-signin-with-link-option")
	b.fill(t, "#email", d.memberMail)
	b.fill(t, "#password", d.memberPass)
	b.submit(t, `form[action="/signin"] button[type=submit]`, http.StatusOK)
	p = b.load(t, "open the company", http.StatusOK, chromedp.Navigate(d.base+demoOrg+"/"))
	expect(t, p, want{Path: demoOrg + "/me", H1: "マイページ"})
	if !strings.Contains(p.Text, "自宅ルーター") || !strings.Contains(p.Text, "教訓") {
		t.Errorf("member's page: want their devices and the lessons, got\n%s", p.Text)
	}
	fits("member's page")
	b.screenshot(t, "04-my-page")
	if n := b.count(t, `a[href="`+demoOrg+`/inventory"], a[href="`+demoOrg+`/findings"]`); n != 0 {
		t.Errorf("member's page links to the inventory or the findings (%d links)", n)
	}
	b.submit(t, `form[action="/signout"] button`, http.StatusOK)

	// Anyone files a near miss through the anonymous link.
	p = b.load(t, "open the anonymous form", http.StatusOK, chromedp.Navigate(d.base+public))
	expect(t, p, want{H1: "ヒヤリハットを報告する"})
	fits("anonymous form")
	b.screenshot(t, "05-anonymous-form")
	b.run(t, "choose the kind", chromedp.Click(`input[name=category][value=wrong_attachment]`, chromedp.ByQuery))
	b.fill(t, "#happened", "請求書に別の取引先の明細を添付しかけました。<script>alert(1)</script>")
	b.fill(t, "#almost", "他社の取引内容が漏れるところでした。")
	p = b.submit(t, `main form button[type=submit]`, http.StatusOK)
	var code string
	b.run(t, "read the receipt code", chromedp.Text(`#receipt-code`, &code, chromedp.ByQuery))
	if len(code) != 24 {
		t.Fatalf("receipt code %q: want 24 characters", code)
	}
	fits("receipt")
	b.screenshot(t, "06-receipt-code")

	// The keeper answers.
	answerAsKeeper(t, b, d, "ご報告ありがとうございます。添付前にファイル名を確認する手順を追加しました。")

	// The code shows the answer, and the script stayed text.
	b.load(t, "open the receipt page", http.StatusOK, chromedp.Navigate(d.base+public+"/receipt"))
	b.fill(t, "#code", strings.ToLower(code))
	p = b.submit(t, `main form button[type=submit]`, http.StatusOK)
	if !strings.Contains(p.Text, "ファイル名を確認する手順を追加しました") || !strings.Contains(p.Text, "<script>alert(1)</script>") {
		t.Fatalf("receipt page: want the reply and the report's text as written, got\n%s", p.Text)
	}
	fits("reply")
	b.screenshot(t, "07-reply")
}

// answerAsKeeper signs in as the demo's keeper with the printed password,
// thanks the newest near miss with reply, and signs out.
func answerAsKeeper(t *testing.T, b *browser, d staffDemo, reply string) {
	t.Helper()
	b.load(t, "open the sign-in page", http.StatusOK, chromedp.Navigate(d.base+"/signin"))
	b.fill(t, "#email", demoKeeper)
	b.fill(t, "#password", d.keeperPass)
	b.submit(t, `form[action="/signin"] button[type=submit]`, http.StatusOK)
	b.load(t, "open the near misses", http.StatusOK, chromedp.Navigate(d.base+demoOrg+"/near-misses"))
	p := b.submit(t, `main table tbody tr:first-child a`, http.StatusOK)
	if strings.Contains(p.Text, "@") {
		t.Errorf("keeper's view of the report holds an address:\n%s", p.Text)
	}
	b.run(t, "choose thanks", chromedp.Click(`input[name=triage][value=thanks]`, chromedp.ByQuery))
	b.fill(t, "#reply", reply)
	b.screenshot(t, "06b-keeper-answers")
	p = b.submit(t, `form[action$="/triage"] button[type=submit]`, http.StatusOK)
	expect(t, p, want{Flash: "対応を保存しました"})
	b.submit(t, `form[action="/signout"] button`, http.StatusOK)
}
