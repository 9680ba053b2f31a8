package notify_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-message/mail"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/notify"
	"github.com/mamori-sec/mamori/internal/notify/notifytest"
)

func translator(t *testing.T, l i18n.Locale) notify.T {
	t.Helper()
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	return func(key string, args ...any) string { return cat.T(l, key, args...) }
}

func jst(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, calendar.Japan)
}

// TestSendAt: a digest due on a weekend or public holiday goes out at the
// start of the person's hours on the next working day.
func TestSendAt(t *testing.T) {
	for _, tc := range []struct {
		day  calendar.Day
		h    notify.Hours
		want time.Time
	}{
		{calendar.Date(2026, 5, 4), notify.DefaultHours, jst(2026, 5, 7, 9, 0)},                           // Golden Week: 4, 5, 6 May off
		{calendar.Date(2026, 5, 2), notify.Hours{Start: 8*60 + 30, End: 17 * 60}, jst(2026, 5, 7, 8, 30)}, // Saturday
		{calendar.Date(2026, 5, 7), notify.DefaultHours, jst(2026, 5, 7, 9, 0)},
		{calendar.Date(2026, 9, 19), notify.DefaultHours, jst(2026, 9, 24, 9, 0)}, // silver week
		{calendar.Date(2027, 1, 1), notify.DefaultHours, jst(2027, 1, 4, 9, 0)},
	} {
		got, _, err := notify.SendAt(tc.day, tc.h)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Equal(tc.want) {
			t.Errorf("SendAt(%s): got %s, want %s", tc.day, got, tc.want)
		}
	}
	if _, _, err := notify.SendAt(calendar.Date(2031, 1, 6), notify.DefaultHours); err == nil {
		t.Error("SendAt(2031): got no error, want the holiday table's limit")
	}
}

// TestDueNow: the digest of a working day is due within the person's
// hours only; quiet hours and days off hold it back.
func TestDueNow(t *testing.T) {
	h := notify.Hours{Start: 9 * 60, End: 18 * 60}
	for _, tc := range []struct {
		now  time.Time
		want bool
	}{
		{jst(2026, 5, 7, 8, 59), false},
		{jst(2026, 5, 7, 9, 0), true},
		{jst(2026, 5, 7, 17, 59), true},
		{jst(2026, 5, 7, 18, 0), false},
		{jst(2026, 5, 4, 10, 0), false},                      // みどりの日
		{jst(2026, 5, 6, 10, 0), false},                      // 振替休日
		{jst(2026, 5, 9, 10, 0), false},                      // Saturday
		{time.Date(2026, 5, 7, 0, 30, 0, 0, time.UTC), true}, // 9:30 in Japan
	} {
		_, got, err := notify.DueNow(tc.now, h)
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("DueNow(%s): got %v, want %v", tc.now, got, tc.want)
		}
	}
}

func sample() notify.Digest {
	return notify.Digest{
		Day: calendar.Date(2026, 5, 7), Org: "Example & Co", Recipient: "Sato",
		URL: "https://mamori.example/o/example/",
		Items: []notify.Item{
			{Kind: notify.RoutineItem, Title: "Weekly sign-in log check <admin>", Due: calendar.Date(2026, 5, 4), Overdue: 3, URL: "https://mamori.example/o/example/routines/7"},
			{Kind: notify.FindingItem, Title: "Shared link open to anyone", URL: "https://mamori.example/o/example/findings/12"},
		},
	}
}

// capture is a loopback chat service that keeps what it was sent.
type capture struct {
	mu     sync.Mutex
	method string
	path   string
	header http.Header
	body   []byte
	status int
}

