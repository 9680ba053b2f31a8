package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/mailguard"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store"
	"github.com/mamori-sec/mamori/internal/store/storetest"
	"github.com/mamori-sec/mamori/internal/web"
)

// mailWorld is a world whose server knows a mail guard spool, with one
// held message of the member and one of the keeper.
func mailWorld(t *testing.T, e store.Engine) (*world, string, map[org.Role]string) {
	spool := t.TempDir()
	w := newWorldWith(t, e, func(d *web.Deps) {
		d.MailSpool = spool
		d.Metrics = func(out io.Writer) {}
	})
	ctx := context.Background()
	ids := map[org.Role]string{}
	for _, role := range []org.Role{org.Member, org.Keeper} {
		id := mailguard.NewID()
		m := mailguard.Message{ID: id, OrgID: w.orgA.ID, UserID: w.users[role].ID, From: w.users[role].Email, Subject: "御見積書 " + string(role),
			Recipients: []string{"tanaka@yamada-shojl.co.jp"}, Attachments: []mailguard.Attachment{{Name: "見積書.pdf", Size: 12}},
			State: mailguard.StateConfirm, Reasons: []mailguard.Reason{{Code: "look_alike", Args: []string{"yamada-shojl.co.jp", "山田商事"}, Confirm: true}},
			CreatedAt: w.clock.Now()}
		if err := w.db.AcceptMail(ctx, m, []mailguard.Rcpt{{Addr: "tanaka@yamada-shojl.co.jp", External: true}}); err != nil {
			t.Fatal(err)
		}
		ids[role] = id
	}
	return w, spool, ids
}

func eachMailEngine(t *testing.T, fn func(t *testing.T, e store.Engine)) {
	for _, e := range storetest.Engines() {
		t.Run(string(e), func(t *testing.T) { fn(t, e) })
	}
}

