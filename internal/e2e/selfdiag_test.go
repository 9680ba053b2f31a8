package e2e

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestKeeperSelfDiagnosis is the self-diagnosis in Japanese: a person
// entered in the inventory raises findings (through the evaluation job);
// the form shows mamori's proposals with the records behind them; the
// keeper keeps the proposals, answers the rest, saves, and reads the total
// and the band, then the SECURITY ACTION readiness — and the form and the
// result at a phone's width without sideways scrolling.
func TestKeeperSelfDiagnosis(t *testing.T) {
	chromium := chromiumPath(t)
	root := moduleRoot(t)
	bin := buildBinary(t, root)
	shots := artefactDir(t, root)
	l := languages[0]
	l.slug, l.orgName, l.email = "selfdiag-test", "株式会社自己診断試験", "keeper@selfdiag.example"
	ctx, cancel := context.WithTimeout(context.Background(), 2*scenarioTimeout)
	t.Cleanup(cancel)
	s := &scenario{l: l, srv: startServer(t, bin, l.lang, l.running)}
	s.b = newBrowser(t, ctx, chromium, l.acceptLanguage, shots, "selfdiag")
	s.setup(t)
	org := "/o/" + l.slug

	// A PC without antivirus, entered in the inventory.
	s.b.load(t, "open the new device form", http.StatusOK, chromedp.Navigate(s.srv.base+org+"/devices/new"))
	s.b.run(t, "fill the device", chromedp.Evaluate(`(() => {
		const set = (n, v) => { const e = document.querySelector('main form [name="' + n + '"]'); if (e) e.value = v; };
		set('name', '経理PC-01'); set('kind', 'pc'); set('ownership', 'company'); set('antivirus', 'no'); set('network', 'internal');
		return true;
	})()`, nil))
	if p := s.b.submit(t, `main form button[type=submit]`, http.StatusOK); p.Alert != "" {
		t.Fatalf("adding a device: got alert %q", p.Alert)
	}
	// The evaluation job raises the finding the proposal reads.
	p := s.waitPage(t, org+"/selfdiag/new", func(text string) bool { return strings.Contains(text, "提案：") })
	if !strings.Contains(p.Text, "提案：実施していない") || !strings.Contains(p.Text, "経理PC-01") || strings.Contains(p.Text, "%!") {
		t.Fatalf("form: got %q, want \"not done\" proposed for antivirus, naming the PC", p.Text)
	}
	proposed := s.b.count(t, `main fieldset.selfdiag-q input[type=radio]:checked`)
	if proposed == 0 {
		t.Fatal("no answer pre-selected from the proposals")
	}
	s.b.screenshot(t, "01-form-with-proposals")
	// Keep the proposals; answer the rest "一部実施している".
	var answered int
	s.b.run(t, "answer the questions without a proposal", chromedp.Evaluate(`(() => {
		let n = 0;
		document.querySelectorAll('main fieldset.selfdiag-q').forEach(f => {
			if (!f.querySelector('input:checked')) { f.querySelector('input[value=partly]').click(); n++; }
		});
		return n;
	})()`, &answered))
	if proposed+answered != 25 {
		t.Fatalf("got %d proposed and %d answered, want 25 in all", proposed, answered)
	}
	p = s.b.submit(t, `main form.selfdiag-form button[type=submit]`, http.StatusOK)
	if p.Alert != "" || !strings.Contains(p.Flash, "自己診断の回答を保存しました") || !strings.Contains(p.H1, "自己診断の結果") {
		t.Fatalf("after saving: got h1 %q flash %q alert %q", p.H1, p.Flash, p.Alert)
	}
	if !strings.Contains(p.Text, "点") || !strings.Contains(p.Text, "提案どおり") || !strings.Contains(p.Text, "初めての診断です") {
		t.Fatalf("result: got %q, want the total, the proposals confirmed and the first-sitting note", p.Text)
	}
	var band string
	s.b.run(t, "read the band", chromedp.Text("#selfdiag-band", &band, chromedp.ByQuery))
	if band == "" {
		t.Fatal("no band on the result")
	}
	s.b.screenshot(t, "02-result")
	resultURL := p.Path

	p = s.b.load(t, "open the readiness", http.StatusOK, chromedp.Navigate(s.srv.base+org+"/security-action"))
	if !strings.Contains(p.Text, "自己診断を済ませています") || !strings.Contains(p.Text, "認証や認定ではありません") {
		t.Fatalf("readiness: got %q, want the sitting counted and the declaration wording", p.Text)
	}
	s.b.screenshot(t, "03-security-action")

	const width, height = 390, 844
	s.b.run(t, "emulate a phone",
		chromedp.EmulateViewport(width, height, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	t.Cleanup(func() {
		chromedp.Run(s.b.ctx, emulation.ClearDeviceMetricsOverride(), emulation.SetTouchEmulationEnabled(false))
	})
	for i, path := range []string{org + "/selfdiag/new", resultURL, org + "/selfdiag"} {
		s.b.load(t, "at phone size", http.StatusOK, chromedp.Navigate(s.srv.base+path))
		var scrollWidth int
		s.b.run(t, "measure the page", chromedp.Evaluate(`document.documentElement.scrollWidth`, &scrollWidth))
		if scrollWidth > width {
			t.Errorf("%s at phone size: got %d px wide, want at most %d", path, scrollWidth, width)
		}
		s.b.screenshot(t, []string{"04-form-phone", "05-result-phone", "06-history-phone"}[i])
	}
	if probs := s.b.takeProblems(); len(probs) > 0 {
		t.Errorf("got CSP violations or script errors: %v", probs)
	}
}
