-- mamori schema 32 (SQLite): the links between incidents, near misses and
-- tasks. Each preventive action of an incident's closing review becomes a
-- one-off task (a keeper's routine of the chore once.incident_action): one
-- row per action, unique, so a review sent twice makes no second task. The
-- routine's service_id holds this row's id negated (as a near miss's task
-- holds the report's), since routines are unique per chore and service.
CREATE TABLE incident_tasks (
    id          INTEGER PRIMARY KEY,
    org_id      INTEGER NOT NULL REFERENCES orgs(id),
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    action_no   INTEGER NOT NULL,
    routine_id  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (org_id, incident_id, action_no)
);
CREATE INDEX incident_tasks_routine ON incident_tasks(org_id, routine_id);

-- A near miss escalated to an incident names it (0: none); the incident's
-- page finds its report the same way. Escalating twice opens one incident.
ALTER TABLE near_misses ADD COLUMN incident_id INTEGER NOT NULL DEFAULT 0;
