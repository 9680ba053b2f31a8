-- mamori schema 28 (SQLite): the mail guard. An organisation's settings
-- (its own domains, how long external mail waits, what many visible
-- recipients become, the smarthost mail leaves through), its partners,
-- the app passwords its people's mail clients sign in with, and the index
-- of the spool: one row per accepted message (the message itself is a
-- file in the spool directory, synced before the client heard 250) and
-- one relay record per recipient, so that a crash never sends twice.

-- sh_secret is the smarthost password, sealed (internal/seal, context
-- "mailguard:<org>"). approver_id and deputy_id approve mail held for a
-- reason listed in approval (space-separated reason codes).
CREATE TABLE mailguard_settings (
    org_id           INTEGER PRIMARY KEY REFERENCES orgs(id),
    enabled          INTEGER NOT NULL DEFAULT 0,
    internal_domains TEXT NOT NULL DEFAULT '',
    hold_mode        TEXT NOT NULL DEFAULT 'all',
    hold_minutes     INTEGER NOT NULL DEFAULT 5,
    bulk_limit       INTEGER NOT NULL DEFAULT 5,
    bulk_action      TEXT NOT NULL DEFAULT 'bcc',
    link_attachments INTEGER NOT NULL DEFAULT 1,
    link_days        INTEGER NOT NULL DEFAULT 7,
    approval         TEXT NOT NULL DEFAULT '',
    approver_id      INTEGER NOT NULL DEFAULT 0,
    deputy_id        INTEGER NOT NULL DEFAULT 0,
    sh_host          TEXT NOT NULL DEFAULT '',
    sh_port          INTEGER NOT NULL DEFAULT 587,
    sh_starttls      INTEGER NOT NULL DEFAULT 1,
    sh_username      TEXT NOT NULL DEFAULT '',
    sh_secret        TEXT NOT NULL DEFAULT '',
    updated_at       INTEGER NOT NULL DEFAULT 0
);

-- domains: space-separated.
CREATE TABLE mailguard_partners (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    name       TEXT NOT NULL,
    domains    TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX mailguard_partners_org ON mailguard_partners(org_id);

-- hash: SHA-256 of the password, hex. The password is 120 random bits,
-- so a fast hash is as strong as a slow one and keeps AUTH cheap.
CREATE TABLE mailguard_app_passwords (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    user_id      INTEGER NOT NULL REFERENCES users(id),
    label        TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL DEFAULT 0,
    revoked_at   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX mailguard_app_passwords_org ON mailguard_app_passwords(org_id, user_id);

-- state: held (leaves at release_at), confirm (waits for the sender or
-- an approver), released, sending, done, cancelled. reasons: JSON list of
-- {code, args}. recipients, attachments: JSON lists for the notice.
CREATE TABLE mailguard_messages (
    id             TEXT PRIMARY KEY,
    org_id         INTEGER NOT NULL REFERENCES orgs(id),
    user_id        INTEGER NOT NULL REFERENCES users(id),
    mail_from      TEXT NOT NULL,
    subject        TEXT NOT NULL DEFAULT '',
    recipients     TEXT NOT NULL DEFAULT '[]',
    attachments    TEXT NOT NULL DEFAULT '[]',
    size           INTEGER NOT NULL DEFAULT 0,
    state          TEXT NOT NULL,
    reasons        TEXT NOT NULL DEFAULT '[]',
    bcc            INTEGER NOT NULL DEFAULT 0,
    split          INTEGER NOT NULL DEFAULT 0,
    links          INTEGER NOT NULL DEFAULT 0,
    needs_approval INTEGER NOT NULL DEFAULT 0,
    release_at     INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL,
    decided_at     INTEGER NOT NULL DEFAULT 0,
    decided_by     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX mailguard_messages_org ON mailguard_messages(org_id, created_at);
CREATE INDEX mailguard_messages_user ON mailguard_messages(user_id, state);

-- One relay record per recipient. state: waiting, sending (claimed; a
-- crash leaves it so and the start-up turns it to unsure rather than send
-- twice), sent, failed, cancelled, unsure.
CREATE TABLE mailguard_rcpts (
    message_id TEXT NOT NULL REFERENCES mailguard_messages(id),
    rcpt       TEXT NOT NULL,
    external   INTEGER NOT NULL DEFAULT 0,
    state      TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    next_at    INTEGER NOT NULL DEFAULT 0,
    error      TEXT NOT NULL DEFAULT '',
    sent_at    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (message_id, rcpt)
);
CREATE INDEX mailguard_rcpts_due ON mailguard_rcpts(state, next_at);

-- The external domains the organisation has sent to.
CREATE TABLE mailguard_known_domains (
    org_id   INTEGER NOT NULL REFERENCES orgs(id),
    domain   TEXT NOT NULL,
    first_at INTEGER NOT NULL,
    PRIMARY KEY (org_id, domain)
);

-- One download link per recipient and attached file; token_hash is the
-- SHA-256 of the token in the link. The file is sealed in the spool
-- (context "mailguard-file:<message>:<file>").
CREATE TABLE mailguard_links (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    message_id TEXT NOT NULL REFERENCES mailguard_messages(id),
    rcpt       TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    file_index INTEGER NOT NULL,
    file_name  TEXT NOT NULL,
    size       INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    revoked_at INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
);
CREATE INDEX mailguard_links_message ON mailguard_links(message_id);

CREATE TABLE mailguard_downloads (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    link_id    INTEGER NOT NULL REFERENCES mailguard_links(id),
    at         INTEGER NOT NULL,
    addr       TEXT NOT NULL,
    user_agent TEXT NOT NULL
);
CREATE INDEX mailguard_downloads_org ON mailguard_downloads(org_id, at);
