package mailrelay_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/mailguard"
	"github.com/mamori-sec/mamori/internal/store"
)

// sevenZip finds 7z (Debian's p7zip-full); missing, the test skips unless
// CI or MAMORI_CI is set, where it fails (as internal/mailguard's).
func sevenZip(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("7z"); err == nil {
		return p
	}
	if os.Getenv("CI") != "" || os.Getenv("MAMORI_CI") != "" {
		t.Fatal("got no 7z in PATH, want one: CI requires the zip round trip through 7-Zip (apt-get install p7zip-full)")
	}
	t.Skip("skipping: no 7z in PATH (apt-get install p7zip-full; CI or MAMORI_CI makes this a failure)")
	return ""
}

var zipPasswordRE = regexp.MustCompile(`パスワード： ([` + mailguard.ZipPasswordAlphabet + `]{16})`)

// TestZipForInsistingDomain: one message with a Japanese-named
// attachment to a recipient whose domain insists on a password zip, one
// in another outside domain and a colleague. The first gets one zip that
// 7-Zip opens with the password from the sender's notice (and no
// password, no link); the second gets a link; the colleague the
// original. The password is sealed at rest.
func TestZipForInsistingDomain(t *testing.T) {
	bin := sevenZip(t)
	each(t, func(t *testing.T, e store.Engine) {
		ctx := context.Background()
		w := setup(t, e, nil)
		tn := w.db.Tenant(w.orgID)
		if err := tn.SetMailZipDomains(ctx, audit.CLI(), []string{"Zip-Partner.co.jp"}); err != nil {
			t.Fatal(err)
		}
		if err := tn.AddMailDomains(ctx, audit.CLI(), []string{"zip-partner.co.jp"}); err != nil {
			t.Fatal(err)
		}
		zipTo, linkTo, inTo := "kimura@zip-partner.co.jp", "tanaka@yamada-shoji.co.jp", "suzuki@example.co.jp"
		if err := w.send([]string{zipTo, linkTo, inTo}, letter(zipTo, linkTo, true)); err != nil {
			t.Fatal(err)
		}
		// Two outside organisations at once: the sender confirms.
		pend, err := tn.MailMessages(ctx, store.MailFilter{Pending: true})
		if err != nil || len(pend) != 1 {
			t.Fatalf("pending = %d, %v; want 1", len(pend), err)
		}
		if err := tn.DecideMail(ctx, audit.CLI(), pend[0].ID, w.userID, true); err != nil {
			t.Fatal(err)
		}
		w.clock.add(time.Minute)
		w.run()
		w.run() // the notices to the sender

		zipped := w.delivered(zipTo)
		if len(zipped) != 1 {
			t.Fatalf("got %d deliveries to %s, want 1", len(zipped), zipTo)
		}
		files, err := mailguard.Files(zipped[0].Data)
		if err != nil || len(files) != 1 || files[0].Name != "見積書.pdf.zip" {
			t.Fatalf("got attachments %+v (%v), want one 見積書.pdf.zip", files, err)
		}
		text, _ := mailguard.Summarize(zipped[0].Data, nil)
		if linkRE.MatchString(text.Text) {
			t.Errorf("the zip recipient's mail has a download link:\n%s", text.Text)
		}
		if !strings.Contains(text.Text, "パスワード付きZIPファイル「見積書.pdf.zip」") {
			t.Errorf("the zip recipient's mail does not say what the zip is:\n%s", text.Text)
		}

		var password string
		for _, m := range w.delivered(w.email) {
			s, _ := mailguard.Summarize(m.Data, nil)
			if p := zipPasswordRE.FindStringSubmatch(s.Text); p != nil && strings.Contains(s.Text, zipTo) {
				password = p[1]
				if !strings.Contains(s.Text, "メール以外の方法") {
					t.Errorf("the notice does not say to pass the password another way:\n%s", s.Text)
				}
			}
		}
		if password == "" {
			t.Fatal("the sender got no password")
		}
		for _, m := range append(zipped, w.delivered(linkTo)...) {
			if bytes.Contains(m.Data, []byte(password)) || strings.Contains(decodedAll(t, m.Data), password) {
				t.Errorf("the password reached %v", m.To)
			}
		}

		dir := t.TempDir()
		zipPath := filepath.Join(dir, files[0].Name)
		if err := os.WriteFile(zipPath, files[0].Data, 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "x", "-y", "-p"+password, "-o"+filepath.Join(dir, "out"), zipPath)
		cmd.Env = append(os.Environ(), "LANG=C.UTF-8", "LC_ALL=C.UTF-8")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("7z x: %v\n%s", err, out)
		}
		got, err := os.ReadFile(filepath.Join(dir, "out", "見積書.pdf"))
		if err != nil || string(got) != "%PDF-1.4 secret quote" {
			t.Fatalf("7z gave %q, %v; want the original attachment", got, err)
		}

		linked := w.delivered(linkTo)
		if len(linked) != 1 {
			t.Fatalf("got %d deliveries to %s, want 1", len(linked), linkTo)
		}
		ls, _ := mailguard.Summarize(linked[0].Data, nil)
		if lf, _ := mailguard.Files(linked[0].Data); len(lf) != 0 || !linkRE.MatchString(ls.Text) {
			t.Errorf("the other outside recipient got %d attachments and text\n%s\nwant a link only", len(lf), ls.Text)
		}
		in := w.delivered(inTo)
		if len(in) != 1 {
			t.Fatalf("got %d deliveries to %s, want 1", len(in), inTo)
		}
		if inf, _ := mailguard.Files(in[0].Data); len(inf) != 1 || string(inf[0].Data) != "%PDF-1.4 secret quote" {
			t.Errorf("the colleague got %+v, want the original attachment", inf)
		}

		zips, err := tn.MailZips(ctx, pend[0].ID)
		if err != nil || len(zips) != 1 || zips[0].Rcpt != zipTo || zips[0].Files != 1 {
			t.Fatalf("zip records = %+v, %v; want one for %s", zips, err, zipTo)
		}
		if strings.Contains(zips[0].PasswordSealed, password) {
			t.Error("the password is stored in the clear")
		}
		if pw, err := w.box.Open(zips[0].PasswordSealed, mailguard.ZipSealContext(pend[0].ID, zipTo)); err != nil || string(pw) != password {
			t.Errorf("sealed password opens to %q, %v; want the notice's", pw, err)
		}
	})
}

