package store

import (
	"context"
	"fmt"
	"time"
)

// CountEvent counts one event of key in a fixed window shared by every
// app server on the database, and reports whether it is within max, and
// when not, how long until the window ends. One statement: the count of
// two servers at once is the sum. key must already be a keyed hash (see
// seal.Box.MAC); the counters are not audited (they change no record) and
// PruneSessions forgets windows over a day old.
func (db *DB) CountEvent(ctx context.Context, key string, max int, window time.Duration) (bool, time.Duration, error) {
	now := db.Now()
	expired := micros(now.Add(-window))
	var start int64
	var n int
	err := db.queryRowW(ctx, `INSERT INTO rate_counts (key, window_start, n) VALUES (?, ?, 1)
		ON CONFLICT (key) DO UPDATE SET
			window_start = CASE WHEN rate_counts.window_start <= ? THEN excluded.window_start ELSE rate_counts.window_start END,
			n = CASE WHEN rate_counts.window_start <= ? THEN 1 ELSE rate_counts.n + 1 END
		RETURNING window_start, n`, key, micros(now), expired, expired).Scan(&start, &n)
	if err != nil {
		return false, 0, fmt.Errorf("rate count: %w", err)
	}
	if n > max {
		return false, fromMicros(start).Add(window).Sub(now), nil
	}
	return true, 0, nil
}
