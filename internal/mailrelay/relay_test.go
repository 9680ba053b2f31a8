package mailrelay_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-message"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"golang.org/x/text/encoding/japanese"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/mailguard"
	"github.com/mamori-sec/mamori/internal/mailrelay"
	"github.com/mamori-sec/mamori/internal/notify/notifytest"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/seal"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// clock is a test clock the store and relay read.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// world is one organisation with the mail guard on, a relay listening on
// loopback and a sink standing for the company's smarthost.
type world struct {
	t        testing.TB
	db       *store.DB
	box      *seal.Box
	clock    *clock
	relay    *mailrelay.Relay
	sink     *notifytest.Sink
	addr     string
	orgID    int64
	userID   int64
	email    string
	password string
	spool    string
}

func setup(t testing.TB, engine store.Engine, change func(*mailguard.Settings)) *world {
	return setupWith(t, engine, change, nil)
}

// rowsPerPerson is a test stand-in for the personal-data detectors
// (internal/pii): every line of a CSV attachment is one person.
type rowsPerPerson struct{}

func (rowsPerPerson) Check(name string, r io.Reader) (int, []string, error) {
	if !strings.HasSuffix(name, ".csv") {
		return 0, nil, nil
	}
	b, err := io.ReadAll(r)
	return bytes.Count(b, []byte("\n")), []string{"pii.kind.email"}, err
}

func setupWith(t testing.TB, engine store.Engine, change func(*mailguard.Settings), pd mailguard.PersonalData) *world {
	t.Helper()
	ctx := context.Background()
	c := &clock{t: time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)}
	db := storetest.Open(t, engine, c.now)
	box, err := seal.New(storetest.Secret)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, db: db, box: box, clock: c, email: "sato@example.co.jp", sink: notifytest.Start(t)}
	hash, _ := auth.HashPassword("correct horse battery staple")
	if w.userID, err = db.CreateUser(ctx, audit.CLI(), auth.User{Email: w.email, Name: "佐藤", Locale: "ja", PasswordHash: hash}); err != nil {
		t.Fatal(err)
	}
	if w.orgID, err = db.CreateOrg(ctx, audit.CLI(), org.Org{Slug: "example", Name: "株式会社例"}, w.userID); err != nil {
		t.Fatal(err)
	}
	tn := db.Tenant(w.orgID)
	set := mailguard.DefaultSettings
	set.Enabled = true
	set.InternalDomains = []string{"example.co.jp"}
	set.Smarthost = mailguard.Smarthost{Host: w.sink.Host, Port: w.sink.Port, StartTLS: true, Username: notifytest.User,
		Secret: box.Seal([]byte(notifytest.Password), mailguard.SealContext(w.orgID))}
	if change != nil {
		change(&set)
	}
	if err := tn.SaveMailguardSettings(ctx, audit.CLI(), set); err != nil {
		t.Fatal(err)
	}
	if _, err := tn.AddPartner(ctx, audit.CLI(), mailguard.Partner{Name: "山田商事", Domains: []string{"yamada-shoji.co.jp"}}); err != nil {
		t.Fatal(err)
	}
	if err := tn.AddMailDomains(ctx, audit.CLI(), []string{"yamada-shoji.co.jp", "cust.jp"}); err != nil {
		t.Fatal(err)
	}
	if w.password, err = tn.CreateAppPassword(ctx, audit.CLI(), w.userID, "Thunderbird"); err != nil {
		t.Fatal(err)
	}
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	w.spool = t.TempDir()
	w.relay, err = mailrelay.New(db, box, cat, slog.New(slog.NewTextHandler(io.Discard, nil)), mailrelay.Config{
		Hostname: "127.0.0.1", SpoolDir: w.spool, BaseURL: "https://mamori.test", SmarthostTLS: w.sink.TLS(), PersonalData: pd})
	if err != nil {
		t.Fatal(err)
	}
	srv := w.relay.Server(false)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	w.addr = ln.Addr().String()
	return w
}

