-- mamori schema 4 (SQLite): API tokens expire, an organisation bounds
-- their lifetime, and members are invited rather than added.

-- Tokens issued before expiry existed get the default maximum (90 days,
-- in microseconds) from their creation.
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
UPDATE api_tokens SET expires_at = created_at + 7776000000000;

-- The longest lifetime, in days, of a token used in this organisation.
ALTER TABLE orgs ADD COLUMN max_token_days INTEGER NOT NULL DEFAULT 90;

-- An invitation to join an organisation, addressed to an e-mail address
-- (normalised). It adds nobody until its addressee accepts it.
CREATE TABLE invitations (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    email        TEXT NOT NULL,
    role         TEXT NOT NULL,
    invited_by   INTEGER NOT NULL DEFAULT 0, -- user id; 0 for the command line
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    accepted_at  INTEGER NOT NULL DEFAULT 0,
    declined_at  INTEGER NOT NULL DEFAULT 0,
    cancelled_at INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX invitations_open ON invitations(org_id, email) WHERE accepted_at = 0 AND declined_at = 0 AND cancelled_at = 0;
CREATE INDEX invitations_email ON invitations(email);
