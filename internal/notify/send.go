package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Target is where one channel of an organisation delivers, secrets opened.
type Target struct {
	Kind Kind
	// URL is the webhook of Slack, Teams and Google Chat.
	URL string
	// Token is Chatwork's API token or a LINE WORKS bot's access token.
	Token string
	// Room is Chatwork's room id; for LINE WORKS, the channel id.
	Room string
	// Bot is the LINE WORKS bot id.
	Bot string
}

// Endpoints are the API bases of the services called by id rather than
// by a webhook URL; tests point them at loopback.
type Endpoints struct {
	Chatwork  string // https://api.chatwork.com
	LineWorks string // https://www.worksapis.com
}

// DefaultEndpoints are the services' public APIs.
var DefaultEndpoints = Endpoints{Chatwork: "https://api.chatwork.com", LineWorks: "https://www.worksapis.com"}

// Request builds the HTTP request that posts the digest to a chat target.
// LINE WORKS takes the bot's access token as configured: mamori does not
// run the service-account (JWT) flow that issues it.
func Request(ctx context.Context, tg Target, ep Endpoints, d Digest, t T) (*http.Request, error) {
	var (
		u, ctype string
		body     []byte
	)
	switch tg.Kind {
	case Slack, Teams, GoogleChat:
		if err := checkURL(tg.URL); err != nil {
			return nil, err
		}
		u, ctype = tg.URL, "application/json"
		switch tg.Kind {
		case Slack:
			body = SlackOf(d, t)
		case Teams:
			body = TeamsOf(d, t)
		default:
			u, ctype = tg.URL, "application/json; charset=UTF-8"
			body = GoogleChatOf(d, t)
		}
	case Chatwork:
		if tg.Room == "" || tg.Token == "" {
			return nil, ErrIncomplete
		}
		u = strings.TrimRight(ep.Chatwork, "/") + "/v2/rooms/" + url.PathEscape(tg.Room) + "/messages"
		ctype = "application/x-www-form-urlencoded"
		body = []byte(url.Values{"body": {ChatworkOf(d, t)}}.Encode())
	case LineWorks:
		if tg.Bot == "" || tg.Room == "" || tg.Token == "" {
			return nil, ErrIncomplete
		}
		u = strings.TrimRight(ep.LineWorks, "/") + "/v1.0/bots/" + url.PathEscape(tg.Bot) + "/channels/" + url.PathEscape(tg.Room) + "/messages"
		ctype, body = "application/json", LineWorksOf(d, t)
	default:
		return nil, fmt.Errorf("notify: %q is not a chat channel", tg.Kind)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("User-Agent", "mamori")
	switch tg.Kind {
	case Chatwork:
		req.Header.Set("X-ChatWorkToken", tg.Token)
	case LineWorks:
		req.Header.Set("Authorization", "Bearer "+tg.Token)
	}
	return req, nil
}

// ErrIncomplete says a channel lacks a setting it needs.
var ErrIncomplete = errors.New("notify: channel settings incomplete")

// checkURL accepts an absolute http(s) webhook URL.
func checkURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ErrIncomplete
	}
	return nil
}

// HTTPError is a chat service's refusal.
type HTTPError struct {
	Status int
	Body   string
}

func (e *HTTPError) Error() string {
	return fmt.Sprintf("notify: http status %d: %s", e.Status, e.Body)
}

// Post sends a chat request and reads the answer; anything but 2xx is an
// *HTTPError carrying the start of the body.
func Post(c *http.Client, req *http.Request) error {
	resp, err := c.Do(req)
	if err != nil {
		// A webhook's URL is its secret: the error kept in the job's row,
		// shown on the jobs page and logged names only the host.
		var ue *url.Error
		if errors.As(err, &ue) {
			return fmt.Errorf("notify: %s %s: %w", ue.Op, req.URL.Host, ue.Err)
		}
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		return &HTTPError{Status: resp.StatusCode, Body: strings.TrimSpace(string(b))}
	}
	return nil
}

// Smarthost is the organisation's outgoing mail server (Google Workspace's
// SMTP relay, Microsoft 365, the provider's submission port).
type Smarthost struct {
	Host     string
	Port     int
	StartTLS bool
	Username string
	Password string
	From     string
	// TLS overrides the TLS configuration (tests trust their own CA).
	TLS *tls.Config
}

