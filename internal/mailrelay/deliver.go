package mailrelay

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-message/mail"
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/i18n"
	"github.com/mamori-sec/mamori/internal/mailguard"
	"github.com/mamori-sec/mamori/internal/store"
)

// MaxAttempts is how often a recipient is tried before it fails.
const MaxAttempts = 8

// work relays due mail until ctx ends.
func (r *Relay) work(ctx context.Context) {
	tick := time.NewTicker(r.cfg.Poll)
	defer tick.Stop()
	for {
		if err := r.RunOnce(ctx); err != nil && ctx.Err() == nil {
			r.log.Error("relay", "error", err)
		}
		select {
		case <-ctx.Done():
			r.closeConns()
			return
		case <-tick.C:
		case <-r.kick:
		}
	}
}

// RunOnce relays every message due now. The results of each message
// are recorded in the same transaction that claims the next one (one
// write per message); the last results on their own.
func (r *Relay) RunOnce(ctx context.Context) error {
	var done []store.Finish
	sets := map[int64]mailguard.Settings{} // per batch of due mail
	flush := func() error {
		if len(done) == 0 {
			return nil
		}
		_, _, err := r.db.FinishAndClaim(ctx, done, "", r.db.Now())
		if err == nil {
			r.noteKnown(done)
		}
		done = nil
		return err
	}
	const limit = 50
	for {
		spooled := r.spooled.Load()
		ids, err := r.db.DueMail(ctx, r.db.Now(), limit)
		if err != nil || len(ids) == 0 {
			r.closeIdle(time.Now())
			return errors.Join(err, flush())
		}
		clear(sets)
		for _, id := range ids {
			if ctx.Err() != nil {
				return flush()
			}
			r.markKnown(done)
			m, rcpts, err := r.db.FinishAndClaim(ctx, done, id, r.db.Now())
			if err != nil {
				return err
			}
			r.noteKnown(done)
			done = nil
			if len(rcpts) == 0 {
				continue
			}
			done, err = r.deliver(ctx, m, rcpts, sets)
			if err != nil {
				return errors.Join(err, flush())
			}
		}
		// Results are recorded before the next query for due mail, which
		// would otherwise not see these recipients as finished.
		r.markKnown(done)
		if err := flush(); err != nil {
			return err
		}
		// A short batch was everything due when it was read; unless this
		// relay spooled more since (an accepted message, a notice), there
		// is nothing new to ask for: mail accepted later kicks the worker,
		// mail released elsewhere is found at the next poll.
		if len(ids) < limit && r.spooled.Load() == spooled {
			r.closeIdle(time.Now())
			return nil
		}
	}
}

// markKnown marks the results whose external domain the relay has
// already recorded as known, sparing the store the write.
func (r *Relay) markKnown(done []store.Finish) {
	for i, f := range done {
		if f.State == mailguard.RcptSent && f.External && r.known[f.OrgID][mailguard.Domain(f.Rcpt)] {
			done[i].Known = true
		}
	}
}

// noteKnown remembers the external domains of results just recorded as
// sent: the store made them known, and known domains stay known.
func (r *Relay) noteKnown(done []store.Finish) {
	for _, f := range done {
		if f.State != mailguard.RcptSent || !f.External || f.OrgID == 0 {
			continue
		}
		if r.known == nil {
			r.known = map[int64]map[string]bool{}
		}
		if r.known[f.OrgID] == nil {
			r.known[f.OrgID] = map[string]bool{}
		}
		r.known[f.OrgID][mailguard.Domain(f.Rcpt)] = true
	}
}

// batch is one SMTP transaction: one version of the message to some
// recipients.
type batch struct {
	data  []byte
	rcpts []string
}

// deliver relays claimed message m to its claimed recipients and returns
// each recipient's result, for the caller to record. On an error the
// results so far are returned with it.
func (r *Relay) deliver(ctx context.Context, m mailguard.Message, rcpts []mailguard.Rcpt, sets map[int64]mailguard.Settings) ([]store.Finish, error) {
	id := m.ID
	var done []store.Finish
	external := map[string]bool{}
	for _, rc := range rcpts {
		external[rc.Addr] = rc.External
	}
	finish := func(rc, state, msg string, retry time.Time) {
		done = append(done, store.Finish{MessageID: id, Rcpt: rc, State: state, Error: msg, RetryAt: retry, OrgID: m.OrgID, External: external[rc]})
	}
	raw, err := r.spool.Read(id)
	if err != nil {
		r.log.Error("spool file missing", "id", id, "error", err)
		for _, rc := range rcpts {
			finish(rc.Addr, mailguard.RcptFailed, "spool file missing", time.Time{})
		}
		return done, nil
	}
	set, ok := sets[m.OrgID]
	if !ok {
		if set, err = r.db.Tenant(m.OrgID).MailguardSettings(ctx); err != nil {
			return done, err
		}
		sets[m.OrgID] = set
	}
	base := raw
	if m.Bcc || m.Split {
		if base, err = mailguard.ToBcc(raw); err != nil {
			base = raw
		}
	}
	var batches []batch
	var plain []string
	var codes []rcptCode
	var zips []mailguard.Zip
	for _, rc := range rcpts {
		switch {
		case rc.External && set.ZipFor(rc.Addr):
			// The recipient's domain insists on a password zip (zip.go).
			data, z, err := r.zipped(ctx, m, base, rc.Addr)
			if err != nil {
				return done, err
			}
			if z.Password != "" {
				zips = append(zips, z)
			}
			batches = append(batches, batch{data: data, rcpts: []string{rc.Addr}})
		case rc.External && m.Links:
			data, code, err := r.linked(ctx, m, set, base, rc.Addr)
			if err != nil {
				return done, err
			}
			if code != "" {
				codes = append(codes, rcptCode{rc.Addr, code})
			}
			batches = append(batches, batch{data: data, rcpts: []string{rc.Addr}})
		case rc.External && m.Split:
			batches = append(batches, batch{data: base, rcpts: []string{rc.Addr}})
		default:
			plain = append(plain, rc.Addr)
		}
	}
	if len(plain) > 0 {
		batches = append(batches, batch{data: base, rcpts: plain})
	}
	var refused []refusal
	for _, b := range batches {
		results := r.send(ctx, m.OrgID, set, m.From, b)
		for i, rc := range b.rcpts {
			state, msg, retry := mailguard.RcptSent, "", time.Time{}
			if err := results[i]; err != nil {
				msg = err.Error()
				var se *smtp.SMTPError
				attempts := 1
				for _, x := range rcpts {
					if x.Addr == rc {
						attempts = x.Attempts
					}
				}
				if errors.As(err, &se) && se.Code >= 500 || attempts >= MaxAttempts {
					state = mailguard.RcptFailed
					r.m.failed.Add(1)
					refused = append(refused, refusal{rcpt: rc, err: err})
				} else {
					state, retry = mailguard.RcptWaiting, r.db.Now().Add(backoff(attempts))
				}
				r.log.Warn("relay refused", "id", id, "error", err, "state", state)
			} else {
				r.m.relayed.Add(1)
			}
			finish(rc, state, msg, retry)
		}
	}
	if err := r.codeNotice(ctx, m, set, codes); err != nil {
		r.log.Warn("code notice", "id", id, "error", err)
	}
	if err := r.zipNotice(ctx, m, set, zips); err != nil {
		r.log.Warn("zip notice", "id", id, "error", err)
	}
	if err := r.failureNotice(ctx, m, raw, set, refused); err != nil {
		r.log.Warn("failure notice", "id", id, "error", err)
	}
	return done, nil
}

// backoff is the wait before attempt n+1: a minute, doubling, at most an
// hour.
func backoff(n int) time.Duration {
	d := time.Minute << min(n-1, 6)
	return min(d, time.Hour)
}

// linked is the message for one external recipient with its attachments
// replaced by that recipient's download links, and the recipient's
// one-time code when the organisation asks for one.
func (r *Relay) linked(ctx context.Context, m mailguard.Message, set mailguard.Settings, base []byte, rcpt string) ([]byte, string, error) {
	files, err := mailguard.Files(base)
	if err != nil || len(files) == 0 {
		return base, "", nil
	}
	u, err := r.db.User(ctx, m.UserID)
	if err != nil {
		return nil, "", err
	}
	loc := i18n.UserLocale(u.Locale)
	exp := r.db.Now().Add(time.Duration(set.LinkDays) * 24 * time.Hour)
	code, sealedCode := "", ""
	if set.LinkCode {
		code = mailguard.NewCode()
		sealedCode = r.box.Seal([]byte(code), mailguard.CodeSealContext(m.ID, rcpt))
	}
	var note strings.Builder
	note.WriteString(r.cat.T(loc, "mailguard.note.intro", i18n.FormatDate(loc, exp)) + "\r\n\r\n")
	if code != "" {
		note.WriteString(r.cat.T(loc, "mailguard.note.code") + "\r\n\r\n")
	}
	for i, f := range files {
		suffix := "f" + strconv.Itoa(i)
		if _, err := r.spool.ReadAux(m.ID, suffix); err != nil {
			if err := r.spool.WriteAux(m.ID, suffix, r.box.SealBytes(f.Data, mailguard.FileSealContext(m.ID, i))); err != nil {
				return nil, "", err
			}
		}
		tok, hash := mailguard.NewToken()
		if err := r.db.CreateMailLink(ctx, mailguard.Link{OrgID: m.OrgID, MessageID: m.ID, Rcpt: rcpt, FileIndex: i, FileName: f.Name, Size: len(f.Data), ExpiresAt: exp, CodeSealed: sealedCode}, hash); err != nil {
			return nil, "", err
		}
		fmt.Fprintf(&note, "%s (%s)\r\n%s/mail/files/%s\r\n\r\n", f.Name, sizeText(len(f.Data)), strings.TrimRight(r.cfg.BaseURL, "/"), tok)
	}
	data, err := mailguard.ReplaceFiles(base, note.String())
	return data, code, err
}

