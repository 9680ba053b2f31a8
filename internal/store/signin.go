package store

import (
	"context"
	"fmt"
	"time"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/auth"
	"github.com/mamori-sec/mamori/internal/problem"
)

// SignInClient names who is trying to sign in, as the throttle counts:
// the account (normalised e-mail, whether or not it exists), the client
// (auth.ThrottleClient) and, from a known device, its token hash.
type SignInClient struct {
	Account string
	Client  string
	Device  string
}

// RecordSignInFailure stores a failed attempt and records it in the trail.
func (db *DB) RecordSignInFailure(ctx context.Context, actor audit.Actor, email string, c SignInClient) error {
	return db.change(ctx, actor, func(tx *Tx) error {
		if _, err := tx.exec(ctx, "INSERT INTO signin_failed (account, client, device, at) VALUES (?, ?, ?, ?)",
			c.Account, c.Client, c.Device, micros(tx.db.Now())); err != nil {
			return err
		}
		return tx.Record(ctx, audit.Event{Action: "session.signin_failed", Target: "email:" + NormaliseEmail(email)})
	})
}

// SignInFailures counts what the throttle needs for one attempt: the
// pair's failures since pairSince (by the known device when there is one,
// else by the client without a device), and the distinct clients of the
// account and distinct accounts of the client since windowSince.
func (db *DB) SignInFailures(ctx context.Context, c SignInClient, pairSince, windowSince time.Time) (auth.Failures, error) {
	var f auth.Failures
	var pairLast, acctLast, clientLast int64
	pair := "SELECT count(*), COALESCE(MAX(at), 0) FROM signin_failed WHERE account = ? AND client = ? AND device = '' AND at >= ?"
	args := []any{c.Account, c.Client, micros(pairSince)}
	if c.Device != "" {
		pair = "SELECT count(*), COALESCE(MAX(at), 0) FROM signin_failed WHERE account = ? AND device = ? AND at >= ?"
		args = []any{c.Account, c.Device, micros(pairSince)}
	}
	if err := db.queryRow(ctx, pair, args...).Scan(&f.Pair, &pairLast); err != nil {
		return f, fmt.Errorf("pair failures: %w", err)
	}
	if err := db.queryRow(ctx, "SELECT count(DISTINCT client), COALESCE(MAX(at), 0) FROM signin_failed WHERE account = ? AND at >= ?",
		c.Account, micros(windowSince)).Scan(&f.AccountClients, &acctLast); err != nil {
		return f, fmt.Errorf("account failures: %w", err)
	}
	if err := db.queryRow(ctx, "SELECT count(DISTINCT account), COALESCE(MAX(at), 0) FROM signin_failed WHERE client = ? AND at >= ?",
		c.Client, micros(windowSince)).Scan(&f.ClientAccounts, &clientLast); err != nil {
		return f, fmt.Errorf("client failures: %w", err)
	}
	f.PairLast, f.AccountLast, f.ClientLast = fromMicros(pairLast), fromMicros(acctLast), fromMicros(clientLast)
	return f, nil
}

// ClearSignInFailures forgets the pair's failures after a full sign-in;
// the account's and the client's other failures stay counted.
func (db *DB) ClearSignInFailures(ctx context.Context, c SignInClient) error {
	if c.Device != "" {
		_, err := db.exec(ctx, "DELETE FROM signin_failed WHERE account = ? AND device = ?", c.Account, c.Device)
		return err
	}
	_, err := db.exec(ctx, "DELETE FROM signin_failed WHERE account = ? AND client = ? AND device = ''", c.Account, c.Client)
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
