-- mamori schema 31 (SQLite): a counter per organisation that moves with
-- every change to the mail guard's figures that is not audited (a message
-- accepted, a link downloaded), so that the dashboard can keep those
-- figures with its other ones and read one number to know they are fresh.
CREATE TABLE mailguard_version (
    org_id INTEGER PRIMARY KEY REFERENCES orgs(id),
    n      INTEGER NOT NULL DEFAULT 0
);

-- The keeper's list of mail that can still be cancelled reads the held
-- messages newest first; without this it walks every message of the
-- organisation to find the few held.
CREATE INDEX mailguard_messages_state ON mailguard_messages(org_id, state, created_at);
