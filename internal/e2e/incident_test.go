package e2e

import (
	"context"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestIncidentLostLaptop is the first hour of an incident, in Japanese: a
// member reports a lost laptop; the keeper (here the owner) records the
// incident against the laptop in the inventory, works the first-hour
// playbook, takes the APPI decision — no report, because the disk was
// encrypted — and closes the incident with a review. Screenshots kept.
func TestIncidentLostLaptop(t *testing.T) {
	chromium := chromiumPath(t)
	root := moduleRoot(t)
	bin := buildBinary(t, root)
	shots := artefactDir(t, root)
	l := languages[0]
	l.slug, l.orgName, l.email = "incident-test", "株式会社事故対応試験", "owner@incident.example"
	ctx, cancel := context.WithTimeout(context.Background(), 3*scenarioTimeout)
	t.Cleanup(cancel)
	s := &scenario{l: l, srv: startServer(t, bin, l.lang, l.running)}
	s.b = newBrowser(t, ctx, chromium, l.acceptLanguage, shots, "incident")
	s.setup(t)
	org := "/o/" + l.slug

	// The laptop, encrypted, without remote wipe.
	s.b.load(t, "open the new device form", http.StatusOK, chromedp.Navigate(s.srv.base+org+"/devices/new"))
	s.b.fill(t, "#f-name", "営業ノートPC-01")
	for sel, v := range map[string]string{"#f-kind": "pc", "#f-disk_encryption": "yes", "#f-remote_wipe": "no", "#f-network": "mobile"} {
		s.b.run(t, "choose "+sel, chromedp.SetValue(sel, v, chromedp.ByQuery))
	}
	if p := s.b.submit(t, `main form button[type=submit]`, http.StatusOK); p.Alert != "" {
		t.Fatalf("adding the laptop: got alert %q", p.Alert)
	}
	// A member, added from the command line beside the server.
	const staffEmail, staffPassword = "staff@incident.example", "yama-no-kaze-3141"
	cmd := exec.Command(bin, "user", "add", "--data", s.srv.data, "--org", l.slug, "--role", "member", "--email", staffEmail, "--name", "営業 山田")
	cmd.Env = append(serverEnv("C"), "MAMORI_PASSWORD="+staffPassword)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	signIn := func(email, pw string) {
		s.b.load(t, "open sign-in", http.StatusOK, chromedp.Navigate(s.srv.base+"/signin"))
		s.b.fill(t, "#email", email)
		s.b.fill(t, "#password", pw)
		if p := s.b.submit(t, `form[action="/signin"] button[type=submit]`, http.StatusOK); p.Alert != "" {
			t.Fatalf("sign in %s: got alert %q", email, p.Alert)
		}
	}
	s.b.submit(t, `header form[action="/signout"] button[type=submit]`, http.StatusOK)
	signIn(staffEmail, staffPassword)

	// The member reports.
	p := s.b.load(t, "open the report form", http.StatusOK, chromedp.Navigate(s.srv.base+org+"/incidents/report"))
	if !strings.Contains(p.Text, "責められることはありません") {
		t.Fatalf("report form: got %q", p.Text)
	}
	s.b.run(t, "choose the type", chromedp.SetValue("#type", "lost_device", chromedp.ByQuery))
	s.b.fill(t, "#title", "電車内でノートPCを紛失しました")
	s.b.fill(t, "#description", "帰りの電車の網棚に営業ノートPC-01を置き忘れました。")
	s.b.screenshot(t, "01-member-report")
	p = s.b.submit(t, `main form button[type=submit]`, http.StatusOK)
	if !strings.Contains(p.Flash, "報告を受け付けました") || !strings.Contains(p.Text, "電車内でノートPCを紛失しました") {
		t.Fatalf("after reporting: got flash %q text %q", p.Flash, p.Text)
	}
	s.b.screenshot(t, "02-member-reported")
	s.b.load(t, "the keeper's list is closed to a member", http.StatusForbidden, chromedp.Navigate(s.srv.base+org+"/incidents"))
	s.b.load(t, "back", http.StatusOK, chromedp.Navigate(s.srv.base+org+"/incidents/report"))
	s.b.submit(t, `header form[action="/signout"] button[type=submit]`, http.StatusOK)

	// The keeper records the incident against the laptop and runs the
	// first hour.
	signIn(l.email, password)
	s.b.load(t, "open the incident form", http.StatusOK, chromedp.Navigate(s.srv.base+org+"/incidents/new"))
	s.b.run(t, "choose the type", chromedp.SetValue("#type", "lost_device", chromedp.ByQuery))
	s.b.fill(t, "#title", "営業ノートPC-01 の紛失（電車内）")
	s.b.fill(t, "#found_by", "営業 山田")
	s.b.run(t, "choose the laptop", chromedp.Click(`input[name=affected][value^="device:"]`, chromedp.ByQuery))
	p = s.b.submit(t, `main form button[type=submit]`, http.StatusOK)
	if !strings.Contains(p.Text, "最初の60分") || !strings.Contains(p.Text, "「営業ノートPC-01」は遠隔消去が使えない") || !strings.Contains(p.Text, "発見からの経過時間") {
		t.Fatalf("incident page: got %q, want the playbook filled from the laptop and the clock", p.Text)
	}
	s.b.screenshot(t, "03-playbook")
	for range 2 {
		s.b.submit(t, `#playbook form button[value=done]`, http.StatusOK)
	}
	p = s.b.page(t)
	if !strings.Contains(p.Text, "（2 / ") {
		t.Errorf("after two steps: got %q, want 2 done", p.Text)
	}
	// The decision: the disk was encrypted (pre-checked from the record).
	s.b.fill(t, "#people", "85")
	p = s.b.submit(t, `#decision form button[type=submit]`, http.StatusOK)
	if !strings.Contains(p.Text, "報告は不要です") || !strings.Contains(p.Text, "高度な暗号化") || !strings.Contains(p.Text, "APPI-2024-04") {
		t.Fatalf("decision: got %q, want no report because of the encryption", p.Text)
	}
	s.b.screenshot(t, "04-decision-no-report")

	// Closed with a review.
	for sel, v := range map[string]string{"#rv-people": "置き忘れへの注意が足りなかった。", "#rv-technology": "遠隔消去が未設定だった。",
		"#rv-operations": "持ち出し時の確認手順がなかった。", "#rv-root_cause": "持ち出しPCの管理手順がないこと。",
		"#action_1": "持ち出しPC全台に遠隔消去を設定する", "#rv-lesson": "PCは網棚に置かず、手元で持ちましょう。"} {
		s.b.fill(t, sel, v)
	}
	s.b.run(t, "choose the owner and due day",
		chromedp.Evaluate(`document.querySelector('#owner_1').selectedIndex = 1`, nil),
		chromedp.SetValue("#due_1", time.Now().AddDate(0, 1, 0).Format("2006-01-02"), chromedp.ByQuery))
	p = s.b.submit(t, `#reviewed form button[type=submit]`, http.StatusOK)
	if !strings.Contains(p.Flash, "完了しました") || !strings.Contains(p.Text, "振り返り・完了") {
		t.Fatalf("closing: got flash %q alert %q", p.Flash, p.Alert)
	}
	s.b.screenshot(t, "05-closed")
	if probs := s.b.takeProblems(); len(probs) > 0 {
		t.Errorf("got CSP violations or script errors: %v", probs)
	}
}
