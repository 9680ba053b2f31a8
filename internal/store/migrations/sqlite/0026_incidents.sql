-- mamori schema 26 (SQLite): incidents — each incident (or tabletop drill)
-- with its current state, an append-only timeline whose entries are
-- hash-chained per incident and each named in the audit trail, evidence
-- files (sealed with the server's secret key) with their SHA-256, the
-- company's own playbooks, and read-only share links for outside experts
-- (stored hashed).
CREATE TABLE incidents (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES orgs(id),
    kind           TEXT NOT NULL,
    title          TEXT NOT NULL,
    description    TEXT NOT NULL DEFAULT '',
    affected       TEXT NOT NULL DEFAULT '[]',
    occurred_at    INTEGER NOT NULL,
    found_at       INTEGER NOT NULL,
    found_by       TEXT NOT NULL DEFAULT '',
    reported_by    INTEGER NOT NULL DEFAULT 0,
    drill          INTEGER NOT NULL DEFAULT 0,
    scenario       TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL DEFAULT 'open',
    classification TEXT NOT NULL DEFAULT '',
    contained_at   INTEGER NOT NULL DEFAULT 0,
    closed_at      INTEGER NOT NULL DEFAULT 0,
    head_seq       INTEGER NOT NULL DEFAULT 0,
    head_hash      TEXT NOT NULL DEFAULT '',
    created_at     INTEGER NOT NULL
);
CREATE INDEX incidents_org ON incidents(org_id, drill, status);
CREATE TABLE incident_timeline (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    seq         INTEGER NOT NULL,
    kind        TEXT NOT NULL,
    occurred_at INTEGER NOT NULL,
    recorded_at INTEGER NOT NULL,
    author_id   INTEGER NOT NULL DEFAULT 0,
    author      TEXT NOT NULL,
    body        TEXT NOT NULL,
    corrects    INTEGER NOT NULL DEFAULT 0,
    sha256      TEXT NOT NULL DEFAULT '',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    audit_seq   INTEGER NOT NULL,
    UNIQUE (incident_id, seq)
);
CREATE TRIGGER incident_timeline_no_update BEFORE UPDATE ON incident_timeline
BEGIN SELECT RAISE(ABORT, 'incident_timeline is append-only'); END;
CREATE TRIGGER incident_timeline_no_delete BEFORE DELETE ON incident_timeline
BEGIN SELECT RAISE(ABORT, 'incident_timeline is append-only'); END;
CREATE TABLE incident_evidence (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    entry_seq   INTEGER NOT NULL,
    name        TEXT NOT NULL,
    mime        TEXT NOT NULL DEFAULT '',
    size        INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    sealed      INTEGER NOT NULL DEFAULT 0,
    data        BLOB NOT NULL,
    created_at  INTEGER NOT NULL,
    UNIQUE (incident_id, entry_seq)
);
CREATE TRIGGER incident_evidence_no_update BEFORE UPDATE ON incident_evidence
BEGIN SELECT RAISE(ABORT, 'incident_evidence is append-only'); END;
CREATE TRIGGER incident_evidence_no_delete BEFORE DELETE ON incident_evidence
BEGIN SELECT RAISE(ABORT, 'incident_evidence is append-only'); END;
CREATE TABLE incident_playbooks (
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    kind       TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (org_id, kind)
);
CREATE TABLE incident_shares (
    hash        TEXT PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    created_by  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    revoked_at  INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);
CREATE INDEX incident_shares_incident ON incident_shares(org_id, incident_id);
