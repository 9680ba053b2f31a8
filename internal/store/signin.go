package store

import (
	"context"
	"fmt"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/problem"
)

// RecordSignInFailure counts a failed attempt against each key (the
// submitted address, and the client address) and records it in the trail.
func (db *DB) RecordSignInFailure(ctx context.Context, actor audit.Actor, email string, keys ...string) error {
	return db.change(ctx, actor, func(tx *Tx) error {
		for _, k := range keys {
			if _, err := tx.exec(ctx, "INSERT INTO signin_failures (key, at) VALUES (?, ?)", k, micros(tx.db.Now())); err != nil {
				return err
			}
		}
		return tx.Record(ctx, audit.Event{Action: "session.signin_failed", Target: "email:" + NormaliseEmail(email)})
	})
}

// SignInFailures counts failures for key since a moment.
func (db *DB) SignInFailures(ctx context.Context, key string, since time.Time) (int, error) {
	var n int
	err := db.queryRow(ctx, "SELECT count(*) FROM signin_failures WHERE key = ? AND at >= ?", key, micros(since)).Scan(&n)
	return n, err
}

// ClearSignInFailures forgets failures for key after a successful sign-in.
func (db *DB) ClearSignInFailures(ctx context.Context, key string) error {
	_, err := db.exec(ctx, "DELETE FROM signin_failures WHERE key = ?", key)
	return err
}

// One-time token purposes.
const (
	TokenSetup  = "setup"  // first-run setup link printed by serve
	TokenSignIn = "signin" // one-time sign-in link printed by demo
)

// CreateOneTimeToken stores the hash of a single-use link token.
func (db *DB) CreateOneTimeToken(ctx context.Context, actor audit.Actor, purpose, hash string, userID int64, ttl time.Duration) error {
	return db.change(ctx, actor, func(tx *Tx) error {
		_, err := tx.exec(ctx, "INSERT INTO one_time_tokens (token_hash, purpose, user_id, expires_at) VALUES (?, ?, ?, ?)",
			hash, purpose, userID, micros(tx.db.Now().Add(ttl)))
		if err != nil {
			return err
		}
		return tx.Record(ctx, audit.Event{Action: "token.create", Target: fmt.Sprintf("user:%d", userID), After: map[string]string{"purpose": purpose}})
	})
}

// ConsumeOneTimeToken uses a token once and returns its user id.
func (db *DB) ConsumeOneTimeToken(ctx context.Context, purpose, hash string) (int64, error) {
	var uid int64
	err := db.queryRowW(ctx, "UPDATE one_time_tokens SET used_at = ? WHERE token_hash = ? AND purpose = ? AND used_at = 0 AND expires_at > ? RETURNING user_id",
		micros(db.Now()), hash, purpose, micros(db.Now())).Scan(&uid)
	return uid, notFound(err)
}

// CheckOneTimeToken reports whether a token is valid, without using it.
func (db *DB) CheckOneTimeToken(ctx context.Context, purpose, hash string) error {
	var n int
	err := db.queryRow(ctx, "SELECT count(*) FROM one_time_tokens WHERE token_hash = ? AND purpose = ? AND used_at = 0 AND expires_at > ?",
		hash, purpose, micros(db.Now())).Scan(&n)
	if err == nil && n == 0 {
		return problem.ErrNotFound
	}
	return err
}

func (db *DB) queryRowW(ctx context.Context, q string, args ...any) rowScanner {
	return db.w.QueryRowContext(ctx, db.rebind(q), args...)
}
