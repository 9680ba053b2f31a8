package e2e

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"golang.org/x/text/collate"
	xlanguage "golang.org/x/text/language"
)

// The demo company and its keeper, as "mamori demo" creates them.
const (
	demoCompany = "株式会社さくら精機"
	demoOrg     = "/o/sakura-seiki"
	demoKeeper  = "m.tanaka@sakura-seiki.example"
	demoDomain  = "@sakura-seiki.example"
)

// firstHourTimeout bounds one screen size's walk: the demo's start, its
// evaluations after each change and a dozen page loads.
const firstHourTimeout = 4 * time.Minute

// screen is one size the keeper uses.
type screen struct {
	name          string
	width, height int64
	phone         bool
}

var screens = []screen{
	{name: "laptop", width: 1280, height: 900},
	{name: "phone", width: 390, height: 844, phone: true},
}

// recordCode finds a record named by its internal code rather than in
// words: 「アカウント #3」, account:3, person:12 and the like.
var recordCode = regexp.MustCompile(`(アカウント|従業員|機器|共有設定?|サービス|情報資産) ?#\d|\b(account|person|device|share|service|asset):\d`)

// TestKeeperFirstHour walks the keeper's first hour on the demo company, in
// Japanese, at laptop and phone sizes (issue 8): the dashboard starts with
// what to do and a score that has seen every area; the findings are grouped
// by check and name their records; the departed person's page lists the
// accounts still open, first and in red; the where-is-what map is in
// 五十音 order, marks exposed places and prints on A4; an import with three
// bad rows reports all three and changes nothing; fixing a finding moves
// the score.
func TestKeeperFirstHour(t *testing.T) {
	chromium := chromiumPath(t)
	root := moduleRoot(t)
	bin := buildBinary(t, root)
	shots := artefactDir(t, root)
	t.Logf("screenshots: %s", shots)

	// One after the other: each size has its own demo (the walk changes
	// it), and the machine is small.
	for _, sc := range screens {
		t.Run(sc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), firstHourTimeout)
			t.Cleanup(cancel)
			srv, password := startDemo(t, bin, languages[0].lang)
			h := &firstHour{
				scenario: &scenario{l: languages[0], srv: srv},
				screen:   sc,
				password: password,
			}
			h.b = newBrowser(t, ctx, chromium, languages[0].acceptLanguage, shots, "firsthour-"+sc.name)
			h.run(t)
		})
	}
}

// firstHour is the state the steps share.
type firstHour struct {
	*scenario
	screen   screen
	password string // the keeper's, as the demo printed it

	person      string   // path of the departed person's page
	stillActive []string // paths of their accounts still active
}

func (h *firstHour) run(t *testing.T) {
	steps := []struct {
		name string
		do   func(*testing.T)
	}{
		{"sign-in", h.signIn},
		{"dashboard", h.dashboard},
		{"findings-grouped", h.findingsGrouped},
		{"departed-person", h.departedPerson},
		{"where-is-what", h.whereIsWhat},
		{"import-three-errors", h.importThreeErrors},
		{"score-moves", h.scoreMoves},
		{"csp-detector", h.cspDetector},
	}
	for _, step := range steps {
		ok := t.Run(step.name, func(t *testing.T) {
			step.do(t)
			if p := h.b.takeProblems(); len(p) > 0 {
				t.Errorf("got %d CSP violations or script errors, want none:\n\t%s", len(p), strings.Join(p, "\n\t"))
			}
		})
		if !ok {
			t.FailNow()
		}
	}
}

