package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/mamori-sec/mamori/internal/auth"
)

// scenarioTimeout bounds one language's run, including the wait of up to
// 31 s for a fresh TOTP time step.
const scenarioTimeout = 60 * time.Second

// password is the owner's password: long enough, and on no common list.
const password = "kaze-no-tani-2718"

// totpPeriod is the TOTP time step, in seconds (RFC 6238).
const totpPeriod = 30

// language is one run of the scenario: how to start the server and the
// browser, whom to register, and what the pages should say.
type language struct {
	code           string // also <html lang> and the screenshot prefix
	lang           string // LANG of the server
	acceptLanguage string // sent by the browser
	running        string // start of the server's "running: URL" line

	orgName, slug, name, email string

	setupTitle, dashboard, setupDone, totpOn   string
	signInTitle, signedOut, otpTitle, otpWrong string
}

var languages = []language{
	{
		code: "ja", lang: "ja_JP.UTF-8", acceptLanguage: "ja,en-US;q=0.7,en;q=0.3", running: "mamori を起動しました：",
		orgName: "株式会社テスト商事", slug: "test-shoji", name: "山田 花子", email: "hanako@example.jp",
		setupTitle: "初期設定", dashboard: "ダッシュボード", setupDone: "初期設定が完了しました", totpOn: "多要素認証を有効にしました",
		signInTitle: "サインイン", signedOut: "サインアウトしました", otpTitle: "多要素認証", otpWrong: "確認コードが正しくないか",
	},
	{
		code: "en", lang: "en_GB.UTF-8", acceptLanguage: "en-GB,en;q=0.9", running: "mamori is running: ",
		orgName: "Test Trading Ltd.", slug: "test-trading", name: "Alex Morgan", email: "alex@example.com",
		setupTitle: "First-run setup", dashboard: "Dashboard", setupDone: "Setup is complete", totpOn: "Multi-factor authentication is on",
		signInTitle: "Sign in", signedOut: "You have signed out", otpTitle: "Multi-factor authentication", otpWrong: "The code is not correct",
	},
}

// TestSetupTOTPSignIn walks a new owner through first-run setup, turning
// on two-step verification, and signing out and in again, in each language.
func TestSetupTOTPSignIn(t *testing.T) {
	chromium := chromiumPath(t)
	root := moduleRoot(t)
	bin := buildBinary(t, root)
	shots := artefactDir(t, root)
	t.Logf("screenshots: %s", shots)

	for _, l := range languages {
		t.Run(l.code, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), scenarioTimeout)
			t.Cleanup(cancel)
			s := &scenario{l: l, srv: startServer(t, bin, l.lang, l.running)}
			s.b = newBrowser(t, ctx, chromium, l.acceptLanguage, shots, l.code)
			s.run(t)
		})
	}
}

// scenario is the state the steps share.
type scenario struct {
	l   language
	srv *server
	b   *browser

	secret    string // TOTP secret shown at enrolment
	usedStep  int64  // TOTP time step the server last accepted
	dashboard string // path of the organisation's dashboard
}

// run runs the steps in order, stopping at the first that fails, since
// each builds on the last. After each step no page may have reported a CSP
// violation or a script error.
func (s *scenario) run(t *testing.T) {
	steps := []struct {
		name string
		do   func(*testing.T)
	}{
		{"setup", s.setup},
		{"totp-enrol", s.enrolTOTP},
		{"sign-out", s.signOut},
		{"sign-in-password", s.signInPassword},
		{"wrong-otp", s.wrongOTP},
		{"sign-in-otp", s.signInOTP},
		{"phone", s.phone},
		{"signed-out-redirect", s.signedOutRedirect},
		{"csp-detector", s.cspDetector},
	}
	for _, step := range steps {
		ok := t.Run(step.name, func(t *testing.T) {
			step.do(t)
			if p := s.b.takeProblems(); len(p) > 0 {
				t.Errorf("got %d CSP violations or script errors, want none:\n\t%s", len(p), strings.Join(p, "\n\t"))
			}
		})
		if !ok {
			t.FailNow()
		}
	}
}