func TestMyMailCancel(t *testing.T) {
	eachMailEngine(t, func(t *testing.T, e store.Engine) {
		w, _, ids := mailWorld(t, e)
		c := w.client("ja")
		c.signIn(w.users[org.Member].Email)
		page := c.get("/o/" + w.orgA.Slug + "/me/mail")
		if page.status != http.StatusOK || !strings.Contains(page.body, "御見積書 member") || !strings.Contains(page.body, "取引先「山田商事」のドメインに似ています") {
			t.Fatalf("my mail page: %d, want the held message and its reason in Japanese\n%s", page.status, page.body)
		}
		if strings.Contains(page.body, "御見積書 keeper") {
			t.Errorf("the member sees the keeper's message")
		}
		// Someone else's message cannot be cancelled from one's own page.
		before := w.auditCount()
		r := c.post("/o/"+w.orgA.Slug+"/me/mail/decide", url.Values{"id": {ids[org.Keeper]}, "action": {"cancel"}})
		if r.status == http.StatusSeeOther || r.status < 400 {
			t.Errorf("cancelling another member's message: got %d, want a refusal", r.status)
		}
		if w.auditCount() != before {
			t.Errorf("a refused cancel changed the audit trail")
		}
		r = c.post("/o/"+w.orgA.Slug+"/me/mail/decide", url.Values{"id": {ids[org.Member]}, "action": {"cancel"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("cancel: got %d, want 303\n%s", r.status, r.body)
		}
		m, rs, err := w.db.Tenant(w.orgA.ID).MailMessage(context.Background(), ids[org.Member])
		if err != nil || m.State != mailguard.StateCancelled || rs[0].State != mailguard.RcptCancelled {
			t.Fatalf("after cancel: %s %+v %v", m.State, rs, err)
		}
		entries, _ := w.db.Tenant(w.orgA.ID).Audit(context.Background(), store.AuditFilter{Limit: 5})
		if len(entries) == 0 || entries[0].Action != "mailguard.cancel" {
			t.Errorf("latest audit entry = %+v, want mailguard.cancel", entries)
		}
		// The keeper's page counts it as a mistake prevented.
		k := w.client("en")
		k.signIn(w.users[org.Keeper].Email)
		if p := k.get("/o/" + w.orgA.Slug + "/mailguard"); p.status != http.StatusOK || !strings.Contains(p.body, "御見積書 keeper") {
			t.Errorf("keeper's queue: %d, want the keeper's held message listed", p.status)
		}
	})
}

func TestApprovalRequired(t *testing.T) {
	w, _, _ := mailWorld(t, store.SQLite)
	ctx := context.Background()
	set, _ := w.db.Tenant(w.orgA.ID).MailguardSettings(ctx)
	set.Approval, set.ApproverID, set.DeputyID = []string{"look_alike"}, w.users[org.Keeper].ID, w.users[org.Advisor].ID
	if err := w.db.Tenant(w.orgA.ID).SaveMailguardSettings(ctx, audit.CLI(), set); err != nil {
		t.Fatal(err)
	}
	// Messages accepted from now on need approval; mark the member's so.
	m := mailguard.Message{ID: mailguard.NewID(), OrgID: w.orgA.ID, UserID: w.users[org.Member].ID, From: w.users[org.Member].Email, Subject: "承認が必要",
		Recipients: []string{"x@yamada-shojl.co.jp"}, State: mailguard.StateConfirm, NeedsApproval: true, CreatedAt: w.clock.Now(),
		Reasons: []mailguard.Reason{{Code: "look_alike", Args: []string{"yamada-shojl.co.jp", "山田商事"}, Confirm: true}}}
	if err := w.db.AcceptMail(ctx, m, []mailguard.Rcpt{{Addr: "x@yamada-shojl.co.jp", External: true}}); err != nil {
		t.Fatal(err)
	}
	c := w.client("en")
	c.signIn(w.users[org.Member].Email)
	if r := c.post("/o/"+w.orgA.Slug+"/me/mail/decide", url.Values{"id": {m.ID}, "action": {"send"}}); r.status != http.StatusConflict {
		t.Fatalf("sender sends mail needing approval: got %d, want 409", r.status)
	}
	d := w.client("en")
	d.signIn(w.users[org.Advisor].Email) // the deputy
	if r := d.post("/o/"+w.orgA.Slug+"/mailguard/decide", url.Values{"id": {m.ID}, "action": {"send"}}); r.status != http.StatusSeeOther {
		t.Fatalf("deputy approves: got %d, want 303\n%s", r.status, r.body)
	}
	got, _, _ := w.db.Tenant(w.orgA.ID).MailMessage(ctx, m.ID)
	if got.State != mailguard.StateReleased || got.DecidedBy != w.users[org.Advisor].ID {
		t.Errorf("after approval: %s by %d", got.State, got.DecidedBy)
	}
}

func TestMailFileDownloadLogged(t *testing.T) {
	eachMailEngine(t, func(t *testing.T, e store.Engine) {
		w, spool, ids := mailWorld(t, e)
		ctx := context.Background()
		id := ids[org.Keeper]
		if err := (mailguard.Spool{Dir: spool}).WriteAux(id, "f0", w.box.SealBytes([]byte("%PDF quote"), mailguard.FileSealContext(id, 0))); err != nil {
			t.Fatal(err)
		}
		tok, hash := mailguard.NewToken()
		if err := w.db.CreateMailLink(ctx, mailguard.Link{OrgID: w.orgA.ID, MessageID: id, Rcpt: "tanaka@yamada-shojl.co.jp", FileName: "見積書.pdf", Size: 10,
			ExpiresAt: w.clock.Now().Add(7 * 24 * time.Hour)}, hash); err != nil {
			t.Fatal(err)
		}
		anon := w.client("ja")
		anon.hdr.Set("User-Agent", "WrongRecipientMailer/1.0")
		r := anon.get("/mail/files/" + tok)
		if r.status != http.StatusOK || r.body != "%PDF quote" || !strings.Contains(r.header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("download: %d %q %q", r.status, r.body, r.header.Get("Content-Disposition"))
		}
		if r := anon.get("/mail/files/" + tok + "x"); r.status != http.StatusNotFound {
			t.Errorf("a wrong token: got %d, want 404", r.status)
		}
		k := w.client("en")
		k.signIn(w.users[org.Keeper].Email)
		p := k.get("/o/" + w.orgA.Slug + "/mailguard?msg=" + id)
		if !strings.Contains(p.body, "WrongRecipientMailer/1.0") || !strings.Contains(p.body, "127.0.0.1") {
			t.Errorf("the keeper does not see the download (address, user agent):\n%s", p.body)
		}
		if r := k.post("/o/"+w.orgA.Slug+"/mailguard/decide", url.Values{"id": {id}, "action": {"revoke"}}); r.status != http.StatusSeeOther {
			t.Fatalf("revoke: got %d", r.status)
		}
		if r := anon.get("/mail/files/" + tok); r.status != http.StatusNotFound {
			t.Errorf("a revoked link: got %d, want 404", r.status)
		}
		// Another organisation's keeper cannot see this message.
		o := w.client("en")
		o.signIn(w.userB.Email)
		if p := o.get("/o/" + w.orgB.Slug + "/mailguard?msg=" + id); strings.Contains(p.body, "WrongRecipientMailer") {
			t.Errorf("organisation B sees A's download log")
		}
	})
}

func TestMetricsLoopbackOnly(t *testing.T) {
	w := newWorldWith(t, store.SQLite, func(d *web.Deps) {
		d.Metrics = func(out io.Writer) { out.Write([]byte("mamori_mailguard_accepted_total 3\n")) }
	})
	c := w.client("en")
	if r := c.get("/metrics"); r.status != http.StatusOK || !strings.Contains(r.body, "mamori_mailguard_accepted_total 3") {
		t.Fatalf("/metrics from loopback: %d %q", r.status, r.body)
	}
	c.hdr.Set("X-Forwarded-For", "198.51.100.9")
	if r := c.get("/metrics"); r.status != http.StatusNotFound {
		t.Errorf("/metrics through a proxy: got %d, want 404", r.status)
	}
}

// TestDashboardMailFigures: the dashboard's mail guard figures follow mail
// accepted and links downloaded, though neither moves the audit head that
// keys the dashboard's cache.
func TestDashboardMailFigures(t *testing.T) {
	w := newWorld(t, store.SQLite)
	ctx := context.Background()
	k := w.client("en")
	k.signIn(w.users[org.Keeper].Email)
	dash := "/o/" + w.orgA.Slug + "/"
	if p := k.get(dash); strings.Contains(p.body, "mailguard-figures") {
		t.Fatalf("figures shown before any mail")
	}
	id := mailguard.NewID()
	m := mailguard.Message{ID: id, OrgID: w.orgA.ID, UserID: w.users[org.Keeper].ID, From: w.users[org.Keeper].Email, Subject: "s",
		Recipients: []string{"x@other.example"}, State: mailguard.StateHeld, Reasons: []mailguard.Reason{{Code: "external"}}, CreatedAt: w.clock.Now()}
	if err := w.db.AcceptMail(ctx, m, []mailguard.Rcpt{{Addr: "x@other.example", External: true}}); err != nil {
		t.Fatal(err)
	}
	p := k.get(dash)
	if !strings.Contains(p.body, "mailguard-figures") || !strings.Contains(p.body, "Messages held</th><td>1</td><td>1</td>") {
		t.Fatalf("after one held message the dashboard shows:\n%s", p.body)
	}
	tok, hash := mailguard.NewToken()
	if err := w.db.CreateMailLink(ctx, mailguard.Link{OrgID: w.orgA.ID, MessageID: id, Rcpt: "x@other.example", FileName: "a.pdf", ExpiresAt: w.clock.Now().Add(time.Hour)}, hash); err != nil {
		t.Fatal(err)
	}
	l, _ := w.db.MailLinkByToken(ctx, tok)
	if err := w.db.RecordMailDownload(ctx, l, "192.0.2.1", "ua"); err != nil {
		t.Fatal(err)
	}
	if p := k.get(dash); !strings.Contains(p.body, "Link downloads</th><td>1</td>") {
		t.Errorf("the download is not counted on the dashboard")
	}
	// A member does not see the company's mail figures.
	mc := w.client("en")
	mc.signIn(w.users[org.Member].Email)
	if p := mc.get(dash); strings.Contains(p.body, "mailguard-figures") {
		t.Errorf("a member sees the mail figures")
	}
}

// TestMailNavOnlyWhenOn: the navigation offers "My outgoing mail" and the
// keeper's "Mail guard" only once the organisation has turned the mail
// guard on, and follows the setting when it changes (the navigation is
// cached per organisation and role).
func TestMailNavOnlyWhenOn(t *testing.T) {
	eachMailEngine(t, func(t *testing.T, e store.Engine) {
		w := newWorld(t, e)
		ctx := context.Background()
		m := w.client("ja")
		m.signIn(w.users[org.Member].Email)
		k := w.client("ja")
		k.signIn(w.users[org.Keeper].Email)
		myMail := `href="/o/` + w.orgA.Slug + `/me/mail"`
		guard := `href="/o/` + w.orgA.Slug + `/mailguard"`
		check := func(when string, on bool) {
			t.Helper()
			mp := m.get("/o/" + w.orgA.Slug + "/me")
			kp := k.get("/o/" + w.orgA.Slug + "/me")
			if mp.status != http.StatusOK || kp.status != http.StatusOK {
				t.Fatalf("%s: pages %d %d, want 200", when, mp.status, kp.status)
			}
			if got := strings.Contains(mp.body, myMail); got != on {
				t.Errorf("%s: member's navigation offers My outgoing mail = %v, want %v", when, got, on)
			}
			if got := strings.Contains(kp.body, guard); got != on {
				t.Errorf("%s: keeper's navigation offers Mail guard = %v, want %v", when, got, on)
			}
		}
		check("never set", false)
		set := mailguard.DefaultSettings
		set.Enabled = true
		if err := w.db.Tenant(w.orgA.ID).SaveMailguardSettings(ctx, audit.CLI(), set); err != nil {
			t.Fatal(err)
		}
		check("turned on", true)
		set.Enabled = false
		if err := w.db.Tenant(w.orgA.ID).SaveMailguardSettings(ctx, audit.CLI(), set); err != nil {
			t.Fatal(err)
		}
		check("turned off", false)
	})
}

// TestMailSettingsPersonalAndRetention: the owner chooses what happens to
// personal data sent outside and how long finished mail is kept; both are
// stored and audited, and a retention out of range is refused.
func TestMailSettingsPersonalAndRetention(t *testing.T) {
	eachMailEngine(t, func(t *testing.T, e store.Engine) {
		w := newWorld(t, e)
		c := w.client("ja")
		c.signIn(w.users[org.Owner].Email)
		form := url.Values{"enabled": {"on"}, "internal_domains": {"alpha.example"}, "hold_mode": {"risky"}, "hold_minutes": {"5"}, "bulk_limit": {"5"},
			"bulk_action": {"bcc"}, "link_days": {"7"}, "port": {"587"}, "personal_action": {"refuse"}, "retention_days": {"0"}}
		before := w.auditCount()
		if r := c.post("/o/"+w.orgA.Slug+"/mailguard/settings", form); r.status == http.StatusSeeOther || !strings.Contains(r.body, "保存期間は1日から3,650日の間で指定してください。") {
			t.Fatalf("retention 0: got %d, want the form again with the reason\n%s", r.status, r.body)
		}
		if w.auditCount() != before {
			t.Errorf("a refused form changed the audit trail")
		}
		form.Set("retention_days", "10")
		if r := c.post("/o/"+w.orgA.Slug+"/mailguard/settings", form); r.status != http.StatusSeeOther {
			t.Fatalf("save: got %d, want 303\n%s", r.status, r.body)
		}
		set, err := w.db.Tenant(w.orgA.ID).MailguardSettings(context.Background())
		if err != nil || set.PersonalAction != mailguard.PersonalRefuse || set.RetentionDays != 10 {
			t.Fatalf("stored: %q %d %v, want refuse and 10 days", set.PersonalAction, set.RetentionDays, err)
		}
		entries, _ := w.db.Tenant(w.orgA.ID).Audit(context.Background(), store.AuditFilter{Limit: 1})
		if len(entries) == 0 || entries[0].Action != "mailguard.settings" {
			t.Fatalf("latest audit entry = %+v, want mailguard.settings", entries)
		}
		page := c.get("/o/" + w.orgA.Slug + "/mailguard/settings")
		if !strings.Contains(page.body, `<option value="refuse" selected>送信を拒否</option>`) || !strings.Contains(page.body, `name="retention_days" inputmode="numeric" value="10"`) {
			t.Errorf("settings page does not show the stored choices")
		}
	})
}

// TestMailFileCode: a link with a one-time code asks for it on a page, a
// wrong code is refused (403) and not logged as a download, the right one
// downloads the file.
func TestMailFileCode(t *testing.T) {
	eachMailEngine(t, func(t *testing.T, e store.Engine) {
		w, spool, ids := mailWorld(t, e)
		ctx := context.Background()
		id := ids[org.Member]
		if err := (mailguard.Spool{Dir: spool}).WriteAux(id, "f0", w.box.SealBytes([]byte("%PDF quote"), mailguard.FileSealContext(id, 0))); err != nil {
			t.Fatal(err)
		}
		rcpt := "tanaka@yamada-shojl.co.jp"
		tok, hash := mailguard.NewToken()
		if err := w.db.CreateMailLink(ctx, mailguard.Link{OrgID: w.orgA.ID, MessageID: id, Rcpt: rcpt, FileName: "見積書.pdf", Size: 10,
			ExpiresAt: w.clock.Now().Add(7 * 24 * time.Hour), CodeSealed: w.box.Seal([]byte("12345678"), mailguard.CodeSealContext(id, rcpt))}, hash); err != nil {
			t.Fatal(err)
		}
		anon := w.client("ja")
		r := anon.get("/mail/files/" + tok)
		if r.status != http.StatusOK || r.body == "%PDF quote" || !strings.Contains(r.body, `name="code"`) || !strings.Contains(r.body, "「見積書.pdf」をダウンロードするには") {
			t.Fatalf("without a code: %d, want the page asking for it\n%s", r.status, r.body)
		}
		r = anon.post("/mail/files/"+tok, url.Values{"code": {"87654321"}})
		if r.status != http.StatusForbidden || !strings.Contains(r.body, "確認コードが正しくありません") {
			t.Fatalf("wrong code: %d, want 403 and the reason\n%s", r.status, r.body)
		}
		r = anon.post("/mail/files/"+tok, url.Values{"code": {"1234 5678"}})
		if r.status != http.StatusOK || r.body != "%PDF quote" {
			t.Fatalf("right code: %d %q, want the file", r.status, r.body)
		}
		links, err := w.db.Tenant(w.orgA.ID).MailLinks(ctx, id)
		if err != nil || len(links) != 1 || len(links[0].Downloads) != 1 || links[0].CodeFails != 1 {
			t.Fatalf("links = %+v %v, want one download and one wrong code counted", links, err)
		}
	})
}
