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
	LastUsedAt time.Time
	RevokedAt  time.Time
}

// CreateAPIToken stores the hash of a new token for a user.
func (db *DB) CreateAPIToken(ctx context.Context, actor audit.Actor, userID int64, name, hash string) (int64, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return 0, problem.Field("name", "token.name_required")
	}
	var id int64
	err := db.change(ctx, actor, func(tx *Tx) error {
		var err error
		id, err = tx.insert(ctx, "INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)", userID, name, hash, micros(tx.db.Now()))
		if err != nil {
			return err
		}
		return tx.Record(ctx, audit.Event{Action: "token.api_create", Target: fmt.Sprintf("user:%d", userID), After: map[string]any{"name": name, "token": id}})
	})
	return id, err
}

// APITokens lists a user's tokens, newest first.
func (db *DB) APITokens(ctx context.Context, userID int64) ([]APIToken, error) {
	rows, err := db.query(ctx, "SELECT id, user_id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = ? ORDER BY id DESC", userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		var t APIToken
		var c, l, r int64
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &c, &l, &r); err != nil {
			return nil, err
		}
		t.CreatedAt, t.LastUsedAt, t.RevokedAt = fromMicros(c), fromMicros(l), fromMicros(r)
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

// UserByAPIToken returns the live token's user; revoked tokens and
// disabled users are not found.
func (db *DB) UserByAPIToken(ctx context.Context, hash string) (auth.User, int64, error) {
	var id, uid int64
	err := db.queryRow(ctx, "SELECT id, user_id FROM api_tokens WHERE token_hash = ? AND revoked_at = 0", hash).Scan(&id, &uid)
	if err != nil {
		return auth.User{}, 0, notFound(err)
	}
	u, err := db.User(ctx, uid)
	if err != nil || u.Disabled {
		return u, 0, problem.ErrNotFound
	}
	_, err = db.exec(ctx, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?", micros(db.Now()), id)
	return u, id, err
}
