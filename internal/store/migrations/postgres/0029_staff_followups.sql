-- mamori schema 29 (PostgreSQL): issue 11 follow-ups on the staff side. Anonymous
-- near misses are recorded in the audit trail once a day, after the day ends
-- (one entry per organisation and day, by a periodic job), so no entry's time or place in the chain
-- tells when within the day a report came in. audited = 0 marks a report
-- or a note the day's entry has not counted yet; everything before this
-- schema was audited as it happened.
ALTER TABLE near_misses ADD COLUMN audited INTEGER NOT NULL DEFAULT 1;
ALTER TABLE near_miss_notes ADD COLUMN audited INTEGER NOT NULL DEFAULT 1;
CREATE INDEX near_misses_unaudited ON near_misses(audited, day);
CREATE INDEX near_miss_notes_unaudited ON near_miss_notes(audited, day);

-- "Needs action" makes a one-off task: a keeper's routine of the chore
-- once.near_miss_action, due once. routine_id links the report to it (0:
-- none). The routine's service_id holds the report's id negated: routines
-- are unique per chore and service, and services have positive ids, so
-- each report gets its own one-off without colliding with a service.
ALTER TABLE near_misses ADD COLUMN routine_id INTEGER NOT NULL DEFAULT 0;

-- Windowed counters shared by every app server (the sign-in link's
-- limits): key is a keyed hash (seal.Box.MAC) of what is counted, never
-- an address; window_start is when the key's window began (Unix µs).
CREATE TABLE rate_counts (
    key          TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    n            INTEGER NOT NULL
);
CREATE INDEX rate_counts_window ON rate_counts(window_start);