// ErrPlainAuth refuses to send a password over an unencrypted connection.
var ErrPlainAuth = errors.New("notify: smtp authentication needs STARTTLS")

// Message writes the digest as a MIME message: UTF-8, the subject as an
// encoded word, plain text with an HTML alternative, and a Message-ID made
// from the delivery's idempotency key.
func Message(from, to string, m Mail, date time.Time, id string) ([]byte, error) {
	var h mail.Header
	fa, err := mail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("notify: from address: %w", err)
	}
	ta, err := mail.ParseAddress(to)
	if err != nil {
		return nil, fmt.Errorf("notify: to address: %w", err)
	}
	h.SetAddressList("From", []*mail.Address{fa})
	h.SetAddressList("To", []*mail.Address{ta})
	h.SetSubject(m.Subject)
	h.SetDate(date)
	h.SetMessageID(id + "@mamori")
	h.Set("Auto-Submitted", "auto-generated")
	var buf bytes.Buffer
	w, err := mail.CreateInlineWriter(&buf, h)
	if err != nil {
		return nil, err
	}
	for _, part := range []struct{ ctype, body string }{{"text/plain", m.Text}, {"text/html", m.HTML}} {
		if part.body == "" {
			continue
		}
		var ph mail.InlineHeader
		ph.SetContentType(part.ctype, map[string]string{"charset": "utf-8"})
		pw, err := w.CreatePart(ph)
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(pw, part.body); err != nil {
			return nil, err
		}
		if err := pw.Close(); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Send delivers one message through the smarthost: STARTTLS when set
// (required before a password), AUTH PLAIN when a username is set.
func (s Smarthost) Send(ctx context.Context, to string, msg []byte) error {
	if s.Username != "" && !s.StartTLS {
		return ErrPlainAuth
	}
	addr := net.JoinHostPort(s.Host, strconv.Itoa(s.Port))
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(dctx, "tcp", addr)
	if err != nil {
		return err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	} else {
		_ = conn.SetDeadline(time.Now().Add(2 * time.Minute))
	}
	var c *smtp.Client
	if s.StartTLS {
		cfg := s.TLS
		if cfg == nil {
			cfg = &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}
		}
		c, err = smtp.NewClientStartTLS(conn, cfg)
		if err != nil {
			conn.Close()
			return err
		}
	} else {
		c = smtp.NewClient(conn)
	}
	defer c.Close()
	if s.Username != "" {
		if err := c.Auth(sasl.NewPlainClient("", s.Username, s.Password)); err != nil {
			return err
		}
	}
	if err := c.SendMail(s.From, []string{to}, bytes.NewReader(msg)); err != nil {
		return err
	}
	return c.Quit()
}

// Reason is the catalogue key that says in words why a delivery failed,
// from the error River kept (text, since that is what survives in the
// job's row). The raw text is shown beside it.
func Reason(errText string) string {
	e := strings.ToLower(errText)
	switch {
	case strings.Contains(e, "connection refused"):
		return "jobs.reason.refused"
	case strings.Contains(e, "no such host") || strings.Contains(e, "server misbehaving"):
		return "jobs.reason.dns"
	case strings.Contains(e, "timeout") || strings.Contains(e, "deadline exceeded"):
		return "jobs.reason.timeout"
	case strings.Contains(e, "x509") || strings.Contains(e, "tls") || strings.Contains(e, "certificate"):
		return "jobs.reason.tls"
	case strings.Contains(e, "smtp authentication needs starttls"):
		return "jobs.reason.plain_auth"
	case strings.Contains(e, "535") || strings.Contains(e, "534") || strings.Contains(e, "authentication") || strings.Contains(e, "http status 401") || strings.Contains(e, "http status 403"):
		return "jobs.reason.auth"
	case strings.Contains(e, "http status 404"):
		return "jobs.reason.not_found"
	case strings.Contains(e, "http status 429"):
		return "jobs.reason.rate"
	case strings.Contains(e, "http status 4"):
		return "jobs.reason.http4xx"
	case strings.Contains(e, "http status 5"):
		return "jobs.reason.http5xx"
	case strings.Contains(e, "settings incomplete"):
		return "jobs.reason.incomplete"
	case strings.Contains(e, "smtp"):
		return "jobs.reason.smtp"
	}
	return "jobs.reason.other"
}
