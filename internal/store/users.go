package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/problem"
)

const userColumns = "id, email, name, password_hash, locale, disabled, totp_secret, totp_enabled_at, totp_last_step, created_at"

type rowScanner interface{ Scan(...any) error }

func scanUser(r rowScanner) (auth.User, error) {
	var u auth.User
	var disabled int
	var enabled, created int64
	err := r.Scan(&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.Locale, &disabled, &u.TOTPSecret, &enabled, &u.TOTPLastStep, &created)
	u.Disabled = disabled != 0
	u.TOTPEnabledAt, u.CreatedAt = fromMicros(enabled), fromMicros(created)
	return u, err
}

// userAudit is what the trail records about a user: never a secret.
func userAudit(u auth.User) map[string]any {
	return map[string]any{"email": u.Email, "name": u.Name, "disabled": u.Disabled, "locale": u.Locale, "totp": u.HasTOTP()}
}

// NormaliseEmail is the stored form of an e-mail address.
func NormaliseEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// CountUsers reports how many users exist (0 before first-run setup).
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := db.queryRow(ctx, "SELECT count(*) FROM users").Scan(&n)
	return n, err
}

// CreateUser adds a user; the password hash must already be computed.
func (db *DB) CreateUser(ctx context.Context, actor audit.Actor, u auth.User) (int64, error) {
	var id int64
	err := db.change(ctx, actor, func(tx *Tx) error {
		var err error
		id, err = tx.createUser(ctx, u)
		return err
	})
	return id, err
}

func (tx *Tx) createUser(ctx context.Context, u auth.User) (int64, error) {
	u.Email = NormaliseEmail(u.Email)
	if u.Email == "" || !strings.Contains(u.Email, "@") {
		return 0, problem.Field("email", "user.email_invalid")
	}
	if strings.TrimSpace(u.Name) == "" {
		return 0, problem.Field("name", "user.name_required")
	}
	id, err := tx.insert(ctx, "INSERT INTO users (email, name, password_hash, locale, created_at) VALUES (?, ?, ?, ?, ?)",
		u.Email, strings.TrimSpace(u.Name), u.PasswordHash, u.Locale, micros(tx.db.Now()))
	if isUniqueViolation(err) {
		return 0, problem.Field("email", "user.email_taken")
	}
	if err != nil {
		return 0, fmt.Errorf("insert user: %w", err)
	}
	u.ID = id
	return id, tx.Record(ctx, audit.Event{Action: "user.create", Target: fmt.Sprintf("user:%d", id), After: userAudit(u)})
}

// UserByEmail finds a user by address.
func (db *DB) UserByEmail(ctx context.Context, email string) (auth.User, error) {
	u, err := scanUser(db.queryRow(ctx, "SELECT "+userColumns+" FROM users WHERE email = ?", NormaliseEmail(email)))
	return u, notFound(err)
}

// User finds a user by id.
func (db *DB) User(ctx context.Context, id int64) (auth.User, error) {
	u, err := scanUser(db.queryRow(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id))
	return u, notFound(err)
}

// updateUser applies set (an SQL SET clause) to one user and records the
// change under action, with the user's state before and after.
func (db *DB) updateUser(ctx context.Context, actor audit.Actor, id int64, action, set string, args ...any) error {
	return db.change(ctx, actor, func(tx *Tx) error {
		return tx.updateUser(ctx, id, action, set, args...)
	})
}

func (tx *Tx) updateUser(ctx context.Context, id int64, action, set string, args ...any) error {
	before, err := scanUser(tx.queryRow(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id))
	if err != nil {
		return notFound(err)
	}
	if _, err := tx.exec(ctx, "UPDATE users SET "+set+" WHERE id = ?", append(args, id)...); err != nil {
		return fmt.Errorf("update user: %w", err)
	}
	after, err := scanUser(tx.queryRow(ctx, "SELECT "+userColumns+" FROM users WHERE id = ?", id))
	if err != nil {
		return err
	}
	return tx.Record(ctx, audit.Event{Action: action, Target: fmt.Sprintf("user:%d", id), Before: userAudit(before), After: userAudit(after)})
}

// SetPassword replaces a user's password hash, signs them out everywhere,
// forgets their known devices and revokes their API tokens: every reset
// (the account page, the command line) comes through here.
func (db *DB) SetPassword(ctx context.Context, actor audit.Actor, id int64, hash string) error {
	return db.change(ctx, actor, func(tx *Tx) error {
		if err := tx.updateUser(ctx, id, "user.password", "password_hash = ?", hash); err != nil {
			return err
		}
		if _, err := tx.forgetDevices(ctx, id); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", id); err != nil {
			return err
		}
		return tx.revokeUserTokens(ctx, 0, id, revokedPassword)
	})
}

