package mailrelay_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mamori-sec/mamori/internal/mailguard"
	"github.com/mamori-sec/mamori/internal/store"
)

// TestGroupCommit has several clients send at once, so that their
// messages are made durable in shared groups: every client that heard
// 250 has its message in the index and its file in the spool, and the
// worker relays each exactly once.
func TestGroupCommit(t *testing.T) {
	each(t, func(t *testing.T, e store.Engine) {
		w := setup(t, e, func(s *mailguard.Settings) { s.HoldMode = mailguard.HoldRisky; s.LinkAttachments = false })
		const clients, per = 8, 6
		var wg sync.WaitGroup
		errs := make(chan error, clients*per)
		for c := 0; c < clients; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cl, err := w.dial(w.email, w.password)
				if err != nil {
					errs <- err
					return
				}
				defer cl.Close()
				for i := 0; i < per; i++ {
					msg := fmt.Sprintf("From: sato@example.co.jp\r\nTo: tanaka@yamada-shoji.co.jp\r\nSubject: g\r\nMessage-ID: <c%d-%d@test>\r\n\r\nbody\r\n", c, i)
					if err := cl.SendMail(w.email, []string{"tanaka@yamada-shoji.co.jp"}, strings.NewReader(msg)); err != nil {
						errs <- err
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		ms, err := w.db.Tenant(w.orgID).MailMessages(context.Background(), store.MailFilter{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) != clients*per {
			t.Fatalf("index has %d messages, want %d", len(ms), clients*per)
		}
		for _, m := range ms {
			if _, err := os.Stat(filepath.Join(w.spool, m.ID+".eml")); err != nil {
				t.Fatalf("message %s: %v", m.ID, err)
			}
		}
		w.run()
		seen := map[string]int{}
		for _, m := range w.delivered("tanaka@yamada-shoji.co.jp") {
			for _, l := range strings.Split(string(m.Data), "\r\n") {
				if strings.HasPrefix(l, "Message-ID: ") {
					seen[l]++
				}
			}
		}
		if len(seen) != clients*per {
			t.Fatalf("relayed %d distinct messages, want %d", len(seen), clients*per)
		}
		for id, n := range seen {
			if n != 1 {
				t.Fatalf("%s relayed %d times, want once", id, n)
			}
		}
	})
}
