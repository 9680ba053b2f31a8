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

// APIToken is a personal token for the JSON API.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastUsedAt time.Time
	RevokedAt  time.Time
}

// Expired reports whether the token has passed its expiry at now.
func (t APIToken) Expired(now time.Time) bool { return !now.Before(t.ExpiresAt) }

const apiTokenColumns = "id, user_id, name, created_at, expires_at, last_used_at, revoked_at"

func scanAPIToken(r rowScanner) (APIToken, error) {
	var t APIToken
	var c, e, l, rv int64
	err := r.Scan(&t.ID, &t.UserID, &t.Name, &c, &e, &l, &rv)
	t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt = fromMicros(c), fromMicros(e), fromMicros(l), fromMicros(rv)
	return t, err
}

// MaxTokenDays is the longest lifetime a new token of the user may have:
// the smallest maximum among the user's organisations.
func (db *DB) MaxTokenDays(ctx context.Context, userID int64) (int, error) {
	return scanMaxTokenDays(db.queryRow(ctx, maxTokenDaysQuery, userID))
}

const maxTokenDaysQuery = "SELECT COALESCE(MIN(o.max_token_days), 0) FROM orgs o JOIN memberships m ON m.org_id = o.id WHERE m.user_id = ?"

func scanMaxTokenDays(row rowScanner) (int, error) {
	var n int
	err := row.Scan(&n)
	if n == 0 {
		n = auth.DefaultMaxTokenDays
	}
	return n, err
}

// CreateAPIToken stores the hash of a new token for a user, living days
// (0: the default lifetime). A lifetime beyond the smallest maximum among
// the user's organisations is refused.
func (db *DB) CreateAPIToken(ctx context.Context, actor audit.Actor, userID int64, name, hash string, days int) (int64, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return 0, problem.Field("name", "token.name_required")
	}
	var id int64
	err := db.change(ctx, actor, func(tx *Tx) error {
		max, err := scanMaxTokenDays(tx.queryRow(ctx, maxTokenDaysQuery, userID))
		if err != nil {
			return err
		}
		if days == 0 {
			days = auth.DefaultTokenDaysUnder(max)
		}
		if !auth.ValidTokenDays(days) || days > max {
			return problem.Field("days", "token.days_too_long", max)
		}
		now := tx.db.Now()
		expires := now.Add(time.Duration(days) * 24 * time.Hour)
		id, err = tx.insert(ctx, "INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)", userID, name, hash, micros(now), micros(expires))
		if err != nil {
			return err
		}
		return tx.Record(ctx, audit.Event{Action: "token.api_create", Target: fmt.Sprintf("user:%d", userID), After: map[string]any{"name": name, "token": id, "days": days}})
	})
	return id, err
}

// APITokens lists a user's tokens, newest first.
func (db *DB) APITokens(ctx context.Context, userID int64) ([]APIToken, error) {
	rows, err := db.query(ctx, "SELECT "+apiTokenColumns+" FROM api_tokens WHERE user_id = ? ORDER BY id DESC", userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		t, err := scanAPIToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeAPIToken ends a token of the user; another user's token is not found.
func (db *DB) RevokeAPIToken(ctx context.Context, actor audit.Actor, userID, id int64) error {
	return db.change(ctx, actor, func(tx *Tx) error {
		res, err := tx.exec(ctx, "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at = 0", micros(tx.db.Now()), id, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return problem.ErrNotFound
		}
		return tx.Record(ctx, audit.Event{Action: "token.api_revoke", Target: fmt.Sprintf("user:%d", userID), After: map[string]any{"token": id}})
	})
}

// Why every token of a user was revoked at once (recorded in the trail).
const (
	revokedPassword      = "password"
	revokedDisabled      = "disabled"
	revokedMemberRemoved = "member_removed"
)

// revokeUserTokens ends every live token of a user, recording how many
// and why. Revocation is permanent: re-enabling the user or adding them
// back brings none back. orgID is the organisation whose change caused it
// (0 for an install-wide one).
func (tx *Tx) revokeUserTokens(ctx context.Context, orgID, userID int64, reason string) error {
	res, err := tx.exec(ctx, "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at = 0", micros(tx.db.Now()), userID)
	if err != nil {
		return fmt.Errorf("revoke tokens: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return err
	}
	return tx.Record(ctx, audit.Event{OrgID: orgID, Action: "token.api_revoke_all", Target: fmt.Sprintf("user:%d", userID), After: map[string]any{"tokens": n, "reason": reason}})
}

// UserByAPIToken returns the live token and its user. Unknown and revoked
// tokens, and tokens of disabled users, are not found; an expired token
// is refused as unauthorized, saying so. The last-used time is written at
// most once per auth.TokenLastUsedInterval.
func (db *DB) UserByAPIToken(ctx context.Context, hash string) (auth.User, APIToken, error) {
	t, err := scanAPIToken(db.queryRow(ctx, "SELECT "+apiTokenColumns+" FROM api_tokens WHERE token_hash = ?", hash))
	if err != nil {
		return auth.User{}, APIToken{}, notFound(err)
	}
	now := db.Now()
	switch {
	case !t.RevokedAt.IsZero():
		return auth.User{}, APIToken{}, problem.ErrNotFound
	case t.Expired(now):
		return auth.User{}, APIToken{}, problem.New(problem.Unauthorized, "error.token_expired")
	}
	u, err := db.User(ctx, t.UserID)
	if err != nil || u.Disabled {
		return auth.User{}, APIToken{}, problem.ErrNotFound
	}
	if now.Sub(t.LastUsedAt) >= auth.TokenLastUsedInterval {
		if _, err := db.exec(ctx, "UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND last_used_at < ?", micros(now), t.ID, micros(now.Add(-auth.TokenLastUsedInterval))); err != nil {
			return auth.User{}, APIToken{}, err
		}
		t.LastUsedAt = now
	}
	return u, t, nil
}
