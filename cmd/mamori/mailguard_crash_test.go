package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/mailguard"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/seal"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// slowSink is a smarthost on loopback that takes its time over each
// message, so the relay can be killed while it sends; it counts each
// Message-ID it receives.
type slowSink struct {
	mu  sync.Mutex
	got map[string]int
	n   int
}

var midRE = regexp.MustCompile(`Message-ID: <(m\d+)@crash>`)

func (s *slowSink) NewSession(*smtp.Conn) (smtp.Session, error) { return s, nil }
func (s *slowSink) Mail(string, *smtp.MailOptions) error        { return nil }
func (s *slowSink) Rcpt(string, *smtp.RcptOptions) error        { return nil }
func (s *slowSink) Reset()                                      {}
func (s *slowSink) Logout() error                               { return nil }
func (s *slowSink) Data(r io.Reader) error {
	b, _ := io.ReadAll(r)
	s.mu.Lock()
	if m := midRE.FindSubmatch(b); m != nil {
		s.got[string(m[1])]++
		s.n++
	}
	s.mu.Unlock()
	time.Sleep(30 * time.Millisecond)
	return nil
}

func (s *slowSink) counts() (int, map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := make(map[string]int, len(s.got))
	for k, v := range s.got {
		m[k] = v
	}
	return s.n, m
}

func freePort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestMailSurvivesKill9: a mail client sends a stream of messages through
// the mail guard while it relays them to a slow smarthost; the server is
// killed with SIGKILL mid-stream and started again. Every message the
// client heard 250 for is delivered after the restart, none twice; the
// one being relayed at the kill (the smarthost may have it) is left
// "unsure" for a person rather than sent again.
func TestMailSurvivesKill9(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			data := t.TempDir()
			dbURL := ""
			if engine == store.Postgres {
				dbURL = storetest.PostgresURL(t)
			}
			sink := &slowSink{got: map[string]int{}}
			ssrv := smtp.NewServer(sink)
			ssrv.Domain = "sink"
			sln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			go ssrv.Serve(sln)
			defer ssrv.Close()

			db, err := store.Open(ctx, dbURL, data, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			key, err := seal.LoadOrCreateKey(filepath.Join(data, "secret.key"))
			if err != nil {
				t.Fatal(err)
			}
			db.SetAuditKey(audit.DeriveKey(key))
			sys := audit.Actor{Label: "test"}
			uid, err := db.CreateUser(ctx, sys, auth.User{Email: "sato@example.co.jp", Name: "sato", PasswordHash: "x", Locale: "en"})
			if err != nil {
				t.Fatal(err)
			}
			orgID, err := db.CreateOrg(ctx, sys, org.Org{Slug: "crash", Name: "Crash Co"}, uid)
			if err != nil {
				t.Fatal(err)
			}
			ten := db.Tenant(orgID)
			set := mailguard.DefaultSettings
			set.Enabled, set.InternalDomains, set.HoldMode, set.HoldDelay = true, []string{"example.co.jp"}, mailguard.HoldRisky, 0
			set.Smarthost = mailguard.Smarthost{Host: "127.0.0.1", Port: sln.Addr().(*net.TCPAddr).Port}
			if err := ten.SaveMailguardSettings(ctx, sys, set); err != nil {
				t.Fatal(err)
			}
			if err := ten.AddMailDomains(ctx, sys, []string{"cust.jp"}); err != nil {
				t.Fatal(err)
			}
			pw, err := ten.CreateAppPassword(ctx, sys, uid, "client")
			if err != nil {
				t.Fatal(err)
			}

			submission := freePort(t)
			env := []string{"MAMORI_DATA=" + data, "MAMORI_DB=" + dbURL, "LANG=en_US.UTF-8", "MAMORI_MAIL_SUBMISSION=" + submission}
			a := startChild(t, env, "serve -addr 127.0.0.1:0")

			var mu sync.Mutex
			accepted := map[string]bool{}
			stop := make(chan struct{})
			done := make(chan struct{})
			go func() {
				defer close(done)
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					id := "m" + strconv.Itoa(i)
					c, err := smtp.DialStartTLS(submission, &tls.Config{InsecureSkipVerify: true})
					if err != nil {
						return
					}
					if err := c.Auth(sasl.NewPlainClient("", "sato@example.co.jp", pw)); err != nil {
						c.Close()
						return
					}
					msg := fmt.Sprintf("From: sato@example.co.jp\r\nTo: x%d@cust.jp\r\nSubject: crash %d\r\nMessage-ID: <%s@crash>\r\n\r\nbody %d\r\n", i, i, id, i)
					err = c.SendMail("sato@example.co.jp", []string{fmt.Sprintf("x%d@cust.jp", i)}, bytes.NewReader([]byte(msg)))
					c.Close()
					if err != nil {
						return
					}
					mu.Lock()
					accepted[id] = true
					mu.Unlock()
				}
			}()
			deadline := time.Now().Add(60 * time.Second)
			for {
				if n, _ := sink.counts(); n >= 5 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("nothing relayed before the kill\n%s", a.output())
				}
				time.Sleep(5 * time.Millisecond)
			}
			if err := a.cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			a.cmd.Wait()
			close(stop)
			<-done
			before, _ := sink.counts()
			mu.Lock()
			nAccepted := len(accepted)
			mu.Unlock()
			if before >= nAccepted {
				t.Fatalf("all %d accepted messages were relayed before the kill; the test killed too late", nAccepted)
			}

			b := startChild(t, env, "serve -addr 127.0.0.1:0")
			deadline = time.Now().Add(90 * time.Second)
			for {
				ms, err := ten.MailMessages(ctx, store.MailFilter{Limit: 10000})
				if err != nil {
					t.Fatal(err)
				}
				open, unsure := 0, 0
				var states strings.Builder
				for _, m := range ms {
					_, rs, err := ten.MailMessage(ctx, m.ID)
					if err != nil {
						t.Fatal(err)
					}
					for _, r := range rs {
						fmt.Fprintf(&states, "%s %s %s %s %q\n", m.ID, m.Subject, m.State, r.State, r.Error)
						switch r.State {
						case mailguard.RcptWaiting, mailguard.RcptSending:
							open++
						case mailguard.RcptUnsure:
							unsure++
						}
					}
				}
				if open == 0 {
					// The sink counts a message before it answers 250 and
					// the relay records "sent" only after that answer, so
					// the sink is read after the store, never before.
					_, got := sink.counts()
					if unsure > 1 {
						t.Errorf("%d recipients unsure, want at most the one in flight", unsure)
					}
					lost := 0
					for id := range accepted {
						if got[id] == 0 {
							lost++
						}
					}
					if lost > unsure {
						t.Errorf("%d accepted messages never arrived (%d unsure)\n%s\nafter the restart:\n%s", lost, unsure, states.String(), b.output())
					}
					for id, n := range got {
						if n > 1 {
							t.Errorf("%s arrived %d times", id, n)
						}
					}
					if len(ms) < nAccepted {
						t.Errorf("index holds %d messages, %d were accepted", len(ms), nAccepted)
					}
					t.Logf("accepted %d, relayed before the kill %d, unsure %d", nAccepted, before, unsure)
					return
				}
				if time.Now().After(deadline) {
					t.Fatalf("%d recipients still open after the restart", open)
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
}
