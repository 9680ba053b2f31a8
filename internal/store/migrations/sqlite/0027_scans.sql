-- mamori schema 27 (SQLite): where personal data lives (issue 13 part 2) —
-- scan runs (who, when, what, how: CLI, a folder on the server, an uploaded
-- zip, a scheduled re-scan), the files each run read (size, time, SHA-256,
-- counts per kind, a masked sample, an estimate of people; never a value),
-- the places (folders with personal data) proposed for the ledger and the
-- keeper's decision, uploads waiting for their run, and re-scan schedules.
CREATE TABLE scan_runs (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    source       TEXT NOT NULL,
    root         TEXT NOT NULL,
    seen_as      TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL,
    requested_by TEXT NOT NULL DEFAULT '',
    schedule_id  INTEGER NOT NULL DEFAULT 0,
    previous_id  INTEGER NOT NULL DEFAULT 0,
    files        INTEGER NOT NULL DEFAULT 0,
    bytes        INTEGER NOT NULL DEFAULT 0,
    unreadable   INTEGER NOT NULL DEFAULT 0,
    with_data    INTEGER NOT NULL DEFAULT 0,
    totals       TEXT NOT NULL DEFAULT '{}',
    changes      TEXT NOT NULL DEFAULT '',
    error        TEXT NOT NULL DEFAULT '',
    duration_ms  INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    finished_at  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX scan_runs_org ON scan_runs(org_id, id);
CREATE TABLE scan_files (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    run_id     INTEGER NOT NULL REFERENCES scan_runs(id),
    path       TEXT NOT NULL,
    size       INTEGER NOT NULL,
    mod_time   INTEGER NOT NULL,
    hash       TEXT NOT NULL,
    counts     TEXT NOT NULL,
    sensitive  INTEGER NOT NULL,
    people     INTEGER NOT NULL,
    samples    TEXT NOT NULL,
    error      TEXT NOT NULL
);
CREATE INDEX scan_files_run ON scan_files(org_id, run_id);
CREATE TABLE scan_places (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    run_id     INTEGER NOT NULL REFERENCES scan_runs(id),
    folder     TEXT NOT NULL,
    seen_as    TEXT NOT NULL,
    counts     TEXT NOT NULL,
    sensitive  INTEGER NOT NULL,
    people     INTEGER NOT NULL,
    files      INTEGER NOT NULL,
    samples    TEXT NOT NULL,
    share_ids  TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL,
    asset_id   INTEGER NOT NULL DEFAULT 0,
    decided_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX scan_places_run ON scan_places(org_id, run_id);
CREATE TABLE scan_uploads (
    run_id  INTEGER PRIMARY KEY REFERENCES scan_runs(id),
    org_id  INTEGER NOT NULL REFERENCES orgs(id),
    name    TEXT NOT NULL,
    data    BLOB NOT NULL
);
CREATE TABLE scan_schedules (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    root       TEXT NOT NULL,
    every_days INTEGER NOT NULL,
    next_at    INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (org_id, root)
);
