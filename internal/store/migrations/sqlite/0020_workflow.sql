-- mamori schema 20 (SQLite): joiner / mover / leaver checklists
-- (internal/workflow). A checklist belongs to one person and one event (a
-- leave date, a join date, a department change); its items are generated
-- from the inventory, closed by later data or by a person, or added by the
-- keeper. Days are YYYY-MM-DD text, times UTC microseconds.
CREATE TABLE checklists (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    person_id  INTEGER NOT NULL REFERENCES people(id),
    kind       TEXT NOT NULL,
    due_on     TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL DEFAULT 'open',
    created_at INTEGER NOT NULL,
    closed_at  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX checklists_org_person ON checklists(org_id, person_id, kind);
CREATE INDEX checklists_org_status ON checklists(org_id, status, due_on);

CREATE TABLE checklist_items (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    checklist_id INTEGER NOT NULL REFERENCES checklists(id),
    kind         TEXT NOT NULL,
    subject_kind TEXT NOT NULL DEFAULT '',
    subject_id   INTEGER NOT NULL DEFAULT 0,
    label        TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'open',
    reason       TEXT NOT NULL DEFAULT '',
    closed_by    INTEGER NOT NULL DEFAULT 0,
    closed_at    INTEGER NOT NULL DEFAULT 0,
    note         TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL
);
CREATE INDEX checklist_items_org_checklist ON checklist_items(org_id, checklist_id);
CREATE INDEX checklist_items_org_status ON checklist_items(org_id, status);

-- Each person's department as the last run saw it, to notice a move.
CREATE TABLE workflow_departments (
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    person_id  INTEGER NOT NULL REFERENCES people(id),
    department TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, person_id)
);
