package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/mailguard"
	"github.com/mamori-sec/mamori/internal/problem"
)

// SetMailZipDomains replaces the external domains that insist on a
// password zip, in one audited change. Each is checked like the known
// domains; an empty list turns the option off.
func (t Tenant) SetMailZipDomains(ctx context.Context, actor audit.Actor, domains []string) error {
	var list []string
	for _, d := range domains {
		d = strings.ToLower(strings.TrimSpace(d))
		if d == "" {
			continue
		}
		if !mailguard.ValidDomain(d) {
			return problem.Field("zip_domains", "mailguard.domain_invalid")
		}
		if !slices.Contains(list, d) {
			list = append(list, d)
		}
	}
	slices.Sort(list)
	return t.change(ctx, actor, func(tx *Tx) error {
		var before string
		err := tx.queryRow(ctx, "SELECT zip_domains FROM mailguard_settings WHERE org_id = ?", t.org).Scan(&before)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		after := strings.Join(list, " ")
		// A first row takes the column defaults, which are
		// mailguard.DefaultSettings.
		if _, err := tx.exec(ctx, `INSERT INTO mailguard_settings (org_id, zip_domains, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (org_id) DO UPDATE SET zip_domains = excluded.zip_domains, updated_at = excluded.updated_at`,
			t.org, after, micros(t.db.Now())); err != nil {
			return fmt.Errorf("save zip domains: %w", err)
		}
		return t.record(ctx, tx, audit.Event{Action: "mailguard.zip_domains", Target: fmt.Sprintf("org:%d", t.org),
			Before: map[string]any{"zip_domains": before}, After: map[string]any{"zip_domains": after}})
	})
}

// MailZip returns the password zip recipient rcpt got for message id,
// not found when none was made (yet).
func (db *DB) MailZip(ctx context.Context, id, rcpt string) (mailguard.Zip, error) {
	z, err := scanMGZip(db.queryRow(ctx, "SELECT "+mgZipColumns+" FROM mailguard_zips WHERE message_id = ? AND rcpt = ?", id, rcpt))
	return z, notFound(err)
}

// CreateMailZip records the zip made for one recipient (the relay's
// bookkeeping, like a download link). A second attempt to send keeps the
// first record and its password: it reports false.
func (db *DB) CreateMailZip(ctx context.Context, z mailguard.Zip) (bool, error) {
	res, err := db.exec(ctx, `INSERT INTO mailguard_zips (message_id, rcpt, org_id, file_name, files, size, password_sealed, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (message_id, rcpt) DO NOTHING`, z.MessageID, z.Rcpt, z.OrgID, z.FileName, z.Files, z.Size, z.PasswordSealed, micros(db.Now()))
	if err != nil {
		return false, fmt.Errorf("create mail zip: %w", err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// MailZips lists the password zips of one of the organisation's messages.
func (t Tenant) MailZips(ctx context.Context, messageID string) ([]mailguard.Zip, error) {
	rows, err := t.db.query(ctx, "SELECT "+mgZipColumns+" FROM mailguard_zips WHERE message_id = ? AND org_id = ? ORDER BY rcpt", messageID, t.org)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []mailguard.Zip
	for rows.Next() {
		z, err := scanMGZip(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, z)
	}
	return out, rows.Err()
}

const mgZipColumns = "message_id, rcpt, org_id, file_name, files, size, password_sealed, created_at"

func scanMGZip(r rowScanner) (mailguard.Zip, error) {
	var z mailguard.Zip
	var c int64
	err := r.Scan(&z.MessageID, &z.Rcpt, &z.OrgID, &z.FileName, &z.Files, &z.Size, &z.PasswordSealed, &c)
	z.CreatedAt = fromMicros(c)
	return z, err
}

// SenderMailZips lists the password zips of one member's own messages,
// newest first, for their mail page (the only page that shows the
// passwords).
func (t Tenant) SenderMailZips(ctx context.Context, userID int64, limit int) ([]mailguard.Zip, error) {
	rows, err := t.db.query(ctx, "SELECT "+prefixCols("z.", mgZipColumns)+` FROM mailguard_zips z JOIN mailguard_messages m ON m.id = z.message_id
		WHERE z.org_id = ? AND m.org_id = ? AND m.user_id = ? ORDER BY z.created_at DESC, z.message_id, z.rcpt LIMIT ?`, t.org, t.org, userID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []mailguard.Zip
	for rows.Next() {
		z, err := scanMGZip(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, z)
	}
	return out, rows.Err()
}