func (c *capture) server(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.method, c.path, c.header = r.Method, r.URL.Path, r.Header.Clone()
		c.body, _ = io.ReadAll(r.Body)
		if c.status != 0 {
			w.WriteHeader(c.status)
			io.WriteString(w, `{"errors":["invalid token"]}`)
			return
		}
		io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestChatFormats posts a digest to each chat kind's loopback stand-in
// and checks the method, path, headers and payload each service expects.
func TestChatFormats(t *testing.T) {
	tr := translator(t, i18n.Japanese)
	d := sample()
	for _, tc := range []struct {
		kind  notify.Kind
		path  string
		check func(t *testing.T, c *capture)
	}{
		{notify.Slack, "/services/T000/B000/XXXX", func(t *testing.T, c *capture) {
			var p struct {
				Text   string `json:"text"`
				Blocks []struct {
					Type string `json:"type"`
					Text struct {
						Type string `json:"type"`
						Text string `json:"text"`
					} `json:"text"`
				} `json:"blocks"`
			}
			mustUnmarshal(t, c.body, &p)
			if !strings.Contains(p.Text, "2 件") || p.Blocks[0].Type != "header" {
				t.Errorf("slack: got %s", c.body)
			}
			want := "• <https://mamori.example/o/example/routines/7|Weekly sign-in log check &lt;admin&gt;>"
			if !strings.Contains(p.Blocks[2].Text.Text, want) || !strings.Contains(p.Blocks[2].Text.Text, "3日超過") {
				t.Errorf("slack item: got %q, want it to contain %q and the lateness", p.Blocks[2].Text.Text, want)
			}
		}},
		{notify.Teams, "/workflows/abc/triggers/manual/paths/invoke", func(t *testing.T, c *capture) {
			var p struct {
				Type        string `json:"type"`
				Attachments []struct {
					ContentType string `json:"contentType"`
					Content     struct {
						Type    string `json:"type"`
						Version string `json:"version"`
						Body    []struct {
							Text string `json:"text"`
						} `json:"body"`
						Actions []struct {
							Type string `json:"type"`
							URL  string `json:"url"`
						} `json:"actions"`
					} `json:"content"`
				} `json:"attachments"`
			}
			mustUnmarshal(t, c.body, &p)
			a := p.Attachments[0]
			if p.Type != "message" || a.ContentType != "application/vnd.microsoft.card.adaptive" || a.Content.Type != "AdaptiveCard" {
				t.Errorf("teams: got %s", c.body)
			}
			if a.Content.Actions[0].Type != "Action.OpenUrl" || a.Content.Actions[0].URL != d.URL {
				t.Errorf("teams action: got %+v, want an OpenUrl to %s", a.Content.Actions, d.URL)
			}
			if !strings.Contains(a.Content.Body[3].Text, "](https://mamori.example/o/example/findings/12)") {
				t.Errorf("teams item: got %q, want a link to the finding", a.Content.Body[3].Text)
			}
		}},
		{notify.GoogleChat, "/v1/spaces/AAA/messages", func(t *testing.T, c *capture) {
			var p struct {
				Text    string `json:"text"`
				CardsV2 []struct {
					CardID string `json:"cardId"`
					Card   struct {
						Sections []struct {
							Widgets []map[string]json.RawMessage `json:"widgets"`
						} `json:"sections"`
					} `json:"card"`
				} `json:"cardsV2"`
			}
			mustUnmarshal(t, c.body, &p)
			if p.Text == "" || len(p.CardsV2) != 1 || !strings.Contains(string(c.body), `"openLink":{"url":"https://mamori.example/o/example/routines/7"}`) {
				t.Errorf("google chat: got %s", c.body)
			}
			if ct := c.header.Get("Content-Type"); ct != "application/json; charset=UTF-8" {
				t.Errorf("google chat content type: got %q", ct)
			}
		}},
		{notify.Chatwork, "/v2/rooms/12345/messages", func(t *testing.T, c *capture) {
			if got := c.header.Get("X-ChatWorkToken"); got != "cw-token" {
				t.Errorf("chatwork token header: got %q", got)
			}
			if ct := c.header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
				t.Errorf("chatwork content type: got %q", ct)
			}
			form, err := url.ParseQuery(string(c.body))
			if err != nil {
				t.Fatal(err)
			}
			b := form.Get("body")
			if !strings.HasPrefix(b, "[info][title]【mamori】Example & Co：本日の対応 2 件[/title]") || !strings.HasSuffix(b, "[/info]") ||
				!strings.Contains(b, "https://mamori.example/o/example/findings/12") {
				t.Errorf("chatwork body: got %q", b)
			}
		}},
		{notify.LineWorks, "/v1.0/bots/bot1/channels/ch-9/messages", func(t *testing.T, c *capture) {
			if got := c.header.Get("Authorization"); got != "Bearer lw-token" {
				t.Errorf("line works authorization: got %q", got)
			}
			var p struct {
				Content struct {
					Type, ContentText, LinkText, Link string
				} `json:"content"`
			}
			mustUnmarshal(t, c.body, &p)
			if p.Content.Type != "link" || p.Content.Link != d.URL || !strings.Contains(p.Content.ContentText, "routines/7") {
				t.Errorf("line works: got %s", c.body)
			}
		}},
	} {
		t.Run(string(tc.kind), func(t *testing.T) {
			c := &capture{}
			srv := c.server(t)
			tg := notify.Target{Kind: tc.kind, URL: srv.URL + tc.path, Token: "cw-token", Room: "12345"}
			if tc.kind == notify.LineWorks {
				tg = notify.Target{Kind: tc.kind, Token: "lw-token", Bot: "bot1", Room: "ch-9"}
			}
			ep := notify.Endpoints{Chatwork: srv.URL, LineWorks: srv.URL + "/"}
			req, err := notify.Request(t.Context(), tg, ep, d, tr)
			if err != nil {
				t.Fatal(err)
			}
			if err := notify.Post(srv.Client(), req); err != nil {
				t.Fatal(err)
			}
			if c.method != http.MethodPost || c.path != tc.path {
				t.Errorf("got %s %s, want POST %s", c.method, c.path, tc.path)
			}
			tc.check(t, c)
		})
	}
}

