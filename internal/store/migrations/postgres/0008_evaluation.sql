-- mamori schema 8 (PostgreSQL): the follow-up of inventory changes. River's own
-- tables (river_job, …) are installed by River's migrator (jobs.Migrate).
-- One row per organisation: changed counts inventory changes (bumped in the
-- change's own transaction), evaluated is the count the last finished
-- evaluation had seen, and the lease keeps evaluations of one organisation
-- from overlapping, on one server or several.
CREATE TABLE org_evaluation (
    org_id      BIGINT PRIMARY KEY REFERENCES orgs(id),
    changed     BIGINT NOT NULL DEFAULT 0,
    evaluated   BIGINT NOT NULL DEFAULT 0,
    lease_owner TEXT NOT NULL DEFAULT '',
    lease_until BIGINT NOT NULL DEFAULT 0
);