// SetDisabled disables or re-enables a user; disabling ends their sessions
// and revokes their API tokens for good (re-enabling brings none back).
func (db *DB) SetDisabled(ctx context.Context, actor audit.Actor, id int64, disabled bool) error {
	return db.change(ctx, actor, func(tx *Tx) error {
		if err := tx.updateUser(ctx, id, "user.disable", "disabled = ?", boolInt(disabled)); err != nil {
			return err
		}
		if !disabled {
			return nil
		}
		if _, err := tx.forgetDevices(ctx, id); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", id); err != nil {
			return err
		}
		return tx.revokeUserTokens(ctx, 0, id, revokedDisabled)
	})
}

// SetLocale records a user's language choice ("" follows the browser).
func (db *DB) SetLocale(ctx context.Context, actor audit.Actor, id int64, locale string) error {
	return db.updateUser(ctx, actor, id, "user.locale", "locale = ?", locale)
}

// SetPendingTOTP stores a sealed secret awaiting confirmation; an enrolled
// factor stays in force until the new one is confirmed.
func (db *DB) SetPendingTOTP(ctx context.Context, actor audit.Actor, id int64, sealed string) error {
	return db.updateUser(ctx, actor, id, "user.totp_begin", "totp_secret = ?, totp_enabled_at = 0, totp_last_step = 0", sealed)
}

// EnableTOTP confirms the pending secret, consuming step, and replaces the
// recovery codes with codeHashes.
func (db *DB) EnableTOTP(ctx context.Context, actor audit.Actor, id, step int64, codeHashes []string) error {
	return db.change(ctx, actor, func(tx *Tx) error {
		if err := tx.updateUser(ctx, id, "user.totp_enable", "totp_enabled_at = ?, totp_last_step = ?", micros(tx.db.Now()), step); err != nil {
			return err
		}
		return tx.replaceRecoveryCodes(ctx, id, codeHashes)
	})
}

// DisableTOTP removes the second factor and its recovery codes.
func (db *DB) DisableTOTP(ctx context.Context, actor audit.Actor, id int64) error {
	return db.change(ctx, actor, func(tx *Tx) error {
		if err := tx.updateUser(ctx, id, "user.totp_disable", "totp_secret = '', totp_enabled_at = 0, totp_last_step = 0"); err != nil {
			return err
		}
		return tx.replaceRecoveryCodes(ctx, id, nil)
	})
}

// ReplaceRecoveryCodes issues a new set of recovery codes.
func (db *DB) ReplaceRecoveryCodes(ctx context.Context, actor audit.Actor, id int64, codeHashes []string) error {
	return db.change(ctx, actor, func(tx *Tx) error {
		if err := tx.replaceRecoveryCodes(ctx, id, codeHashes); err != nil {
			return err
		}
		return tx.Record(ctx, audit.Event{Action: "user.recovery_codes", Target: fmt.Sprintf("user:%d", id), After: map[string]int{"codes": len(codeHashes)}})
	})
}

func (tx *Tx) replaceRecoveryCodes(ctx context.Context, id int64, hashes []string) error {
	if _, err := tx.exec(ctx, "DELETE FROM recovery_codes WHERE user_id = ?", id); err != nil {
		return err
	}
	for _, h := range hashes {
		if _, err := tx.exec(ctx, "INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)", id, h); err != nil {
			return err
		}
	}
	return nil
}

// UseTOTPStep records that step was accepted for the user; it fails if an
// equal or later step was already used (a replayed code), even when two
// servers check the same code at once.
func (db *DB) UseTOTPStep(ctx context.Context, id, step int64) (bool, error) {
	res, err := db.exec(ctx, "UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?", step, id, step)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// UseRecoveryCode consumes a recovery code; false if unknown or used.
func (db *DB) UseRecoveryCode(ctx context.Context, actor audit.Actor, id int64, hash string) (bool, error) {
	used := false
	err := db.change(ctx, actor, func(tx *Tx) error {
		res, err := tx.exec(ctx, "UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at = 0", micros(tx.db.Now()), id, hash)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		used = n == 1
		return tx.Record(ctx, audit.Event{Action: "user.recovery_code_used", Target: fmt.Sprintf("user:%d", id), After: map[string]bool{"accepted": used}})
	})
	return used, err
}

// RecoveryCodesLeft counts unused recovery codes.
func (db *DB) RecoveryCodesLeft(ctx context.Context, id int64) (int, error) {
	var n int
	err := db.queryRow(ctx, "SELECT count(*) FROM recovery_codes WHERE user_id = ? AND used_at = 0", id).Scan(&n)
	return n, err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// touchInterval limits how often a session's last-seen time is written.
const touchInterval = time.Minute