// dial connects as a mail client: STARTTLS, then AUTH PLAIN.
func (w *world) dial(user, pass string) (*smtp.Client, error) {
	c, err := smtp.DialStartTLS(w.addr, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		return nil, err
	}
	if user != "" {
		if err := c.Auth(sasl.NewPlainClient("", user, pass)); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

func (w *world) send(to []string, msg []byte) error {
	w.t.Helper()
	c, err := w.dial(w.email, w.password)
	if err != nil {
		return err
	}
	defer c.Close()
	return c.SendMail(w.email, to, bytes.NewReader(msg))
}

func (w *world) run() {
	w.t.Helper()
	if err := w.relay.RunOnce(context.Background()); err != nil {
		w.t.Fatal(err)
	}
}

// delivered returns what the sink got for rcpt (notices to the sender
// excluded unless asked for).
func (w *world) delivered(rcpt string) []notifytest.Message {
	var out []notifytest.Message
	for _, m := range w.sink.Messages() {
		for _, to := range m.To {
			if to == rcpt {
				out = append(out, m)
			}
		}
	}
	return out
}

func iso2022(s string) string {
	b, _ := japanese.ISO2022JP.NewEncoder().String(s)
	return b
}

// letter is a message as a Japanese mail client writes it.
func letter(to, cc string, attach bool) []byte {
	subj := "=?ISO-2022-JP?B?" + base64.StdEncoding.EncodeToString([]byte(iso2022("御見積書の送付"))) + "?="
	h := "From: sato@example.co.jp\r\nTo: " + to + "\r\n"
	if cc != "" {
		h += "Cc: " + cc + "\r\n"
	}
	h += "Subject: " + subj + "\r\nMIME-Version: 1.0\r\n"
	body := iso2022("山田商事 御中\r\nいつもお世話になっております。") + "\r\n"
	if !attach {
		return []byte(h + "Content-Type: text/plain; charset=ISO-2022-JP\r\nContent-Transfer-Encoding: 7bit\r\n\r\n" + body)
	}
	name := "=?ISO-2022-JP?B?" + base64.StdEncoding.EncodeToString([]byte(iso2022("見積書.pdf"))) + "?="
	return []byte(h + "Content-Type: multipart/mixed; boundary=\"zz\"\r\n\r\n--zz\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\n\r\n" + body +
		"--zz\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"" + name + "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		base64.StdEncoding.EncodeToString([]byte("%PDF-1.4 secret quote")) + "\r\n--zz--\r\n")
}

// afterReceived is the message as delivered, minus the trace field the
// relay adds at the top.
func afterReceived(t *testing.T, data []byte) []byte {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("Received: ")) {
		t.Fatalf("no Received field at the top:\n%s", data)
	}
	i := bytes.Index(data, []byte("\r\n\t"))
	j := bytes.Index(data[i+3:], []byte("\r\n"))
	return data[i+3+j+2:]
}

func each(t *testing.T, fn func(t *testing.T, e store.Engine)) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) { fn(t, e) })
	}
}

func TestHoldThenRelease(t *testing.T) {
	each(t, func(t *testing.T, e store.Engine) {
		w := setup(t, e, nil)
		msg := letter("tanaka@yamada-shoji.co.jp", "", false)
		if err := w.send([]string{"tanaka@yamada-shoji.co.jp"}, msg); err != nil {
			t.Fatal(err)
		}
		w.run()
		if got := w.delivered("tanaka@yamada-shoji.co.jp"); len(got) != 0 {
			t.Fatalf("delivered before the delay: %d messages", len(got))
		}
		notices := w.delivered(w.email)
		if len(notices) != 1 || !bytes.Contains(notices[0].Data, []byte("Auto-Submitted: auto-generated")) {
			t.Fatalf("got %d notices to the sender, want 1", len(notices))
		}
		w.clock.add(5*time.Minute + time.Second)
		w.run()
		got := w.delivered("tanaka@yamada-shoji.co.jp")
		if len(got) != 1 {
			t.Fatalf("got %d deliveries after the delay, want 1", len(got))
		}
		// Every byte of the sender's message (ISO-2022-JP subject and body)
		// arrives as it was sent.
		if body := afterReceived(t, got[0].Data); !bytes.Equal(body, msg) {
			t.Errorf("delivered\n%q\nwant\n%q", body, msg)
		}
		w.run()
		if n := len(w.delivered("tanaka@yamada-shoji.co.jp")); n != 1 {
			t.Errorf("delivered %d times, want once", n)
		}
	})
}