// TestChatRefused: a service's refusal comes back as an HTTPError whose
// reason reads in words.
func TestChatRefused(t *testing.T) {
	c := &capture{status: http.StatusUnauthorized}
	srv := c.server(t)
	req, err := notify.Request(t.Context(), notify.Target{Kind: notify.Chatwork, Token: "bad", Room: "1"}, notify.Endpoints{Chatwork: srv.URL}, sample(), translator(t, i18n.English))
	if err != nil {
		t.Fatal(err)
	}
	err = notify.Post(srv.Client(), req)
	var he *notify.HTTPError
	if !errors.As(err, &he) || he.Status != 401 {
		t.Fatalf("got %v, want an HTTP 401 error", err)
	}
	if got := notify.Reason(err.Error()); got != "jobs.reason.auth" {
		t.Errorf("reason: got %s, want jobs.reason.auth", got)
	}
}

func TestReason(t *testing.T) {
	for in, want := range map[string]string{
		"dial tcp 127.0.0.1:2525: connect: connection refused":                             "jobs.reason.refused",
		"tls: failed to verify certificate: x509: certificate signed by unknown authority": "jobs.reason.tls",
		"smtp: 535 5.7.8 Authentication credentials invalid":                               "jobs.reason.auth",
		"notify: http status 404: no_service":                                              "jobs.reason.not_found",
		"notify: http status 503: busy":                                                    "jobs.reason.http5xx",
		"notify: http status 400: invalid_payload":                                         "jobs.reason.http4xx",
		"dial tcp: lookup smtp.invalid: no such host":                                      "jobs.reason.dns",
		"something odd": "jobs.reason.other",
	} {
		if got := notify.Reason(in); got != want {
			t.Errorf("Reason(%q): got %s, want %s", in, got, want)
		}
	}
}

func mustUnmarshal(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%v in %s", err, b)
	}
}

// TestSMTPEndToEnd sends a Japanese digest through a loopback smarthost
// with STARTTLS and AUTH PLAIN and reads back what it received: the
// encoded subject, the addresses, both bodies and the link.
func TestSMTPEndToEnd(t *testing.T) {
	sink := notifytest.Start(t)
	sh := notify.Smarthost{Host: sink.Host, Port: sink.Port, StartTLS: true, Username: notifytest.User, Password: notifytest.Password,
		From: "mamori@example.jp", TLS: sink.TLS()}
	tr := translator(t, i18n.Japanese)
	m := notify.EmailOf(sample(), tr)
	key := notify.IdempotencyKey(1, 2, calendar.Date(2026, 5, 7), notify.Email)
	msg, err := notify.Message("mamori <mamori@example.jp>", "佐藤 <sato@example.jp>", m, jst(2026, 5, 7, 9, 0), key)
	if err != nil {
		t.Fatal(err)
	}
	if err := sh.Send(t.Context(), "sato@example.jp", msg); err != nil {
		t.Fatal(err)
	}
	msgs := sink.Messages()
	if len(msgs) != 1 {
		t.Fatalf("got %d messages, want 1", len(msgs))
	}
	got := msgs[0]
	if got.From != "mamori@example.jp" || len(got.To) != 1 || got.To[0] != "sato@example.jp" || !got.TLS {
		t.Errorf("envelope: got from %q to %v tls %v", got.From, got.To, got.TLS)
	}
	raw := string(got.Data)
	if !strings.Contains(raw, "Subject: =?utf-8?") {
		t.Errorf("subject is not an encoded word:\n%s", raw)
	}
	r, err := mail.CreateReader(bytes.NewReader(got.Data))
	if err != nil {
		t.Fatal(err)
	}
	subj, _ := r.Header.Subject()
	if subj != "【mamori】Example & Co：本日の対応 2 件" {
		t.Errorf("subject: got %q", subj)
	}
	if id, _ := r.Header.MessageID(); id != key+"@mamori" {
		t.Errorf("message id: got %q, want %s@mamori", id, key)
	}
	var text, html string
	for {
		part, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(part.Body)
		ct, _, _ := part.Header.(*mail.InlineHeader).ContentType()
		switch ct {
		case "text/plain":
			text = strings.ReplaceAll(string(b), "\r\n", "\n")
		case "text/html":
			html = string(b)
		}
	}
	if !strings.Contains(text, "Sato さん、2026/05/07 の対応事項") || !strings.Contains(text, "・Weekly sign-in log check <admin>（期限 2026/05/04、3日超過）\n  https://mamori.example/o/example/routines/7") {
		t.Errorf("text body:\n%s", text)
	}
	if !strings.Contains(html, `<a href="https://mamori.example/o/example/findings/12">Shared link open to anyone</a>`) || !strings.Contains(html, "&lt;admin&gt;") {
		t.Errorf("html body:\n%s", html)
	}
}