// signIn sizes the browser, then signs in as the keeper with the password
// the demo printed.
func (h *firstHour) signIn(t *testing.T) {
	sc := h.screen
	if sc.phone {
		h.b.run(t, "emulate a phone", chromedp.EmulateViewport(sc.width, sc.height,
			chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	} else {
		h.b.run(t, "size the window", chromedp.EmulateViewport(sc.width, sc.height))
	}
	p := h.b.load(t, "open the sign-in page", http.StatusOK, chromedp.Navigate(h.srv.base+"/signin"))
	expect(t, p, want{Path: "/signin", Lang: "ja", H1: "サインイン"})
	var width int64
	h.b.run(t, "measure the viewport", chromedp.Evaluate(`window.innerWidth`, &width))
	if width != sc.width {
		t.Fatalf("viewport: got %d px wide, want %d", width, sc.width)
	}
	h.b.fill(t, "#email", demoKeeper)
	h.b.fill(t, "#password", h.password)
	p = h.b.submit(t, `form[action="/signin"] button[type=submit]`, http.StatusOK)
	if p.Path == "/signin" || p.Alert != "" {
		t.Fatalf("sign in as %s: got %s with alert %q, want to be signed in", demoKeeper, p.Path, p.Alert)
	}
}

// dashboard: the top actions come before the score; the score is a number
// strictly between 0 and 100, with the areas it assessed; every link of
// this week's work opens for the keeper.
func (h *firstHour) dashboard(t *testing.T) {
	p := h.waitEvaluated(t, demoOrg+"/")
	expect(t, p, want{Path: demoOrg + "/", Lang: "ja", H1: "ダッシュボード"})
	h.b.screenshot(t, "01-dashboard")

	var order struct {
		Actions, Score         bool
		InSource, ActionsAbove bool
	}
	h.b.run(t, "compare the top actions and the score", chromedp.Evaluate(`(() => {
  const a = document.querySelector("main .top-actions"), s = document.querySelector("main .card.score");
  if (!a || !s) return {actions: !!a, score: !!s};
  return {actions: true, score: true,
    inSource: !!(a.compareDocumentPosition(s) & Node.DOCUMENT_POSITION_FOLLOWING),
    actionsAbove: a.getBoundingClientRect().top < s.getBoundingClientRect().top};
})()`, &order))
	switch {
	case !order.Actions || !order.Score:
		t.Fatalf("dashboard: got top actions %v and score card %v, want both", order.Actions, order.Score)
	case !order.InSource || !order.ActionsAbove:
		t.Errorf("dashboard: got the top actions after the score card (in the page %v, on screen %v), want them first", order.InSource, order.ActionsAbove)
	}

	score, hint := h.readScore(t)
	if !(score > 0 && score < 100) {
		t.Errorf("score: got %v, want a number strictly between 0 and 100", score)
	}
	if !strings.Contains(hint, "分野") || !strings.Contains(hint, "評価") {
		t.Errorf("score card: got %q, want it to say how many 分野 were assessed (評価)", hint)
	}

	var links []string
	h.b.run(t, "read this week's links", chromedp.Evaluate(`[...document.querySelectorAll("main section.card")]
  .filter(s => ["今週やること", "今週いちばん大事な3つの対応"].includes(s.querySelector("h2")?.innerText.trim()))
  .flatMap(s => [...s.querySelectorAll("a[href]")].map(a => a.getAttribute("href")))`, &links))
	if len(links) == 0 {
		t.Fatal("dashboard: got no links in 今週やること or the top actions, want some")
	}
	for _, href := range links {
		p := h.b.load(t, "follow "+href, http.StatusOK, chromedp.Navigate(h.srv.base+href))
		if p.Path == "/signin" || p.Alert != "" {
			t.Errorf("link %s: got %s (alert %q), want a page the keeper may open", href, p.Path, p.Alert)
		}
	}
}

// findingsGrouped: one row per check, the departed-person check once with
// its record count; opened, it names its records in words.
func (h *firstHour) findingsGrouped(t *testing.T) {
	h.waitEvaluated(t, demoOrg+"/findings")
	var groups []struct{ Title, Count string }
	h.b.run(t, "read the groups", chromedp.Evaluate(`[...document.querySelectorAll("main details.finding-group")].map(d => {
  const strong = d.querySelector("summary strong");
  if (strong && strong.innerText.trim() === `+strconv.Quote(departedTitle)+`) d.dataset.e2e = "departed";
  return {title: strong ? strong.innerText.trim() : "", count: d.querySelector(".group-count")?.innerText.trim() ?? ""};
})`, &groups))
	seen := map[string]int{}
	count := ""
	for _, g := range groups {
		seen[g.Title]++
		if g.Title == departedTitle {
			count = g.Count
		}
	}
	for title, n := range seen {
		if n > 1 {
			t.Errorf("findings: got %d groups titled %q, want one row per check", n, title)
		}
	}
	if seen[departedTitle] != 1 {
		t.Fatalf("findings: got %d groups titled %q among %d, want one", seen[departedTitle], departedTitle, len(groups))
	}
	m := regexp.MustCompile(`^(\d+) 件$`).FindStringSubmatch(count)
	if m == nil {
		t.Fatalf("group %q: got count %q, want 「N 件」", departedTitle, count)
	}

	const group = `main details[data-e2e="departed"]`
	var open bool
	h.b.run(t, "open the group", chromedp.Click(group+" > summary", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector(`+strconv.Quote(group)+`).open`, &open))
	if !open {
		t.Fatalf("group %q: got it closed after a click on its summary, want it open", departedTitle)
	}
	var records []struct{ Text, Href string }
	h.b.run(t, "read the records", chromedp.Evaluate(`[...document.querySelectorAll(`+strconv.Quote(group+` td[data-label="対象"] a`)+`)]
  .map(a => ({text: a.innerText.trim(), href: a.getAttribute("href")}))`, &records))
	if n, _ := strconv.Atoi(m[1]); len(records) != n {
		t.Errorf("group %q: got %d records listed, want %d as its count says", departedTitle, len(records), n)
	}
	for _, r := range records {
		if r.Text == "" || recordCode.MatchString(r.Text) || !strings.HasPrefix(r.Href, demoOrg+"/people/") {
			t.Errorf("group %q: got record %q → %s, want a person named in words, linked to their page", departedTitle, r.Text, r.Href)
		}
	}
	if len(records) == 0 {
		t.Fatalf("group %q: got no records, want the departed people", departedTitle)
	}
	h.b.screenshot(t, "02-findings-grouped")
	h.b.run(t, "show the group", chromedp.ScrollIntoView(group, chromedp.ByQuery))
	h.viewShot(t, "02-findings-group-open")

	// The other groups, closed, name theirs in words too: accounts by
	// their address.
	var text string
	h.b.run(t, "read every group's records", chromedp.Evaluate(`[...document.querySelectorAll('main details.finding-group td[data-label="対象"]')]
  .map(td => td.textContent.trim()).join("\n")`, &text))
	if c := recordCode.FindString(text); c != "" {
		t.Errorf("findings: got a record named %q, want records named in words", c)
	}
	if !strings.Contains(text, demoDomain) {
		t.Errorf("findings: got no address …%s on the page, want accounts named by their address", demoDomain)
	}
	h.person = records[0].Href
	h.b.must(t, group+` td[data-label="対象"] a`)
	p := h.b.load(t, "follow the record link", http.StatusOK, chromedp.Click(group+` td[data-label="対象"] a`, chromedp.ByQuery))
	if p.Path != h.person {
		t.Fatalf("record link: got %s, want %s", p.Path, h.person)
	}
}

// departedPerson: the accounts still active come first, in red, then the
// findings about the person.
func (h *firstHour) departedPerson(t *testing.T) {
	var got struct {
		First     string
		Color     string
		Accounts  []struct{ Text, Href string }
		Findings  string
		Reachable bool
	}
	h.b.run(t, "read the person's page", chromedp.Evaluate(`(() => {
  const s = document.querySelector("main #still-active");
  const first = document.querySelector("main section.card");
  return {first: first ? first.id : "", color: s ? getComputedStyle(s.querySelector("h2") || s).color : "",
    accounts: s ? [...s.querySelectorAll("a[href*='/accounts/']")].map(a => ({text: a.innerText.trim(), href: a.getAttribute("href")})) : [],
    findings: document.querySelector("main #findings")?.innerText ?? "",
    reachable: !!document.querySelector("main #reach")};
})()`, &got))
	h.b.screenshot(t, "03-departed-person")
	if got.First != "still-active" {
		t.Errorf("departed person's page: got first section %q, want #still-active", got.First)
	}
	if !reddish(got.Color) {
		t.Errorf("#still-active: got heading colour %q, want red", got.Color)
	}
	if len(got.Accounts) == 0 {
		t.Fatalf("#still-active: got no accounts, want the departed person's accounts still active")
	}
	for _, a := range got.Accounts {
		if a.Text == "" || recordCode.MatchString(a.Text) {
			t.Errorf("#still-active: got account %q, want it named by its login", a.Text)
		}
		h.stillActive = append(h.stillActive, a.Href)
	}
	if !strings.Contains(got.Findings, departedTitle) {
		t.Errorf("#findings: got %q, want %q among them", got.Findings, departedTitle)
	}
	if !got.Reachable {
		t.Errorf("departed person's page: got no #reach section, want every account, device and share of theirs")
	}
}

// reddish says whether a computed CSS colour, rgb(r, g, b), is a red.
func reddish(css string) bool {
	var r, g, b int
	if _, err := fmt.Sscanf(css, "rgb(%d, %d, %d)", &r, &g, &b); err != nil {
		return false
	}
	return r >= 128 && r > 2*g && r > 2*b
}

// whereIsWhat: the rows in 五十音 order, exposed places marked with ▲ and
// explained; printed on A4 landscape with the company name on every page.
func (h *firstHour) whereIsWhat(t *testing.T) {
	p := h.b.load(t, "open the map", http.StatusOK, chromedp.Navigate(h.srv.base+demoOrg+"/inventory/where"))
	expect(t, p, want{Path: demoOrg + "/inventory/where", Lang: "ja", H1: "どこに何があるか"})
	h.b.screenshot(t, "04-where-is-what")

	var names []string
	h.b.run(t, "read the asset names", chromedp.Evaluate(`[...document.querySelectorAll("main table.matrix tbody th.asset > a")].map(a => a.innerText.trim())`, &names))
	if len(names) < 3 {
		t.Fatalf("map: got %d assets %q, want the demo's assets", len(names), names)
	}
	first := names[:min(len(names), 6)]
	sorted := slices.Clone(first)
	collate.New(xlanguage.Japanese).SortStrings(sorted)
	if !slices.Equal(first, sorted) {
		t.Errorf("map: got rows %q, want them in 五十音 order %q", first, sorted)
	}
	if n := h.b.count(t, "main table.matrix td.mark.exposed a"); n == 0 {
		t.Errorf("map: got no place marked exposed, want the demo's open shares marked")
	}
	var mark, legend string
	h.b.run(t, "read the mark and the legend",
		chromedp.Evaluate(`document.querySelector("main table.matrix td.mark.exposed [aria-hidden=true]")?.textContent.trim() ?? ""`, &mark),
		chromedp.Evaluate(`document.querySelector("main .where-legend")?.innerText ?? ""`, &legend))
	if mark != "▲" {
		t.Errorf("map: got exposed mark %q, want ▲", mark)
	}
	if !strings.Contains(legend, "▲") || !strings.Contains(legend, "●") {
		t.Errorf("map legend: got %q, want ● and ▲ explained", legend)
	}

	var pdf []byte
	h.b.run(t, "print the map", chromedp.ActionFunc(func(ctx context.Context) error {
		var err error
		pdf, _, err = cdppage.PrintToPDF().WithLandscape(true).WithPaperWidth(8.27).WithPaperHeight(11.69).
			WithPrintBackground(true).Do(ctx)
		return err
	}))
	path := filepath.Join(h.b.dir, h.b.prefix+"-04-where-is-what.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Logf("no pdftotext (apt-get install poppler-utils): checking only the PDF's size; it is kept at %s", path)
		if len(pdf) <= 10<<10 {
			t.Errorf("printed map: got %d bytes, want more than 10 KB", len(pdf))
		}
		return
	}
	out, err := exec.Command(pdftotext, "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	pages := strings.Split(strings.TrimRight(string(out), "\f"), "\f")
	if len(pages) == 0 || strings.TrimSpace(pages[0]) == "" {
		t.Fatalf("printed map %s: got no page with text, want at least one", path)
	}
	for i, pg := range pages {
		if !strings.Contains(pg, demoCompany) {
			t.Errorf("printed map %s, page %d of %d: got no %q, want the company name on every page", path, i+1, len(pages), demoCompany)
		}
	}
	if !strings.Contains(string(out), first[0]) {
		t.Errorf("printed map %s: got no %q, want the assets", path, first[0])
	}
	t.Logf("printed map: %d page(s), %d bytes, %s", len(pages), len(pdf), path)
}

// importThreeErrors uploads a staff list with three different bad cells and
// expects all three reported with row, column and value, and no change.
func (h *firstHour) importThreeErrors(t *testing.T) {
	before := h.peopleCount(t)
	csv := "\ufeff" + strings.Join([]string{
		"氏名,フリガナ,メールアドレス,部署,雇用形態,上長メールアドレス,入社日,退職日",
		"試験 一郎,シケン イチロウ,ichiro.shiken@sakura-seiki.example,総務部,正社員,,2024/13/45,",
		"試験 二郎,シケン ジロウ,jiro.shiken@sakura-seiki.example,総務部,宇宙飛行士,,2024/04/01,",
		",シケン サブロウ,saburo.shiken@sakura-seiki.example,総務部,正社員,,2024/04/01,",
	}, "\r\n") + "\r\n"
	file := filepath.Join(t.TempDir(), "従業員_誤りあり.csv")
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	h.b.load(t, "open the import page", http.StatusOK, chromedp.Navigate(h.srv.base+demoOrg+"/import"))
	h.b.run(t, "choose the file", chromedp.SetUploadFiles("#file", []string{file}, chromedp.ByQuery))
	p := h.b.submit(t, `form[action="`+demoOrg+`/import/preview"] button[type=submit]`, http.StatusBadRequest)
	h.b.screenshot(t, "05-import-three-errors")
	h.b.run(t, "show the errors", chromedp.ScrollIntoView("main #import-errors", chromedp.ByQuery))
	h.viewShot(t, "05-import-errors-table")
	if !strings.Contains(p.Alert, "3 件") {
		t.Errorf("import: got alert %q, want it to count 3 errors (「3 件」)", p.Alert)
	}
	var rows [][]string
	h.b.run(t, "read the errors", chromedp.Evaluate(`[...document.querySelectorAll("main #import-errors tbody tr")]
  .map(tr => [...tr.cells].map(td => td.innerText.trim()))`, &rows))
	wantRows := [][]string{
		{"2", "入社日", "2024/13/45"},
		{"3", "雇用形態", "宇宙飛行士"},
		{"4", "氏名", "空欄"},
	}
	if len(rows) != len(wantRows) {
		t.Fatalf("import errors: got %d rows %q, want %d (all errors at once)", len(rows), rows, len(wantRows))
	}
	for i, w := range wantRows {
		if len(rows[i]) < 4 || !slices.Equal(rows[i][:3], w) || rows[i][3] == "" {
			t.Errorf("import error %d: got %q, want row, column and value %q and how to fix it", i+1, rows[i], w)
		}
	}
	if !strings.Contains(p.Text, "従業員：Excel") {
		t.Errorf("import page: got no 「従業員：Excel」 among the exports, want each kind labelled with a full-width colon")
	}
	if after := h.peopleCount(t); after != before {
		t.Errorf("people after the refused import: got %q, want %q unchanged", after, before)
	}
}

// peopleCount is the count line of the people list.
func (h *firstHour) peopleCount(t *testing.T) string {
	t.Helper()
	h.b.load(t, "open the people", http.StatusOK, chromedp.Navigate(h.srv.base+demoOrg+"/people"))
	var count string
	h.b.run(t, "read the people count", chromedp.Evaluate(`document.querySelector("main .count")?.innerText.trim() ?? ""`, &count))
	if !regexp.MustCompile(`\d`).MatchString(count) {
		t.Fatalf("people: got count line %q, want a number", count)
	}
	return count
}

// scoreMoves suspends the departed person's still-active accounts through
// their edit forms, as a keeper closing the leaver's access does, and
// expects the score to rise once the evaluation has run.
func (h *firstHour) scoreMoves(t *testing.T) {
	h.waitEvaluated(t, demoOrg+"/findings")
	before, _ := h.readScore(t)
	account := strings.Join(h.stillActive, ", ")
	for _, a := range h.stillActive {
		h.b.load(t, "open the account", http.StatusOK, chromedp.Navigate(h.srv.base+a))
		h.b.submit(t, `main a[href$="/edit"]`, http.StatusOK)
		h.b.run(t, "set the status to suspended", chromedp.SetValue(`select[name="status"]`, "suspended", chromedp.ByQuery))
		p := h.b.submit(t, `main form.record-form button[type=submit]`, http.StatusOK)
		if p.Alert != "" || p.Flash == "" {
			t.Fatalf("saving %s: got flash %q alert %q, want a confirmation", a, p.Flash, p.Alert)
		}
	}
	after := before
	p := h.scenario.waitFindings(t, demoOrg+"/findings", func(string) bool {
		after, _ = h.readScore(t)
		return after > before
	})
	h.viewShot(t, "06-score-after-fix")
	if strings.Contains(p.Text, evaluating) {
		t.Fatalf("findings: got %q still shown after waiting, want the evaluation done", evaluating)
	}
	if !(after > before) {
		t.Errorf("score after suspending %s: got %v, want more than %v", account, after, before)
	}
	t.Logf("score: %v → %v after suspending %s", before, after, account)
}

// viewShot saves what the screen shows, rather than the whole page, as a
// PNG named <prefix>-<name>.png.
func (h *firstHour) viewShot(t *testing.T, name string) {
	t.Helper()
	var png []byte
	h.b.run(t, "screenshot "+name, chromedp.CaptureScreenshot(&png))
	if err := os.WriteFile(filepath.Join(h.b.dir, h.b.prefix+"-"+name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// readScore reads the score card of the page shown: the number and the
// lines under it.
func (h *firstHour) readScore(t *testing.T) (float64, string) {
	t.Helper()
	var card struct{ Big, Hint string }
	h.b.run(t, "read the score", chromedp.Evaluate(`(() => {
  const c = document.querySelector("main .card.score");
  if (!c) return {big: "", hint: ""};
  const big = c.querySelector(".big");
  const n = big ? big.cloneNode(true) : null;
  n?.querySelector(".of")?.remove();
  return {big: n ? n.textContent.trim() : "", hint: [...c.querySelectorAll(".hint")].map(e => e.innerText).join(" ")};
})()`, &card))
	score, err := strconv.ParseFloat(card.Big, 64)
	if err != nil {
		t.Fatalf("score card: got %q (%q), want a number", card.Big, card.Hint)
	}
	return score, card.Hint
}

// waitEvaluated reloads path until no evaluation is running.
func (h *firstHour) waitEvaluated(t *testing.T, path string) page {
	t.Helper()
	p := h.scenario.waitFindings(t, path, func(string) bool { return true })
	if strings.Contains(p.Text, evaluating) {
		t.Fatalf("%s: got %q still shown after waiting, want the evaluation done", path, evaluating)
	}
	return p
}

// demoPassword finds the keeper's password in the block the demo prints:
// 「担当者：ADDRESS　パスワード：PASSWORD」.
var demoPassword = regexp.MustCompile(regexp.QuoteMeta(demoKeeper) + `[\s\x{3000}]*パスワード：(\S+)`)

// startDemo runs "mamori demo" on a fresh data directory, reads the server's
// address and the keeper's password from the sign-in block it prints, and
// waits for /healthz. The server is stopped with SIGTERM when the test ends.
func startDemo(t *testing.T, bin, lang string) (*server, string) {
	t.Helper()
	cmd := exec.Command(bin, "demo", "--data", filepath.Join(t.TempDir(), "data"), "--addr", "127.0.0.1:0")
	cmd.Env = serverEnv(lang)
	var stdout, stderr lockedBuffer
	cmd.Stderr = &stderr
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s demo: %v", bin, err)
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
			default: // nobody listens once the block is read
			}
		}
	}()
	t.Cleanup(func() {
		stopServer(t, cmd, readDone)
		if t.Failed() {
			t.Logf("demo stdout:\n%s\ndemo stderr:\n%s", stdout.String(), stderr.String())
		}
	})

	// The block is framed by two rules of "="; the address is in the
	// "running" line before it.
	var base, password string
	rules := 0
	timeout := time.After(3 * startTimeout) // the demo creates its companies first
	for rules < 2 {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("demo exited early; got stdout %q, want the sign-in block", stdout.String())
			}
			switch {
			case strings.HasPrefix(line, languages[0].running):
				base = urlPattern.FindString(line)
			case strings.HasPrefix(line, "====="):
				rules++
			case rules == 1:
				if m := demoPassword.FindStringSubmatch(line); m != nil {
					password = m[1]
				}
			}
		case <-timeout:
			t.Fatalf("got stdout %q after %s, want the sign-in block", stdout.String(), 3*startTimeout)
		}
	}
	if base == "" || password == "" {
		t.Fatalf("demo output %q: got address %q and keeper's password %q, want both", stdout.String(), base, password)
	}
	waitHealthy(t, base)
	return &server{base: base}, password
}
