package mailrelay_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/mailguard"
	"github.com/mamori-sec/mamori/internal/store"
)

// plainLetter is a short message to a known domain, relayed at once in
// the risky hold mode.
func plainLetter(n int) []byte {
	return []byte(fmt.Sprintf("From: sato@example.co.jp\r\nTo: tanaka@yamada-shoji.co.jp\r\nSubject: k\r\nMessage-ID: <k%d@test>\r\n\r\nbody %d\r\n", n, n))
}

// TestSmarthostChangeNotServedByKeptConnection: the worker keeps its
// smarthost connection between messages; when the organisation points
// the mail guard at another smarthost (here another address of the same
// sink), the next message goes there, not down the connection kept to
// the old one.
func TestSmarthostChangeNotServedByKeptConnection(t *testing.T) {
	each(t, func(t *testing.T, e store.Engine) {
		w := setup(t, e, func(s *mailguard.Settings) { s.HoldMode = mailguard.HoldRisky })
		ctx := context.Background()
		if err := w.send([]string{"tanaka@yamada-shoji.co.jp"}, plainLetter(1)); err != nil {
			t.Fatal(err)
		}
		w.run()
		if n := len(w.sink.Messages()); n != 1 {
			t.Fatalf("sink got %d messages, want 1", n)
		}
		other := newCutter(t, net.JoinHostPort(w.sink.Host, strconv.Itoa(w.sink.Port)))
		tn := w.db.Tenant(w.orgID)
		set, err := tn.MailguardSettings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		set.Smarthost.Port = other.ln.Addr().(*net.TCPAddr).Port
		if err := tn.SaveMailguardSettings(ctx, audit.CLI(), set); err != nil {
			t.Fatal(err)
		}
		if err := w.send([]string{"tanaka@yamada-shoji.co.jp"}, plainLetter(2)); err != nil {
			t.Fatal(err)
		}
		w.run()
		if n := len(w.sink.Messages()); n != 2 {
			t.Fatalf("sink got %d messages, want 2", n)
		}
		if got := other.accepted(); got != 1 {
			t.Errorf("the new smarthost address got %d connections, want 1 (the connection kept to the old one was used)", got)
		}
	})
}

// cutter is a TCP proxy in front of the sink whose connections the test
// can cut, as a smarthost closing an idle connection does.
type cutter struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
	n     int // connections accepted
}

func (c *cutter) accepted() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}

func newCutter(t *testing.T, target string) *cutter {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &cutter{ln: ln}
	t.Cleanup(func() { ln.Close(); c.cut() })
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				in.Close()
				continue
			}
			c.mu.Lock()
			c.conns = append(c.conns, in, out)
			c.n++
			c.mu.Unlock()
			go func() { io.Copy(out, in); out.Close() }()
			go func() { io.Copy(in, out); in.Close() }()
		}
	}()
	return c
}

func (c *cutter) cut() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, x := range c.conns {
		x.Close()
	}
	c.conns = nil
}

// TestSmarthostClosedKeptConnection: the smarthost closes the connection
// the worker kept (and uses again without an RSET when it was used a
// moment ago); the next message is relayed at once over a new
// connection, not left to wait for a retry.
func TestSmarthostClosedKeptConnection(t *testing.T) {
	w := setup(t, store.SQLite, func(s *mailguard.Settings) { s.HoldMode = mailguard.HoldRisky })
	ctx := context.Background()
	proxy := newCutter(t, net.JoinHostPort(w.sink.Host, strconv.Itoa(w.sink.Port)))
	tn := w.db.Tenant(w.orgID)
	set, err := tn.MailguardSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	set.Smarthost.Port = proxy.ln.Addr().(*net.TCPAddr).Port
	if err := tn.SaveMailguardSettings(ctx, audit.CLI(), set); err != nil {
		t.Fatal(err)
	}
	if err := w.send([]string{"tanaka@yamada-shoji.co.jp"}, plainLetter(1)); err != nil {
		t.Fatal(err)
	}
	w.run()
	if n := len(w.sink.Messages()); n != 1 {
		t.Fatalf("sink got %d messages, want 1", n)
	}
	proxy.cut()
	time.Sleep(10 * time.Millisecond) // the close reaches the worker's side (not a timing assertion)
	if err := w.send([]string{"tanaka@yamada-shoji.co.jp"}, plainLetter(2)); err != nil {
		t.Fatal(err)
	}
	w.run()
	if n := len(w.sink.Messages()); n != 2 {
		ms, _ := tn.MailMessages(ctx, store.MailFilter{})
		for _, m := range ms {
			_, rs, _ := tn.MailMessage(ctx, m.ID)
			t.Logf("%s %s %+v", m.ID, m.State, rs)
		}
		t.Fatalf("sink got %d messages after the smarthost closed the kept connection, want 2", n)
	}
}