// TestSMTPFaults: a wrong password and an unreachable smarthost fail with
// reasons in words; a password is never sent without STARTTLS.
func TestSMTPFaults(t *testing.T) {
	sink := notifytest.Start(t)
	msg := []byte("Subject: x\r\n\r\nx\r\n")
	bad := notify.Smarthost{Host: sink.Host, Port: sink.Port, StartTLS: true, Username: notifytest.User, Password: "wrong", From: "a@example.jp", TLS: sink.TLS()}
	err := bad.Send(t.Context(), "b@example.jp", msg)
	if err == nil || notify.Reason(err.Error()) != "jobs.reason.auth" {
		t.Errorf("wrong password: got %v (%s), want an authentication failure", err, notify.Reason(errText(err)))
	}
	plain := bad
	plain.StartTLS = false
	if err := plain.Send(t.Context(), "b@example.jp", msg); !errors.Is(err, notify.ErrPlainAuth) {
		t.Errorf("password without TLS: got %v, want ErrPlainAuth", err)
	}
	untrusted := bad
	untrusted.Password, untrusted.TLS = notifytest.Password, nil
	if err := untrusted.Send(t.Context(), "b@example.jp", msg); err == nil || notify.Reason(err.Error()) != "jobs.reason.tls" {
		t.Errorf("untrusted certificate: got %v, want a TLS failure", err)
	}
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	gone := notify.Smarthost{Host: "127.0.0.1", Port: closed, From: "a@example.jp"}
	err = gone.Send(context.Background(), "b@example.jp", msg)
	if err == nil || notify.Reason(err.Error()) != "jobs.reason.refused" {
		t.Errorf("closed port: got %v, want connection refused", err)
	}
	if n := len(sink.Messages()); n != 0 {
		t.Errorf("got %d messages through failing settings, want 0", n)
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestNextWindow: a retry in the evening or on a day off waits for the
// start of the next working day's hours; within the hours it goes now.
func TestNextWindow(t *testing.T) {
	h := notify.DefaultHours
	for _, tc := range []struct{ now, want time.Time }{
		{jst(2026, 5, 7, 10, 0), jst(2026, 5, 7, 10, 0)},
		{jst(2026, 5, 7, 7, 0), jst(2026, 5, 7, 9, 0)},
		{jst(2026, 5, 7, 19, 0), jst(2026, 5, 8, 9, 0)},
		{jst(2026, 5, 1, 19, 0), jst(2026, 5, 7, 9, 0)}, // Friday evening before Golden Week's weekend and holidays
		{jst(2026, 5, 5, 12, 0), jst(2026, 5, 7, 9, 0)},
	} {
		got, err := notify.NextWindow(tc.now, h)
		if err != nil {
			t.Fatal(err)
		}
		if !got.Equal(tc.want) {
			t.Errorf("NextWindow(%s): got %s, want %s", tc.now, got, tc.want)
		}
	}
}

// TestWebhookURLNotInError: a webhook's URL is a secret; when it cannot be
// reached, the error (kept in the job's row, shown on the jobs page,
// logged) names the host and the reason, not the path.
func TestWebhookURLNotInError(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()
	req, err := notify.Request(t.Context(), notify.Target{Kind: notify.Slack, URL: "http://" + addr + "/services/T0/B0/SECRETXYZ"}, notify.Endpoints{}, sample(), translator(t, i18n.English))
	if err != nil {
		t.Fatal(err)
	}
	err = notify.Post(http.DefaultClient, req)
	if err == nil || strings.Contains(err.Error(), "SECRETXYZ") || !strings.Contains(err.Error(), addr) || notify.Reason(err.Error()) != "jobs.reason.refused" {
		t.Errorf("got %v, want connection refused naming %s and not the path", err, addr)
	}
}
