package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"mime"
	"net"
	"net/textproto"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"golang.org/x/text/encoding/japanese"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/demo"
	"github.com/mamori-sec/mamori/internal/mailguard"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

var (
	demoServerRE = regexp.MustCompile(`server: (\S+)  port: (\d+)  security: STARTTLS`)
	demoUserRE   = regexp.MustCompile(`user name: (\S+)  app password: (\S+)`)
)

// TestDemoMailClient is issue 14's "Done when" on the demo: `mamori
// demo` prints where to point a mail client; a real SMTP client uses what
// it prints (STARTTLS on the self-signed certificate, AUTH PLAIN with the
// app password) to send one notice to twelve customers in To; the demo's
// policy holds external mail for five minutes, so the sender sends it now
// (as on My outgoing mail); the copy in the demo outbox has the twelve in
// the envelope and none of them in To or Cc (Bcc conversion), and the
// outbox logged it with its ISO-2022-JP subject decoded. A second start
// on the same data prints the same app password.
func TestDemoMailClient(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			data := t.TempDir()
			dbURL := ""
			if engine == store.Postgres {
				dbURL = storetest.PostgresURL(t)
			}
			env := []string{"MAMORI_DATA=" + data, "MAMORI_DB=" + dbURL, "LANG=en_US.UTF-8"}
			args := "demo -addr 127.0.0.1:0 -mail-submission " + freePort(t) + " -demo-outbox " + freePort(t)
			a := startChild(t, env, args)
			host, port, user, pw := readMailClient(t, a)
			if user != demo.Staff {
				t.Errorf("printed user name: got %s, want the staff member %s", user, demo.Staff)
			}
			if saved, err := os.ReadFile(filepath.Join(data, "demo-credentials.txt")); err != nil || !strings.Contains(string(saved), pw) {
				t.Errorf("demo-credentials.txt: got %q (%v), want the app password in it", saved, err)
			}

			subject := "年末年始休業のお知らせ（テスト）"
			var customers []string
			for i := 1; i <= 12; i++ {
				customers = append(customers, fmt.Sprintf("customer%02d@customer-mail.example", i))
			}
			c, err := smtp.DialStartTLS(net.JoinHostPort(host, port), &tls.Config{InsecureSkipVerify: true})
			if err != nil {
				t.Fatalf("STARTTLS to the printed %s:%s: %v", host, port, err)
			}
			if err := c.Auth(sasl.NewPlainClient("", user, pw)); err != nil {
				t.Fatalf("AUTH PLAIN with the printed app password: %v", err)
			}
			msg := "From: " + user + "\r\nTo: " + strings.Join(customers, ", ") + "\r\nSubject: " + iso2022jpWord(t, subject) +
				"\r\nMessage-ID: <demo-bcc@test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nお客様各位\r\n"
			if err := c.SendMail(user, customers, strings.NewReader(msg)); err != nil {
				t.Fatalf("send: %v", err)
			}
			c.Close()

			// The demo holds external mail for five minutes: the sender
			// sends it now, as the button on My outgoing mail does.
			db, err := store.Open(ctx, dbURL, data, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			o, err := db.OrgBySlug(ctx, demo.Slug)
			if err != nil {
				t.Fatal(err)
			}
			ten := db.Tenant(o.ID)
			u, err := db.UserByEmail(ctx, user)
			if err != nil {
				t.Fatal(err)
			}
			ms, err := ten.MailMessages(ctx, store.MailFilter{UserID: u.ID, Pending: true})
			if err != nil {
				t.Fatal(err)
			}
			var held mailguard.Message
			for _, m := range ms {
				if m.Subject == subject {
					held = m
				}
			}
			if held.ID == "" || !held.Bcc || held.State != mailguard.StateHeld {
				t.Fatalf("got pending mail %+v, want %q held with Bcc", ms, subject)
			}
			if err := ten.DecideMail(ctx, audit.Actor{UserID: u.ID, Label: user}, held.ID, u.ID, true); err != nil {
				t.Fatal(err)
			}

			path, raw := waitOutbox(t, a, filepath.Join(data, "demo-outbox"), "Message-ID: <demo-bcc@test>")
			h, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(raw))).ReadMIMEHeader()
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("delivered %s:\n%s", path, raw[:bytes.Index(raw, []byte("\r\n\r\n"))])
			visible := strings.Join(append(h.Values("To"), h.Values("Cc")...), ", ")
			for _, cu := range customers {
				if strings.Contains(visible, cu) {
					t.Errorf("%s: To/Cc %q names %s, want the customers moved to Bcc", path, visible, cu)
				}
				if !strings.Contains(strings.Join(h.Values("X-Demo-Outbox-To"), " "), "<"+cu+">") {
					t.Errorf("%s: envelope %q lacks %s, want every customer to get it", path, h.Values("X-Demo-Outbox-To"), cu)
				}
			}
			if h.Get("Bcc") != "" {
				t.Errorf("%s: got a Bcc header %q, want none", path, h.Get("Bcc"))
			}
			if !strings.Contains(a.output(), "subject="+subject) && !strings.Contains(a.output(), `subject="`+subject) {
				t.Errorf("outbox log: want a line with subject %s decoded, got\n%s", subject, a.output())
			}
			db.Close()

			// Stop, start again on the same data: the same app password.
			a.cmd.Process.Signal(os.Interrupt)
			a.cmd.Wait()
			b := startChild(t, env, args)
			if _, _, _, pw2 := readMailClient(t, b); pw2 != pw {
				t.Errorf("second start: got app password %s, want the saved %s", pw2, pw)
			}
		})
	}
}

