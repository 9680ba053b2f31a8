package demo

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/mailguard"
	"github.com/mamori-sec/mamori/internal/seal"
	"github.com/mamori-sec/mamori/internal/store"
)

// Staff is the demo company's member of staff that `mamori demo` prints
// (the first member) and whose mail the seeded history shows: the one a
// visitor points their mail client at the mail guard as.
const Staff = "s.takahashi@sakura-seiki.example"

// SeedMailGuard turns the mail guard on for the demo company — its own
// domain, the dev sink as smarthost; its partners come from the partners
// register (seedPartners) — and leaves a history a
// keeper would recognise: a mail to a look-alike of a partner's domain
// cancelled by its sender (a mistake prevented), a year-end notice to
// twelve customers sent with the addresses moved to Bcc, drawings sent as
// a download link that the partner opened, an attendance sheet sent as a
// password zip to the payroll outsourcer who insists on one, and two messages waiting (a
// first-time domain, and one in its five-minute delay). spoolDir is the
// relay's spool (the files behind messages and links).
func SeedMailGuard(ctx context.Context, db *store.DB, box *seal.Box, spoolDir string, now time.Time) error {
	o, err := db.OrgBySlug(ctx, sakura.slug)
	if err != nil {
		return err
	}
	t := db.Tenant(o.ID)
	members, err := t.Members(ctx)
	if err != nil {
		return err
	}
	uid := map[string]int64{}
	for _, m := range members {
		uid[strings.Split(m.Email, "@")[0]] = m.ID
	}
	set := mailguard.DefaultSettings
	set.Enabled = true
	set.InternalDomains = []string{sakura.domain}
	set.Approval, set.ApproverID, set.DeputyID = []string{"many_people"}, uid["m.tanaka"], uid["k.sato"]
	host, port, _ := strings.Cut(DevSink, ":")
	set.Smarthost = mailguard.Smarthost{Host: host, Port: atoi(port)}
	if err := t.SaveMailguardSettings(ctx, actor, set); err != nil {
		return fmt.Errorf("demo mail guard: %w", err)
	}
	if err := t.AddMailDomains(ctx, actor, []string{"yamada-shoji.example", "hikari-bussan.example", "customer-mail.example", "tsubasa-payroll.example"}); err != nil {
		return err
	}
	// The payroll outsourcer still insists on password zips.
	if err := t.SetMailZipDomains(ctx, actor, []string{"tsubasa-payroll.example"}); err != nil {
		return err
	}
	sp := mailguard.Spool{Dir: spoolDir}
	if err := sp.Open(); err != nil {
		return err
	}
	sender, _, _ := strings.Cut(Staff, "@")
	from := Staff
	add := func(ago time.Duration, subject string, to []string, state string, reasons []mailguard.Reason, bcc bool, atts []mailguard.Attachment, body string) (string, error) {
		id := mailguard.NewID()
		raw := "From: " + from + "\r\nTo: " + strings.Join(to, ", ") + "\r\nSubject: " + encodedWord(subject) + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" + body + "\r\n"
		if err := sp.Write(id, []byte(raw)); err != nil {
			return "", err
		}
		m := mailguard.Message{ID: id, OrgID: o.ID, UserID: uid[sender], From: from, Subject: subject, Recipients: to, Attachments: atts, Size: len(raw),
			State: state, Reasons: reasons, Bcc: bcc, Links: len(atts) > 0, CreatedAt: now.Add(-ago)}
		if state == mailguard.StateHeld {
			m.ReleaseAt = now.Add(5 * time.Minute)
		}
		var rs []mailguard.Rcpt
		for _, a := range to {
			rs = append(rs, mailguard.Rcpt{Addr: a, External: true})
		}
		return id, db.AcceptMail(ctx, m, rs)
	}
	sendNow := func(id string) error {
		if _, _, err := db.ClaimMail(ctx, id, now); err != nil {
			return err
		}
		_, rs, err := t.MailMessage(ctx, id)
		if err != nil {
			return err
		}
		for _, r := range rs {
			if err := db.FinishRcpt(ctx, id, r.Addr, mailguard.RcptSent, "", time.Time{}); err != nil {
				return err
			}
		}
		return nil
	}
	senderActor := audit.Actor{UserID: uid[sender], Label: from}

	// A look-alike of the partner's domain, cancelled by its sender.
	id, err := add(26*time.Hour, "御見積書の送付（山田商事様）", []string{"tanaka@yamada-shojl.example"}, mailguard.StateConfirm,
		[]mailguard.Reason{{Code: "look_alike", Args: []string{"yamada-shojl.example", "山田商事"}, Confirm: true}}, false,
		[]mailguard.Attachment{{Name: "御見積書_2026-001.pdf", Size: 182_344}}, "山田商事 田中様\r\nいつもお世話になっております。御見積書をお送りします。")
	if err != nil {
		return err
	}
	if err := t.DecideMail(ctx, senderActor, id, uid[sender], false); err != nil {
		return err
	}
	// Twelve customers in To, sent with the addresses moved to Bcc.
	var customers []string
	for i := 1; i <= 12; i++ {
		customers = append(customers, fmt.Sprintf("customer%02d@customer-mail.example", i))
	}
	id, err = add(20*time.Hour, "年末年始休業のお知らせ", customers, mailguard.StateReleased,
		[]mailguard.Reason{{Code: "bulk_bcc", Args: []string{"12"}}}, true, nil, "お客様各位\r\n年末年始の休業についてお知らせいたします。")
	if err != nil {
		return err
	}
	if err := sendNow(id); err != nil {
		return err
	}
	// Drawings sent to the partner as a link, which the partner opened.
	id, err = add(6*time.Hour, "図面の送付", []string{"tanaka@yamada-shoji.example"}, mailguard.StateReleased,
		[]mailguard.Reason{{Code: "attachments_linked", Args: []string{"1"}}}, false, []mailguard.Attachment{{Name: "部品図_A-102.pdf", Size: 64}},
		"山田商事 田中様\r\n部品図をお送りします。")
	if err != nil {
		return err
	}
	if err := sendNow(id); err != nil {
		return err
	}
	file := []byte("%PDF-1.4 demo drawing A-102\n")
	if err := sp.WriteAux(id, "f0", box.SealBytes(file, mailguard.FileSealContext(id, 0))); err != nil {
		return err
	}
	tok, hash := mailguard.NewToken()
	if err := db.CreateMailLink(ctx, mailguard.Link{OrgID: o.ID, MessageID: id, Rcpt: "tanaka@yamada-shoji.example", FileName: "部品図_A-102.pdf", Size: len(file),
		ExpiresAt: now.Add(7 * 24 * time.Hour)}, hash); err != nil {
		return err
	}
	l, err := db.MailLinkByToken(ctx, tok)
	if err != nil {
		return err
	}
	if err := db.RecordMailDownload(ctx, l, "203.0.113.45", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Edge/131.0"); err != nil {
		return err
	}
	// The month's attendance sheet to the payroll outsourcer, who insists
	// on a password zip: one AES zip, its password for the sender only.
	id, err = add(3*time.Hour, "11月分 勤怠データの送付", []string{"kyuyo@tsubasa-payroll.example"}, mailguard.StateReleased,
		[]mailguard.Reason{{Code: "attachments_zipped", Args: []string{"1", "tsubasa-payroll.example"}}}, false, []mailguard.Attachment{{Name: "勤怠_2026-11.xlsx", Size: 48_210}},
		"つばさ給与計算センター ご担当者様\r\n11月分の勤怠データをお送りします。パスワードは別途お電話でお伝えします。")
	if err != nil {
		return err
	}
	if err := sendNow(id); err != nil {
		return err
	}
	if _, err := db.CreateMailZip(ctx, mailguard.Zip{MessageID: id, Rcpt: "kyuyo@tsubasa-payroll.example", OrgID: o.ID, FileName: "勤怠_2026-11.xlsx.zip", Files: 1, Size: 47_902,
		PasswordSealed: box.Seal([]byte(mailguard.NewZipPassword()), mailguard.ZipSealContext(id, "kyuyo@tsubasa-payroll.example"))}); err != nil {
		return err
	}
	// Waiting now: a first-time domain, and one in its delay.
	if _, err := add(10*time.Minute, "見積依頼", []string{"info@new-supplier.example"}, mailguard.StateConfirm,
		[]mailguard.Reason{{Code: "first_domain", Args: []string{"new-supplier.example"}, Confirm: true}}, false, nil, "ご担当者様\r\n見積をお願いいたします。"); err != nil {
		return err
	}
	_, err = add(time.Minute, "打ち合わせ日程のご連絡", []string{"suzuki@hikari-bussan.example"}, mailguard.StateHeld,
		[]mailguard.Reason{{Code: "external"}}, false, nil, "ひかり物産 鈴木様\r\n打ち合わせの日程をご連絡いたします。")
	return err
}

func encodedWord(s string) string {
	return "=?UTF-8?B?" + b64(s) + "?="
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }
