package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/mailguard"
	"github.com/mamori-sec/mamori/internal/problem"
)

// bookkeeping runs fn in a write transaction that is not a change to the
// programme (the relay's index: accepted messages and their relay
// records), so it records no audit event.
func (db *DB) bookkeeping(ctx context.Context, fn func(q func(string, ...any) (sql.Result, error), row func(string, ...any) *sql.Row) error) error {
	return db.bookkeepingTx(ctx, func(tx *sql.Tx) error {
		exec := func(q string, args ...any) (sql.Result, error) { return tx.ExecContext(ctx, db.rebind(q), args...) }
		row := func(q string, args ...any) *sql.Row { return tx.QueryRowContext(ctx, db.rebind(q), args...) }
		return fn(exec, row)
	})
}

// bookkeepingTx is bookkeeping with the transaction itself, for
// statements returning several rows.
func (db *DB) bookkeepingTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

const mgSettingsColumns = "enabled, internal_domains, hold_mode, hold_minutes, bulk_limit, bulk_action, link_attachments, link_days, approval, approver_id, deputy_id, sh_host, sh_port, sh_starttls, sh_username, sh_secret, personal_action, retention_days, link_code"

func scanMGSettings(r rowScanner) (mailguard.Settings, error) {
	var s mailguard.Settings
	var enabled, links, starttls, minutes, code int
	var domains, approval string
	err := r.Scan(&enabled, &domains, &s.HoldMode, &minutes, &s.BulkLimit, &s.BulkAction, &links, &s.LinkDays, &approval, &s.ApproverID, &s.DeputyID,
		&s.Smarthost.Host, &s.Smarthost.Port, &starttls, &s.Smarthost.Username, &s.Smarthost.Secret, &s.PersonalAction, &s.RetentionDays, &code)
	s.LinkCode = code != 0
	s.Enabled, s.LinkAttachments, s.Smarthost.StartTLS = enabled != 0, links != 0, starttls != 0
	s.HoldDelay = time.Duration(minutes) * time.Minute
	s.InternalDomains, s.Approval = strings.Fields(domains), strings.Fields(approval)
	return s, err
}

func mgSettingsAudit(s mailguard.Settings) map[string]any {
	secret := ""
	if s.Smarthost.Secret != "" {
		secret = "set"
	}
	return map[string]any{"enabled": s.Enabled, "internal_domains": strings.Join(s.InternalDomains, " "), "hold_mode": string(s.HoldMode),
		"hold_minutes": int(s.HoldDelay / time.Minute), "bulk_limit": s.BulkLimit, "bulk_action": string(s.BulkAction), "link_attachments": s.LinkAttachments,
		"link_days": s.LinkDays, "approval": strings.Join(s.Approval, " "), "approver_id": s.ApproverID, "deputy_id": s.DeputyID,
		"host": s.Smarthost.Host, "port": s.Smarthost.Port, "starttls": s.Smarthost.StartTLS, "username": s.Smarthost.Username, "secret": secret,
		"personal_action": string(s.PersonalAction), "retention_days": s.RetentionDays, "link_code": s.LinkCode}
}

// MailguardSettings returns the organisation's mail guard settings with
// its partners (the defaults when never set).
func (t Tenant) MailguardSettings(ctx context.Context) (mailguard.Settings, error) {
	// zip_domains has its own audited change (SetMailZipDomains), so it
	// is read here but never written by SaveMailguardSettings.
	var zip string
	row := t.db.queryRow(ctx, "SELECT "+mgSettingsColumns+", zip_domains FROM mailguard_settings WHERE org_id = ?", t.org)
	s, err := scanMGSettings(scanFunc(func(dest ...any) error { return row.Scan(append(dest, &zip)...) }))
	if errors.Is(err, sql.ErrNoRows) {
		s, err = mailguard.DefaultSettings, nil
	}
	if err != nil {
		return s, err
	}
	s.ZipDomains = strings.Fields(zip)
	s.Partners, err = t.Partners(ctx)
	return s, err
}

// MailguardEnabled reports whether the organisation has turned the mail
// guard on: one small read, for the navigation of every page.
func (t Tenant) MailguardEnabled(ctx context.Context) (bool, error) {
	var on int
	err := t.db.queryRow(ctx, "SELECT enabled FROM mailguard_settings WHERE org_id = ?", t.org).Scan(&on)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return on != 0, err
}

