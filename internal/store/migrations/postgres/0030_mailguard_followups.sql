-- mamori schema 30 (PostgreSQL): the mail guard's follow-ups.
-- personal_action is what happens to personal data (of 1,000 people or
-- fewer) sent outside: 'confirm' holds it for the sender or approver,
-- 'refuse' refuses it at DATA; more than 1,000 people is always held.
-- retention_days is how long after its final state (done or cancelled) a
-- message's spool file and sealed attachments are kept; finished_at is
-- when it reached that state, purged_at when its files were removed (the
-- log keeps the rest).
ALTER TABLE mailguard_settings ADD COLUMN personal_action TEXT NOT NULL DEFAULT 'confirm';
ALTER TABLE mailguard_settings ADD COLUMN retention_days INTEGER NOT NULL DEFAULT 30;
ALTER TABLE mailguard_messages ADD COLUMN finished_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE mailguard_messages ADD COLUMN purged_at BIGINT NOT NULL DEFAULT 0;
UPDATE mailguard_messages SET finished_at = CASE WHEN decided_at > created_at THEN decided_at ELSE created_at END WHERE state IN ('done', 'cancelled');
-- link_code: download links ask for a one-time code per recipient, which
-- the sender passes on by phone; code_sealed is that code, sealed
-- (context "mailguard-code:<message>:<recipient>"), code_fails the wrong
-- codes tried on the recipient's links (at 5 they stop working).
ALTER TABLE mailguard_settings ADD COLUMN link_code INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mailguard_links ADD COLUMN code_sealed TEXT NOT NULL DEFAULT '';
ALTER TABLE mailguard_links ADD COLUMN code_fails INTEGER NOT NULL DEFAULT 0;
