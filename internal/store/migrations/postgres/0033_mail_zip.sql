-- mamori schema 33 (PostgreSQL): password zips for recipients who insist.
-- zip_domains (space-separated) are the external domains whose people
-- insist on a password zip: mail with attachments to them carries one
-- AES-256 zip instead of download links.
ALTER TABLE mailguard_settings ADD COLUMN zip_domains TEXT NOT NULL DEFAULT '';
-- One row per recipient who got a zip: its name, how many files it holds,
-- its size, and its password sealed (internal/seal, context
-- "mailguard-zip:<message>:<recipient>"); the password is shown to the
-- sender only and never sent to the recipient by mamori.
CREATE TABLE mailguard_zips (
    message_id      TEXT NOT NULL REFERENCES mailguard_messages(id),
    rcpt            TEXT NOT NULL,
    org_id          BIGINT NOT NULL REFERENCES orgs(id),
    file_name       TEXT NOT NULL,
    files           BIGINT NOT NULL,
    size            BIGINT NOT NULL,
    password_sealed TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    PRIMARY KEY (message_id, rcpt)
);
CREATE INDEX mailguard_zips_org ON mailguard_zips(org_id, message_id);
