package e2e

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/emersion/go-message"
	_ "github.com/emersion/go-message/charset"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/demo"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/store"
)

// sink is the test's stand-in for the mail provider: an SMTP server on
// loopback in this process that keeps what it receives.
type sink struct {
	mu   sync.Mutex
	got  []sunk
	addr string
}

type sunk struct {
	rcpts []string
	raw   []byte
}

func startSink(t *testing.T) *sink {
	t.Helper()
	s := &sink{}
	srv := smtp.NewServer(s)
	srv.Domain = "sink.localhost"
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

func (s *sink) NewSession(*smtp.Conn) (smtp.Session, error) { return &sinkSession{s: s}, nil }

type sinkSession struct {
	s     *sink
	rcpts []string
}

func (ss *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (ss *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.rcpts = append(ss.rcpts, to)
	return nil
}
func (ss *sinkSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	ss.s.mu.Lock()
	ss.s.got = append(ss.s.got, sunk{rcpts: ss.rcpts, raw: b})
	ss.s.mu.Unlock()
	return nil
}
func (ss *sinkSession) Reset()        { ss.rcpts = nil }
func (ss *sinkSession) Logout() error { return nil }

// find returns the messages received with marker in them or addressed
// (envelope) to rcpt.
func (s *sink) find(marker, rcpt string) []sunk {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []sunk
	for _, m := range s.got {
		hit := marker != "" && bytes.Contains(m.raw, []byte(marker))
		for _, r := range m.rcpts {
			hit = hit || (rcpt != "" && strings.EqualFold(r, rcpt))
		}
		if hit {
			out = append(out, m)
		}
	}
	return out
}

var (
	demoSubmissionPort = regexp.MustCompile(`ポート：(\d+)`)
	demoAppPassword    = regexp.MustCompile(`アプリパスワード：(\S+)`)
	linkRE             = regexp.MustCompile(`http://127\.0\.0\.1:\d+/mail/files/[A-Za-z0-9_-]+`)
)

// TestMailGuardFlow is the mail guard seen by its people, in Japanese, on
// the demo company, with the relay running and an SMTP sink in the test
// standing in for the provider. (a) The staff member's mail client sends
// to a look-alike of a partner's domain; on a 390 px phone they find it
// held on 自分の送信メール with the reason in Japanese and cancel it; the
// sink never gets it; the keeper's mail log shows it cancelled and the
// dashboard's mistakes prevented went up by one. (b) A drawing sent to the
// partner leaves (Send now) as a download link instead of the file; the
// recipient downloads it; the keeper's page for the message shows the
// download's time, address and user agent.
func TestMailGuardFlow(t *testing.T) {
	chromium := chromiumPath(t)
	root := moduleRoot(t)
	bin := buildBinary(t, root)
	shots := artefactDir(t, root)
	snk := startSink(t)
	submission := freeAddr(t)
	d := startStaffDemo(t, bin, "-mail-submission", submission, "-demo-outbox", "")
	port, pw := demoSubmissionPort.FindStringSubmatch(d.block), demoAppPassword.FindStringSubmatch(d.block)
	if port == nil || pw == nil || !strings.HasSuffix(submission, ":"+port[1]) {
		t.Fatalf("sign-in block: want the submission port %s and an app password, got\n%s", submission, d.block)
	}
	pointSmarthost(t, d.data, snk.addr)
	staff := demo.Staff // the member the demo prints
	if !strings.HasPrefix(d.memberMail, staff) {
		t.Fatalf("sign-in block: want the staff member %s, got %q", staff, d.memberMail)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	t.Cleanup(cancel)
	b := newBrowser(t, ctx, chromium, languages[0].acceptLanguage, shots, "mailguard")
	phone := func() {
		b.run(t, "emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	}
	desktop := func() { b.run(t, "emulate a desktop", chromedp.EmulateViewport(1280, 900)) }
	fits := func(what string) {
		t.Helper()
		var scroll int64
		b.run(t, "measure "+what, chromedp.Evaluate(`document.documentElement.scrollWidth`, &scroll))
		if scroll > 390 {
			t.Errorf("%s: page is %d px wide on a 390 px phone, want no sideways scrolling", what, scroll)
		}
	}
	signIn := func(email, password string) {
		t.Helper()
		b.load(t, "open the sign-in page", http.StatusOK, chromedp.Navigate(d.base+"/signin"))
		b.fill(t, "#email", email)
		b.fill(t, "#password", password)
		p := b.submit(t, `form[action="/signin"] button[type=submit]`, http.StatusOK)
		if p.Path == "/signin" {
			t.Fatalf("sign in as %s: still on the sign-in page (alert %q)", email, p.Alert)
		}
	}
	signOut := func() { b.submit(t, `form[action="/signout"] button`, http.StatusOK) }
	keeper := "m.tanaka@sakura-seiki.example"

	// The keeper's dashboard before: mistakes prevented today and in 30 days.
	desktop()
	signIn(keeper, d.keeperPass)
	before := prevented(t, b, d.base)
	signOut()

	// (a) A look-alike of 山田商事's domain (l for i).
	lookAlike := "tanaka@yamada-shojl.example"
	subjectA := "御見積書の送付（E2E）"
	send(t, submission, staff, pw[1], []string{lookAlike}, plainMessage(staff, lookAlike, subjectA, "<e2e-lookalike@test>"))

	phone()
	signIn(staff, d.memberPass)
	var mine string
	b.run(t, "find 自分の送信メール in the menu", chromedp.AttributeValue(`a[href$="/me/mail"]`, "href", &mine, nil, chromedp.ByQuery))
	p := b.load(t, "open 自分の送信メール", http.StatusOK, chromedp.Navigate(d.base+mine))
	expect(t, p, want{Lang: "ja", H1: "自分の送信メール"})
	row := mailRow(t, b, subjectA)
	for _, w := range []string{lookAlike, "確認待ち", "yamada-shojl.example は取引先「山田商事」のドメインに似ていますが異なります。打ち間違いの可能性があります。"} {
		if !strings.Contains(row, w) {
			t.Errorf("自分の送信メール, row of %s: want %q, got\n%s", subjectA, w, row)
		}
	}
	fits("自分の送信メール")
	b.screenshot(t, "01-held-lookalike-390")
	desktop()
	b.screenshot(t, "01-held-lookalike-1280")
	phone()
	p = b.submit(t, rowButton(t, b, subjectA, "cancel"), http.StatusOK)
	expect(t, p, want{Flash: "メールの送信を取り消しました。"})
	if row := mailRow(t, b, subjectA); !strings.Contains(row, "取り消し済み") {
		t.Errorf("after cancelling: row of %s says\n%s\nwant 取り消し済み", subjectA, row)
	}
	fits("cancelled")
	b.screenshot(t, "02-cancelled-390")

	// (b) A drawing to the partner: held for the delay; Send now.
	partner := "tanaka@yamada-shoji.example"
	subjectB := "部品図の送付（E2E）"
	fileName := "部品図_B-205.pdf"
	file := []byte("%PDF-1.4 e2e drawing B-205 " + strings.Repeat("x", 300) + "\n")
	send(t, submission, staff, pw[1], []string{partner}, attachmentMessage(staff, partner, subjectB, "<e2e-link@test>", fileName, file))
	b.load(t, "reload 自分の送信メール", http.StatusOK, chromedp.Navigate(d.base+mine))
	row = mailRow(t, b, subjectB)
	for _, w := range []string{partner, fileName, "保留中", "添付ファイル 1 件は、社外の宛先にはダウンロードリンクに置き換えて送信します。"} {
		if !strings.Contains(row, w) {
			t.Errorf("自分の送信メール, row of %s: want %q, got\n%s", subjectB, w, row)
		}
	}
	b.screenshot(t, "03-held-attachment-390")
	p = b.submit(t, rowButton(t, b, subjectB, "send"), http.StatusOK)
	expect(t, p, want{Flash: "メールを送信しました。"})
	signOut()

	delivered := waitSink(t, snk, "<e2e-link@test>")
	if !slicesEqualFold(delivered.rcpts, []string{partner}) {
		t.Errorf("delivered to %v, want %s", delivered.rcpts, partner)
	}
	text, parts := readParts(t, delivered.raw)
	if bytes.Contains(delivered.raw, []byte(base64.StdEncoding.EncodeToString(file)[:40])) || strings.Contains(parts, string(file[:20])) {
		t.Errorf("delivered message still carries the file:\n%s", delivered.raw)
	}
	link := linkRE.FindString(text)
	if link == "" {
		t.Fatalf("delivered message: want a download link, got text\n%s", text)
	}
	ua := "Mozilla/5.0 (Windows NT 10.0; Win64; x64) E2E-Recipient/1.0"
	from := time.Now().In(calendar.Japan)
	fetch := func(method string, body io.Reader) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest(method, link, body)
		req.Header.Set("User-Agent", ua)
		if body != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res, got
	}
	res, got := fetch(http.MethodGet, nil)
	if strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		// The settings ask for a one-time code: it went to the sender, in a
		// mail of its own, to pass on by phone.
		notice := waitSink(t, snk, ".codes@mamori>")
		text, _ := readParts(t, notice.raw)
		m := regexp.MustCompile(regexp.QuoteMeta(partner) + `\s+(\d{4}) (\d{4})`).FindStringSubmatch(text)
		if m == nil {
			t.Fatalf("the link asks for a code; the sender's code mail has none for %s:\n%s", partner, text)
		}
		res, got = fetch(http.MethodPost, strings.NewReader("code="+m[1]+m[2]))
	}
	if res.StatusCode != http.StatusOK || !bytes.Equal(got, file) {
		t.Fatalf("download: got %d and %d bytes, want 200 and the %d bytes sent", res.StatusCode, len(got), len(file))
	}
	to := time.Now().In(calendar.Japan)

	// The keeper: the mail log, the message's downloads, the dashboard.
	desktop()
	signIn(keeper, d.keeperPass)
	p = b.load(t, "open the mail log", http.StatusOK, chromedp.Navigate(d.base+demoOrg+"/mailguard"))
	expect(t, p, want{Lang: "ja", H1: "メールガード"})
	logRow := tableRow(t, b, "#log", subjectA)
	if !strings.Contains(logRow, "取り消し済み") || !strings.Contains(logRow, lookAlike) || !strings.Contains(logRow, "高橋") {
		t.Errorf("mail log, row of %s: want 取り消し済み, %s and the sender's name, got\n%s", subjectA, lookAlike, logRow)
	}
	b.screenshot(t, "04-keeper-log-1280")
	p = b.submit(t, "#log a"+rowLinkFilter(t, b, subjectB), http.StatusOK)
	expect(t, p, want{Lang: "ja", H1: "メールガード"})
	var sel string
	b.run(t, "read the message", chromedp.Text("#selected", &sel, chromedp.ByQuery))
	for _, w := range []string{subjectB, "ダウンロードリンク", partner, fileName, "127.0.0.1", ua} {
		if !strings.Contains(sel, w) {
			t.Errorf("keeper's page for %s: want %q, got\n%s", subjectB, w, sel)
		}
	}
	if a, z := i18n.FormatDateTime(i18n.Japanese, from), i18n.FormatDateTime(i18n.Japanese, to); !strings.Contains(sel, a+" 127.0.0.1") && !strings.Contains(sel, z+" 127.0.0.1") {
		t.Errorf("keeper's page for %s: want the download at %s (or %s) from 127.0.0.1, got\n%s", subjectB, a, z, sel)
	}
	b.run(t, "scroll to the message", chromedp.ScrollIntoView("#selected", chromedp.ByQuery))
	b.screenshot(t, "05-keeper-download-1280")
	phone()
	b.load(t, "reload the message on a phone", http.StatusOK, chromedp.Reload())
	b.screenshot(t, "05-keeper-download-390")
	desktop()
	after := prevented(t, b, d.base)
	b.screenshot(t, "06-keeper-dashboard-1280")
	if after[0] != before[0]+1 || after[1] != before[1]+1 {
		t.Errorf("dashboard, mistakes prevented (today, 30 days): got %v, want %v", after, [2]int{before[0] + 1, before[1] + 1})
	}
	if m := snk.find("<e2e-lookalike@test>", lookAlike); len(m) != 0 {
		t.Errorf("the sink received the cancelled mail:\n%s", m[0].raw)
	}
	if p := b.takeProblems(); len(p) > 0 {
		t.Errorf("got %d CSP violations or script errors, want none:\n\t%s", len(p), strings.Join(p, "\n\t"))
	}
}

// pointSmarthost sets the demo company's smarthost to the test's sink,
// as its keeper would on the settings page.
func pointSmarthost(t *testing.T, data, addr string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, "", data, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	o, err := db.OrgBySlug(ctx, demo.Slug)
	if err != nil {
		t.Fatal(err)
	}
	ten := db.Tenant(o.ID)
	set, err := ten.MailguardSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	host, port, _ := net.SplitHostPort(addr)
	set.Smarthost.Host = host
	set.Smarthost.Port, _ = strconv.Atoi(port)
	if err := ten.SaveMailguardSettings(ctx, audit.Actor{Label: "e2e"}, set); err != nil {
		t.Fatal(err)
	}
}

// freeAddr returns a loopback address nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// send submits one message as a mail client does: STARTTLS on the
// self-signed certificate, AUTH PLAIN with the app password.
func send(t *testing.T, addr, user, password string, rcpts []string, msg string) {
	t.Helper()
	c, err := smtp.DialStartTLS(addr, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatalf("STARTTLS to %s: %v", addr, err)
	}
	defer c.Close()
	if err := c.Auth(sasl.NewPlainClient("", user, password)); err != nil {
		t.Fatalf("AUTH PLAIN as %s: %v", user, err)
	}
	if err := c.SendMail(user, rcpts, strings.NewReader(msg)); err != nil {
		t.Fatalf("send to %v: %v", rcpts, err)
	}
}

func plainMessage(from, to, subject, id string) string {
	return "From: " + from + "\r\nTo: " + to + "\r\nSubject: " + mime.BEncoding.Encode("UTF-8", subject) + "\r\nMessage-ID: " + id +
		"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n山田商事 田中様\r\nいつもお世話になっております。\r\n"
}

func attachmentMessage(from, to, subject, id, name string, file []byte) string {
	enc := base64.StdEncoding.EncodeToString(file)
	var lines []string
	for len(enc) > 76 {
		lines, enc = append(lines, enc[:76]), enc[76:]
	}
	lines = append(lines, enc)
	return "From: " + from + "\r\nTo: " + to + "\r\nSubject: " + mime.BEncoding.Encode("UTF-8", subject) + "\r\nMessage-ID: " + id +
		"\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"e2e-boundary\"\r\n\r\n" +
		"--e2e-boundary\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n山田商事 田中様\r\n部品図をお送りします。\r\n" +
		"--e2e-boundary\r\nContent-Type: application/pdf\r\nContent-Disposition: " + mime.FormatMediaType("attachment", map[string]string{"filename": name}) +
		"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + strings.Join(lines, "\r\n") + "\r\n--e2e-boundary--\r\n"
}

// waitSink waits for the message with marker to reach the sink.
func waitSink(t *testing.T, s *sink, marker string) sunk {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if m := s.find(marker, ""); len(m) > 0 {
			return m[0]
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("the sink got no message with %s", marker)
	return sunk{}
}

// readParts decodes every part of a message: the text parts' text, and a
// description of every part.
func readParts(t *testing.T, raw []byte) (text, parts string) {
	t.Helper()
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("delivered message: %v", err)
	}
	var tb, pb strings.Builder
	err = e.Walk(func(_ []int, p *message.Entity, err error) error {
		if err != nil {
			return err
		}
		ct, _, _ := p.Header.ContentType()
		if strings.HasPrefix(ct, "multipart/") {
			return nil
		}
		b, err := io.ReadAll(p.Body)
		if err != nil {
			return err
		}
		fmt.Fprintf(&pb, "%s %s\n", ct, b)
		if strings.HasPrefix(ct, "text/") {
			tb.Write(b)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("delivered message: %v", err)
	}
	return tb.String(), pb.String()
}

// prevented reads the dashboard's mistakes prevented: today and in the
// last 30 days.
func prevented(t *testing.T, b *browser, base string) [2]int {
	t.Helper()
	p := b.load(t, "open the dashboard", http.StatusOK, chromedp.Navigate(base+demoOrg+"/"))
	expect(t, p, want{Lang: "ja", H1: "ダッシュボード"})
	var cells []string
	b.run(t, "read mistakes prevented", chromedp.Evaluate(`[...document.querySelectorAll("#mailguard-figures tbody tr")]
		.filter(r => r.querySelector("th").innerText.includes("防いだ誤送信"))
		.flatMap(r => [...r.querySelectorAll("td")].map(c => c.innerText.trim()))`, &cells))
	if len(cells) != 2 {
		t.Fatalf("dashboard: want the row 取り消されたメール（防いだ誤送信） with today and 30 days, got %q\n%s", cells, p.Text)
	}
	var n [2]int
	for i, c := range cells {
		v, err := strconv.Atoi(c)
		if err != nil {
			t.Fatalf("dashboard: mistakes prevented %q is not a number", c)
		}
		n[i] = v
	}
	return n
}

// mailRow returns the text of the row of 自分の送信メール with subject.
func mailRow(t *testing.T, b *browser, subject string) string {
	t.Helper()
	return tableRow(t, b, "#held", subject)
}

// tableRow returns the text of the row under section whose subject cell
// is subject.
func tableRow(t *testing.T, b *browser, section, subject string) string {
	t.Helper()
	var text string
	b.run(t, "read the row of "+subject, chromedp.Evaluate(fmt.Sprintf(`([...document.querySelectorAll(%q)].find(r => [...r.cells].some(c => c.innerText.trim() === %q)) || {innerText: ""}).innerText`,
		section+" tbody tr", subject), &text))
	if text == "" {
		t.Fatalf("no row with subject %s under %s", subject, section)
	}
	return text
}

// rowButton returns a selector for the action button (cancel, send) of
// the row of 自分の送信メール with subject.
func rowButton(t *testing.T, b *browser, subject, action string) string {
	t.Helper()
	var id string
	b.run(t, "find the row of "+subject, chromedp.Evaluate(fmt.Sprintf(`([...document.querySelectorAll("#held tbody tr")].find(r => [...r.cells].some(c => c.innerText.trim() === %q)) || {id: ""}).id`, subject), &id))
	if id == "" {
		t.Fatalf("no row with subject %s on 自分の送信メール", subject)
	}
	return fmt.Sprintf(`#%s form:has(input[name=action][value=%s]) button`, id, action)
}

// rowLinkFilter returns a CSS attribute selector for the link of the mail
// log's row with subject.
func rowLinkFilter(t *testing.T, b *browser, subject string) string {
	t.Helper()
	var href string
	b.run(t, "find the log row of "+subject, chromedp.Evaluate(fmt.Sprintf(`(() => {
		const r = [...document.querySelectorAll("#log tbody tr")].find(r => [...r.cells].some(c => c.innerText.trim() === %q));
		const a = r && r.querySelector("a[href*='msg=']");
		return a ? a.getAttribute("href") : "";
	})()`, subject), &href))
	if href == "" {
		t.Fatalf("no row with subject %s in the mail log", subject)
	}
	return fmt.Sprintf(`[href=%q]`, href)
}

func slicesEqualFold(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !strings.EqualFold(a[i], b[i]) {
			return false
		}
	}
	return true
}
