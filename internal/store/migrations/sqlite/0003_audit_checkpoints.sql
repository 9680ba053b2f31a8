-- Signed checkpoints of the audit chain: "entry seq had hash entry_hash at
-- time at", tagged with an HMAC under a key derived from the secret key,
-- which is not in the database. They reveal a chain rewritten with every
-- later hash recomputed, and one truncated below the newest checkpoint.
CREATE TABLE audit_checkpoint (
    id          INTEGER PRIMARY KEY,
    seq         INTEGER NOT NULL,
    entry_hash  TEXT NOT NULL,
    at          INTEGER NOT NULL,
    reason      TEXT NOT NULL,
    mac         TEXT NOT NULL
);
CREATE INDEX audit_checkpoint_seq ON audit_checkpoint(seq);

-- Append-only, like the trail itself.
CREATE TRIGGER audit_checkpoint_no_update BEFORE UPDATE ON audit_checkpoint
BEGIN SELECT RAISE(ABORT, 'audit_checkpoint is append-only'); END;
CREATE TRIGGER audit_checkpoint_no_delete BEFORE DELETE ON audit_checkpoint
BEGIN SELECT RAISE(ABORT, 'audit_checkpoint is append-only'); END;
