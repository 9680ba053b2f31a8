-- mamori schema 6 (SQLite): sign-in throttling without lock-out.
-- A failed sign-in is one row naming the account (normalised e-mail), the
-- client (normalised address) and, from a known device, the device: the
-- policy counts per pair, distinct clients per account and distinct
-- accounts per client (internal/auth Throttle).
CREATE TABLE signin_failed (
    account TEXT NOT NULL,
    client  TEXT NOT NULL,
    device  TEXT NOT NULL DEFAULT '',
    at      INTEGER NOT NULL
);
CREATE INDEX signin_failed_pair ON signin_failed(account, client, at);
CREATE INDEX signin_failed_device ON signin_failed(account, device, at);
CREATE INDEX signin_failed_client ON signin_failed(client, at);
CREATE INDEX signin_failed_at ON signin_failed(at);

-- Failures recorded by earlier versions (one row per key) carry over: an
-- account's failures with an unknown client, an address's with an unknown
-- account, so they still count until they age out.
INSERT INTO signin_failed (account, client, at)
    SELECT substr(key, 6), '', at FROM signin_failures WHERE key LIKE 'acct:%';
INSERT INTO signin_failed (account, client, at)
    SELECT '', substr(key, 4), at FROM signin_failures WHERE key LIKE 'ip:%';
DROP TABLE signin_failures;

-- Browsers that completed a full sign-in (password and second factor):
-- the cookie holds a random token, the row only its hash.
CREATE TABLE known_devices (
    token_hash   TEXT PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users(id),
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL
);
CREATE INDEX known_devices_user ON known_devices(user_id);
CREATE INDEX known_devices_expires ON known_devices(expires_at);
