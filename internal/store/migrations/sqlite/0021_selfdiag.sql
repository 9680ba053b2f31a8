-- mamori schema 21 (SQLite): the self-diagnosis (internal/selfdiag) and the
-- cloud-service check. A sitting is one set of 25 answers, for the company
-- or one department; a merged sitting names the department sittings it
-- came from. Each answer keeps what mamori proposed from live data, so the
-- page shows whether it was confirmed or overridden, and the questions
-- flagged as contradicting the findings when it was taken. A cloud check
-- is the 15 points about one service, each marked with a note; every
-- check is kept. Days are YYYY-MM-DD text, times UTC microseconds.
CREATE TABLE selfdiag_sittings (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    department TEXT NOT NULL DEFAULT '',
    taken_on   TEXT NOT NULL,
    total      INTEGER NOT NULL,
    source     TEXT NOT NULL DEFAULT 'form',
    user_id    INTEGER NOT NULL DEFAULT 0,
    by_label   TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX selfdiag_sittings_org ON selfdiag_sittings(org_id, taken_on);

CREATE TABLE selfdiag_answers (
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    sitting_id INTEGER NOT NULL REFERENCES selfdiag_sittings(id),
    question   INTEGER NOT NULL,
    answer     TEXT NOT NULL,
    proposed   TEXT NOT NULL DEFAULT '',
    flagged    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (sitting_id, question)
);
CREATE INDEX selfdiag_answers_org ON selfdiag_answers(org_id, sitting_id);

CREATE TABLE selfdiag_merges (
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    sitting_id INTEGER NOT NULL REFERENCES selfdiag_sittings(id),
    source_id  INTEGER NOT NULL REFERENCES selfdiag_sittings(id),
    PRIMARY KEY (sitting_id, source_id)
);

CREATE TABLE cloud_checks (
    id         INTEGER PRIMARY KEY,
    org_id     INTEGER NOT NULL REFERENCES orgs(id),
    service_id INTEGER NOT NULL REFERENCES services(id),
    checked_on TEXT NOT NULL,
    complete   INTEGER NOT NULL DEFAULT 0,
    user_id    INTEGER NOT NULL DEFAULT 0,
    by_label   TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX cloud_checks_org_service ON cloud_checks(org_id, service_id, checked_on);

CREATE TABLE cloud_check_items (
    org_id   INTEGER NOT NULL REFERENCES orgs(id),
    check_id INTEGER NOT NULL REFERENCES cloud_checks(id),
    item     INTEGER NOT NULL,
    mark     TEXT NOT NULL DEFAULT '',
    note     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (check_id, item)
);
