package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/calendar"
	"github.com/mamori-sec/mamori/internal/notify"
	"github.com/mamori-sec/mamori/internal/org"
)

const channelColumns = "kind, enabled, host, port, starttls, username, sender, room, bot, secret"

func scanChannel(r rowScanner) (notify.Channel, error) {
	var c notify.Channel
	var enabled, starttls int
	err := r.Scan(&c.Kind, &enabled, &c.Host, &c.Port, &starttls, &c.Username, &c.Sender, &c.Room, &c.Bot, &c.Secret)
	c.Enabled, c.StartTLS = enabled != 0, starttls != 0
	return c, err
}

// channelAudit is a channel as the audit trail shows it: a secret only as
// "set" (「設定済み」 on the page), never its value.
func channelAudit(c notify.Channel) map[string]any {
	secret := ""
	if c.Secret != "" {
		secret = "set"
	}
	m := map[string]any{"enabled": c.Enabled, "secret": secret}
	switch c.Kind {
	case notify.Email:
		m["host"], m["port"], m["starttls"], m["username"], m["sender"] = c.Host, c.Port, c.StartTLS, c.Username, c.Sender
	case notify.Chatwork:
		m["room"] = c.Room
	case notify.LineWorks:
		m["room"], m["bot"] = c.Room, c.Bot
	}
	return m
}

// Channels returns the organisation's channel of every kind, in
// notify.Kinds order; a kind never set is returned disabled and empty
// (e-mail with STARTTLS on port 587).
func (t Tenant) Channels(ctx context.Context) ([]notify.Channel, error) {
	rows, err := t.db.query(ctx, "SELECT "+channelColumns+" FROM notify_channels WHERE org_id = ?", t.org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	got := map[notify.Kind]notify.Channel{}
	for rows.Next() {
		c, err := scanChannel(rows)
		if err != nil {
			return nil, err
		}
		got[c.Kind] = c
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]notify.Channel, len(notify.Kinds))
	for i, k := range notify.Kinds {
		c, ok := got[k]
		if !ok {
			c = blankChannel(k)
		}
		out[i] = c
	}
	return out, nil
}

func blankChannel(k notify.Kind) notify.Channel {
	c := notify.Channel{Kind: k}
	if k == notify.Email {
		c.Port, c.StartTLS = 587, true
	}
	return c
}

// Channel returns the organisation's channel of kind k.
func (t Tenant) Channel(ctx context.Context, k notify.Kind) (notify.Channel, error) {
	c, err := scanChannel(t.db.queryRow(ctx, "SELECT "+channelColumns+" FROM notify_channels WHERE org_id = ? AND kind = ?", t.org, k))
	if errors.Is(err, sql.ErrNoRows) {
		return blankChannel(k), nil
	}
	return c, err
}

// SaveChannel stores a channel's settings in one audited change. An empty
// Secret keeps the one already set unless clearSecret says to remove it;
// the caller seals a new secret (notify.SealContext) before it comes here.
func (t Tenant) SaveChannel(ctx context.Context, actor audit.Actor, c notify.Channel, clearSecret bool) error {
	return t.change(ctx, actor, func(tx *Tx) error {
		before, err := scanChannel(tx.queryRow(ctx, "SELECT "+channelColumns+" FROM notify_channels WHERE org_id = ? AND kind = ?", t.org, c.Kind))
		exists := err == nil
		if errors.Is(err, sql.ErrNoRows) {
			before, err = blankChannel(c.Kind), nil
		}
		if err != nil {
			return err
		}
		if c.Secret == "" && !clearSecret {
			c.Secret = before.Secret
		}
		if err := c.Check(); err != nil {
			return err
		}
		now := micros(t.db.Now())
		if exists {
			_, err = tx.exec(ctx, "UPDATE notify_channels SET enabled = ?, host = ?, port = ?, starttls = ?, username = ?, sender = ?, room = ?, bot = ?, secret = ?, updated_at = ? WHERE org_id = ? AND kind = ?",
				boolInt(c.Enabled), c.Host, c.Port, boolInt(c.StartTLS), c.Username, c.Sender, c.Room, c.Bot, c.Secret, now, t.org, c.Kind)
		} else {
			_, err = tx.exec(ctx, "INSERT INTO notify_channels (org_id, kind, enabled, host, port, starttls, username, sender, room, bot, secret, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				t.org, c.Kind, boolInt(c.Enabled), c.Host, c.Port, boolInt(c.StartTLS), c.Username, c.Sender, c.Room, c.Bot, c.Secret, now)
		}
		if err != nil {
			return fmt.Errorf("save channel: %w", err)
		}
		return t.record(ctx, tx, audit.Event{Action: "notify.channel", Target: "notify_channel:" + string(c.Kind), Before: channelAudit(before), After: channelAudit(c)})
	})
}

func kindsText(ks []notify.Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, " ")
}