// SaveMailguardSettings stores the settings in one audited change. An
// empty smarthost secret keeps the one set; the caller seals a new one.
func (t Tenant) SaveMailguardSettings(ctx context.Context, actor audit.Actor, s mailguard.Settings) error {
	if s.HoldDelay < 0 || s.HoldDelay > 24*time.Hour {
		return problem.Field("hold_minutes", "mailguard.hold_minutes_invalid")
	}
	if s.LinkDays < 1 || s.LinkDays > 90 {
		return problem.Field("link_days", "mailguard.link_days_invalid")
	}
	switch s.BulkAction {
	case mailguard.BulkBcc, mailguard.BulkSplit, mailguard.BulkRefuse:
	default:
		return problem.Field("bulk_action", "mailguard.bulk_action_invalid")
	}
	if s.RetentionDays < 1 || s.RetentionDays > 3650 {
		return problem.Field("retention_days", "mailguard.retention_days_invalid")
	}
	if s.PersonalAction == "" {
		s.PersonalAction = mailguard.PersonalConfirm
	}
	if s.PersonalAction != mailguard.PersonalConfirm && s.PersonalAction != mailguard.PersonalRefuse {
		return problem.Field("personal_action", "mailguard.personal_action_invalid")
	}
	if s.HoldMode != mailguard.HoldAll && s.HoldMode != mailguard.HoldRisky {
		return problem.Field("hold_mode", "mailguard.hold_mode_invalid")
	}
	return t.change(ctx, actor, func(tx *Tx) error {
		before, err := scanMGSettings(tx.queryRow(ctx, "SELECT "+mgSettingsColumns+" FROM mailguard_settings WHERE org_id = ?", t.org))
		if errors.Is(err, sql.ErrNoRows) {
			before, err = mailguard.DefaultSettings, nil
		}
		if err != nil {
			return err
		}
		if s.Smarthost.Secret == "" {
			s.Smarthost.Secret = before.Smarthost.Secret
		}
		if _, err := tx.exec(ctx, `INSERT INTO mailguard_settings (org_id, `+mgSettingsColumns+`, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (org_id) DO UPDATE SET enabled = excluded.enabled, internal_domains = excluded.internal_domains, hold_mode = excluded.hold_mode,
			hold_minutes = excluded.hold_minutes, bulk_limit = excluded.bulk_limit, bulk_action = excluded.bulk_action, link_attachments = excluded.link_attachments,
			link_days = excluded.link_days, approval = excluded.approval, approver_id = excluded.approver_id, deputy_id = excluded.deputy_id,
			sh_host = excluded.sh_host, sh_port = excluded.sh_port, sh_starttls = excluded.sh_starttls, sh_username = excluded.sh_username,
			sh_secret = excluded.sh_secret, personal_action = excluded.personal_action, retention_days = excluded.retention_days, link_code = excluded.link_code, updated_at = excluded.updated_at`,
			t.org, boolInt(s.Enabled), strings.ToLower(strings.Join(s.InternalDomains, " ")), string(s.HoldMode), int(s.HoldDelay/time.Minute), s.BulkLimit, string(s.BulkAction),
			boolInt(s.LinkAttachments), s.LinkDays, strings.Join(s.Approval, " "), s.ApproverID, s.DeputyID, s.Smarthost.Host, s.Smarthost.Port,
			boolInt(s.Smarthost.StartTLS), s.Smarthost.Username, s.Smarthost.Secret, string(s.PersonalAction), s.RetentionDays, boolInt(s.LinkCode), micros(t.db.Now())); err != nil {
			return fmt.Errorf("save mail guard settings: %w", err)
		}
		return t.record(ctx, tx, audit.Event{Action: "mailguard.settings", Target: fmt.Sprintf("org:%d", t.org), Before: mgSettingsAudit(before), After: mgSettingsAudit(s)})
	})
}

// CreateAppPassword makes a new app password for a member and returns it;
// only its hash is kept.
func (t Tenant) CreateAppPassword(ctx context.Context, actor audit.Actor, userID int64, label string) (string, error) {
	label = strings.TrimSpace(label)
	if label == "" {
		return "", problem.Field("label", "mailguard.app_password_label_required")
	}
	if _, err := t.Member(ctx, userID); err != nil {
		return "", err
	}
	pw, hash := mailguard.NewAppPassword()
	err := t.change(ctx, actor, func(tx *Tx) error {
		id, err := tx.insert(ctx, "INSERT INTO mailguard_app_passwords (org_id, user_id, label, hash, created_at) VALUES (?, ?, ?, ?, ?)",
			t.org, userID, label, hash, micros(t.db.Now()))
		if err != nil {
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: "mailguard.app_password_create", Target: fmt.Sprintf("app_password:%d", id),
			After: map[string]any{"label": label, "user_id": userID}})
	})
	return pw, err
}

// RevokeAppPassword stops an app password from signing in.
func (t Tenant) RevokeAppPassword(ctx context.Context, actor audit.Actor, id int64) error {
	return t.change(ctx, actor, func(tx *Tx) error {
		var label string
		var userID int64
		if err := tx.queryRow(ctx, "SELECT label, user_id FROM mailguard_app_passwords WHERE id = ? AND org_id = ? AND revoked_at = 0", id, t.org).Scan(&label, &userID); err != nil {
			return notFound(err)
		}
		if _, err := tx.exec(ctx, "UPDATE mailguard_app_passwords SET revoked_at = ? WHERE id = ? AND org_id = ?", micros(t.db.Now()), id, t.org); err != nil {
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: "mailguard.app_password_revoke", Target: fmt.Sprintf("app_password:%d", id),
			Before: map[string]any{"label": label, "user_id": userID}})
	})
}

