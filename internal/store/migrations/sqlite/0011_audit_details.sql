-- mamori schema 11 (SQLite): an import is one audit entry. The changes it
-- made to each record are its details, kept in chunks beside the entry; the
-- entry's own hash covers their SHA-256, so they are as tamper-evident as
-- the chain. A record's history still finds the import that changed it.

-- A chunk of the details of entry seq: the changes to records of one kind,
-- ids lo..hi in ascending order, as a JSON array.
CREATE TABLE audit_details (
    seq    INTEGER NOT NULL,
    part   INTEGER NOT NULL,
    org_id INTEGER NOT NULL,
    kind   TEXT NOT NULL,
    lo     INTEGER NOT NULL,
    hi     INTEGER NOT NULL,
    body   TEXT NOT NULL,
    PRIMARY KEY (seq, part)
) WITHOUT ROWID;

-- A record's history finds the chunks whose ids may hold it.
CREATE INDEX audit_details_range ON audit_details(org_id, kind, hi);

-- Which entry's details change a record ("account:12"): every change but
-- a creation, found by the chunks' ranges.
CREATE TABLE audit_targets (
    org_id INTEGER NOT NULL,
    target TEXT NOT NULL,
    seq    INTEGER NOT NULL,
    PRIMARY KEY (org_id, target, seq)
) WITHOUT ROWID;

CREATE TRIGGER audit_details_no_update BEFORE UPDATE ON audit_details
BEGIN SELECT RAISE(ABORT, 'audit_details is append-only'); END;
CREATE TRIGGER audit_details_no_delete BEFORE DELETE ON audit_details
BEGIN SELECT RAISE(ABORT, 'audit_details is append-only'); END;
CREATE TRIGGER audit_targets_no_update BEFORE UPDATE ON audit_targets
BEGIN SELECT RAISE(ABORT, 'audit_targets is append-only'); END;
CREATE TRIGGER audit_targets_no_delete BEFORE DELETE ON audit_targets
BEGIN SELECT RAISE(ABORT, 'audit_targets is append-only'); END;

-- A counter per organisation and kind of inventory record ("person",
-- "account", …), raised in the same transaction as every change to a record
-- of that kind: the findings evaluation keeps what it read in memory and
-- reads a kind again only when its counter moved, whichever app server
-- made the change.
CREATE TABLE inventory_versions (
    org_id  INTEGER NOT NULL,
    kind    TEXT NOT NULL,
    version INTEGER NOT NULL,
    PRIMARY KEY (org_id, kind)
);