// decodedAll is every text part of a message, decoded.
func decodedAll(t *testing.T, data []byte) string {
	t.Helper()
	s, err := mailguard.Summarize(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s.Text
}

// TestZipRetryKeepsPassword: a zip that could not leave (smarthost down)
// goes out on the retry under the same password, and the sender is told
// that password once.
func TestZipRetryKeepsPassword(t *testing.T) {
	bin := sevenZip(t)
	ctx := context.Background()
	w := setup(t, store.SQLite, nil)
	tn := w.db.Tenant(w.orgID)
	if err := tn.SetMailZipDomains(ctx, audit.CLI(), []string{"zip-partner.co.jp"}); err != nil {
		t.Fatal(err)
	}
	if err := tn.AddMailDomains(ctx, audit.CLI(), []string{"zip-partner.co.jp"}); err != nil {
		t.Fatal(err)
	}
	set, err := tn.MailguardSettings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	up := set.Smarthost.Port
	set.Smarthost.Port = 1 // nothing listens: a temporary failure
	if err := tn.SaveMailguardSettings(ctx, audit.CLI(), set); err != nil {
		t.Fatal(err)
	}
	zipTo := "kimura@zip-partner.co.jp"
	if err := w.send([]string{zipTo}, letter(zipTo, "", true)); err != nil {
		t.Fatal(err)
	}
	// The letter names a partner but goes elsewhere: the sender confirms.
	pend, err := tn.MailMessages(ctx, store.MailFilter{Pending: true})
	if err != nil || len(pend) != 1 {
		t.Fatalf("pending = %d, %v; want 1", len(pend), err)
	}
	if err := tn.DecideMail(ctx, audit.CLI(), pend[0].ID, w.userID, true); err != nil {
		t.Fatal(err)
	}
	w.run()
	if _, rs, _ := tn.MailMessage(ctx, pend[0].ID); len(rs) != 1 || rs[0].Attempts != 1 || rs[0].State != mailguard.RcptWaiting {
		t.Fatalf("after the failed attempt: %+v, want one attempt, waiting", rs)
	}
	if n := len(w.sink.Messages()); n != 0 {
		t.Fatalf("got %d messages through a smarthost that is down", n)
	}
	set.Smarthost.Port = up
	if err := tn.SaveMailguardSettings(ctx, audit.CLI(), set); err != nil {
		t.Fatal(err)
	}
	w.clock.add(10 * time.Minute)
	w.run()
	w.run()
	zipped := w.delivered(zipTo)
	if len(zipped) != 1 {
		t.Fatalf("got %d deliveries, want 1", len(zipped))
	}
	var passwords []string
	for _, m := range w.delivered(w.email) {
		s, _ := mailguard.Summarize(m.Data, nil)
		if p := zipPasswordRE.FindStringSubmatch(s.Text); p != nil {
			passwords = append(passwords, p[1])
		}
	}
	if len(passwords) != 1 {
		t.Fatalf("the sender was told %d passwords, want 1", len(passwords))
	}
	files, _ := mailguard.Files(zipped[0].Data)
	if len(files) != 1 {
		t.Fatalf("got %d attachments, want one zip", len(files))
	}
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "a.zip")
	if err := os.WriteFile(zipPath, files[0].Data, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "t", "-p"+passwords[0], zipPath)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("7z t with the notice's password: %v\n%s", err, out)
	}
}
