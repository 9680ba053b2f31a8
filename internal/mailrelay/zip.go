package mailrelay

import (
	"context"
	"errors"
	"strings"

	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/mailguard"
	"github.com/mamori-sec/mamori/internal/problem"
)

// zipped is the message for one external recipient whose domain insists
// on a password zip: its attachments replaced by one AES-256 zip under a
// fresh password, which is sealed in the store for the sender's page and
// returned for the sender's notice, never put in this message. A retry
// reuses the recorded password (the returned zip then has none, so the
// sender is not told twice).
func (r *Relay) zipped(ctx context.Context, m mailguard.Message, base []byte, rcpt string) ([]byte, mailguard.Zip, error) {
	files, err := mailguard.Files(base)
	if err != nil || len(files) == 0 {
		return base, mailguard.Zip{}, nil
	}
	u, err := r.db.User(ctx, m.UserID)
	if err != nil {
		return nil, mailguard.Zip{}, err
	}
	loc := i18n.UserLocale(u.Locale)
	z, err := r.db.MailZip(ctx, m.ID, rcpt)
	fresh := errors.Is(err, problem.ErrNotFound)
	switch {
	case fresh:
		z = mailguard.Zip{MessageID: m.ID, Rcpt: rcpt, OrgID: m.OrgID, Files: len(files),
			FileName: mailguard.ZipName(files, r.cat.T(loc, "mailguard.zip.several")), Password: mailguard.NewZipPassword()}
		z.PasswordSealed = r.box.Seal([]byte(z.Password), mailguard.ZipSealContext(m.ID, rcpt))
	case err != nil:
		return nil, z, err
	default:
		pw, err := r.box.Open(z.PasswordSealed, mailguard.ZipSealContext(m.ID, rcpt))
		if err != nil {
			return nil, z, err
		}
		z.Password = string(pw)
	}
	data, size, err := mailguard.ZipFiles(base, r.cat.T(loc, "mailguard.zip.note", z.FileName), z.FileName, z.Password, m.CreatedAt.In(calendar.Japan)) // zip times are local: Japan's
	if err != nil {
		return nil, z, err
	}
	if !fresh {
		z.Password = ""
		return data, z, nil
	}
	z.Size = size
	created, err := r.db.CreateMailZip(ctx, z)
	if err != nil {
		return nil, z, err
	}
	if !created { // recorded meanwhile: cannot happen with one worker, but never send a password the store does not hold
		return nil, z, errors.New("zip recorded twice")
	}
	return data, z, nil
}

// zipNotice gives the sender the passwords of the zips just made, to pass
// on by phone or another channel, never by e-mail to the same recipient
// (a password mailed after the zip protects nothing): a separate message
// to the sender only, through the spool like any.
func (r *Relay) zipNotice(ctx context.Context, m mailguard.Message, set mailguard.Settings, zips []mailguard.Zip) error {
	if len(zips) == 0 {
		return nil
	}
	return r.senderNotice(ctx, m, set, "mailguard.zip.notice", "zip", func(T func(string, ...any) string, body *strings.Builder) {
		for _, z := range zips {
			body.WriteString("  " + z.Rcpt + "\r\n    " + z.FileName + " (" + sizeText(z.Size) + ")\r\n    " + T("mailguard.zip.password") + " " + z.Password + "\r\n")
		}
	})
}
