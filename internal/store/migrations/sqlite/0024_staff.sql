-- mamori schema 24 (SQLite): the staff side (issue 11). Near misses
-- (ヒヤリハット) keep only the day they were filed: an anonymous report holds
-- no account, no address, no browser, no time of day; its reporter reads
-- the reply with a receipt code, of which only the SHA-256 is kept. A
-- signed-in report keeps its reporter so they can read their own, and the
-- keeper's pages never show it. Staff notes are a person's "not mine" /
-- "no longer used" about a record mamori links to them.
CREATE TABLE near_misses (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    day          TEXT NOT NULL,
    category     TEXT NOT NULL,
    happened     TEXT NOT NULL,
    almost       TEXT NOT NULL DEFAULT '',
    suggestion   TEXT NOT NULL DEFAULT '',
    reporter_id  INTEGER NOT NULL DEFAULT 0,
    receipt_hash TEXT NOT NULL DEFAULT '',
    triage       TEXT NOT NULL DEFAULT 'new',
    reply        TEXT NOT NULL DEFAULT '',
    lesson       TEXT NOT NULL DEFAULT '',
    action       TEXT NOT NULL DEFAULT '',
    triaged_on   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX near_misses_org_day ON near_misses(org_id, day);
CREATE INDEX near_misses_receipt ON near_misses(org_id, receipt_hash);
CREATE INDEX near_misses_reporter ON near_misses(org_id, reporter_id);

-- Information added later by the reporter (with the receipt code, or
-- signed in), or a reply by the keeper; by day only.
CREATE TABLE near_miss_notes (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    near_miss_id INTEGER NOT NULL REFERENCES near_misses(id),
    day          TEXT NOT NULL,
    from_keeper  INTEGER NOT NULL DEFAULT 0,
    body         TEXT NOT NULL
);
CREATE INDEX near_miss_notes_report ON near_miss_notes(org_id, near_miss_id);

-- The organisation's public near-miss link (/h/{token}), rotatable.
CREATE TABLE near_miss_links (
    org_id     INTEGER PRIMARY KEY REFERENCES orgs(id),
    token      TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);

CREATE TABLE staff_notes (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    user_id     INTEGER NOT NULL REFERENCES users(id),
    record_kind TEXT NOT NULL,
    record_id   INTEGER NOT NULL,
    note        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (org_id, user_id, record_kind, record_id)
);

-- A person's telework self-declaration, the latest one per member; the
-- answers also become their personal devices in the inventory.
CREATE TABLE telework_checks (
    org_id  INTEGER NOT NULL REFERENCES orgs(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    day     TEXT NOT NULL,
    answers TEXT NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