func kindsOf(s string) []notify.Kind {
	var out []notify.Kind
	for _, f := range strings.Fields(s) {
		out = append(out, notify.Kind(f))
	}
	return out
}

// NotifyPrefs returns a user's notification preferences (the defaults
// when they have set none).
func (db *DB) NotifyPrefs(ctx context.Context, userID int64) (notify.Prefs, error) {
	var kinds string
	var p notify.Prefs
	err := db.queryRow(ctx, "SELECT channels, start_min, end_min FROM notify_prefs WHERE user_id = ?", userID).Scan(&kinds, &p.Hours.Start, &p.Hours.End)
	if errors.Is(err, sql.ErrNoRows) {
		return notify.DefaultPrefs, nil
	}
	p.Kinds = kindsOf(kinds)
	return p, err
}

func prefsAudit(p notify.Prefs) map[string]any {
	return map[string]any{"channels": kindsText(p.Kinds), "start": fmt.Sprintf("%02d:%02d", p.Hours.Start/60, p.Hours.Start%60),
		"end": fmt.Sprintf("%02d:%02d", p.Hours.End/60, p.Hours.End%60)}
}

// SetNotifyPrefs stores a user's preferences in one audited change.
func (db *DB) SetNotifyPrefs(ctx context.Context, actor audit.Actor, userID int64, p notify.Prefs) error {
	if err := p.Check(); err != nil {
		return err
	}
	return db.change(ctx, actor, func(tx *Tx) error {
		before := notify.DefaultPrefs
		var kinds string
		err := tx.queryRow(ctx, "SELECT channels, start_min, end_min FROM notify_prefs WHERE user_id = ?", userID).Scan(&kinds, &before.Hours.Start, &before.Hours.End)
		switch {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		default:
			before.Kinds = kindsOf(kinds)
		}
		if _, err := tx.exec(ctx, "INSERT INTO notify_prefs (user_id, channels, start_min, end_min, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET channels = excluded.channels, start_min = excluded.start_min, end_min = excluded.end_min, updated_at = excluded.updated_at",
			userID, kindsText(p.Kinds), p.Hours.Start, p.Hours.End, micros(db.Now())); err != nil {
			return fmt.Errorf("save notify prefs: %w", err)
		}
		return tx.Record(ctx, audit.Event{Action: "user.notify", Target: fmt.Sprintf("user:%d", userID), Before: prefsAudit(before), After: prefsAudit(p)})
	})
}

// Recipient is a member who may get the organisation's digests.
type Recipient struct {
	auth.User
	Role  org.Role
	Prefs notify.Prefs
}

