-- mamori schema 23 (SQLite): the policy set (internal/policy) — versions of
-- the basic policy and the rules in Japanese and English, who acknowledged
-- which published version — and the executive sign-off: the checklist of
-- principles and important actions, the guideline roles and the emergency
-- contacts. Times are UTC microseconds, days YYYY-MM-DD text.
CREATE TABLE policy_versions (
    id             INTEGER PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES orgs(id),
    number         INTEGER NOT NULL,
    status         TEXT NOT NULL DEFAULT 'draft',
    basic_ja       TEXT NOT NULL DEFAULT '',
    basic_en       TEXT NOT NULL DEFAULT '',
    rules_ja       TEXT NOT NULL DEFAULT '',
    rules_en       TEXT NOT NULL DEFAULT '',
    created_by     INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    approved_by    INTEGER NOT NULL DEFAULT 0,
    published_at   INTEGER NOT NULL DEFAULT 0,
    ended_at       INTEGER NOT NULL DEFAULT 0,
    UNIQUE (org_id, number)
);
CREATE INDEX policy_versions_status ON policy_versions(org_id, status);
CREATE TABLE policy_acks (
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    version_id INTEGER NOT NULL REFERENCES policy_versions(id),
    user_id    INTEGER NOT NULL REFERENCES users(id),
    acked_at   INTEGER NOT NULL,
    PRIMARY KEY (version_id, user_id)
);
CREATE INDEX policy_acks_user ON policy_acks(org_id, user_id);
CREATE TABLE policy_signoff (
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    item        TEXT NOT NULL,
    done_on     TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    link        TEXT NOT NULL DEFAULT '',
    file_name   TEXT NOT NULL DEFAULT '',
    file_mime   TEXT NOT NULL DEFAULT '',
    file_sha256 TEXT NOT NULL DEFAULT '',
    file_sealed INTEGER NOT NULL DEFAULT 0,
    file_data   BLOB,
    updated_by  INTEGER NOT NULL DEFAULT 0,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (org_id, item)
);
CREATE TABLE policy_roles (
    org_id    INTEGER NOT NULL REFERENCES orgs(id),
    role      TEXT NOT NULL,
    person_id INTEGER NOT NULL REFERENCES people(id),
    PRIMARY KEY (org_id, role)
);
CREATE TABLE policy_contacts (
    org_id INTEGER NOT NULL REFERENCES orgs(id),
    kind   TEXT NOT NULL,
    name   TEXT NOT NULL DEFAULT '',
    phone  TEXT NOT NULL DEFAULT '',
    email  TEXT NOT NULL DEFAULT '',
    url    TEXT NOT NULL DEFAULT '',
    note   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, kind)
);
