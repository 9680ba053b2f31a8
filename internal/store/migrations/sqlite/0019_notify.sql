-- mamori schema 19 (SQLite): reminders. Where an organisation's digests
-- go (its channels), when each user accepts them (their preferences), and
-- one delivery record per user, day and channel, so a digest is never sent
-- twice for the same day, even when the job runs again after a crash.

-- One row per organisation and channel kind. secret is sealed
-- (internal/seal, context "notify:<org>:<kind>"): the SMTP password, the
-- webhook URL (Slack, Teams, Google Chat), or the API token (Chatwork,
-- LINE WORKS). host/port/starttls/username/sender are the smarthost's;
-- room is Chatwork's room id or the LINE WORKS channel id; bot the LINE
-- WORKS bot id.
CREATE TABLE notify_channels (
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    kind       TEXT NOT NULL,
    enabled    INTEGER NOT NULL DEFAULT 0,
    host       TEXT NOT NULL DEFAULT '',
    port       INTEGER NOT NULL DEFAULT 0,
    starttls   INTEGER NOT NULL DEFAULT 1,
    username   TEXT NOT NULL DEFAULT '',
    sender     TEXT NOT NULL DEFAULT '',
    room       TEXT NOT NULL DEFAULT '',
    bot        TEXT NOT NULL DEFAULT '',
    secret     TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (org_id, kind)
);

-- A user's preferences, for every organisation they belong to: the
-- channel kinds they want (space-separated), and their hours in Japan time
-- as minutes after midnight. No row: e-mail, 9:00–18:00.
CREATE TABLE notify_prefs (
    user_id    INTEGER PRIMARY KEY REFERENCES users(id),
    channels   TEXT NOT NULL,
    start_min  INTEGER NOT NULL,
    end_min    INTEGER NOT NULL,
    updated_at INTEGER NOT NULL DEFAULT 0
);

-- One delivery of one user's digest of one day on one channel. status:
-- sending (claimed; a crash leaves it so, and the retry sends again),
-- sent, failed (the last attempt's error kept). idem_key is
-- notify.IdempotencyKey, the e-mail's Message-ID.
CREATE TABLE notify_deliveries (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    user_id    INTEGER NOT NULL REFERENCES users(id),
    day        TEXT NOT NULL,
    kind       TEXT NOT NULL,
    idem_key   TEXT NOT NULL UNIQUE,
    status     TEXT NOT NULL,
    items      INTEGER NOT NULL DEFAULT 0,
    attempts   INTEGER NOT NULL DEFAULT 0,
    error      TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    sent_at    INTEGER NOT NULL DEFAULT 0,
    UNIQUE (org_id, user_id, day, kind)
);
CREATE INDEX notify_deliveries_org ON notify_deliveries(org_id, day);
