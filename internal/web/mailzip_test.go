package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mamori-sec/mamori/internal/mailguard"
	"github.com/mamori-sec/mamori/internal/org"
	"github.com/mamori-sec/mamori/internal/store"
)

// TestMailZipDomainsAudited: the settings page's zip domains are checked
// like the known domains (a bad one is refused and changes nothing), saved
// in one audited change, and shown again.
func TestMailZipDomainsAudited(t *testing.T) {
	eachMailEngine(t, func(t *testing.T, e store.Engine) {
		w := newWorld(t, e)
		ctx := context.Background()
		c := w.client("ja")
		c.signIn(w.users[org.Keeper].Email)
		path := "/o/" + w.orgA.Slug + "/mailguard/zip-domains"
		before := w.auditCount()
		if r := c.post(path, url.Values{"zip_domains": {"kimura@zip-partner.co.jp"}}); r.status == http.StatusSeeOther || !strings.Contains(r.body, `name="zip_domains"`) {
			t.Fatalf("an address as a domain: got %d, want the form again\n%s", r.status, r.body)
		}
		if w.auditCount() != before {
			t.Errorf("a refused change changed the audit trail")
		}
		if r := c.post(path, url.Values{"zip_domains": {"Zip-Partner.co.jp, old-bank.jp"}}); r.status != http.StatusSeeOther {
			t.Fatalf("save: got %d, want 303\n%s", r.status, r.body)
		}
		set, err := w.db.Tenant(w.orgA.ID).MailguardSettings(ctx)
		if err != nil || strings.Join(set.ZipDomains, " ") != "old-bank.jp zip-partner.co.jp" {
			t.Fatalf("stored %q, %v; want old-bank.jp zip-partner.co.jp", set.ZipDomains, err)
		}
		if !set.ZipFor("kimura@mail.zip-partner.co.jp") || set.ZipFor("tanaka@yamada-shoji.co.jp") {
			t.Errorf("ZipFor: want the listed domain and its subdomains only")
		}
		// The rest of the settings are as they were (the defaults).
		if set.LinkDays != mailguard.DefaultSettings.LinkDays || set.HoldMode != mailguard.DefaultSettings.HoldMode || !set.LinkAttachments {
			t.Errorf("saving zip domains changed other settings: %+v", set)
		}
		entries, _ := w.db.Tenant(w.orgA.ID).Audit(ctx, store.AuditFilter{Limit: 1})
		if len(entries) == 0 || entries[0].Action != "mailguard.zip_domains" || !strings.Contains(entries[0].After, "zip-partner.co.jp") {
			t.Fatalf("latest audit entry = %+v, want mailguard.zip_domains with the domains", entries)
		}
		page := c.get("/o/" + w.orgA.Slug + "/mailguard/settings")
		if !strings.Contains(page.body, `value="old-bank.jp zip-partner.co.jp"`) || !strings.Contains(page.body, "パスワード付きZIPを希望する取引先のドメイン") {
			t.Errorf("settings page does not show the zip domains")
		}
		if a := c.get("/o/" + w.orgA.Slug + "/audit"); a.status == http.StatusOK && !strings.Contains(a.body, "パスワード付きZIPの宛先ドメインの変更") {
			t.Errorf("the audit page does not name the change in words")
		}
		// Saving the main settings form keeps the zip domains.
		form := url.Values{"enabled": {"on"}, "internal_domains": {"alpha.example"}, "hold_mode": {"all"}, "hold_minutes": {"5"}, "bulk_limit": {"5"},
			"bulk_action": {"bcc"}, "link_days": {"7"}, "port": {"587"}, "personal_action": {"confirm"}, "retention_days": {"30"}}
		o := w.client("ja")
		o.signIn(w.users[org.Owner].Email)
		if r := o.post("/o/"+w.orgA.Slug+"/mailguard/settings", form); r.status != http.StatusSeeOther {
			t.Fatalf("save settings: got %d\n%s", r.status, r.body)
		}
		if set, _ := w.db.Tenant(w.orgA.ID).MailguardSettings(ctx); len(set.ZipDomains) != 2 {
			t.Errorf("after saving the rules, zip domains = %q, want both kept", set.ZipDomains)
		}
	})
}

// TestMailZipPasswordSenderOnly: the sender sees their zip's password on
// their own mail page; another member does not, and the keeper's log shows
// that the message went as a zip (and that no download log exists) but
// not the password.
func TestMailZipPasswordSenderOnly(t *testing.T) {
	eachMailEngine(t, func(t *testing.T, e store.Engine) {
		w, _, ids := mailWorld(t, e)
		ctx := context.Background()
		id, rcpt := ids[org.Member], "tanaka@yamada-shojl.co.jp"
		pw := mailguard.NewZipPassword()
		z := mailguard.Zip{MessageID: id, Rcpt: rcpt, OrgID: w.orgA.ID, FileName: "見積書.pdf.zip", Files: 1, Size: 300,
			PasswordSealed: w.box.Seal([]byte(pw), mailguard.ZipSealContext(id, rcpt))}
		if ok, err := w.db.CreateMailZip(ctx, z); err != nil || !ok {
			t.Fatalf("create zip record: %v %v", ok, err)
		}

		c := w.client("ja")
		c.signIn(w.users[org.Member].Email)
		page := c.get("/o/" + w.orgA.Slug + "/me/mail")
		if page.status != http.StatusOK || !strings.Contains(page.body, pw) || !strings.Contains(page.body, "見積書.pdf.zip") || !strings.Contains(page.body, "メール以外の方法") {
			t.Fatalf("sender's page: %d, want the zip, its password and how to pass it on\n%s", page.status, page.body)
		}

		for _, role := range []org.Role{org.Keeper, org.Owner, org.Advisor, org.Auditor} {
			o := w.client("ja")
			o.signIn(w.users[role].Email)
			if p := o.get("/o/" + w.orgA.Slug + "/me/mail"); strings.Contains(p.body, pw) {
				t.Errorf("%s sees the sender's zip password on their own mail page", role)
			}
			if p := o.get("/o/" + w.orgA.Slug + "/mailguard?msg=" + id); strings.Contains(p.body, pw) {
				t.Errorf("%s sees the zip password in the keeper's log", role)
			}
		}
		k := w.client("ja")
		k.signIn(w.users[org.Keeper].Email)
		p := k.get("/o/" + w.orgA.Slug + "/mailguard?msg=" + id)
		if p.status != http.StatusOK || !strings.Contains(p.body, "パスワード付きZIPで送った宛先") || !strings.Contains(p.body, rcpt) || !strings.Contains(p.body, "開いたかどうかを記録できません") {
			t.Errorf("keeper's log: %d, want the zip recipient and the note that no download log exists\n%s", p.status, p.body)
		}
	})
}