func sizeText(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// send relays one batch through the smarthost and returns each
// recipient's result.
func (r *Relay) send(ctx context.Context, orgID int64, set mailguard.Settings, from string, b batch) []error {
	results := make([]error, len(b.rcpts))
	fail := func(err error) []error {
		for i := range results {
			if results[i] == nil {
				results[i] = err
			}
		}
		return results
	}
	sh := set.Smarthost
	if sh.Host == "" {
		return fail(errors.New("no smarthost set"))
	}
	c, unchecked, err := r.smarthost(ctx, orgID, sh)
	if err != nil {
		return fail(err)
	}
	// A failure from here on leaves the connection in doubt: drop it.
	ok := false
	defer func() {
		if !ok {
			r.dropConn(orgID)
		}
	}()
	opts := &smtp.MailOptions{}
	if has8bit(b.data) {
		if ok, _ := c.Extension("8BITMIME"); ok {
			opts.Body = smtp.Body8BitMIME
		}
	}
	err = c.Mail(from, opts)
	var se *smtp.SMTPError
	if err != nil && unchecked && !errors.As(err, &se) {
		// The connection kept without a check had gone: nothing was
		// sent on it, so dial again once.
		r.dropConn(orgID)
		if c, _, err = r.smarthost(ctx, orgID, sh); err != nil {
			return fail(err)
		}
		err = c.Mail(from, opts)
	}
	if err != nil {
		return fail(err)
	}
	accepted := 0
	for i, to := range b.rcpts {
		if err := c.Rcpt(to, nil); err != nil {
			results[i] = err
			continue
		}
		accepted++
	}
	if accepted == 0 {
		return results
	}
	w, err := c.Data()
	if err != nil {
		return fail(err)
	}
	if _, err := w.Write(b.data); err != nil {
		return fail(err)
	}
	if err := w.Close(); err != nil {
		return fail(err)
	}
	ok = true
	return results
}

// idleClose is how long the worker keeps a smarthost connection open
// with nothing to send. Mail clients send in bursts (a queue flushed, a
// scanner's batch); keeping the connection between them spares a TCP and
// TLS handshake and an AUTH per message, which was most of the relay's
// time when the queue emptied after every message.
const idleClose = 10 * time.Second

// trustFresh is how soon after its last transaction a kept connection is
// used without an RSET first (go-smtp's Reset also repeats the EHLO: two
// round trips per message saved while mail flows). Should the smarthost
// have closed it meanwhile, send dials again once.
const trustFresh = 2 * time.Second

// smarthost returns the worker's open connection to the organisation's
// smarthost, ready for a new transaction, or dials, STARTTLS and AUTH a
// new one. A connection made with other settings (the organisation
// changed its smarthost) is not reused. unchecked says the connection was
// handed out without an RSET (trustFresh). Only the worker goroutine
// calls it.
func (r *Relay) smarthost(ctx context.Context, orgID int64, sh mailguard.Smarthost) (c *smtp.Client, unchecked bool, err error) {
	if sc := r.conns[orgID]; sc != nil {
		if sc.sh == sh {
			now := time.Now()
			_ = sc.conn.SetDeadline(now.Add(5 * time.Minute))
			// A connection is kept only after a complete transaction,
			// which leaves the session ready for the next MAIL (RFC 5321
			// §4.1.1.4). Used a moment ago, it goes on at once; after a
			// pause, RSET checks that the smarthost is still there.
			if fresh := now.Sub(sc.used); fresh >= 0 && fresh < trustFresh {
				sc.used = now
				return sc.c, true, nil
			}
			if err := sc.c.Reset(); err == nil {
				sc.used = now
				return sc.c, false, nil
			}
		}
		r.dropConn(orgID)
	}
	dctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, err := (&net.Dialer{}).DialContext(dctx, "tcp", net.JoinHostPort(sh.Host, strconv.Itoa(sh.Port)))
	if err != nil {
		return nil, false, err
	}
	_ = conn.SetDeadline(time.Now().Add(5 * time.Minute))
	if sh.StartTLS {
		cfg := r.cfg.SmarthostTLS
		if cfg == nil {
			cfg = &tls.Config{ServerName: sh.Host, MinVersion: tls.VersionTLS12}
		}
		if c, err = smtp.NewClientStartTLS(conn, cfg); err != nil {
			conn.Close()
			return nil, false, err
		}
	} else {
		c = smtp.NewClient(conn)
	}
	if err := c.Hello(r.cfg.Hostname); err != nil {
		c.Close()
		return nil, false, err
	}
	if sh.Username != "" {
		if !sh.StartTLS {
			c.Close()
			return nil, false, errors.New("smarthost password needs STARTTLS")
		}
		pw, err := r.box.Open(sh.Secret, mailguard.SealContext(orgID))
		if err != nil {
			c.Close()
			return nil, false, err
		}
		if err := c.Auth(sasl.NewPlainClient("", sh.Username, string(pw))); err != nil {
			c.Close()
			return nil, false, err
		}
	}
	if r.conns == nil {
		r.conns = map[int64]*smarthostConn{}
	}
	r.conns[orgID] = &smarthostConn{c: c, conn: conn, sh: sh, used: time.Now()}
	return c, false, nil
}

type smarthostConn struct {
	c    *smtp.Client
	conn net.Conn // under c, for its deadline
	sh   mailguard.Smarthost
	used time.Time // last handed out, for closeIdle
}

func (r *Relay) dropConn(orgID int64) {
	if sc := r.conns[orgID]; sc != nil {
		sc.c.Close()
		delete(r.conns, orgID)
	}
}

// closeIdle says goodbye to the smarthosts the worker has not used for
// idleClose.
func (r *Relay) closeIdle(now time.Time) {
	for id, sc := range r.conns {
		if now.Sub(sc.used) >= idleClose {
			_ = sc.c.Quit()
			delete(r.conns, id)
		}
	}
}

// closeConns says goodbye to every smarthost, when the worker stops.
func (r *Relay) closeConns() {
	for id, sc := range r.conns {
		_ = sc.c.Quit()
		delete(r.conns, id)
	}
}

func has8bit(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

// notice tells the sender their message waits: the recipients, the
// attachments, why, and where to cancel or send it. It goes through the
// spool like any message, to the sender only.
func (r *Relay) notice(ctx context.Context, set mailguard.Settings, t store.Tenant, u auth.User, held mailguard.Message) error {
	o, err := t.Org(ctx)
	if err != nil {
		return err
	}
	loc := i18n.UserLocale(u.Locale)
	var body strings.Builder
	T := func(k string, a ...any) string { return r.cat.T(loc, k, a...) }
	body.WriteString(T("mailguard.notice.intro", held.Subject) + "\r\n\r\n")
	if held.State == mailguard.StateHeld {
		body.WriteString(T("mailguard.notice.leaves_at", i18n.FormatDateTime(loc, held.ReleaseAt)) + "\r\n\r\n")
	} else {
		body.WriteString(T("mailguard.notice.waits") + "\r\n\r\n")
	}
	body.WriteString(T("mailguard.notice.recipients") + "\r\n")
	for _, a := range held.Recipients {
		body.WriteString("  " + a + "\r\n")
	}
	if len(held.Attachments) > 0 {
		body.WriteString("\r\n" + T("mailguard.notice.attachments") + "\r\n")
		for _, a := range held.Attachments {
			body.WriteString("  " + a.Name + " (" + sizeText(a.Size) + ")\r\n")
		}
	}
	body.WriteString("\r\n" + T("mailguard.notice.reasons") + "\r\n")
	for _, rs := range held.Reasons {
		body.WriteString("  - " + r.reason(loc, rs) + "\r\n")
	}
	body.WriteString("\r\n" + T("mailguard.notice.act") + "\r\n" + strings.TrimRight(r.cfg.BaseURL, "/") + "/o/" + o.Slug + "/me/mail\r\n")

	return r.mailSender(ctx, set, held.OrgID, u, held.ID+".notice@mamori", T("mailguard.notice.subject", held.Subject), body.String())
}

// mailSender sends a plain-text message from mamori to the sender u
// through the spool itself (released at once), as the held-mail notice and
// the one-time codes are sent.
func (r *Relay) mailSender(ctx context.Context, set mailguard.Settings, orgID int64, u auth.User, messageID, subject, text string) error {
	from := "mamori@" + r.cfg.Hostname
	if len(set.InternalDomains) > 0 {
		from = "mamori@" + set.InternalDomains[0]
	}
	to := strings.ToLower(u.Email)
	var h mail.Header
	h.SetAddressList("From", []*mail.Address{{Name: "mamori", Address: from}})
	h.SetAddressList("To", []*mail.Address{{Address: u.Email}})
	h.SetSubject(subject)
	h.SetDate(r.db.Now())
	h.SetMessageID(messageID)
	h.Set("Auto-Submitted", "auto-generated")
	h.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	var buf bytes.Buffer
	w, err := mail.CreateSingleInlineWriter(&buf, h)
	if err != nil {
		return err
	}
	w.Write([]byte(text))
	if err := w.Close(); err != nil {
		return err
	}
	id := mailguard.NewID()
	if err := r.spool.Write(id, buf.Bytes()); err != nil {
		return err
	}
	m := mailguard.Message{ID: id, OrgID: orgID, UserID: u.ID, From: from, Subject: subject,
		Recipients: []string{to}, Size: buf.Len(), State: mailguard.StateReleased, CreatedAt: r.db.Now()}
	if err := r.db.AcceptMail(ctx, m, []mailguard.Rcpt{{Addr: to}}); err != nil {
		return err
	}
	r.spooled.Add(1)
	return nil
}
