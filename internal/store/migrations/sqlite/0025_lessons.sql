-- mamori schema 25 (SQLite): three-minute lessons — the organisation's own
-- lessons and edits of ours (every version kept, the newest in use), the
-- lessons asked of each person (by the joiner and yearly rules, after a
-- near miss or incident in their department, or by hand) and each person's
-- completions with their score.
CREATE TABLE lesson_versions (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    lesson     TEXT NOT NULL,
    version    INTEGER NOT NULL,
    source_ja  TEXT NOT NULL,
    source_en  TEXT NOT NULL,
    created_by INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    UNIQUE (org_id, lesson, version)
);
CREATE TABLE lesson_assignments (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    person_id   INTEGER NOT NULL REFERENCES people(id),
    lesson      TEXT NOT NULL,
    reason      TEXT NOT NULL,
    detail      TEXT NOT NULL DEFAULT '',
    assigned_on TEXT NOT NULL,
    due_on      TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);
CREATE INDEX lesson_assignments_person ON lesson_assignments(org_id, person_id);
CREATE TABLE lesson_completions (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES orgs(id),
    person_id    INTEGER NOT NULL DEFAULT 0,
    user_id      INTEGER NOT NULL DEFAULT 0,
    lesson       TEXT NOT NULL,
    version      INTEGER NOT NULL DEFAULT 0,
    score        INTEGER NOT NULL,
    total        INTEGER NOT NULL,
    passed       INTEGER NOT NULL,
    completed_on TEXT NOT NULL,
    completed_at INTEGER NOT NULL
);
CREATE INDEX lesson_completions_person ON lesson_completions(org_id, person_id);