// Recipients lists the organisation's enabled members with their
// preferences.
func (t Tenant) Recipients(ctx context.Context) ([]Recipient, error) {
	rows, err := t.db.query(ctx, `SELECT u.id, u.email, u.name, u.locale, m.role, COALESCE(p.channels, ?), COALESCE(p.start_min, ?), COALESCE(p.end_min, ?)
		FROM users u JOIN memberships m ON m.user_id = u.id LEFT JOIN notify_prefs p ON p.user_id = u.id
		WHERE m.org_id = ? AND u.disabled = 0 ORDER BY u.id`, kindsText(notify.DefaultPrefs.Kinds), notify.DefaultHours.Start, notify.DefaultHours.End, t.org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Recipient
	for rows.Next() {
		var r Recipient
		var kinds string
		if err := rows.Scan(&r.ID, &r.Email, &r.Name, &r.Locale, &r.Role, &kinds, &r.Prefs.Hours.Start, &r.Prefs.Hours.End); err != nil {
			return nil, err
		}
		r.Prefs.Kinds = kindsOf(kinds)
		out = append(out, r)
	}
	return out, rows.Err()
}

// Delivery is one digest sent, or being sent, on one channel.
type Delivery struct {
	UserID   int64
	UserName string
	Day      calendar.Day
	Kind     notify.Kind
	Status   string // sending, sent, failed
	Items    int
	Attempts int
	Error    string
	SentAt   int64 // Unix microseconds; 0 until sent
}

// Delivery statuses.
const (
	DeliverySending = "sending"
	DeliverySent    = "sent"
	DeliveryFailed  = "failed"
)

// ClaimDelivery records an attempt to send the digest of (user, day) on
// a channel, keyed by its idempotency key, and reports whether it still
// needs sending: false when a previous attempt — before a crash, or on
// another server — already sent it. Deliveries are the queue's bookkeeping
// rather than changes to the organisation's records, so they are not in
// the audit trail.
func (t Tenant) ClaimDelivery(ctx context.Context, userID int64, day calendar.Day, k notify.Kind, key string, items int) (bool, error) {
	var status string
	err := t.db.w.QueryRowContext(ctx, t.db.rebind(`INSERT INTO notify_deliveries (org_id, user_id, day, kind, idem_key, status, items, attempts, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)
		ON CONFLICT (idem_key) DO UPDATE SET attempts = notify_deliveries.attempts + 1, items = excluded.items,
			status = CASE WHEN notify_deliveries.status = 'sent' THEN 'sent' ELSE 'sending' END
		RETURNING status`), t.org, userID, day.String(), k, key, DeliverySending, items, micros(t.db.Now())).Scan(&status)
	if err != nil {
		return false, fmt.Errorf("claim delivery: %w", err)
	}
	return status != DeliverySent, nil
}

// FinishDelivery records the outcome of an attempt: sent, or failed with
// the error (the job retries; the record keeps the last reason).
func (t Tenant) FinishDelivery(ctx context.Context, key string, sendErr error) error {
	if sendErr == nil {
		_, err := t.db.exec(ctx, "UPDATE notify_deliveries SET status = ?, error = '', sent_at = ? WHERE org_id = ? AND idem_key = ?", DeliverySent, micros(t.db.Now()), t.org, key)
		return err
	}
	msg := sendErr.Error()
	if len(msg) > 500 {
		msg = msg[:500]
	}
	_, err := t.db.exec(ctx, "UPDATE notify_deliveries SET status = ?, error = ? WHERE org_id = ? AND idem_key = ? AND status <> ?", DeliveryFailed, msg, t.org, key, DeliverySent)
	return err
}

// DigestStarted reports which users already have a delivery record for
// day, so the scheduler does not queue their digest again.
func (t Tenant) DigestStarted(ctx context.Context, day calendar.Day) (map[int64]bool, error) {
	rows, err := t.db.query(ctx, "SELECT DISTINCT user_id FROM notify_deliveries WHERE org_id = ? AND day = ?", t.org, day.String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// Deliveries lists the organisation's latest deliveries, newest first.
func (t Tenant) Deliveries(ctx context.Context, limit int) ([]Delivery, error) {
	rows, err := t.db.query(ctx, `SELECT d.user_id, u.name, d.day, d.kind, d.status, d.items, d.attempts, d.error, d.sent_at
		FROM notify_deliveries d JOIN users u ON u.id = d.user_id WHERE d.org_id = ? ORDER BY d.day DESC, d.id DESC LIMIT ?`, t.org, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var d Delivery
		var day string
		if err := rows.Scan(&d.UserID, &d.UserName, &day, &d.Kind, &d.Status, &d.Items, &d.Attempts, &d.Error, &d.SentAt); err != nil {
			return nil, err
		}
		d.Day, _ = calendar.ParseISO(day)
		out = append(out, d)
	}
	return out, rows.Err()
}

// QueueAction runs fn — a queue operation such as enqueuing a test message
// or retrying a job — in a transaction that also records it in the
// organisation's audit trail, so the action and its record commit
// together.
func (t Tenant) QueueAction(ctx context.Context, actor audit.Actor, ev audit.Event, fn func(context.Context, *sql.Tx) error) error {
	return t.change(ctx, actor, func(tx *Tx) error {
		if err := fn(ctx, tx.tx); err != nil {
			return err
		}
		return t.record(ctx, tx, ev)
	})
}
