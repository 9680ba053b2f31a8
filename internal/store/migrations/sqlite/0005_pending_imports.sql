-- mamori schema 5 (SQLite): files between an import's preview and its
-- apply, per organisation and user, so that they survive a restart and
-- work across app servers. data is sealed with the server's secret key.
CREATE TABLE pending_imports (
    seq        INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    user_id    INTEGER NOT NULL REFERENCES users(id),
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL,
    format     TEXT NOT NULL,
    service    TEXT NOT NULL,
    sealed     INTEGER NOT NULL,
    data       BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX pending_imports_owner ON pending_imports(org_id, user_id, seq);
CREATE INDEX pending_imports_expires ON pending_imports(expires_at);