// setup fills in the first-run form and lands on the new dashboard.
func (s *scenario) setup(t *testing.T) {
	l := s.l
	p := s.b.load(t, "open the setup link", http.StatusOK, chromedp.Navigate(s.srv.setupURL))
	expect(t, p, want{Path: "/setup", Lang: l.code, H1: l.setupTitle})
	s.b.screenshot(t, "01-setup-form")

	for _, f := range []struct{ sel, value string }{
		{"#org_name", l.orgName},
		{"#org_slug", l.slug},
		{"#name", l.name},
		{"#email", l.email},
		{"#password", password},
		{"#password_confirm", password},
	} {
		s.b.fill(t, f.sel, f.value)
	}
	p = s.b.submit(t, `form[action="/setup"] button[type=submit]`, http.StatusOK)
	s.dashboard = "/o/" + l.slug + "/"
	expect(t, p, want{Path: s.dashboard, Lang: l.code, H1: l.dashboard, Flash: l.setupDone})
	if !strings.Contains(p.Text, l.name) {
		t.Errorf("dashboard: got text %q, want it to greet %q", p.Text, l.name)
	}
	s.b.screenshot(t, "02-dashboard")
}

// enrolTOTP turns on two-step verification with a code computed from the
// secret on the page, and expects ten recovery codes.
func (s *scenario) enrolTOTP(t *testing.T) {
	l := s.l
	p := s.b.load(t, "open the TOTP page", http.StatusOK, chromedp.Navigate(s.srv.base+"/account/totp"))
	expect(t, p, want{Path: "/account/totp", Lang: l.code, H1: l.otpTitle})
	p = s.b.submit(t, `form[action="/account/totp/begin"] button[type=submit]`, http.StatusOK)
	expect(t, p, want{Path: "/account/totp", Lang: l.code})

	var qrWidth int
	s.b.run(t, "read the QR code and the secret",
		chromedp.Evaluate(`document.querySelector("img.qr")?.naturalWidth ?? 0`, &qrWidth),
		chromedp.Text("code.secret", &s.secret, chromedp.ByQuery),
	)
	if qrWidth == 0 {
		t.Errorf("QR code: got no image loaded, want one")
	}
	s.secret = strings.ReplaceAll(s.secret, " ", "")
	s.b.screenshot(t, "03-totp-enrol")

	now := time.Now()
	s.b.fill(t, "#code", totpCode(t, s.secret, now))
	p = s.b.submit(t, `form[action="/account/totp/confirm"] button[type=submit]`, http.StatusOK)
	s.usedStep = now.Unix() / totpPeriod
	expect(t, p, want{Path: "/account/totp/confirm", Lang: l.code, Flash: l.totpOn})
	if n := s.b.count(t, "ol.codes li"); n != 10 {
		t.Errorf("recovery codes: got %d, want 10", n)
	}
	s.b.screenshot(t, "04-recovery-codes")
}

// signOut uses the button in the header.
func (s *scenario) signOut(t *testing.T) {
	p := s.b.submit(t, `header form[action="/signout"] button[type=submit]`, http.StatusOK)
	expect(t, p, want{Path: "/signin", Lang: s.l.code, H1: s.l.signInTitle, Flash: s.l.signedOut})
	s.b.screenshot(t, "05-signed-out")
}

// signInPassword gets as far as the second factor.
func (s *scenario) signInPassword(t *testing.T) {
	s.b.fill(t, "#email", s.l.email)
	s.b.fill(t, "#password", password)
	p := s.b.submit(t, `form[action="/signin"] button[type=submit]`, http.StatusOK)
	expect(t, p, want{Path: "/signin/otp", Lang: s.l.code, H1: s.l.otpTitle})
}

// wrongOTP expects a wrong code to be refused with the error on the form.
func (s *scenario) wrongOTP(t *testing.T) {
	s.b.fill(t, "#code", wrongCode(t, s.secret, time.Now()))
	p := s.b.submit(t, `form[action="/signin/otp"] button[type=submit]`, http.StatusBadRequest)
	expect(t, p, want{Path: "/signin/otp", Lang: s.l.code, H1: s.l.otpTitle, Alert: s.l.otpWrong})
	if s.b.count(t, `form[action="/signin/otp"] #code`) != 1 {
		t.Errorf("after a wrong code: got no code field, want the form again")
	}
	s.b.screenshot(t, "06-otp-error")
}

// signInOTP completes the sign-in with a code from a time step the server
// has not accepted yet: it refuses a step twice, so a code seen by someone
// looking over a shoulder cannot be replayed.
func (s *scenario) signInOTP(t *testing.T) {
	now := s.waitFreshStep(t)
	s.b.fill(t, "#code", totpCode(t, s.secret, now))
	p := s.b.submit(t, `form[action="/signin/otp"] button[type=submit]`, http.StatusOK)
	s.usedStep = now.Unix() / totpPeriod
	expect(t, p, want{Path: s.dashboard, Lang: s.l.code, H1: s.l.dashboard})
	s.b.screenshot(t, "07-dashboard-totp")
}

