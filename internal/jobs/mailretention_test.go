package jobs_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/jobs"
	"github.com/mamori-sec/mamori/internal/jobs/jobstest"
	"github.com/mamori-sec/mamori/internal/mailguard"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store/storetest"
)

// TestMailRetention: the periodic job removes the spool file and sealed
// attachments of messages finished longer ago than the organisation's
// retention, keeps those of younger messages and of messages whose
// download link still works, and the log keeps every message.
func TestMailRetention(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			var mu sync.Mutex
			now := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
			clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
			travel := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
			db := jobstest.Open(t, engine, clock)
			sys := audit.Actor{Label: "test"}
			userID, err := db.CreateUser(ctx, sys, auth.User{Email: "a@example.jp", Name: "送信 者", PasswordHash: "x"})
			if err != nil {
				t.Fatal(err)
			}
			orgID, err := db.CreateOrg(ctx, sys, org.Org{Slug: "mail", Name: "保持株式会社"}, userID)
			if err != nil {
				t.Fatal(err)
			}
			ten := db.Tenant(orgID)
			set := mailguard.DefaultSettings
			set.Enabled = true
			if err := ten.SaveMailguardSettings(ctx, sys, set); err != nil { // retention: the default, 30 days
				t.Fatal(err)
			}
			spool := mailguard.Spool{Dir: t.TempDir()}
			accept := func(state string) string {
				id := mailguard.NewID()
				if err := spool.Write(id, []byte("Subject: x\r\n\r\nbody\r\n")); err != nil {
					t.Fatal(err)
				}
				if err := spool.WriteAux(id, "f0", []byte("sealed")); err != nil {
					t.Fatal(err)
				}
				m := mailguard.Message{ID: id, OrgID: orgID, UserID: userID, From: "a@example.jp", Subject: "x", Recipients: []string{"b@cust.jp"}, State: state, CreatedAt: clock()}
				if err := db.AcceptMail(ctx, m, []mailguard.Rcpt{{Addr: "b@cust.jp", External: true}}); err != nil {
					t.Fatal(err)
				}
				return id
			}
			send := func(id string) {
				if _, rs, err := db.ClaimMail(ctx, id, clock()); err != nil || len(rs) != 1 {
					t.Fatalf("claim: %v %v", rs, err)
				}
				if err := db.FinishRcpt(ctx, id, "b@cust.jp", mailguard.RcptSent, "", time.Time{}); err != nil {
					t.Fatal(err)
				}
			}
			sent := accept(mailguard.StateReleased)
			send(sent)
			zipped := func(id string) {
				if _, err := db.CreateMailZip(ctx, mailguard.Zip{MessageID: id, Rcpt: "b@cust.jp", OrgID: orgID, FileName: "a.pdf.zip", Files: 1, Size: 10, PasswordSealed: "sealed-password"}); err != nil {
					t.Fatal(err)
				}
			}
			zipped(sent)
			cancelled := accept(mailguard.StateConfirm)
			if err := ten.DecideMail(ctx, sys, cancelled, 0, false); err != nil {
				t.Fatal(err)
			}
			linked := accept(mailguard.StateReleased)
			send(linked)
			if err := db.CreateMailLink(ctx, mailguard.Link{OrgID: orgID, MessageID: linked, Rcpt: "b@cust.jp", FileName: "a.pdf", ExpiresAt: clock().Add(60 * 24 * time.Hour)}, "hash-linked"); err != nil {
				t.Fatal(err)
			}
			held := accept(mailguard.StateConfirm) // never finished
			travel(20 * 24 * time.Hour)
			young := accept(mailguard.StateReleased)
			send(young)
			zipped(young)
			travel(11 * 24 * time.Hour) // 31 days after the first ones, 11 after young

			q, err := jobs.Open(db, jobs.Config{Work: true, Delay: -1, PollInterval: 20 * time.Millisecond, MailSpool: spool.Dir})
			if err != nil {
				t.Fatal(err)
			}
			if err := q.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				defer cancel()
				q.Stop(sctx)
			})
			exists := func(id, suffix string) bool {
				_, err := os.Stat(filepath.Join(spool.Dir, id+"."+suffix))
				return err == nil
			}
			// The job is done when nothing is left due: a message is marked
			// purged only after all its files went (its .eml goes before its
			// .f0, so a missing .eml alone says the job is still at work).
			due := func() int {
				ids, err := db.MailToPurge(ctx, db.Now(), 10)
				if err != nil {
					t.Fatal(err)
				}
				return len(ids)
			}
			deadline := time.Now().Add(30 * time.Second)
			for exists(sent, "eml") || exists(cancelled, "eml") || due() > 0 {
				if time.Now().After(deadline) {
					t.Fatal("the retention job did not finish after start, want the files of the two messages finished 31 days ago gone")
				}
				time.Sleep(20 * time.Millisecond)
			}
			for _, id := range []string{sent, cancelled} {
				if exists(id, "f0") {
					t.Errorf("message %s: sealed attachment kept, want it gone with the message", id)
				}
				m, rs, err := ten.MailMessage(ctx, id)
				if err != nil || m.Subject != "x" || len(rs) != 1 {
					t.Errorf("message %s: log entry %+v %v %v, want it kept", id, m, rs, err)
				}
			}
			for name, id := range map[string]string{"linked": linked, "held": held, "young": young} {
				if !exists(id, "eml") || !exists(id, "f0") {
					t.Errorf("%s message: files removed, want them kept", name)
				}
			}
			// A zip's password goes with the message's files; a younger
			// message keeps its own.
			for id, want := range map[string]string{sent: "", young: "sealed-password"} {
				if z, err := db.MailZip(ctx, id, "b@cust.jp"); err != nil || z.PasswordSealed != want || z.FileName != "a.pdf.zip" {
					t.Errorf("zip of %s: %+v %v, want password %q and the log row kept", id, z, err, want)
				}
			}
			// A direct run now finds nothing more to do.
			if n, err := jobs.PurgeMail(ctx, q, spool); err != nil || n != 0 {
				t.Errorf("second run purged %d (%v), want 0", n, err)
			}
		})
	}
}
