package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestOwnerPublishesPolicyMemberAcknowledges is the policy set in
// Japanese: the owner writes a draft from the ledgers, approves and
// publishes it, and finds it on the public page without signing in; a
// member invited by the owner reads it on a 390 px phone and acknowledges
// it, and the owner sees the rate.
func TestOwnerPublishesPolicyMemberAcknowledges(t *testing.T) {
	chromium := chromiumPath(t)
	root := moduleRoot(t)
	bin := buildBinary(t, root)
	shots := artefactDir(t, root)
	l := languages[0]
	l.slug, l.orgName, l.email = "policy-test", "株式会社方針試験", "owner@policy.example"
	ctx, cancel := context.WithTimeout(context.Background(), 2*scenarioTimeout)
	t.Cleanup(cancel)
	s := &scenario{l: l, srv: startServer(t, bin, l.lang, l.running)}
	s.b = newBrowser(t, ctx, chromium, l.acceptLanguage, shots, "policy")
	s.setup(t)
	org := "/o/" + l.slug

	// The owner writes the draft from the ledgers and publishes it.
	s.b.load(t, "open the policy", http.StatusOK, chromedp.Navigate(s.srv.base+org+"/policy"))
	p := s.b.submit(t, `form[action="`+org+`/policy/drafts"] button[type=submit]`, http.StatusOK)
	expect(t, p, want{Path: org + "/policy/edit", Lang: "ja", Flash: "下書きを作成しました"})
	s.b.screenshot(t, "01-draft")
	p = s.b.submit(t, `form[action="`+org+`/policy/edit"] button[type=submit]`, http.StatusOK)
	expect(t, p, want{Path: org + "/policy/version", Flash: "下書きを保存しました"})
	if !strings.Contains(p.Text, "株式会社方針試験は、お客さまからお預かりした情報") || !strings.Contains(p.Text, "第1章 組織と役割") {
		t.Fatalf("version page: got %q, want the generated policy with the company's name", p.Text)
	}
	p = s.b.submit(t, `form[action="`+org+`/policy/publish"] button[type=submit]`, http.StatusOK)
	expect(t, p, want{Path: org + "/policy", Flash: "承認して公開しました"})
	if !strings.Contains(p.Text, "確認率 0%") {
		t.Errorf("policy page: got %q, want a rate of 0%%", p.Text)
	}
	s.b.screenshot(t, "02-published")

	// The public page, signed in or not, shows the basic policy only.
	p = s.b.load(t, "open the public page", http.StatusOK, chromedp.Navigate(s.srv.base+"/p/"+l.slug+"/policy"))
	if !strings.Contains(p.Text, "情報セキュリティ基本方針") || !strings.Contains(p.Text, "Information security basic policy") || strings.Contains(p.Text, "第1章") {
		t.Fatalf("public page: got %q, want the basic policy in both languages and no rules", p.Text)
	}
	s.b.screenshot(t, "03-public-page")

	// The sign-off, its A4 sheet and a three-rules sheet.
	p = s.b.load(t, "open the sign-off", http.StatusOK, chromedp.Navigate(s.srv.base+org+"/signoff"))
	if !strings.Contains(p.Text, "情報セキュリティ対策は、経営者自らが先頭に立って進める") || !strings.Contains(p.Text, "情報セキュリティの最新の動向を集める") ||
		s.b.count(t, `input[name="contact_police_phone"][value="#9110"]`) != 1 {
		t.Fatalf("sign-off: got %q, want the checklist and the public contacts", p.Text)
	}
	s.b.screenshot(t, "03b-signoff")
	s.b.load(t, "open the sign-off sheet", http.StatusOK, chromedp.Navigate(s.srv.base+org+"/signoff/sheet"))
	s.b.screenshot(t, "03c-signoff-sheet")
	p = s.b.load(t, "open the staff sheet", http.StatusOK, chromedp.Navigate(s.srv.base+org+"/policy/sheet?for=staff"))
	if !strings.Contains(p.Text, "全従業員の三つの約束") {
		t.Fatalf("staff sheet: got %q", p.Text)
	}
	s.b.screenshot(t, "03d-staff-sheet")

	// The owner invites a member with a first password.
	s.b.load(t, "open the members", http.StatusOK, chromedp.Navigate(s.srv.base+org+"/members"))
	s.b.fill(t, "#email", "staff@policy.example")
	s.b.fill(t, "#name", "佐々木 次郎")
	s.b.run(t, "choose the member role", chromedp.SetValue("#role", "member", chromedp.ByQuery))
	s.b.fill(t, "#password", "yama-no-ue-3141")
	if p := s.b.submit(t, `form[action="`+org+`/members"] button[type=submit]`, http.StatusOK); p.Alert != "" {
		t.Fatalf("invite: got alert %q", p.Alert)
	}
	s.b.submit(t, `header form[action="/signout"] button[type=submit]`, http.StatusOK)

	// The member signs in, accepts, and reads the rules on a phone.
	s.b.fill(t, "#email", "staff@policy.example")
	s.b.fill(t, "#password", "yama-no-ue-3141")
	s.b.submit(t, `form[action="/signin"] button[type=submit]`, http.StatusOK)
	s.b.load(t, "open the portfolio", http.StatusOK, chromedp.Navigate(s.srv.base+"/portfolio"))
	s.b.submit(t, `form[action$="/accept"] button[type=submit]`, http.StatusOK)

	const width, height = 390, 844
	s.b.run(t, "emulate a phone",
		chromedp.EmulateViewport(width, height, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	t.Cleanup(func() {
		chromedp.Run(s.b.ctx, emulation.ClearDeviceMetricsOverride(), emulation.SetTouchEmulationEnabled(false))
	})
	p = s.b.load(t, "open the rules", http.StatusOK, chromedp.Navigate(s.srv.base+org+"/rules"))
	if !strings.Contains(p.Text, "第1版の確認をお願いします") || !strings.Contains(p.Text, "第11章 教育") {
		t.Fatalf("rules page: got %q, want the rules to acknowledge", p.Text)
	}
	var scrollWidth int
	s.b.run(t, "measure the page", chromedp.Evaluate(`document.documentElement.scrollWidth`, &scrollWidth))
	if scrollWidth > width {
		t.Errorf("rules at phone size: got %d px wide, want at most %d", scrollWidth, width)
	}
	s.b.screenshot(t, "04-rules-phone")
	p = s.b.submit(t, `form[action="`+org+`/rules/acknowledge"] button[type=submit]`, http.StatusOK)
	expect(t, p, want{Path: org + "/rules", Flash: "確認を記録しました"})
	if !strings.Contains(p.Text, "第1版は") || s.b.count(t, `form[action="`+org+`/rules/acknowledge"]`) != 0 {
		t.Fatalf("after acknowledging: got %q, want it recorded and no button", p.Text)
	}
	s.b.screenshot(t, "05-acknowledged-phone")
	if probs := s.b.takeProblems(); len(probs) > 0 {
		t.Errorf("got CSP violations or script errors: %v", probs)
	}
}
