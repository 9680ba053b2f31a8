-- mamori schema 15 (PostgreSQL): the score by area (issue 8). Days recorded
-- before it keep their score on the old scale (method 1: one sum of
-- deductions from 100); the trend marks where method 2 (by area, over the
-- assessed areas only) begins. confidence is the share of the areas'
-- weight that had data, in percent.
ALTER TABLE posture_history ADD COLUMN method BIGINT NOT NULL DEFAULT 1;
ALTER TABLE posture_history ADD COLUMN confidence BIGINT NOT NULL DEFAULT 100;
-- A record's page lists the findings about it (a person's, about any of
-- their accounts, devices and shares).
CREATE INDEX findings_org_subject ON findings(org_id, subject_kind, subject_id);