func TestCancel(t *testing.T) {
	each(t, func(t *testing.T, e store.Engine) {
		w := setup(t, e, nil)
		if err := w.send([]string{"tanaka@yamada-shoji.co.jp"}, letter("tanaka@yamada-shoji.co.jp", "", false)); err != nil {
			t.Fatal(err)
		}
		ms, err := w.db.Tenant(w.orgID).MailMessages(context.Background(), store.MailFilter{UserID: w.userID, Pending: true})
		if err != nil || len(ms) != 1 {
			t.Fatalf("pending = %d, %v; want 1", len(ms), err)
		}
		if err := w.db.Tenant(w.orgID).DecideMail(context.Background(), audit.CLI(), ms[0].ID, w.userID, false); err != nil {
			t.Fatal(err)
		}
		w.clock.add(time.Hour)
		w.run()
		if got := w.delivered("tanaka@yamada-shoji.co.jp"); len(got) != 0 {
			t.Fatalf("a cancelled message was delivered")
		}
		_, rs, _ := w.db.Tenant(w.orgID).MailMessage(context.Background(), ms[0].ID)
		if len(rs) != 1 || rs[0].State != mailguard.RcptCancelled {
			t.Errorf("recipient = %+v, want cancelled", rs)
		}
		if err := w.db.Tenant(w.orgID).DecideMail(context.Background(), audit.CLI(), ms[0].ID, w.userID, true); err == nil {
			t.Errorf("a cancelled message could be released")
		}
	})
}

func TestBccConversion(t *testing.T) {
	each(t, func(t *testing.T, e store.Engine) {
		w := setup(t, e, nil)
		to := []string{"a@cust.jp", "b@cust.jp", "c@cust.jp", "d@cust.jp"}
		cc := "e@cust.jp"
		msg := bytes.Replace(letter(strings.Join(to, ", "), cc, false), []byte(iso2022("山田商事")), []byte(iso2022("お客様各位")), 1)
		if err := w.send(append(to, cc), msg); err != nil {
			t.Fatal(err)
		}
		w.clock.add(6 * time.Minute)
		w.run()
		got := w.delivered("a@cust.jp")
		if len(got) != 1 || len(got[0].To) != 5 {
			t.Fatalf("got %d deliveries (%v), want one to 5 recipients", len(got), got)
		}
		hdr := got[0].Data[:bytes.Index(got[0].Data, []byte("\r\n\r\n"))]
		for _, a := range append(to, cc) {
			if bytes.Contains(hdr, []byte(a)) {
				t.Errorf("%s is visible in the delivered header:\n%s", a, hdr)
			}
		}
		if !bytes.Contains(hdr, []byte("To: undisclosed-recipients:;")) {
			t.Errorf("no undisclosed-recipients To:\n%s", hdr)
		}
	})
}