// AppPasswords lists the organisation's app passwords, revoked ones last.
func (t Tenant) AppPasswords(ctx context.Context) ([]mailguard.AppPassword, error) {
	rows, err := t.db.query(ctx, `SELECT a.id, a.user_id, u.email, a.label, a.created_at, a.last_used_at, a.revoked_at
		FROM mailguard_app_passwords a JOIN users u ON u.id = a.user_id WHERE a.org_id = ? ORDER BY a.revoked_at, u.email, a.id`, t.org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []mailguard.AppPassword
	for rows.Next() {
		var a mailguard.AppPassword
		var c, l, r int64
		if err := rows.Scan(&a.ID, &a.UserID, &a.UserEmail, &a.Label, &c, &l, &r); err != nil {
			return nil, err
		}
		a.CreatedAt, a.LastUsedAt, a.RevokedAt = fromMicros(c), fromMicros(l), fromMicros(r)
		out = append(out, a)
	}
	return out, rows.Err()
}

// ErrBadAppPassword is a failed relay sign-in.
var ErrBadAppPassword = errors.New("store: app password not accepted")

// AppPasswordLogin checks a relay sign-in: the address of an enabled
// member and one of their app passwords, not revoked, in an organisation
// whose guard is enabled. It returns the organisation and the user.
func (db *DB) AppPasswordLogin(ctx context.Context, username, password string) (orgID, userID int64, err error) {
	var id int64
	err = db.queryRow(ctx, `SELECT a.id, a.org_id, a.user_id FROM mailguard_app_passwords a
		JOIN users u ON u.id = a.user_id
		JOIN memberships m ON m.user_id = a.user_id AND m.org_id = a.org_id
		JOIN mailguard_settings s ON s.org_id = a.org_id
		WHERE a.hash = ? AND a.revoked_at = 0 AND u.disabled = 0 AND s.enabled = 1 AND lower(u.email) = lower(?)`,
		mailguard.HashSecret(password), strings.TrimSpace(username)).Scan(&id, &orgID, &userID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, ErrBadAppPassword
	}
	if err != nil {
		return 0, 0, err
	}
	_, err = db.exec(ctx, "UPDATE mailguard_app_passwords SET last_used_at = ? WHERE id = ?", micros(db.Now()), id)
	return orgID, userID, err
}

// KnownMailDomain reports whether the organisation has sent to domain.
func (t Tenant) KnownMailDomain(ctx context.Context, domain string) (bool, error) {
	var n int
	err := t.db.queryRow(ctx, "SELECT COUNT(*) FROM mailguard_known_domains WHERE org_id = ? AND domain = ?", t.org, strings.ToLower(domain)).Scan(&n)
	return n > 0, err
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// AcceptMail stores one accepted message's index row and relay records
// in one transaction (its spool file is already on disk).
func (db *DB) AcceptMail(ctx context.Context, m mailguard.Message, rcpts []mailguard.Rcpt) error {
	return db.AcceptMails(ctx, []Accepted{{Message: m, Rcpts: rcpts}})
}

// Accepted is one message for AcceptMails.
type Accepted struct {
	Message mailguard.Message
	Rcpts   []mailguard.Rcpt
}

// AcceptMails stores the index rows and relay records of several accepted
// messages in one transaction: the relay's group commit, so that
// concurrent clients share one write instead of queueing on the writer.
// When it returns nil the rows survive a power loss too (syncWAL), since
// the client hears 250 next and the start-up sweep deletes a spool file
// that has no index row.
func (db *DB) AcceptMails(ctx context.Context, ms []Accepted) error {
	err := db.bookkeeping(ctx, func(exec func(string, ...any) (sql.Result, error), _ func(string, ...any) *sql.Row) error {
		orgs := map[int64]bool{}
		// A group's rows go in one multi-row statement per table (per
		// acceptChunk messages): SQLite parses every statement anew, so a
		// statement per row was most of a group's cost.
		for len(ms) > 0 {
			chunk := ms[:min(len(ms), acceptChunk)]
			ms = ms[len(chunk):]
			var margs, rargs []any
			nr := 0
			for _, a := range chunk {
				m := a.Message
				orgs[m.OrgID] = true
				if m.Attachments == nil {
					m.Attachments = []mailguard.Attachment{}
				}
				if m.Reasons == nil {
					m.Reasons = []mailguard.Reason{}
				}
				margs = append(margs, m.ID, m.OrgID, m.UserID, m.From, m.Subject, jsonText(m.Recipients), jsonText(m.Attachments), m.Size, m.State, jsonText(m.Reasons),
					boolInt(m.Bcc), boolInt(m.Split), boolInt(m.Links), boolInt(m.NeedsApproval), micros(m.ReleaseAt), micros(m.CreatedAt))
				for _, r := range a.Rcpts {
					rargs = append(rargs, m.ID, r.Addr, boolInt(r.External), mailguard.RcptWaiting)
					nr++
				}
			}
			if _, err := exec(`INSERT INTO mailguard_messages (id, org_id, user_id, mail_from, subject, recipients, attachments, size, state, reasons, bcc, split, links, needs_approval, release_at, created_at)
			VALUES `+valuesRows(len(chunk), 16), margs...); err != nil {
				return fmt.Errorf("accept mail: %w", err)
			}
			// Recipients per statement stay under the engines' limits on
			// parameters (a message has at most a few hundred).
			for len(rargs) > 0 {
				n := min(len(rargs)/4, acceptChunk*4)
				if _, err := exec("INSERT INTO mailguard_rcpts (message_id, rcpt, external, state) VALUES "+valuesRows(n, 4), rargs[:n*4]...); err != nil {
					return fmt.Errorf("accept mail: %w", err)
				}
				rargs = rargs[n*4:]
			}
		}
		// Each organisation's mail version moves once per group: its
		// dashboard's mail counts are read again.
		for org := range orgs {
			if _, err := exec(bumpMailVersion, org); err != nil {
				return fmt.Errorf("accept mail: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return db.syncWAL()
}

// acceptChunk is how many messages one INSERT of AcceptMails carries.
const acceptChunk = 50

// valuesRows is "(?, ?), (?, ?)" for rows rows of cols columns.
func valuesRows(rows, cols int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ")
}

// MailExists reports whether the index knows message id (the start-up
// sweep removes spool files whose client never heard 250).
func (db *DB) MailExists(ctx context.Context, id string) (bool, error) {
	var n int
	err := db.queryRow(ctx, "SELECT COUNT(*) FROM mailguard_messages WHERE id = ?", id).Scan(&n)
	return n > 0, err
}

// DueMail lists messages with recipients to relay now.
func (db *DB) DueMail(ctx context.Context, now time.Time, limit int) ([]string, error) {
	rows, err := db.query(ctx, `SELECT DISTINCT m.id FROM mailguard_messages m JOIN mailguard_rcpts r ON r.message_id = m.id
		WHERE r.state = ? AND r.next_at <= ? AND (m.state IN (?, ?) OR (m.state = ? AND m.release_at <= ?)) LIMIT ?`,
		mailguard.RcptWaiting, micros(now), mailguard.StateReleased, mailguard.StateSending, mailguard.StateHeld, micros(now), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

const mgMessageColumns = "id, org_id, user_id, mail_from, subject, recipients, attachments, size, state, reasons, bcc, split, links, needs_approval, release_at, created_at, decided_at, decided_by"

func scanMGMessage(r rowScanner) (mailguard.Message, error) {
	var m mailguard.Message
	var rc, at, rs string
	var bcc, split, links, appr int
	var rel, cr, dec int64
	err := r.Scan(&m.ID, &m.OrgID, &m.UserID, &m.From, &m.Subject, &rc, &at, &m.Size, &m.State, &rs, &bcc, &split, &links, &appr, &rel, &cr, &dec, &m.DecidedBy)
	if err != nil {
		return m, err
	}
	json.Unmarshal([]byte(rc), &m.Recipients)
	json.Unmarshal([]byte(at), &m.Attachments)
	json.Unmarshal([]byte(rs), &m.Reasons)
	m.Bcc, m.Split, m.Links, m.NeedsApproval = bcc != 0, split != 0, links != 0, appr != 0
	m.ReleaseAt, m.CreatedAt, m.DecidedAt = fromMicros(rel), fromMicros(cr), fromMicros(dec)
	return m, nil
}

// ClaimMail marks message id sending and its due waiting recipients
// sending, in one transaction, and returns them; a message cancelled
// meanwhile yields none. The claim is what makes a crash unable to send
// twice: the start-up turns what is still sending into unsure.
func (db *DB) ClaimMail(ctx context.Context, id string, now time.Time) (mailguard.Message, []mailguard.Rcpt, error) {
	return db.FinishAndClaim(ctx, nil, id, now)
}

// Finish is how relaying to one recipient ended: state sent, failed
// (permanently), or waiting again from RetryAt.
// OrgID and External, when known from the claim, spare two reads; Known
// says the recipient's domain is already among the organisation's known
// domains (the relay remembers those it recorded), sparing a write.
type Finish struct {
	MessageID, Rcpt, State, Error string
	RetryAt                       time.Time
	OrgID                         int64
	External                      bool
	Known                         bool
}

// FinishRcpt records how relaying to one recipient ended. When no
// recipient is left to relay the message is done, and its external
// domains become known.
func (db *DB) FinishRcpt(ctx context.Context, id, rcpt, state, errText string, retryAt time.Time) error {
	_, _, err := db.FinishAndClaim(ctx, []Finish{{MessageID: id, Rcpt: rcpt, State: state, Error: errText, RetryAt: retryAt}}, "", db.Now())
	return err
}

// FinishAndClaim records the results of the message just relayed and
// claims the next one (id; none when empty) in one transaction, so the
// worker writes once per message. A crash still leaves at most the
// message in flight unsure: the results are recorded no later than the
// next claim, and a recipient still sending at a crash becomes unsure.
// It runs a fixed few statements whatever the number of recipients: one
// update per result, one per message finished, one claiming the message
// and one claiming its due recipients.
func (db *DB) FinishAndClaim(ctx context.Context, done []Finish, id string, now time.Time) (mailguard.Message, []mailguard.Rcpt, error) {
	var m mailguard.Message
	var claimed []mailguard.Rcpt
	err := db.bookkeepingTx(ctx, func(tx *sql.Tx) error {
		exec := func(q string, args ...any) (sql.Result, error) { return tx.ExecContext(ctx, db.rebind(q), args...) }
		row := func(q string, args ...any) *sql.Row { return tx.QueryRowContext(ctx, db.rebind(q), args...) }
		var msgs []string
		for _, f := range done {
			if err := finishRcpt(exec, row, f, db.Now()); err != nil {
				return err
			}
			if !slices.Contains(msgs, f.MessageID) {
				msgs = append(msgs, f.MessageID)
			}
		}
		// A message with no recipient left to relay is done.
		for _, mid := range msgs {
			if _, err := exec(`UPDATE mailguard_messages SET state = ?, finished_at = ? WHERE id = ? AND state = ?
				AND NOT EXISTS (SELECT 1 FROM mailguard_rcpts WHERE message_id = ? AND state IN (?, ?))`,
				mailguard.StateDone, micros(db.Now()), mid, mailguard.StateSending, mid, mailguard.RcptWaiting, mailguard.RcptSending); err != nil {
				return err
			}
		}
		if id == "" {
			return nil
		}
		var err error
		m, err = scanMGMessage(row("UPDATE mailguard_messages SET state = ? WHERE id = ? AND (state IN (?, ?) OR (state = ? AND release_at <= ?)) RETURNING "+mgMessageColumns,
			mailguard.StateSending, id, mailguard.StateReleased, mailguard.StateSending, mailguard.StateHeld, micros(now)))
		if errors.Is(err, sql.ErrNoRows) {
			m = mailguard.Message{}
			return nil
		}
		if err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, db.rebind("UPDATE mailguard_rcpts SET state = ?, attempts = attempts + 1 WHERE message_id = ? AND state = ? AND next_at <= ? RETURNING rcpt, external, attempts"),
			mailguard.RcptSending, id, mailguard.RcptWaiting, micros(now))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r := mailguard.Rcpt{MessageID: id, State: mailguard.RcptSending}
			var ext int
			if err := rows.Scan(&r.Addr, &ext, &r.Attempts); err != nil {
				return err
			}
			r.External = ext != 0
			claimed = append(claimed, r)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		// In the order the sender gave them, as they are relayed.
		order := map[string]int{}
		for i, a := range m.Recipients {
			order[a] = i
		}
		slices.SortStableFunc(claimed, func(a, b mailguard.Rcpt) int {
			ia, oka := order[a.Addr]
			ib, okb := order[b.Addr]
			switch {
			case oka && okb:
				return ia - ib
			case oka:
				return -1
			case okb:
				return 1
			}
			return strings.Compare(a.Addr, b.Addr)
		})
		return nil
	})
	if err != nil {
		return mailguard.Message{}, nil, err
	}
	return m, claimed, nil
}

// finishRcpt records one recipient's result; a sent external recipient's
// domain becomes known. Whether its message is done is the caller's.
func finishRcpt(exec func(string, ...any) (sql.Result, error), row func(string, ...any) *sql.Row, f Finish, now time.Time) error {
	id, rcpt, state := f.MessageID, f.Rcpt, f.State
	sentAt := int64(0)
	if state == mailguard.RcptSent {
		sentAt = micros(now)
	}
	if _, err := exec("UPDATE mailguard_rcpts SET state = ?, error = ?, next_at = ?, sent_at = ? WHERE message_id = ? AND rcpt = ? AND state = ?",
		state, f.Error, micros(f.RetryAt), sentAt, id, rcpt, mailguard.RcptSending); err != nil {
		return err
	}
	if state != mailguard.RcptSent || f.Known {
		return nil
	}
	orgID, ext := f.OrgID, f.External
	if orgID == 0 {
		var e int
		if err := row("SELECT m.org_id, r.external FROM mailguard_messages m JOIN mailguard_rcpts r ON r.message_id = m.id WHERE m.id = ? AND r.rcpt = ?", id, rcpt).Scan(&orgID, &e); err != nil {
			return err
		}
		ext = e != 0
	}
	if !ext {
		return nil
	}
	_, err := exec("INSERT INTO mailguard_known_domains (org_id, domain, first_at) VALUES (?, ?, ?) ON CONFLICT (org_id, domain) DO NOTHING",
		orgID, mailguard.Domain(rcpt), micros(now))
	return err
}

// MarkUnsure turns the recipients a crash left sending into unsure: the
// smarthost may have taken the message, so it is not sent again without
// a person deciding. It returns how many there were.
func (db *DB) MarkUnsure(ctx context.Context) (int64, error) {
	res, err := db.exec(ctx, "UPDATE mailguard_rcpts SET state = ?, error = ? WHERE state = ?", mailguard.RcptUnsure, "interrupted while relaying", mailguard.RcptSending)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// MailFilter narrows the mail log.
type MailFilter struct {
	UserID   int64  // one sender's mail; 0 for all
	Sender   string // part of the sender's address
	Rcpt     string // part of a recipient's address
	From, To time.Time
	Pending  bool // only mail that can still be cancelled
	Limit    int
}

// MailMessages lists the organisation's mail, newest first.
func (t Tenant) MailMessages(ctx context.Context, f MailFilter) ([]mailguard.Message, error) {
	q := "SELECT " + prefixCols("m.", mgMessageColumns) + ", u.name FROM mailguard_messages m JOIN users u ON u.id = m.user_id WHERE m.org_id = ?"
	args := []any{t.org}
	if f.UserID != 0 {
		q += " AND m.user_id = ?"
		args = append(args, f.UserID)
	}
	if f.Sender != "" {
		q += " AND lower(m.mail_from) LIKE ?"
		args = append(args, "%"+likeEscape(strings.ToLower(f.Sender))+"%")
	}
	if f.Rcpt != "" {
		q += " AND EXISTS (SELECT 1 FROM mailguard_rcpts r WHERE r.message_id = m.id AND r.rcpt LIKE ?)"
		args = append(args, "%"+likeEscape(strings.ToLower(f.Rcpt))+"%")
	}
	if !f.From.IsZero() {
		q += " AND m.created_at >= ?"
		args = append(args, micros(f.From))
	}
	if !f.To.IsZero() {
		q += " AND m.created_at < ?"
		args = append(args, micros(f.To))
	}
	if f.Pending {
		q += " AND m.state IN (?, ?)"
		args = append(args, mailguard.StateHeld, mailguard.StateConfirm)
	}
	if f.Limit <= 0 {
		f.Limit = 200
	}
	q += " ORDER BY m.created_at DESC, m.id LIMIT ?"
	args = append(args, f.Limit)
	rows, err := t.db.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []mailguard.Message
	for rows.Next() {
		var name string
		m, err := scanMGMessage(scanFunc(func(dest ...any) error { return rows.Scan(append(dest, &name)...) }))
		if err != nil {
			return nil, err
		}
		m.SenderName = name
		out = append(out, m)
	}
	return out, rows.Err()
}

type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

func prefixCols(p, cols string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = p + parts[i]
	}
	return strings.Join(parts, ", ")
}

// MailMessage returns one message of the organisation with its relay
// records.
func (t Tenant) MailMessage(ctx context.Context, id string) (mailguard.Message, []mailguard.Rcpt, error) {
	m, err := scanMGMessage(t.db.queryRow(ctx, "SELECT "+mgMessageColumns+" FROM mailguard_messages WHERE id = ? AND org_id = ?", id, t.org))
	if err != nil {
		return m, nil, notFound(err)
	}
	rows, err := t.db.query(ctx, "SELECT rcpt, external, state, attempts, error, sent_at FROM mailguard_rcpts WHERE message_id = ? ORDER BY rcpt", id)
	if err != nil {
		return m, nil, err
	}
	defer rows.Close()
	var rs []mailguard.Rcpt
	for rows.Next() {
		r := mailguard.Rcpt{MessageID: id}
		var ext int
		var sent int64
		if err := rows.Scan(&r.Addr, &ext, &r.State, &r.Attempts, &r.Error, &sent); err != nil {
			return m, nil, err
		}
		r.External, r.SentAt = ext != 0, fromMicros(sent)
		rs = append(rs, r)
	}
	return m, rs, rows.Err()
}

// DecideMail cancels (release false) or releases a message that still
// waits, in one audited change; by is the deciding user. A message already
// on its way cannot be cancelled: the conflict says so.
func (t Tenant) DecideMail(ctx context.Context, actor audit.Actor, id string, by int64, release bool) error {
	return t.change(ctx, actor, func(tx *Tx) error {
		var state, from, subject string
		if err := tx.queryRow(ctx, "SELECT state, mail_from, subject FROM mailguard_messages WHERE id = ? AND org_id = ?", id, t.org).Scan(&state, &from, &subject); err != nil {
			return notFound(err)
		}
		if state != mailguard.StateHeld && state != mailguard.StateConfirm {
			return problem.New(problem.Conflict, "mailguard.already_gone")
		}
		now := micros(t.db.Now())
		to, action := mailguard.StateReleased, "mailguard.release"
		if !release {
			to, action = mailguard.StateCancelled, "mailguard.cancel"
			if _, err := tx.exec(ctx, "UPDATE mailguard_rcpts SET state = ? WHERE message_id = ? AND state = ?", mailguard.RcptCancelled, id, mailguard.RcptWaiting); err != nil {
				return err
			}
		}
		finished := int64(0)
		if to == mailguard.StateCancelled {
			finished = now
		}
		if _, err := tx.exec(ctx, "UPDATE mailguard_messages SET state = ?, decided_at = ?, decided_by = ?, finished_at = ? WHERE id = ? AND org_id = ? AND state = ?", to, now, by, finished, id, t.org, state); err != nil {
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: action, Target: "mail:" + id,
			Before: map[string]any{"state": state, "sender": from, "subject": subject}, After: map[string]any{"state": to}})
	})
}

// CreateMailLink records one recipient's link to one file.
func (db *DB) CreateMailLink(ctx context.Context, l mailguard.Link, tokenHash string) error {
	_, err := db.exec(ctx, "INSERT INTO mailguard_links (org_id, message_id, rcpt, token_hash, file_index, file_name, size, expires_at, created_at, code_sealed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		l.OrgID, l.MessageID, l.Rcpt, tokenHash, l.FileIndex, l.FileName, l.Size, micros(l.ExpiresAt), micros(db.Now()), l.CodeSealed)
	return err
}

const mgLinkColumns = "id, org_id, message_id, rcpt, file_index, file_name, size, expires_at, revoked_at, created_at, code_sealed, code_fails"

func scanMGLink(r rowScanner) (mailguard.Link, error) {
	var l mailguard.Link
	var e, rv, c int64
	err := r.Scan(&l.ID, &l.OrgID, &l.MessageID, &l.Rcpt, &l.FileIndex, &l.FileName, &l.Size, &e, &rv, &c, &l.CodeSealed, &l.CodeFails)
	l.ExpiresAt, l.RevokedAt, l.CreatedAt = fromMicros(e), fromMicros(rv), fromMicros(c)
	return l, err
}

// MailLinkByToken finds a link by the token in its address.
func (db *DB) MailLinkByToken(ctx context.Context, token string) (mailguard.Link, error) {
	l, err := scanMGLink(db.queryRow(ctx, "SELECT "+mgLinkColumns+" FROM mailguard_links WHERE token_hash = ?", mailguard.HashSecret(token)))
	return l, notFound(err)
}

// MailCodeFailed counts a wrong one-time code against every link of the
// recipient's for that message (the code is theirs, not one file's), and
// returns the count.
func (db *DB) MailCodeFailed(ctx context.Context, l mailguard.Link) (int, error) {
	var n int
	err := db.queryRowW(ctx, "UPDATE mailguard_links SET code_fails = code_fails + 1 WHERE message_id = ? AND rcpt = ? RETURNING code_fails", l.MessageID, l.Rcpt).Scan(&n)
	return n, err
}

// RecordMailDownload logs one download of a link.
func (db *DB) RecordMailDownload(ctx context.Context, l mailguard.Link, addr, userAgent string) error {
	if len(userAgent) > 400 {
		userAgent = userAgent[:400]
	}
	return db.bookkeeping(ctx, func(exec func(string, ...any) (sql.Result, error), _ func(string, ...any) *sql.Row) error {
		if _, err := exec("INSERT INTO mailguard_downloads (org_id, link_id, at, addr, user_agent) VALUES (?, ?, ?, ?, ?)", l.OrgID, l.ID, micros(db.Now()), addr, userAgent); err != nil {
			return err
		}
		_, err := exec(bumpMailVersion, l.OrgID)
		return err
	})
}

// bumpMailVersion moves an organisation's mail version: the mail guard's
// figures changed without an audit entry (see DB.Versions).
const bumpMailVersion = "INSERT INTO mailguard_version (org_id, n) VALUES (?, 1) ON CONFLICT (org_id) DO UPDATE SET n = mailguard_version.n + 1"

// MailLinks lists a message's links with their downloads.
func (t Tenant) MailLinks(ctx context.Context, messageID string) ([]mailguard.Link, error) {
	rows, err := t.db.query(ctx, "SELECT "+mgLinkColumns+" FROM mailguard_links WHERE message_id = ? AND org_id = ? ORDER BY rcpt, file_index", messageID, t.org)
	if err != nil {
		return nil, err
	}
	var out []mailguard.Link
	for rows.Next() {
		l, err := scanMGLink(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, l)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Downloads, err = t.downloads(ctx, "d.link_id = ?", out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// MailDownloads lists the organisation's latest downloads.
func (t Tenant) MailDownloads(ctx context.Context, limit int) ([]mailguard.Download, error) {
	return t.downloads(ctx, "1 = 1 ORDER BY d.at DESC LIMIT ?", limit)
}

func (t Tenant) downloads(ctx context.Context, where string, args ...any) ([]mailguard.Download, error) {
	rows, err := t.db.query(ctx, `SELECT d.link_id, l.file_name, l.rcpt, d.at, d.addr, d.user_agent FROM mailguard_downloads d
		JOIN mailguard_links l ON l.id = d.link_id WHERE d.org_id = ? AND `+where, append([]any{t.org}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []mailguard.Download
	for rows.Next() {
		var d mailguard.Download
		var at int64
		if err := rows.Scan(&d.LinkID, &d.FileName, &d.Rcpt, &at, &d.Addr, &d.UserAgent); err != nil {
			return nil, err
		}
		d.At = fromMicros(at)
		out = append(out, d)
	}
	return out, rows.Err()
}

// RevokeMailLinks stops every link of a message, in one audited change.
func (t Tenant) RevokeMailLinks(ctx context.Context, actor audit.Actor, messageID string) error {
	return t.change(ctx, actor, func(tx *Tx) error {
		res, err := tx.exec(ctx, "UPDATE mailguard_links SET revoked_at = ? WHERE message_id = ? AND org_id = ? AND revoked_at = 0", micros(t.db.Now()), messageID, t.org)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		if n == 0 {
			return problem.ErrNotFound
		}
		return t.record(ctx, tx, audit.Event{Action: "mailguard.links_revoke", Target: "mail:" + messageID, After: map[string]any{"links": n}})
	})
}

// MailCounts returns the mail guard's counts for [from, to): messages
// held, cancelled (mistakes prevented), converted to Bcc, and link
// downloads.
func (t Tenant) MailCounts(ctx context.Context, from, to time.Time) (mailguard.Day, error) {
	var d mailguard.Day
	err := t.db.queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM mailguard_messages WHERE org_id = ? AND created_at >= ? AND created_at < ? AND reasons <> '[]'),
		(SELECT COUNT(*) FROM mailguard_messages WHERE org_id = ? AND created_at >= ? AND created_at < ? AND state = ?),
		(SELECT COUNT(*) FROM mailguard_messages WHERE org_id = ? AND created_at >= ? AND created_at < ? AND bcc = 1),
		(SELECT COUNT(*) FROM mailguard_downloads WHERE org_id = ? AND at >= ? AND at < ?)`,
		t.org, micros(from), micros(to), t.org, micros(from), micros(to), mailguard.StateCancelled, t.org, micros(from), micros(to), t.org, micros(from), micros(to)).
		Scan(&d.Held, &d.Cancelled, &d.Bcc, &d.Downloads)
	return d, err
}

// AddMailDomains records external domains as known (mail to them is not
// a first-time send), in one audited change; the keeper seeds the list
// with the company's usual correspondents.
func (t Tenant) AddMailDomains(ctx context.Context, actor audit.Actor, domains []string) error {
	var added []string
	for _, d := range domains {
		d = strings.ToLower(strings.TrimSpace(d))
		if d == "" {
			continue
		}
		if !mailguard.ValidDomain(d) {
			return problem.Field("domains", "mailguard.domain_invalid")
		}
		added = append(added, d)
	}
	if len(added) == 0 {
		return problem.Field("domains", "mailguard.domain_invalid")
	}
	return t.change(ctx, actor, func(tx *Tx) error {
		for _, d := range added {
			if _, err := tx.exec(ctx, "INSERT INTO mailguard_known_domains (org_id, domain, first_at) VALUES (?, ?, ?) ON CONFLICT (org_id, domain) DO NOTHING", t.org, d, micros(t.db.Now())); err != nil {
				return err
			}
		}
		return t.record(ctx, tx, audit.Event{Action: "mailguard.domains_add", Target: fmt.Sprintf("org:%d", t.org), After: map[string]any{"domains": strings.Join(added, " ")}})
	})
}

// KnownMailDomains lists the organisation's known external domains.
func (t Tenant) KnownMailDomains(ctx context.Context) ([]string, error) {
	rows, err := t.db.query(ctx, "SELECT domain FROM mailguard_known_domains WHERE org_id = ? ORDER BY domain", t.org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// ResolveUnsure settles the recipients of a message that a crash left
// unsure, in one audited change: resend puts them back in the queue (the
// smarthost did not have it), otherwise they are recorded as sent (it
// did). It returns how many there were.
func (t Tenant) ResolveUnsure(ctx context.Context, actor audit.Actor, id string, resend bool) (int64, error) {
	var n int64
	err := t.change(ctx, actor, func(tx *Tx) error {
		var state string
		if err := tx.queryRow(ctx, "SELECT state FROM mailguard_messages WHERE id = ? AND org_id = ?", id, t.org).Scan(&state); err != nil {
			return notFound(err)
		}
		to, action := mailguard.RcptSent, "mailguard.unsure_sent"
		if resend {
			to, action = mailguard.RcptWaiting, "mailguard.unsure_resend"
		}
		res, err := tx.exec(ctx, "UPDATE mailguard_rcpts SET state = ?, next_at = 0, error = '' WHERE message_id = ? AND state = ?", to, id, mailguard.RcptUnsure)
		if err != nil {
			return err
		}
		if n, _ = res.RowsAffected(); n == 0 {
			return problem.New(problem.Conflict, "mailguard.none_unsure")
		}
		var open int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM mailguard_rcpts WHERE message_id = ? AND state IN (?, ?)", id, mailguard.RcptWaiting, mailguard.RcptSending).Scan(&open); err != nil {
			return err
		}
		next := mailguard.StateSending
		if open == 0 {
			next = mailguard.StateDone
		}
		finished := int64(0)
		if next == mailguard.StateDone {
			finished = micros(t.db.Now())
		}
		if _, err := tx.exec(ctx, "UPDATE mailguard_messages SET state = ?, finished_at = ? WHERE id = ? AND org_id = ?", next, finished, id, t.org); err != nil {
			return err
		}
		return t.record(ctx, tx, audit.Event{Action: action, Target: "mail:" + id, Before: map[string]any{"state": state}, After: map[string]any{"state": next, "recipients": n}})
	})
	return n, err
}

// MailToPurge lists messages whose files may go at now: in a final state
// (done or cancelled) for longer than their organisation's retention
// (30 days unless set; the same default as mailguard.DefaultSettings),
// not purged yet, and with no download link still usable.
func (db *DB) MailToPurge(ctx context.Context, now time.Time, limit int) ([]string, error) {
	rows, err := db.query(ctx, `SELECT m.id FROM mailguard_messages m LEFT JOIN mailguard_settings s ON s.org_id = m.org_id
		WHERE m.state IN (?, ?) AND m.purged_at = 0 AND m.finished_at > 0
		AND m.finished_at + CAST(COALESCE(s.retention_days, 30) AS BIGINT) * CAST(? AS BIGINT) <= ?
		AND NOT EXISTS (SELECT 1 FROM mailguard_links l WHERE l.message_id = m.id AND l.revoked_at = 0 AND l.expires_at > ?)
		ORDER BY m.finished_at LIMIT ?`,
		mailguard.StateDone, mailguard.StateCancelled, int64(24*time.Hour/time.Microsecond), micros(now), micros(now), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// MarkMailPurged records that message id's files were removed; its index
// row, recipients, links and downloads stay for the log.
// The passwords of the message's password zips go with its files: past
// retention nobody needs to open the zip again.
func (db *DB) MarkMailPurged(ctx context.Context, id string) error {
	return db.bookkeeping(ctx, func(exec func(string, ...any) (sql.Result, error), _ func(string, ...any) *sql.Row) error {
		if _, err := exec("UPDATE mailguard_messages SET purged_at = ? WHERE id = ?", micros(db.Now()), id); err != nil {
			return err
		}
		_, err := exec("UPDATE mailguard_zips SET password_sealed = '' WHERE message_id = ?", id)
		return err
	})
}

// syncWAL makes the last commit durable on SQLite. The store runs WAL with
// synchronous=NORMAL: a commit is written to the -wal file but synced only
// at checkpoints, so it survives a crashed process but not a power loss.
// Syncing the -wal file (a checkpoint may have emptied it meanwhile: it
// synced the database file first) gives the commit FULL's guarantee, one
// sync per group. PostgreSQL commits synchronously already.
func (db *DB) syncWAL() error {
	if db.engine != SQLite {
		return nil
	}
	f, err := os.Open(db.path + "-wal")
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sync wal: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync wal: %w", err)
	}
	return nil
}
