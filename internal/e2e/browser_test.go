package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/audits"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// actionTimeout bounds one browser action (a click and the page it loads,
// a screenshot).
const actionTimeout = 20 * time.Second

// chromiumPath finds Chromium. Without it the test skips, unless
// MAMORI_TEST_BROWSER=1 says the browser test must run.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"/usr/bin/chromium", "chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("MAMORI_TEST_BROWSER") == "1" {
		t.Fatal("got no Chromium at /usr/bin/chromium or in PATH, want one: MAMORI_TEST_BROWSER=1 requires the browser test")
	}
	t.Skip("skipping the browser test: no Chromium at /usr/bin/chromium or in PATH (MAMORI_TEST_BROWSER=1 makes this a failure)")
	return ""
}

// artefactDir is where screenshots go: $MAMORI_ARTIFACTS, or else
// artifacts/e2e at the module root (ignored by git).
func artefactDir(t *testing.T, root string) string {
	t.Helper()
	dir := os.Getenv("MAMORI_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(root, "artifacts", "e2e")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// browser is one headless Chromium with one tab, and what its pages
// reported: CSP violations and uncaught script errors.
type browser struct {
	ctx    context.Context
	dir    string // for screenshots
	prefix string // of screenshot names

	mu       sync.Mutex
	problems []string
	reported chan struct{} // signalled when a problem arrives
}

// newBrowser starts Chromium at a desktop window size, sending
// acceptLanguage with every request. It closes when the test ends.
func newBrowser(t *testing.T, ctx context.Context, exe, acceptLanguage, dir, prefix string) *browser {
	t.Helper()
	var output lockedBuffer
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
		chromedp.CombinedOutput(&output),
	)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	bctx, bcancel := chromedp.NewContext(actx, chromedp.WithErrorf(output.printf))
	t.Cleanup(func() {
		bcancel()
		acancel() // waits for Chromium to exit, before its profile is removed
		if t.Failed() {
			t.Logf("Chromium output (without D-Bus noise):\n%s", withoutDBus(output.String()))
		}
	})
	b := &browser{ctx: bctx, dir: dir, prefix: prefix, reported: make(chan struct{}, 1)}
	chromedp.ListenTarget(bctx, b.listen)
	// The first Run starts the browser, bound to bctx rather than to a
	// shorter-lived action context.
	if err := chromedp.Run(bctx,
		network.SetExtraHTTPHeaders(network.Headers{"Accept-Language": acceptLanguage}),
		audits.Enable(),
	); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return b
}

// withoutDBus drops the complaints of a Chromium with no D-Bus to talk to,
// which say nothing about the test.
func withoutDBus(out string) string {
	var keep []string
	for _, line := range strings.Split(out, "\n") {
		if !strings.Contains(line, ":ERROR:dbus/") {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "\n")
}

// listen records CSP violations, whichever way Chromium reports them, and
// uncaught exceptions.
func (b *browser) listen(ev any) {
	var problem string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		problem = "uncaught exception: " + ev.ExceptionDetails.Error()
	case *cdplog.EventEntryAdded:
		if strings.Contains(ev.Entry.Text, "Content Security Policy") {
			problem = fmt.Sprintf("console (%s): %s [%s]", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
		}
	case *runtime.EventConsoleAPICalled:
		for _, arg := range ev.Args {
			if strings.Contains(string(arg.Value), "Content Security Policy") {
				problem = "console." + string(ev.Type) + ": " + string(arg.Value)
			}
		}
	case *audits.EventIssueAdded:
		if d := ev.Issue.Details.ContentSecurityPolicyIssueDetails; d != nil {
			problem = fmt.Sprintf("CSP issue: %s blocked %q (directive %q)", d.ContentSecurityPolicyViolationType, d.BlockedURL, d.ViolatedDirective)
		}
	}
	if problem == "" {
		return
	}
	b.mu.Lock()
	b.problems = append(b.problems, problem)
	b.mu.Unlock()
	select {
	case b.reported <- struct{}{}:
	default:
	}
}

// takeProblems returns the problems reported since the last call.
func (b *browser) takeProblems() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	p := b.problems
	b.problems = nil
	return p
}

// waitProblem waits up to d for a problem to be reported.
func (b *browser) waitProblem(d time.Duration) {
	select {
	case <-b.reported:
	case <-time.After(d):
	case <-b.ctx.Done():
	}
}

// run runs actions that do not load a page.
func (b *browser) run(t *testing.T, what string, actions ...chromedp.Action) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, explain(err))
	}
}

