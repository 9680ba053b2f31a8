package store

import (
	"context"
	"fmt"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/problem"
)

const sessionColumns = "id, user_id, stage, amr, ip, user_agent, created_at, last_seen_at, expires_at"

func scanSession(r rowScanner) (auth.Session, error) {
	var s auth.Session
	var c, l, e int64
	err := r.Scan(&s.ID, &s.UserID, &s.Stage, &s.AMR, &s.IP, &s.UserAgent, &c, &l, &e)
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = fromMicros(c), fromMicros(l), fromMicros(e)
	return s, err
}

// StartSession stores a new session and, when replacing is not empty,
// deletes the session it replaces (rotation at each sign-in step). A full
// session is recorded in the audit trail as a sign-in.
func (db *DB) StartSession(ctx context.Context, actor audit.Actor, s auth.Session, replacing string) error {
	return db.change(ctx, actor, func(tx *Tx) error {
		if replacing != "" {
			if _, err := tx.exec(ctx, "DELETE FROM sessions WHERE id = ?", replacing); err != nil {
				return err
			}
		}
		_, err := tx.exec(ctx, "INSERT INTO sessions ("+sessionColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
			s.ID, s.UserID, s.Stage, s.AMR, s.IP, s.UserAgent, micros(s.CreatedAt), micros(s.LastSeenAt), micros(s.ExpiresAt))
		if err != nil {
			return fmt.Errorf("insert session: %w", err)
		}
		action := "session.signin"
		if s.Stage != auth.StageFull {
			action = "session.password_ok"
		}
		return tx.Record(ctx, audit.Event{Action: action, Target: fmt.Sprintf("user:%d", s.UserID), After: map[string]string{"amr": s.AMR}})
	})
}

// Session returns a live session by id (the token's hash). Expired and idle
// sessions, and sessions of disabled users, are not found.
func (db *DB) Session(ctx context.Context, id string) (auth.Session, auth.User, error) {
	// One query for both: this runs on every request.
	row := db.queryRow(ctx, "SELECT s.id, s.user_id, s.stage, s.amr, s.ip, s.user_agent, s.created_at, s.last_seen_at, s.expires_at, "+
		"u.id, u.email, u.name, u.password_hash, u.locale, u.disabled, u.totp_secret, u.totp_enabled_at, u.totp_last_step, u.created_at "+
		"FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?", id)
	var s auth.Session
	var u auth.User
	var c, l, e, enabled, created int64
	var disabled int
	err := row.Scan(&s.ID, &s.UserID, &s.Stage, &s.AMR, &s.IP, &s.UserAgent, &c, &l, &e,
		&u.ID, &u.Email, &u.Name, &u.PasswordHash, &u.Locale, &disabled, &u.TOTPSecret, &enabled, &u.TOTPLastStep, &created)
	if err != nil {
		return s, u, notFound(err)
	}
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt = fromMicros(c), fromMicros(l), fromMicros(e)
	u.Disabled, u.TOTPEnabledAt, u.CreatedAt = disabled != 0, fromMicros(enabled), fromMicros(created)
	now := db.Now()
	if now.After(s.ExpiresAt) || now.Sub(s.LastSeenAt) > auth.SessionIdle || u.Disabled {
		return s, auth.User{}, problem.ErrNotFound
	}
	if now.Sub(s.LastSeenAt) > touchInterval {
		if _, err := db.exec(ctx, "UPDATE sessions SET last_seen_at = ? WHERE id = ?", micros(now), id); err != nil {
			return s, u, err
		}
	}
	return s, u, nil
}

// EndSession signs one session out.
func (db *DB) EndSession(ctx context.Context, actor audit.Actor, id string) error {
	return db.change(ctx, actor, func(tx *Tx) error {
		if _, err := tx.exec(ctx, "DELETE FROM sessions WHERE id = ?", id); err != nil {
			return err
		}
		return tx.Record(ctx, audit.Event{Action: "session.signout", Target: fmt.Sprintf("user:%d", actor.UserID)})
	})
}

// EndAllSessions signs a user out everywhere and forgets their known
// devices.
func (db *DB) EndAllSessions(ctx context.Context, actor audit.Actor, userID int64) (int64, error) {
	var n int64
	err := db.change(ctx, actor, func(tx *Tx) error {
		res, err := tx.exec(ctx, "DELETE FROM sessions WHERE user_id = ?", userID)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		devices, err := tx.forgetDevices(ctx, userID)
		if err != nil {
			return err
		}
		return tx.Record(ctx, audit.Event{Action: "session.signout_all", Target: fmt.Sprintf("user:%d", userID), After: map[string]int64{"sessions": n, "known_devices": devices}})
	})
	return n, err
}

// UserSessions lists a user's sessions, newest first.
func (db *DB) UserSessions(ctx context.Context, userID int64) ([]auth.Session, error) {
	rows, err := db.query(ctx, "SELECT "+sessionColumns+" FROM sessions WHERE user_id = ? AND stage = ? ORDER BY created_at DESC", userID, auth.StageFull)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []auth.Session
	for rows.Next() {
		s, err := scanSession(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// PruneSessions deletes expired sessions, expired known devices, throttle
// records older than any limit looks back, and expired pending imports.
func (db *DB) PruneSessions(ctx context.Context) error {
	now := db.Now()
	if _, err := db.exec(ctx, "DELETE FROM sessions WHERE expires_at < ? OR last_seen_at < ?", micros(now), micros(now.Add(-auth.SessionIdle))); err != nil {
		return err
	}
	if _, err := db.exec(ctx, "DELETE FROM known_devices WHERE expires_at < ?", micros(now)); err != nil {
		return err
	}
	keep := max(auth.DefaultThrottle.PairMemory, auth.DefaultThrottle.Window)
	if _, err := db.exec(ctx, "DELETE FROM signin_failed WHERE at < ?", micros(now.Add(-keep))); err != nil {
		return err
	}
	if _, err := db.exec(ctx, "DELETE FROM rate_counts WHERE window_start < ?", micros(now.Add(-24*time.Hour))); err != nil {
		return err
	}
	return db.PrunePendingImports(ctx)
}