// readMailClient waits for the printed mail client lines.
func readMailClient(t *testing.T, c *child) (host, port, user, pw string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		out := c.output()
		s, u := demoServerRE.FindStringSubmatch(out), demoUserRE.FindStringSubmatch(out)
		if s != nil && u != nil {
			return s[1], s[2], u[1], u[2]
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("demo printed no mail client lines:\n%s", c.output())
	return
}

// waitOutbox waits for the .eml in dir that contains marker.
func waitOutbox(t *testing.T, c *child, dir, marker string) (string, []byte) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
		for _, f := range files {
			if b, err := os.ReadFile(f); err == nil && bytes.Contains(b, []byte(marker)) {
				return f, b
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no message with %q in %s\n%s", marker, dir, c.output())
	return "", nil
}

// iso2022jpWord encodes s as a MIME encoded word in ISO-2022-JP, as
// Japanese mail clients still send.
func iso2022jpWord(t *testing.T, s string) string {
	t.Helper()
	b, err := japanese.ISO2022JP.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return mime.BEncoding.Encode("ISO-2022-JP", b)
}

// TestDemoPortInUse: with the submission port and the outbox port taken
// by another program, the demo says so, naming the port and the flag, and
// runs without them.
func TestDemoPortInUse(t *testing.T) {
	var taken []string
	for range 2 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		taken = append(taken, ln.Addr().String())
	}
	env := []string{"MAMORI_DATA=" + t.TempDir(), "MAMORI_DB=", "LANG=en_US.UTF-8"}
	a := startChild(t, env, "demo -addr 127.0.0.1:0 -mail-submission "+taken[0]+" -demo-outbox "+taken[1])
	out := a.output()
	for i, flag := range []string{"-mail-submission", "-demo-outbox"} {
		if want := taken[i] + " is already in use, so the demo carries on without this part. Choose another address with " + flag; !strings.Contains(out, want) {
			t.Errorf("got output\n%s\nwant %q", out, want)
		}
	}
	if strings.Contains(out, "The mail guard is running") || strings.Contains(out, "app password:") {
		t.Errorf("got the mail guard started or mail client lines printed with its port taken:\n%s", out)
	}
}

// TestOutboxKeepsNewest: the outbox keeps the newest 500 messages, each
// with its envelope, and decodes subjects for its log.
func TestOutboxKeepsNewest(t *testing.T) {
	o := &outbox{dir: t.TempDir()}
	var first, last string
	for i := range outboxKeep + 2 {
		p, err := o.write("a@example.jp", []string{"b@example.jp"}, []byte(fmt.Sprintf("Subject: %d\r\n\r\nbody\r\n", i)))
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = p
		}
		last = p
	}
	files, _ := filepath.Glob(filepath.Join(o.dir, "*.eml"))
	if len(files) != outboxKeep {
		t.Errorf("got %d files, want %d", len(files), outboxKeep)
	}
	if _, err := os.Stat(first); !os.IsNotExist(err) {
		t.Errorf("oldest message %s: got %v, want it removed", first, err)
	}
	if b, err := os.ReadFile(last); err != nil || !bytes.HasPrefix(b, []byte("X-Demo-Outbox-From: <a@example.jp>\r\nX-Demo-Outbox-To: <b@example.jp>\r\nSubject: 501")) {
		t.Errorf("newest message: got %q, %v", b, err)
	}
	if got := subjectOf([]byte("Subject: " + iso2022jpWord(t, "御見積書") + "\r\n\r\n")); got != "御見積書" {
		t.Errorf("subject: got %q, want 御見積書", got)
	}
}