func TestFirstTimeDomain(t *testing.T) {
	each(t, func(t *testing.T, e store.Engine) {
		w := setup(t, e, nil)
		if err := w.send([]string{"x@new-customer.jp"}, letter("x@new-customer.jp", "", false)); err != nil {
			t.Fatal(err)
		}
		w.clock.add(24 * time.Hour)
		w.run()
		if len(w.delivered("x@new-customer.jp")) != 0 {
			t.Fatal("mail to a first-time domain left without confirmation")
		}
		notice := w.delivered(w.email)
		if len(notice) != 1 || !strings.Contains(decoded(t, notice[0].Data), "new-customer.jp へは初めての送信です") {
			t.Fatalf("notice does not explain the first-time domain in Japanese:\n%s", decoded(t, notice[0].Data))
		}
		ms, _ := w.db.Tenant(w.orgID).MailMessages(context.Background(), store.MailFilter{Pending: true})
		if len(ms) != 1 || ms[0].State != mailguard.StateConfirm {
			t.Fatalf("pending = %+v, want one waiting for confirmation", ms)
		}
		if err := w.db.Tenant(w.orgID).DecideMail(context.Background(), audit.CLI(), ms[0].ID, w.userID, true); err != nil {
			t.Fatal(err)
		}
		w.run()
		if len(w.delivered("x@new-customer.jp")) != 1 {
			t.Fatal("confirmed mail was not delivered")
		}
		if ok, _ := w.db.Tenant(w.orgID).KnownMailDomain(context.Background(), "new-customer.jp"); !ok {
			t.Error("the domain is not known after a delivery")
		}
	})
}

func TestLookAlikeHeld(t *testing.T) {
	w := setup(t, store.SQLite, nil)
	if err := w.send([]string{"tanaka@yamada-shojl.co.jp"}, letter("tanaka@yamada-shojl.co.jp", "", false)); err != nil {
		t.Fatal(err)
	}
	ms, _ := w.db.Tenant(w.orgID).MailMessages(context.Background(), store.MailFilter{Pending: true})
	if len(ms) != 1 || ms[0].State != mailguard.StateConfirm || ms[0].Reasons[0].Code != "look_alike" {
		t.Fatalf("got %+v, want held as a look-alike", ms)
	}
}

