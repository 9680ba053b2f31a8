package store

import (
	"context"
	"fmt"

	"github.com/mamori-sec/mamori/internal/audit"
	"github.com/mamori-sec/mamori/internal/auth"
)

// RememberDevice stores the hash of a new known-device token for a user,
// after a full sign-in from that browser.
func (db *DB) RememberDevice(ctx context.Context, actor audit.Actor, userID int64, hash string) error {
	return db.change(ctx, actor, func(tx *Tx) error {
		now := tx.db.Now()
		if _, err := tx.exec(ctx, "INSERT INTO known_devices (token_hash, user_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)",
			hash, userID, micros(now), micros(now), micros(now.Add(auth.DeviceLifetime))); err != nil {
			return fmt.Errorf("insert known device: %w", err)
		}
		return tx.Record(ctx, audit.Event{Action: "session.device_remembered", Target: fmt.Sprintf("user:%d", userID)})
	})
}

// KnownDevice returns the user a live known-device token belongs to and
// that user's e-mail address; an expired or revoked token is not found.
func (db *DB) KnownDevice(ctx context.Context, hash string) (userID int64, email string, err error) {
	err = db.queryRow(ctx, "SELECT u.id, u.email FROM known_devices d JOIN users u ON u.id = d.user_id WHERE d.token_hash = ? AND d.expires_at > ? AND u.disabled = 0",
		hash, micros(db.Now())).Scan(&userID, &email)
	return userID, email, notFound(err)
}

// TouchDevice notes another full sign-in from a known device and extends
// its life.
func (db *DB) TouchDevice(ctx context.Context, hash string) error {
	now := db.Now()
	_, err := db.exec(ctx, "UPDATE known_devices SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?",
		micros(now), micros(now.Add(auth.DeviceLifetime)), hash)
	return err
}

// KnownDeviceCount is how many live known devices a user has.
func (db *DB) KnownDeviceCount(ctx context.Context, userID int64) (int, error) {
	var n int
	err := db.queryRow(ctx, "SELECT count(*) FROM known_devices WHERE user_id = ? AND expires_at > ?", userID, micros(db.Now())).Scan(&n)
	return n, err
}

// forgetDevices revokes every known device of a user: after signing out
// everywhere, a new password or disabling, no browser keeps its exemption
// from the throttle.
func (tx *Tx) forgetDevices(ctx context.Context, userID int64) (int64, error) {
	res, err := tx.exec(ctx, "DELETE FROM known_devices WHERE user_id = ?", userID)
	if err != nil {
		return 0, fmt.Errorf("forget known devices: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