// waitFreshStep waits, if the TOTP step of now is the one last used, until
// a second into the next one.
func (s *scenario) waitFreshStep(t *testing.T) time.Time {
	now := time.Now()
	if now.Unix()/totpPeriod > s.usedStep {
		return now
	}
	d := time.Until(time.Unix((s.usedStep+1)*totpPeriod+1, 0))
	t.Logf("waiting %s for the next TOTP time step", d.Round(100*time.Millisecond))
	select {
	case <-time.After(d):
	case <-s.b.ctx.Done():
		t.Fatalf("waiting for the next TOTP step: %v", s.b.ctx.Err())
	}
	return time.Now()
}

// phone shows the dashboard at a phone's size and expects no sideways
// scrolling.
func (s *scenario) phone(t *testing.T) {
	const width, height = 390, 844
	s.b.run(t, "emulate a phone",
		chromedp.EmulateViewport(width, height, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	t.Cleanup(func() {
		if err := chromedp.Run(s.b.ctx, emulation.ClearDeviceMetricsOverride(), emulation.SetTouchEmulationEnabled(false)); err != nil {
			t.Errorf("back to the desktop size: %v", err)
		}
	})
	p := s.b.load(t, "reload at phone size", http.StatusOK, chromedp.Reload())
	expect(t, p, want{Path: s.dashboard, Lang: s.l.code, H1: s.l.dashboard})
	var scrollWidth int
	s.b.run(t, "measure the page", chromedp.Evaluate(`document.documentElement.scrollWidth`, &scrollWidth))
	if scrollWidth > width {
		t.Errorf("page width at phone size: got %d px, want at most %d (no sideways scrolling)", scrollWidth, width)
	}
	s.b.screenshot(t, "08-dashboard-phone")
}

// signedOutRedirect signs out again and expects the dashboard to send the
// browser to the sign-in page.
func (s *scenario) signedOutRedirect(t *testing.T) {
	p := s.b.submit(t, `header form[action="/signout"] button[type=submit]`, http.StatusOK)
	expect(t, p, want{Path: "/signin", Lang: s.l.code, Flash: s.l.signedOut})
	p = s.b.load(t, "open the dashboard signed out", http.StatusOK, chromedp.Navigate(s.srv.base+s.dashboard))
	expect(t, p, want{Path: "/signin", Lang: s.l.code, H1: s.l.signInTitle})
	if wantQuery := "?next=" + strings.ReplaceAll(s.dashboard, "/", "%2F"); p.Query != wantQuery {
		t.Errorf("sign-in query: got %q, want %q", p.Query, wantQuery)
	}
	s.b.screenshot(t, "09-signin-redirect")
}

// cspDetector makes sure the CSP check of the steps above can fail at all:
// an inline data: image, which the policy forbids, must be reported.
func (s *scenario) cspDetector(t *testing.T) {
	s.b.run(t, "add a forbidden image", chromedp.Evaluate(
		`document.body.appendChild(Object.assign(document.createElement("img"), {src: "data:image/gif;base64,R0lGODlhAQABAAAAACw="})) && true`, nil))
	s.b.waitProblem(5 * time.Second)
	if p := s.b.takeProblems(); len(p) == 0 {
		t.Fatal("blocked data: image: got no CSP report, want one (the CSP check cannot be trusted)")
	} else {
		t.Logf("a forbidden image is reported as: %s", strings.Join(p, " | "))
	}
}

// totpCode is the code an authenticator app would show at time at.
func totpCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := auth.TOTPCode(secret, at)
	if err != nil {
		t.Fatalf("TOTP code from secret %q: %v", secret, err)
	}
	return code
}

// wrongCode is a six-digit code valid in no step near now.
func wrongCode(t *testing.T, secret string, now time.Time) string {
	t.Helper()
	near := map[string]bool{}
	for d := -2; d <= 2; d++ {
		near[totpCode(t, secret, now.Add(time.Duration(d*totpPeriod)*time.Second))] = true
	}
	for n := 0; ; n++ {
		if c := fmt.Sprintf("%06d", n); !near[c] {
			return c
		}
	}
}