func decoded(t *testing.T, data []byte) string {
	t.Helper()
	e, err := message.Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(e.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var linkRE = regexp.MustCompile(`https://mamori\.test/mail/files/([a-z0-9]+)`)

func TestAttachmentBecomesLink(t *testing.T) {
	each(t, func(t *testing.T, e store.Engine) {
		w := setup(t, e, nil)
		msg := letter("tanaka@yamada-shoji.co.jp", "suzuki@example.co.jp", true)
		if err := w.send([]string{"tanaka@yamada-shoji.co.jp", "suzuki@example.co.jp"}, msg); err != nil {
			t.Fatal(err)
		}
		w.clock.add(6 * time.Minute)
		w.run()
		ext := w.delivered("tanaka@yamada-shoji.co.jp")
		in := w.delivered("suzuki@example.co.jp")
		if len(ext) != 1 || len(in) != 1 {
			t.Fatalf("deliveries: external %d, internal %d; want 1 and 1", len(ext), len(in))
		}
		if files, _ := mailguard.Files(ext[0].Data); len(files) != 0 {
			t.Errorf("the external recipient got the attachment")
		}
		if files, _ := mailguard.Files(in[0].Data); len(files) != 1 || string(files[0].Data) != "%PDF-1.4 secret quote" {
			t.Errorf("the colleague did not get the attachment: %+v", files)
		}
		s, err := mailguard.Summarize(ext[0].Data, nil)
		if err != nil {
			t.Fatal(err)
		}
		m := linkRE.FindStringSubmatch(s.Text)
		if m == nil {
			t.Fatalf("no link in the delivered text:\n%s", s.Text)
		}
		l, data, err := mailrelay.Fetch(context.Background(), w.db, w.box, w.spool, m[1], "", "203.0.113.7", "Mozilla/5.0 test")
		if err != nil {
			t.Fatal(err)
		}
		if string(data) != "%PDF-1.4 secret quote" || l.FileName != "見積書.pdf" || l.Rcpt != "tanaka@yamada-shoji.co.jp" {
			t.Errorf("fetched %q as %q for %s", data, l.FileName, l.Rcpt)
		}
		links, err := w.db.Tenant(w.orgID).MailLinks(context.Background(), l.MessageID)
		if err != nil || len(links) != 1 || len(links[0].Downloads) != 1 || links[0].Downloads[0].Addr != "203.0.113.7" || links[0].Downloads[0].UserAgent != "Mozilla/5.0 test" {
			t.Fatalf("download log = %+v, %v", links, err)
		}
		// The file is sealed at rest: its bytes are nowhere in the spool.
		if err := w.db.Tenant(w.orgID).RevokeMailLinks(context.Background(), audit.CLI(), l.MessageID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := mailrelay.Fetch(context.Background(), w.db, w.box, w.spool, m[1], "", "203.0.113.7", "x"); err == nil {
			t.Error("a revoked link still works")
		}
		if _, _, err := mailrelay.Fetch(context.Background(), w.db, w.box, w.spool, "nosuchtoken", "", "203.0.113.7", "x"); err == nil {
			t.Error("a made-up token works")
		}
	})
}

func smtpCode(err error) int {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

func TestOpenRelayRefused(t *testing.T) {
	w := setup(t, store.SQLite, nil)
	// Without signing in, nothing is accepted for anyone.
	c, err := w.dial("", "")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Mail("spammer@evil.example", nil); smtpCode(err)/100 != 5 {
		t.Errorf("MAIL without AUTH: %v, want a 5xx refusal", err)
	}
	if err := c.Rcpt("victim@other.example", nil); err == nil {
		t.Errorf("RCPT without AUTH accepted")
	}
	// Before STARTTLS, AUTH is not even offered.
	plain, err := smtp.Dial(w.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if err := plain.Hello("client"); err != nil {
		t.Fatal(err)
	}
	if ok, _ := plain.Extension("AUTH"); ok {
		t.Error("AUTH offered before STARTTLS")
	}
	// Signed in, a member cannot send as someone outside the company.
	c2, err := w.dial(w.email, w.password)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if err := c2.Mail("ceo@other.example", nil); smtpCode(err) != 553 {
		t.Errorf("MAIL as an outsider: %v, want 553", err)
	}
	if n := len(w.sink.Messages()); n != 0 {
		t.Errorf("the sink got %d messages", n)
	}
}

func TestAuthFailuresThrottled(t *testing.T) {
	w := setup(t, store.SQLite, nil)
	for i := 0; i < 5; i++ {
		if _, err := w.dial(w.email, "wrong-password"); smtpCode(err) != 535 {
			t.Fatalf("attempt %d: %v, want 535", i+1, err)
		}
	}
	if _, err := w.dial(w.email, w.password); smtpCode(err) != 454 {
		t.Fatalf("right password after 5 failures: %v, want 454", err)
	}
}

func TestRevokedAppPassword(t *testing.T) {
	w := setup(t, store.SQLite, nil)
	aps, _ := w.db.Tenant(w.orgID).AppPasswords(context.Background())
	if err := w.db.Tenant(w.orgID).RevokeAppPassword(context.Background(), audit.CLI(), aps[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.dial(w.email, w.password); smtpCode(err) != 535 {
		t.Fatalf("revoked password: %v, want 535", err)
	}
}

func TestBulkRefused(t *testing.T) {
	w := setup(t, store.SQLite, func(s *mailguard.Settings) { s.BulkAction = mailguard.BulkRefuse })
	to := []string{"a@cust.jp", "b@cust.jp", "c@cust.jp", "d@cust.jp", "e@cust.jp"}
	err := w.send(to, letter(strings.Join(to, ", "), "", false))
	if smtpCode(err) != 550 || !strings.Contains(err.Error(), "Bcc") {
		t.Fatalf("bulk To: %v, want 550 explaining Bcc", err)
	}
}

func TestSizeLimit(t *testing.T) {
	w := setup(t, store.SQLite, nil)
	c, err := w.dial(w.email, w.password)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// A client that declares the size (RFC 1870) hears 552 at once.
	if err := c.Mail(w.email, &smtp.MailOptions{Size: 26 << 20}); smtpCode(err) != 552 {
		t.Fatalf("MAIL SIZE over the limit: %v, want 552", err)
	}
	// One that does not is refused when the data passes the limit.
	big := append(letter("tanaka@yamada-shoji.co.jp", "", false), bytes.Repeat([]byte("x"), 26<<20)...)
	if err := w.send([]string{"tanaka@yamada-shoji.co.jp"}, big); err == nil {
		t.Fatal("oversized message accepted")
	}
	if ms, _ := w.db.Tenant(w.orgID).MailMessages(context.Background(), store.MailFilter{}); len(ms) != 0 {
		t.Errorf("%d messages in the index, want none", len(ms))
	}
}

// csvMessage carries a customer list of n people as an attachment.
func csvMessage(to string, n int) []byte {
	var rows strings.Builder
	for i := 0; i < n; i++ {
		rows.WriteString("customer" + strconv.Itoa(i) + "@example.net\n")
	}
	return []byte("From: sato@example.co.jp\r\nTo: " + to + "\r\nSubject: list\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n" +
		"--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n--b\r\nContent-Type: text/csv\r\nContent-Disposition: attachment; filename=\"customers.csv\"\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		wrap(base64.StdEncoding.EncodeToString([]byte(rows.String()))) + "\r\n--b--\r\n")
}

func wrap(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	b.WriteString(s)
	return b.String()
}

func TestPersonalDataHeld(t *testing.T) {
	// Hold only risky mail, so that what holds it is the personal data.
	w := setupWith(t, store.SQLite, func(s *mailguard.Settings) { s.HoldMode = mailguard.HoldRisky; s.LinkAttachments = false }, rowsPerPerson{})
	if err := w.send([]string{"tanaka@yamada-shoji.co.jp"}, csvMessage("tanaka@yamada-shoji.co.jp", 1001)); err != nil {
		t.Fatal(err)
	}
	if err := w.send([]string{"tanaka@yamada-shoji.co.jp"}, csvMessage("tanaka@yamada-shoji.co.jp", 0)); err != nil {
		t.Fatal(err)
	}
	w.clock.add(48 * time.Hour)
	w.run()
	got := w.delivered("tanaka@yamada-shoji.co.jp")
	if len(got) != 1 {
		t.Fatalf("got %d deliveries, want only the message without personal data", len(got))
	}
	ms, _ := w.db.Tenant(w.orgID).MailMessages(context.Background(), store.MailFilter{Pending: true})
	if len(ms) != 1 || ms[0].Reasons[0].Code != "many_people" || ms[0].Reasons[0].Args[0] != "1001" {
		t.Fatalf("pending = %+v, want the 1,001-person list held", ms)
	}
}

func TestSplitPerRecipient(t *testing.T) {
	w := setup(t, store.SQLite, func(s *mailguard.Settings) { s.BulkAction = mailguard.BulkSplit })
	to := []string{"a@cust.jp", "b@cust.jp", "c@cust.jp", "d@cust.jp", "e@cust.jp"}
	msg := bytes.Replace(letter(strings.Join(to, ", "), "", false), []byte(iso2022("山田商事")), []byte(iso2022("お客様各位")), 1)
	if err := w.send(to, msg); err != nil {
		t.Fatal(err)
	}
	w.clock.add(6 * time.Minute)
	w.run()
	for _, a := range to {
		got := w.delivered(a)
		if len(got) != 1 || len(got[0].To) != 1 {
			t.Fatalf("%s: got %d deliveries, want its own copy", a, len(got))
		}
		hdr := got[0].Data[:bytes.Index(got[0].Data, []byte("\r\n\r\n"))]
		for _, other := range to {
			if bytes.Contains(hdr, []byte(other)) {
				t.Errorf("%s's copy shows %s", a, other)
			}
		}
	}
}

// devicePort serves the device port of a relay allowing nets, as the
// world's member.
func (w *world) devicePort(nets ...string) string {
	w.t.Helper()
	cat, _ := i18n.Load()
	var ps []netip.Prefix
	for _, n := range nets {
		ps = append(ps, netip.MustParsePrefix(n))
	}
	r, err := mailrelay.New(w.db, w.box, cat, slog.New(slog.NewTextHandler(io.Discard, nil)), mailrelay.Config{Hostname: "127.0.0.1", SpoolDir: w.spool,
		BaseURL: "https://mamori.test", SmarthostTLS: w.sink.TLS(), DeviceNets: ps, DeviceOrg: w.orgID, DeviceUser: w.userID})
	if err != nil {
		w.t.Fatal(err)
	}
	srv := r.Server(true)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		w.t.Fatal(err)
	}
	go srv.Serve(ln)
	w.t.Cleanup(func() { srv.Close() })
	return ln.Addr().String()
}

func TestDevicePort(t *testing.T) {
	w := setup(t, store.SQLite, nil)
	// A scanner on an allowed address sends without signing in; its mail
	// goes through the same rules.
	addr := w.devicePort("127.0.0.0/8")
	msg := []byte("From: sato@example.co.jp\r\nTo: tanaka@yamada-shoji.co.jp\r\nSubject: scan\r\n\r\nscanned\r\n")
	c, err := smtp.DialStartTLS(addr, &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SendMail("sato@example.co.jp", []string{"tanaka@yamada-shoji.co.jp"}, bytes.NewReader(msg)); err != nil {
		t.Fatalf("device send: %v", err)
	}
	ms, _ := w.db.Tenant(w.orgID).MailMessages(context.Background(), store.MailFilter{Pending: true})
	if len(ms) != 1 || ms[0].State != mailguard.StateHeld {
		t.Fatalf("device mail = %+v, want held like any external mail", ms)
	}
	// Any other address is turned away at EHLO.
	other := w.devicePort("10.0.0.0/8")
	c2, err := smtp.Dial(other)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if err := c2.Hello("scanner"); smtpCode(err) != 554 {
		t.Fatalf("EHLO from an address not allowed: %v, want 554", err)
	}
}

// TestUnsureResolved: a message claimed when the process died is not
// sent again on its own; the keeper resends it (once) or marks it sent.
func TestUnsureResolved(t *testing.T) {
	each(t, func(t *testing.T, e store.Engine) {
		w := setup(t, e, func(s *mailguard.Settings) { s.HoldMode = mailguard.HoldRisky })
		ctx := context.Background()
		for i := 0; i < 2; i++ {
			if err := w.send([]string{"tanaka@yamada-shoji.co.jp"}, letter("tanaka@yamada-shoji.co.jp", "", false)); err != nil {
				t.Fatal(err)
			}
		}
		ms, _ := w.db.Tenant(w.orgID).MailMessages(ctx, store.MailFilter{})
		for _, m := range ms {
			// The worker claimed them, then the process died.
			if _, rs, err := w.db.ClaimMail(ctx, m.ID, w.clock.now()); err != nil || len(rs) != 1 {
				t.Fatalf("claim: %v %v", rs, err)
			}
		}
		if err := w.relay.Recover(ctx); err != nil {
			t.Fatal(err)
		}
		w.run()
		if n := len(w.delivered("tanaka@yamada-shoji.co.jp")); n != 0 {
			t.Fatalf("unsure mail was sent again on its own: %d", n)
		}
		tn := w.db.Tenant(w.orgID)
		if _, err := tn.ResolveUnsure(ctx, audit.CLI(), ms[0].ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := tn.ResolveUnsure(ctx, audit.CLI(), ms[1].ID, false); err != nil {
			t.Fatal(err)
		}
		w.run()
		w.run()
		if n := len(w.delivered("tanaka@yamada-shoji.co.jp")); n != 1 {
			t.Fatalf("got %d deliveries, want the resent one only", n)
		}
		for _, m := range ms {
			got, _, _ := tn.MailMessage(ctx, m.ID)
			if got.State != mailguard.StateDone {
				t.Errorf("%s: state %s, want done", m.ID, got.State)
			}
		}
		if _, err := tn.ResolveUnsure(ctx, audit.CLI(), ms[0].ID, true); err == nil {
			t.Error("resolving twice succeeded")
		}
	})
}