// load runs actions that load a page (following redirects), checks the
// page's HTTP status and returns what the page shows.
func (b *browser) load(t *testing.T, what string, wantStatus int64, actions ...chromedp.Action) page {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, actionTimeout)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, actions...)
	if err != nil {
		t.Fatalf("%s: %v", what, explain(err))
	}
	if resp == nil {
		t.Fatalf("%s: got no page load, want one", what)
	}
	if resp.Status != wantStatus {
		t.Fatalf("%s: got HTTP %d on %s, want %d", what, resp.Status, resp.URL, wantStatus)
	}
	return b.page(t)
}

func explain(err error) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w (an element or page load never came)", err)
	}
	return err
}

// fill types value into the input matched by the CSS selector sel.
func (b *browser) fill(t *testing.T, sel, value string) {
	t.Helper()
	b.must(t, sel)
	b.run(t, "type into "+sel, chromedp.SendKeys(sel, value, chromedp.ByQuery))
}

// submit clicks the button matched by sel and returns the page it loads.
func (b *browser) submit(t *testing.T, sel string, wantStatus int64) page {
	t.Helper()
	b.must(t, sel)
	return b.load(t, "click "+sel, wantStatus, chromedp.Click(sel, chromedp.ByQuery))
}

// must fails at once when sel matches nothing, rather than letting a
// chromedp query wait for the element until the time runs out.
func (b *browser) must(t *testing.T, sel string) {
	t.Helper()
	if n := b.count(t, sel); n == 0 {
		p := b.page(t)
		t.Fatalf("got no element %q on %s (h1 %q, alert %q), want one", sel, p.Path, p.H1, p.Alert)
	}
}

// count counts the elements matched by sel.
func (b *browser) count(t *testing.T, sel string) int {
	t.Helper()
	var n int
	b.run(t, "count "+sel, chromedp.Evaluate(fmt.Sprintf("document.querySelectorAll(%q).length", sel), &n))
	return n
}

// page is what the current page shows, as far as the test cares.
type page struct {
	Path  string `json:"path"`
	Query string `json:"query"`
	Lang  string `json:"lang"`  // of <html>
	H1    string `json:"h1"`    // the heading of main
	Flash string `json:"flash"` // the confirmation line
	Alert string `json:"alert"` // the error line
	Text  string `json:"text"`  // all of main
}

const pageJS = `(() => {
  const text = sel => { const e = document.querySelector(sel); return e ? e.innerText.trim() : ""; };
  return {path: location.pathname, query: location.search, lang: document.documentElement.lang,
    h1: text("main h1"), flash: text("main .flash[role=status]"), alert: text("main [role=alert]"), text: text("main")};
})()`

func (b *browser) page(t *testing.T) page {
	t.Helper()
	var p page
	b.run(t, "read the page", chromedp.Evaluate(pageJS, &p))
	return p
}

// want is what a page should show; empty fields are not checked, except
// Alert: a page shows an error only when one is wanted.
type want struct {
	Path, Lang, H1, Flash, Alert string
}

// expect compares the page with w, reporting every difference, and stops
// the step if there is any: later actions would only fail more obscurely.
func expect(t *testing.T, p page, w want) {
	t.Helper()
	var diffs []string
	differ := func(format string, args ...any) { diffs = append(diffs, fmt.Sprintf(format, args...)) }
	for _, f := range []struct{ name, got, want string }{{"path", p.Path, w.Path}, {"<html lang>", p.Lang, w.Lang}, {"h1", p.H1, w.H1}} {
		if f.want != "" && f.got != f.want {
			differ("%s: got %q, want %q", f.name, f.got, f.want)
		}
	}
	if w.Flash != "" && !strings.Contains(p.Flash, w.Flash) {
		differ("flash: got %q, want one containing %q", p.Flash, w.Flash)
	}
	switch {
	case w.Alert == "" && p.Alert != "":
		differ("alert: got %q, want none", p.Alert)
	case !strings.Contains(p.Alert, w.Alert):
		differ("alert: got %q, want one containing %q", p.Alert, w.Alert)
	}
	if len(diffs) > 0 {
		t.Fatalf("on %s%s:\n\t%s", p.Path, p.Query, strings.Join(diffs, "\n\t"))
	}
}

// screenshot saves a full-page PNG named <prefix>-<name>.png.
func (b *browser) screenshot(t *testing.T, name string) {
	t.Helper()
	var png []byte
	// Quality 100 is what makes chromedp capture PNG rather than JPEG.
	b.run(t, "screenshot "+name, chromedp.FullScreenshot(&png, 100))
	path := filepath.Join(b.dir, b.prefix+"-"+name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
}
