-- mamori schema 22 (SQLite): the IPA risk analysis (internal/risk). A risk is
-- one threat to one information asset of the ledger, with its threat and
-- vulnerability levels (1–3) and, above the company's acceptance line, a
-- treatment with a plan, an owner (a person of the inventory) and a due
-- day. 重要度, 被害発生可能性 and the risk value are computed, never stored.
-- Days are YYYY-MM-DD text, times UTC microseconds. The history is the
-- audit trail (risk:<id>).
CREATE TABLE risks (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES orgs(id),
    asset_id      INTEGER NOT NULL,
    threat        TEXT NOT NULL,
    threat_level  INTEGER NOT NULL,
    vulnerability INTEGER NOT NULL,
    treatment     TEXT NOT NULL DEFAULT '',
    plan          TEXT NOT NULL DEFAULT '',
    owner_id      INTEGER NOT NULL DEFAULT 0,
    due_on        TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'open',
    note          TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX risks_org_asset ON risks(org_id, asset_id, id);

-- The acceptance line each organisation sets; without a row the
-- guideline's default (risk.DefaultLine) applies.
CREATE TABLE risk_settings (
    org_id          INTEGER PRIMARY KEY REFERENCES orgs(id),
    acceptance_line INTEGER NOT NULL
);
