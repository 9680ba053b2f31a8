-- mamori schema 18 (SQLite): routines — each company's recurring chores
-- (drawn from routine.Plan over its inventory, or added by the keeper),
-- their occurrences with who did them and when, the evidence that proves
-- them (files sealed with the server's secret key, linked records, notes),
-- and the secret calendar-feed tokens of users (stored hashed).
CREATE TABLE routines (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES orgs(id),
    chore          TEXT NOT NULL,
    service_id     INTEGER NOT NULL DEFAULT 0,
    origin         TEXT NOT NULL,
    cadence        TEXT NOT NULL,
    weekday        INTEGER NOT NULL,
    day            INTEGER NOT NULL,
    month          INTEGER NOT NULL,
    assignee_id    INTEGER NOT NULL DEFAULT 0,
    paused         INTEGER NOT NULL DEFAULT 0,
    applicable     INTEGER NOT NULL DEFAULT 1,
    escalate_after INTEGER NOT NULL,
    starts_on      TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    UNIQUE (org_id, chore, service_id)
);
CREATE TABLE routine_occurrences (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    routine_id   INTEGER NOT NULL REFERENCES routines(id),
    due_on       TEXT NOT NULL,
    done_at      INTEGER NOT NULL DEFAULT 0,
    done_by      INTEGER NOT NULL DEFAULT 0,
    note         TEXT NOT NULL DEFAULT '',
    escalated_at INTEGER NOT NULL DEFAULT 0,
    UNIQUE (routine_id, due_on)
);
CREATE INDEX routine_occurrences_waiting ON routine_occurrences(org_id, done_at, due_on);
CREATE TABLE routine_evidence (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES orgs(id),
    occurrence_id INTEGER NOT NULL REFERENCES routine_occurrences(id),
    kind          TEXT NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    mime          TEXT NOT NULL DEFAULT '',
    size          INTEGER NOT NULL DEFAULT 0,
    sha256        TEXT NOT NULL DEFAULT '',
    sealed        INTEGER NOT NULL DEFAULT 0,
    data          BLOB,
    linked        TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL
);
CREATE INDEX routine_evidence_occurrence ON routine_evidence(org_id, occurrence_id);
CREATE TABLE calendar_feeds (
    hash       TEXT PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    user_id    INTEGER NOT NULL REFERENCES users(id),
    created_at INTEGER NOT NULL,
    revoked_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX calendar_feeds_user ON calendar_feeds(org_id, user_id);
