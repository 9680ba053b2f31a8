package mailrelay

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"mime"
	"mime/multipart"
	"net/textproto"
	"strings"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/mailguard"
)

// refusal is one recipient the smarthost refused for good.
type refusal struct {
	rcpt string
	err  error
}

// failureNotice tells the sender that the smarthost refused recipients of
// their message for good: a delivery status notification (RFC 3464,
// multipart/report) with a human part in the sender's language, the
// machine-readable status per recipient, and the original's header. It
// goes through the spool like any message, with the null reverse path
// (RFC 5321 §4.5.5), so that a failing notice never causes another.
// A message that is itself automatic (a notice) gets none.
func (r *Relay) failureNotice(ctx context.Context, m mailguard.Message, raw []byte, set mailguard.Settings, refused []refusal) error {
	if len(refused) == 0 || m.From == "" || automatic(raw) {
		return nil
	}
	u, err := r.db.User(ctx, m.UserID)
	if err != nil {
		return err
	}
	loc := i18n.UserLocale(u.Locale)
	T := func(k string, a ...any) string { return r.cat.T(loc, k, a...) }
	now := r.db.Now()

	var human strings.Builder
	human.WriteString(T("mailguard.dsn.intro", m.Subject) + "\r\n\r\n")
	for _, f := range refused {
		human.WriteString("  " + f.rcpt + "\r\n    " + oneLine(f.err.Error()) + "\r\n")
	}
	human.WriteString("\r\n" + T("mailguard.dsn.hint") + "\r\n")

	var status strings.Builder
	fmt.Fprintf(&status, "Reporting-MTA: dns; %s\r\nX-Mamori-Queue-ID: %s\r\nArrival-Date: %s\r\n", r.cfg.Hostname, m.ID, m.CreatedAt.Format(time.RFC1123Z))
	for _, f := range refused {
		code, diag := "5.0.0", "smtp; 550 "+oneLine(f.err.Error())
		var se *smtp.SMTPError
		if errors.As(f.err, &se) {
			if se.EnhancedCode[0] == 5 {
				code = fmt.Sprintf("%d.%d.%d", se.EnhancedCode[0], se.EnhancedCode[1], se.EnhancedCode[2])
			}
			diag = fmt.Sprintf("smtp; %d %s %s", se.Code, code, oneLine(se.Message))
		}
		fmt.Fprintf(&status, "\r\nFinal-Recipient: rfc822; %s\r\nAction: failed\r\nStatus: %s\r\nRemote-MTA: dns; %s\r\nDiagnostic-Code: %s\r\n", f.rcpt, code, set.Smarthost.Host, diag)
	}
	hdr := raw
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		hdr = raw[:i+2]
	} else if i := bytes.Index(raw, []byte("\n\n")); i >= 0 {
		hdr = raw[:i+1]
	}

	from := "mamori@" + r.cfg.Hostname
	if len(set.InternalDomains) > 0 {
		from = "mamori@" + set.InternalDomains[0]
	}
	subject := T("mailguard.dsn.subject", m.Subject)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part := func(ctype string, data string) error {
		w, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {ctype}, "Content-Transfer-Encoding": {"8bit"}})
		if err != nil {
			return err
		}
		_, err = w.Write([]byte(data))
		return err
	}
	if err := part("text/plain; charset=utf-8", human.String()); err != nil {
		return err
	}
	if err := part("message/delivery-status", status.String()); err != nil {
		return err
	}
	if err := part("text/rfc822-headers", string(hdr)); err != nil {
		return err
	}
	if err := mw.Close(); err != nil {
		return err
	}
	id := mailguard.NewID()
	var msg bytes.Buffer
	fmt.Fprintf(&msg, "From: %s\r\nTo: <%s>\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s.dsn@mamori>\r\nAuto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"+
		"Content-Type: multipart/report; report-type=delivery-status; boundary=\"%s\"\r\n\r\n",
		mime.QEncoding.Encode("utf-8", "mamori")+" <"+from+">", m.From, mime.BEncoding.Encode("utf-8", subject), now.Format(time.RFC1123Z), id, mw.Boundary())
	msg.Write(body.Bytes())
	if err := r.spool.Write(id, msg.Bytes()); err != nil {
		return err
	}
	n := mailguard.Message{ID: id, OrgID: m.OrgID, UserID: m.UserID, From: "", Subject: subject, Recipients: []string{m.From},
		Size: msg.Len(), State: mailguard.StateReleased, CreatedAt: now}
	if err := r.db.AcceptMail(ctx, n, []mailguard.Rcpt{{Addr: m.From, External: !set.Internal(mailguard.Domain(m.From))}}); err != nil {
		return err
	}
	r.spooled.Add(1)
	return nil
}

// automatic reports whether a message says it was sent by a program
// (RFC 3834 Auto-Submitted), which gets no failure notice.
func automatic(raw []byte) bool {
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	if end < 0 {
		end = len(raw)
	}
	for _, l := range bytes.Split(raw[:end], []byte("\n")) {
		if k, v, ok := bytes.Cut(l, []byte(":")); ok && strings.EqualFold(string(k), "Auto-Submitted") {
			return !strings.EqualFold(strings.TrimSpace(string(v)), "no")
		}
	}
	return false
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