// TestAcceptAndClaimLargeGroup: a group larger than one insert statement
// carries, with a message of more recipients than one statement carries,
// is stored whole; the claim returns every recipient in the sender's
// order, and the message is done only when the last result is recorded.
func TestAcceptAndClaimLargeGroup(t *testing.T) {
	each(t, func(t *testing.T, e store.Engine) {
		w := setup(t, e, nil)
		ctx := context.Background()
		now := w.clock.now()
		var group []store.Accepted
		var big mailguard.Message
		var bigRcpts []mailguard.Rcpt
		for i := 0; i < 120; i++ {
			m := mailguard.Message{ID: mailguard.NewID(), OrgID: w.orgID, UserID: w.userID, From: w.email, Subject: "s", State: mailguard.StateReleased, CreatedAt: now}
			n := 1
			if i == 7 {
				n = 450
			}
			var rs []mailguard.Rcpt
			for j := 0; j < n; j++ {
				// Addresses in reverse alphabetical order, so that the
				// sender's order is not the table's.
				a := fmt.Sprintf("r%03d@cust.jp", n-j)
				m.Recipients = append(m.Recipients, a)
				rs = append(rs, mailguard.Rcpt{Addr: a, External: true})
			}
			if i == 7 {
				big, bigRcpts = m, rs
			}
			group = append(group, store.Accepted{Message: m, Rcpts: rs})
		}
		if err := w.db.AcceptMails(ctx, group); err != nil {
			t.Fatal(err)
		}
		ms, err := w.db.Tenant(w.orgID).MailMessages(ctx, store.MailFilter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != len(group) {
			t.Fatalf("stored %d messages, want %d", len(ms), len(group))
		}
		m, claimed, err := w.db.ClaimMail(ctx, big.ID, now)
		if err != nil {
			t.Fatal(err)
		}
		if m.ID != big.ID || len(claimed) != len(bigRcpts) {
			t.Fatalf("claimed %d recipients of %q, want %d", len(claimed), m.ID, len(bigRcpts))
		}
		for i, r := range claimed {
			if r.Addr != big.Recipients[i] || r.State != mailguard.RcptSending || r.Attempts != 1 || !r.External {
				t.Fatalf("claimed[%d] = %+v, want %s sending, attempt 1, external", i, r, big.Recipients[i])
			}
		}
		var done []store.Finish
		for _, r := range claimed[:len(claimed)-1] {
			done = append(done, store.Finish{MessageID: big.ID, Rcpt: r.Addr, State: mailguard.RcptSent, OrgID: w.orgID, External: true})
		}
		if _, _, err := w.db.FinishAndClaim(ctx, done, "", now); err != nil {
			t.Fatal(err)
		}
		got, _, err := w.db.Tenant(w.orgID).MailMessage(ctx, big.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != mailguard.StateSending {
			t.Fatalf("with one recipient still sending the message is %s, want %s", got.State, mailguard.StateSending)
		}
		last := claimed[len(claimed)-1]
		if err := w.db.FinishRcpt(ctx, big.ID, last.Addr, mailguard.RcptFailed, "550 no such user", time.Time{}); err != nil {
			t.Fatal(err)
		}
		got, rs, err := w.db.Tenant(w.orgID).MailMessage(ctx, big.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.State != mailguard.StateDone {
			t.Fatalf("with every result recorded the message is %s, want %s", got.State, mailguard.StateDone)
		}
		sent := 0
		for _, r := range rs {
			if r.State == mailguard.RcptSent {
				sent++
			}
		}
		if sent != len(claimed)-1 {
			t.Errorf("%d recipients sent, want %d", sent, len(claimed)-1)
		}
	})
}
