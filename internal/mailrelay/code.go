package mailrelay

import (
	"context"
	"crypto/subtle"
	"strings"

	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/mailguard"
	"github.com/mamori-sec/mamori/internal/problem"
	"github.com/mamori-sec/mamori/internal/seal"
	"github.com/mamori-sec/mamori/internal/store"
)

// rcptCode is one recipient's one-time code for their download links.
type rcptCode struct{ rcpt, code string }

// codeNotice gives the sender the one-time codes of their recipients, to
// pass on by phone (never by the same mail as the links): a separate
// message to the sender only, through the spool like any.
func (r *Relay) codeNotice(ctx context.Context, m mailguard.Message, set mailguard.Settings, codes []rcptCode) error {
	if len(codes) == 0 {
		return nil
	}
	return r.senderNotice(ctx, m, set, "mailguard.codes", "codes", func(T func(string, ...any) string, body *strings.Builder) {
		for _, c := range codes {
			body.WriteString("  " + c.rcpt + "  " + c.code[:4] + " " + c.code[4:] + "\r\n")
		}
	})
}

// senderNotice sends the sender of m a notice of what only they may pass
// on (the one-time codes, the zip passwords): catalogue keys
// <keys>.subject, .intro (with the subject) and .hint around the lines
// list writes, as a message of its own through the spool whose Message-ID
// is <m's id>.<kind>@mamori.
func (r *Relay) senderNotice(ctx context.Context, m mailguard.Message, set mailguard.Settings, keys, kind string, list func(T func(string, ...any) string, body *strings.Builder)) error {
	u, err := r.db.User(ctx, m.UserID)
	if err != nil {
		return err
	}
	loc := i18n.UserLocale(u.Locale)
	T := func(k string, a ...any) string { return r.cat.T(loc, k, a...) }
	var body strings.Builder
	body.WriteString(T(keys+".intro", m.Subject) + "\r\n\r\n")
	list(T, &body)
	body.WriteString("\r\n" + T(keys+".hint") + "\r\n")
	return r.mailSender(ctx, set, m.OrgID, u, m.ID+"."+kind+"@mamori", T(keys+".subject", m.Subject), body.String())
}

// ErrCodeNeeded: the link asks for its one-time code.
var ErrCodeNeeded = problem.New(problem.Forbidden, "mailguard.code_needed")

// ErrCodeWrong: the code given is not the recipient's.
var ErrCodeWrong = problem.New(problem.Forbidden, "mailguard.code_wrong")

// checkCode compares the code given with the link's in constant time; a
// wrong one counts against the recipient's links (MaxCodeFails stops
// them).
func checkCode(ctx context.Context, db *store.DB, box *seal.Box, l mailguard.Link, given string) error {
	if l.CodeSealed == "" {
		return nil
	}
	given = strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		if r >= '０' && r <= '９' {
			return '0' + (r - '０')
		}
		return -1
	}, given)
	if given == "" {
		return ErrCodeNeeded
	}
	want, err := box.Open(l.CodeSealed, mailguard.CodeSealContext(l.MessageID, l.Rcpt))
	if err != nil {
		return err
	}
	if subtle.ConstantTimeCompare([]byte(given), want) == 1 {
		return nil
	}
	if _, err := db.MailCodeFailed(ctx, l); err != nil {
		return err
	}
	return ErrCodeWrong
}
